"""Sending change notices to Telegram (for ``awardbot notify``), and their buttons.

:func:`notice_bot` is a PTB ``ExtBot`` with :class:`telegram.ext.AIORateLimiter` (Telegram's
limits: 30 messages a second overall, RetryAfter waited out and retried); :func:`telegram_sender`
turns its answers into what :mod:`bot.notify_run` needs to decide exactly-once: accepted (the
message id), blocked (``Forbidden``: unsubscribe), uncertain (``TimedOut``: may have arrived), or
refused before it left (anything else: retried by the next run).

A notice carries buttons: "details" (``nd:<notice id>``: the clauses' verbatim text, read from the
outbox row) and "stop notices" (``nu``), and the yearly prompt "update my figures"
(``nr:<notice id>``: reopens the conversation with the old answers, see
:mod:`bot.telegram.subscriptions`).
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError, TimedOut
from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import BaseRequest

from bot.notify_run import ChatBlocked, NoticeSender, SendRefused, SendUncertain
from bot.store import OutboxNotice
from bot.telegram.keyboards import SUBSCRIBE_DATA
from bot.telegram.render import plain_parts
from locales import t

NOTICE_DETAILS_PREFIX = "nd"
NOTICE_REFRESH_PREFIX = "nr"
UNSUBSCRIBE_DATA = "nu"
FLOOD_RETRIES = 3
__all__ = ["SUBSCRIBE_DATA", "notice_bot", "notice_keyboard", "parse_notice_button", "telegram_sender"]
CHAT_GONE = ("chat not found", "user is deactivated", "bot was kicked")
"""BadRequest descriptions that mean the chat can never be written to again: treated as blocked."""


def notice_keyboard(notice: OutboxNotice, locale: str) -> InlineKeyboardMarkup:
    if notice.kind == "refresh":
        return InlineKeyboardMarkup([[
            InlineKeyboardButton(t(locale, "notice.buttons.refresh"),
                                 callback_data=f"{NOTICE_REFRESH_PREFIX}:{notice.id}"),
            InlineKeyboardButton(t(locale, "notice.buttons.unsubscribe"), callback_data=UNSUBSCRIBE_DATA)]])
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(locale, "notice.buttons.details"), callback_data=f"{NOTICE_DETAILS_PREFIX}:{notice.id}"),
        InlineKeyboardButton(t(locale, "notice.buttons.unsubscribe"), callback_data=UNSUBSCRIBE_DATA)]])


def parse_notice_button(data: str | None, prefix: str) -> str | None:
    """The notice id of an ``nd:`` / ``nr:`` button; None if it is not a well-formed one."""
    head, _, notice_id = (data or "").partition(":")
    if head != prefix or not (0 < len(notice_id) <= 40) or not notice_id.isalnum():
        return None
    return notice_id


def notice_bot(token: str, base_url: str | None = None, request: BaseRequest | None = None) -> ExtBot:
    """A bot for sending notices, rate-limited (use ``async with`` to initialise and shut it down)."""
    options = {"base_url": base_url} if base_url else {}
    return ExtBot(token, request=request, rate_limiter=AIORateLimiter(max_retries=FLOOD_RETRIES), **options)


def telegram_sender(bot: ExtBot) -> NoticeSender:
    """Send a notice with ``bot``: its text (one screen) with its buttons, in the notice's language."""

    async def send(notice: OutboxNotice) -> int | None:
        locale = notice.body.get("locale", "zh-CN")
        parts = [part for message in notice.body["messages"] for part in plain_parts(message)]
        sent = None
        try:
            for position, part in enumerate(parts):
                markup = notice_keyboard(notice, locale) if position == len(parts) - 1 else None
                sent = await bot.send_message(notice.chat_id, part, parse_mode=ParseMode.HTML, reply_markup=markup)
        except Forbidden as exc:
            raise ChatBlocked(str(exc)) from exc
        except TimedOut as exc:
            raise SendUncertain(str(exc)) from exc
        except BadRequest as exc:
            if any(reason in exc.message.lower() for reason in CHAT_GONE):
                raise ChatBlocked(exc.message) from exc
            raise SendRefused(exc.message) from exc
        except TelegramError as exc:
            raise SendRefused(f"{type(exc).__name__}: {exc}") from exc
        return sent.message_id if sent is not None else None

    return send
