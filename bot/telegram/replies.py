"""Sending dialog turns and texts to a chat, and the small per-chat bookkeeping that goes with it.

``chat_data`` (in memory only; the conversation itself lives in the store) remembers the
chat's language, for error messages that must not depend on the store, and the message that
carries the open question's keyboard, so the keyboard can be removed once the question moves
on. Losing either (a restart) only costs that cosmetic clean-up: stale buttons are answered
politely by the button handler anyway.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import MutableMapping, Sequence
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import CallbackContext

from bot.store import Store
from bot.telegram.keyboards import question_keyboard, result_keyboard
from bot.telegram.marks import save_marks
from bot.telegram.render import pack, turn_messages
from dialogs.turn import Turn
from locales import normalize_locale

log = logging.getLogger(__name__)

CHAT_KEY_PREFIX = "tg:"
LOCALE_SLOT = "locale"
KEYBOARD_MESSAGE_SLOT = "keyboard_message_id"

ChatData = MutableMapping[str, Any]


def chat_data(context: CallbackContext[Any, Any, Any, Any]) -> ChatData:
    """The chat's in-memory data (a throwaway dict for updates without a chat)."""
    return context.chat_data if context.chat_data is not None else {}


def conversation_key(chat_id: int) -> str:
    """The store key of a Telegram chat's conversation."""
    return f"{CHAT_KEY_PREFIX}{chat_id}"


def user_locale(update: Update) -> str:
    """The locale of the user's Telegram client (``language_code``), normalised."""
    user = update.effective_user
    return normalize_locale(user.language_code if user else None)


def known_locale(update: Update, chat_data: ChatData | None) -> str:
    """The chat's language as last shown, else the user's client language (no store access)."""
    remembered = (chat_data or {}).get(LOCALE_SLOT)
    return remembered if isinstance(remembered, str) else user_locale(update)


async def send_html(bot: Bot, chat_id: int, messages: Sequence[str],
                    keyboard: InlineKeyboardMarkup | None = None) -> Message | None:
    """Send HTML ``messages`` in order; the keyboard goes under the last one, which is returned."""
    sent: Message | None = None
    for position, text in enumerate(messages):
        markup = keyboard if position == len(messages) - 1 else None
        sent = await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)
    return sent


async def remove_keyboard(bot: Bot, chat_id: int, message_id: int) -> None:
    """Take the inline keyboard off a message; a message that is gone or unchanged is fine."""
    with contextlib.suppress(BadRequest):
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)


async def retire_open_keyboard(bot: Bot, chat_id: int, chat_data: ChatData) -> None:
    """Remove the keyboard of the previous question, which a new turn replaces."""
    message_id = chat_data.pop(KEYBOARD_MESSAGE_SLOT, None)
    if isinstance(message_id, int):
        await remove_keyboard(bot, chat_id, message_id)


def forget_open_keyboard(chat_data: ChatData, message_id: int) -> None:
    """The keyboard of ``message_id`` was removed already (its question was answered by a button)."""
    if chat_data.get(KEYBOARD_MESSAGE_SLOT) == message_id:
        del chat_data[KEYBOARD_MESSAGE_SLOT]


async def send_turn(bot: Bot, chat_id: int, turn: Turn, chat_data: ChatData, lead: Sequence[str] = (),
                    *, store: Store | None = None, with_report: bool = False) -> Message | None:
    """Show a dialog turn (after any HTML ``lead`` parts), packed into few messages, the keyboard last:
    the question's, or the result's detail buttons. The message carrying it is marked in ``store``,
    so only that message's buttons are acted on."""
    chat_data[LOCALE_SLOT] = turn.locale
    await retire_open_keyboard(bot, chat_id, chat_data)
    if turn.expects is not None:
        keyboard = question_keyboard(turn)
    elif turn.done:
        keyboard = result_keyboard(turn, with_report)
    else:
        keyboard = None
    if turn.done and turn.result is not None and turn.messages:  # the result on a screen of its own
        before = turn.model_copy(update={"messages": turn.messages[:-1]})
        messages = [*pack([*lead, *turn_messages(before)]), *pack(turn_messages(turn.model_copy(
            update={"messages": turn.messages[-1:]})))]
    else:
        messages = pack([*lead, *turn_messages(turn)])
    sent = await send_html(bot, chat_id, [message for message in messages if message], keyboard)
    if keyboard is not None and sent is not None:
        chat_data[KEYBOARD_MESSAGE_SLOT] = sent.message_id
    if store is not None and sent is not None:
        slot = "question" if turn.expects is not None else "result"
        await save_marks(store, chat_id, **{slot: sent.message_id if keyboard is not None else None})
    return sent
