"""The error handler: log the failure without user data, and tell the user politely.

Log lines at INFO and above never carry message texts or figures: an error is logged with
its type and stack frames only (the exception's own message may quote what the user typed);
the full exception is logged at DEBUG. The user gets the localised ``telegram.error`` text, and
a pending button press is answered, so the chat never goes silent.
"""

from __future__ import annotations

import contextlib
import logging
import traceback

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.telegram.render import plain_parts
from bot.telegram.replies import known_locale, send_html
from locales import t

log = logging.getLogger(__name__)


def _where(error: BaseException) -> str:
    """The stack of ``error`` without its message."""
    return "".join(traceback.format_tb(error.__traceback__)).rstrip()


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    error = context.error
    if error is None:
        return
    update_id = update.update_id if isinstance(update, Update) else None
    log.error("Telegram update %s failed: %s\n%s", update_id, type(error).__name__, _where(error))
    log.debug("Telegram update %s failed", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    text = t(known_locale(update, context.chat_data), "telegram.error")
    if update.callback_query is not None:
        with contextlib.suppress(TelegramError):  # already answered, or too old to answer
            await update.callback_query.answer()
    try:
        await send_html(context.bot, update.effective_chat.id, plain_parts(text))
    except TelegramError as send_error:
        log.error("could not tell the user about the failure: %s", type(send_error).__name__)
