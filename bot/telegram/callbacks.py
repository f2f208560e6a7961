"""Inline button presses: answers to the open question, multi-select toggles, /forget and /start choices.

Every callback query is answered (``answerCallbackQuery``), so the client stops its spinner.
A question button is resolved against the conversation's current turn; a button of an old
question (or of a conversation deleted since) gets a polite toast and loses its keyboard.
An answer given by button is echoed into its question message, which also drops the keyboard.
"""

from __future__ import annotations

import contextlib

from telegram import CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.conversation_service import ConversationService
from bot.telegram.keyboards import (
    Action,
    QuestionButton,
    parse_question_button,
    question_keyboard,
    question_tag,
    selected_indexes,
)
from bot.telegram.menu import clear_chat_menu
from bot.telegram.render import escape, plain_parts, with_answer
from bot.telegram.replies import (
    chat_data,
    conversation_key,
    forget_open_keyboard,
    remove_keyboard,
    retire_open_keyboard,
    send_turn,
    user_locale,
)
from dialogs.turn import Expects
from locales import t

Context = ContextTypes.DEFAULT_TYPE
CHANNEL = "telegram"
SKIP_WORD = "skip"  # understood by the dialog in either language
NONE_WORD = "none"  # "no option applies", likewise


def _message(query: CallbackQuery) -> Message | None:
    """The message the button sits on, if Telegram still lets the bot see it."""
    return query.message if isinstance(query.message, Message) else None


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


def dialog_answer(button: QuestionButton, expects: Expects, selected: frozenset[int], locale: str) -> tuple[str, str]:
    """What a button press says to the dialog, and how to echo it to the user."""
    if button.action == Action.ANSWER and button.index is not None:
        option = expects.options[button.index]
        return option.id, option.label
    if button.action == Action.DONE:
        chosen = [option for index, option in enumerate(expects.options) if index in selected]
        separator = ", " if locale == "en" else "、"
        echo = separator.join(option.label for option in chosen) or t(locale, "telegram.answer_none")
        return ",".join(option.id for option in chosen) or NONE_WORD, echo
    return SKIP_WORD, t(locale, "telegram.buttons.skip")


class CallbackHandlers:
    """Callback-query handlers of one Application, bound to its conversation service."""

    def __init__(self, service: ConversationService) -> None:
        self.service = service

    async def question(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        key = conversation_key(_chat_id(update))
        button = parse_question_button(query.data if isinstance(query.data, str) else None)
        turn = await self.service.current(key)
        locale = turn.locale if turn is not None else user_locale(update)
        expects = turn.expects if turn is not None and not turn.done else None
        message = _message(query)
        if (button is None or expects is None or question_tag(expects) != button.tag
                or (button.index is not None and button.index >= len(expects.options))
                or (message is None and button.action in (Action.TOGGLE, Action.DONE))):  # selection unreadable
            await self._stale(query, locale)
            return
        selected = selected_indexes(message.reply_markup if message else None)
        if button.action == Action.TOGGLE and button.index is not None:
            await query.answer()
            await query.edit_message_reply_markup(question_keyboard(expects, locale, selected ^ {button.index}))
            return
        text, echo = dialog_answer(button, expects, selected, locale)
        await query.answer()
        next_turn = await self.service.reply(key, text, channel=CHANNEL)
        await self._echo_answer(query, context, t(locale, "telegram.answered", answer=echo))
        await send_turn(context.bot, _chat_id(update), next_turn, chat_data(context))

    async def forget(self, update: Update, context: Context) -> None:
        """``forget:confirm`` deletes this chat's conversation and records; ``forget:cancel`` keeps them."""
        query = update.callback_query
        assert query is not None
        key = conversation_key(_chat_id(update))
        state = await self.service.state(key)
        locale = state.locale if state else user_locale(update)
        if query.data == "forget:confirm":
            await self.service.forget(key)
            await retire_open_keyboard(context.bot, _chat_id(update), chat_data(context))
            chat_data(context).clear()
            outcome = "telegram.forget.done"
        else:
            outcome = "telegram.forget.cancelled"
        await query.answer()
        await self._replace_text(query, plain_parts(t(locale, outcome))[0])
        if outcome == "telegram.forget.done":
            await clear_chat_menu(context.bot, _chat_id(update))

    async def finished(self, update: Update, context: Context) -> None:
        """The choice /start offers after a finished assessment: ``finished:result`` or ``finished:restart``."""
        query = update.callback_query
        assert query is not None
        key = conversation_key(_chat_id(update))
        turn = await self.service.current(key)
        if turn is not None and not turn.done:  # an old offer: the user has moved on since
            await self._stale(query, turn.locale)
            return
        await query.answer()
        message = _message(query)
        if message is not None:
            await remove_keyboard(context.bot, message.chat_id, message.message_id)
        if turn is None:
            turn = await self.service.start(key, user_locale(update))
        elif query.data == "finished:restart":
            turn = await self.service.reply(key, "restart", channel=CHANNEL)
        await send_turn(context.bot, _chat_id(update), turn, chat_data(context))

    async def unknown(self, update: Update, context: Context) -> None:
        """A button this bot no longer knows (e.g. from an older version)."""
        assert update.callback_query is not None
        await self._stale(update.callback_query, user_locale(update))

    # -- helpers ---------------------------------------------------------------------------------

    @staticmethod
    async def _stale(query: CallbackQuery, locale: str) -> None:
        await query.answer(t(locale, "telegram.stale_button"))
        message = _message(query)
        if message is not None and message.reply_markup is not None:
            await remove_keyboard(query.get_bot(), message.chat_id, message.message_id)

    @staticmethod
    async def _echo_answer(query: CallbackQuery, context: Context, answer: str) -> None:
        """Append the chosen answer to the question message and drop its keyboard."""
        message = _message(query)
        if message is None:
            return
        forget_open_keyboard(chat_data(context), message.message_id)
        text = with_answer(message.text_html if message.text else "", f"<b>{escape(answer)}</b>")
        with contextlib.suppress(BadRequest):
            if text is not None and message.text:
                await query.edit_message_text(text, parse_mode=ParseMode.HTML)
            else:
                await query.edit_message_reply_markup(None)

    @staticmethod
    async def _replace_text(query: CallbackQuery, html_text: str) -> None:
        with contextlib.suppress(BadRequest):
            await query.edit_message_text(html_text, parse_mode=ParseMode.HTML)
