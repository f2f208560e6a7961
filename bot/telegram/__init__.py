"""The Telegram channel of awardbot: python-telegram-bot handlers over the shared ConversationService.

``awardbot serve`` uses :func:`build_application`, :func:`start_telegram` and :func:`stop_telegram`
(or the :func:`telegram_running` context manager); see :mod:`bot.telegram.app`.
"""

from bot.telegram.app import build_application, start_telegram, stop_telegram, telegram_running

__all__ = ["build_application", "start_telegram", "stop_telegram", "telegram_running"]
