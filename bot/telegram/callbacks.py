"""Inline button presses: answers to the open question, toggles and pages, result details, confirmations.

Every callback query is answered (``answerCallbackQuery``), so the client stops its spinner. A
press is acted on only when its data is well formed, fingerprints the question (and turn) on
screen now, and comes from the message that question's keyboard was issued on (see
:mod:`bot.telegram.marks`); /forget and /restart act only from their own confirmation message.
Anything else — forged, stale or garbage data — gets a short notice and the current question
again, with its keyboard. Result detail buttons only read: they work from any message showing
the same result. An answer given by button is echoed into its question message.
"""

from __future__ import annotations

import contextlib
import secrets

from telegram import CallbackQuery, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.conversation_service import ConversationService
from bot.subscribing import follow_result
from bot.telegram.keyboards import (
    REPORT,
    Action,
    QuestionButton,
    confirm_keyboard,
    option_pages,
    page_of,
    parse_confirm_button,
    parse_question_button,
    parse_result_button,
    question_keyboard,
    question_tag,
    result_tag,
)
from bot.telegram.marks import ChatMarks, forget_marks, load_marks, save_marks
from bot.telegram.menu import clear_chat_menu
from bot.telegram.render import escape, plain_parts, with_answer
from bot.telegram.replies import (
    chat_data,
    conversation_key,
    forget_open_keyboard,
    remove_keyboard,
    retire_open_keyboard,
    send_html,
    send_turn,
    user_locale,
)
from dialogs.result_text import detail_text
from dialogs.selection import selection
from dialogs.turn import Expects, Turn
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


def dialog_answer(button: QuestionButton, expects: Expects, locale: str,
                  selected: frozenset[int] = frozenset()) -> tuple[str, str]:
    """What a button press says to the dialog, and how to echo it to the user; ``selected``: the
    multi-select options toggled on (kept in the stored dialog state)."""
    if button.action == Action.ANSWER and button.argument is not None:
        option = expects.options[button.argument]
        return option.id, option.label
    if button.action == Action.DONE:
        chosen = [option for index, option in enumerate(expects.options) if index in selected]
        separator = ", " if locale == "en" else "、"
        echo = separator.join(option.label for option in chosen) or t(locale, "telegram.answer_none")
        return ",".join(option.id for option in chosen) or NONE_WORD, echo
    return SKIP_WORD, t(locale, "telegram.buttons.skip")


def _indexes(expects: Expects, option_ids: list[str]) -> frozenset[int]:
    return frozenset(index for index, option in enumerate(expects.options) if option.id in option_ids)


def _fits(button: QuestionButton, turn: Turn) -> bool:
    """Whether ``button`` can belong to the question of ``turn`` (indexes in range, the right kind)."""
    expects = turn.expects
    assert expects is not None
    count = len(expects.options)
    if any(index >= count for index in button.selected):
        return False
    if button.action == Action.PAGE:
        return button.argument is not None and button.argument < len(option_pages(expects))
    if button.action in (Action.ANSWER, Action.TOGGLE):
        multi = expects.kind == "multi"
        return button.argument is not None and button.argument < count and multi == (button.action == Action.TOGGLE)
    if button.action == Action.DONE:
        return expects.kind == "multi"
    return True


class CallbackHandlers:
    """Callback-query handlers of one Application, bound to its conversation service."""

    def __init__(self, service: ConversationService, public_base_url: str | None = None) -> None:
        self.service = service
        self.public_base_url = public_base_url.rstrip("/") if public_base_url else None

    async def show(self, update: Update, context: Context, turn: Turn, lead: list[str] | None = None) -> None:
        """Send ``turn`` with its keyboard, marking the message that carries it."""
        await send_turn(context.bot, _chat_id(update), turn, chat_data(context), lead or [],
                        store=self.service.store, with_report=self.public_base_url is not None)
        if turn.done and turn.result is not None:  # a subscription follows the result the owner sees
            key = conversation_key(_chat_id(update))
            await follow_result(self.service.store, key, _chat_id(update), await self.service.state(key))

    async def question(self, update: Update, context: Context) -> None:
        query, key, message, marks = await self._press(update)
        button = parse_question_button(query.data if isinstance(query.data, str) else None)
        turn = await self.service.current(key)
        if (button is None or turn is None or turn.expects is None or message is None
                or marks.question != message.message_id or question_tag(turn) != button.tag
                or not _fits(button, turn)):
            await self._reshow(update, context, turn)
            return
        expects = turn.expects
        selected = await self._selection(key, expects)
        if button.action in (Action.TOGGLE, Action.PAGE):
            assert button.argument is not None
            if button.action == Action.TOGGLE:  # applied to the stored state: two fast taps both count
                chosen = await self.service.toggle(key, expects.field, expects.options[button.argument].id)
                selected = _indexes(expects, chosen or [])
                page = page_of(expects, button.argument)
            else:
                page = button.argument
            await query.answer()
            with contextlib.suppress(BadRequest):  # "message is not modified" after a double tap
                await query.edit_message_reply_markup(question_keyboard(turn, page, selected))
            return
        text, echo = dialog_answer(button, expects, turn.locale, selected)
        await query.answer()
        next_turn = await self.service.reply(key, text, channel=CHANNEL, delivery=update.update_id)
        await self._echo_answer(query, context, t(turn.locale, "telegram.answered", answer=echo))
        await self.show(update, context, next_turn)

    async def _selection(self, key: str, expects: Expects) -> frozenset[int]:
        """The options toggled on so far for a multi-select question, from the stored state."""
        if expects.kind != "multi":
            return frozenset()
        state = await self.service.state(key)
        return _indexes(expects, selection(state, expects.field) if state else [])

    async def result(self, update: Update, context: Context) -> None:
        """A detail of the result: the basis of each award, the possible items, near misses, other
        support, or the printable report's link."""
        query = update.callback_query
        assert query is not None
        parsed = parse_result_button(query.data if isinstance(query.data, str) else None)
        key = conversation_key(_chat_id(update))
        turn = await self.service.current(key)
        if parsed is None or turn is None or not turn.done or turn.result is None \
                or parsed[0] != result_tag(turn.result):
            await self._reshow(update, context, turn, "telegram.result.stale")
            return
        await query.answer()
        part = parsed[1]
        if part == REPORT:
            text = t(turn.locale, "telegram.result.report_link", url=await self._report_url(key, _chat_id(update)))
        else:
            text = detail_text(turn.result, part, turn.locale)
        await send_html(context.bot, _chat_id(update), plain_parts(text))

    async def confirm(self, update: Update, context: Context) -> None:
        """Yes or no on the confirmation of /forget or /restart, from that very message only."""
        query, key, message, marks = await self._press(update)
        chat_id = _chat_id(update)
        parsed = parse_confirm_button(query.data if isinstance(query.data, str) else None)
        if parsed is None or message is None or marks.confirm != message.message_id \
                or marks.confirm_action != parsed[0]:
            await self._reshow(update, context, await self.service.current(key))
            return
        action, confirmed = parsed
        state = await self.service.state(key)
        locale = state.locale if state else user_locale(update)
        await query.answer()
        await save_marks(self.service.store, chat_id, confirm=None, confirm_action=None)
        if confirmed and action == "forget":
            for report_key in marks.reports:
                await self.service.forget(report_key)
            await self.service.forget(key)
            await forget_marks(self.service.store, chat_id)
            await retire_open_keyboard(context.bot, chat_id, chat_data(context))
            chat_data(context).clear()
            await self._replace_text(query, plain_parts(t(locale, "telegram.forget.done"))[0])
            await clear_chat_menu(context.bot, chat_id)
            return
        if confirmed:  # restart
            await self._replace_text(query, plain_parts(t(locale, "telegram.restart.confirm"))[0])
            await self.show(update, context, await self.service.restart(key, delivery=update.update_id))
            return
        await self._replace_text(query, plain_parts(t(locale, f"telegram.{action}.cancelled"))[0])
        turn = await self.service.current(key)
        if turn is not None:  # back to where the user was
            await self.show(update, context, turn)

    async def ask_to_confirm(self, update: Update, context: Context, action: str, locale: str) -> None:
        """Send the confirmation of a destructive ``action`` and mark it as the one that may act."""
        sent = await send_html(context.bot, _chat_id(update), plain_parts(t(locale, f"telegram.{action}.confirm")),
                               confirm_keyboard(action, locale))
        if sent is not None:
            await save_marks(self.service.store, _chat_id(update), confirm=sent.message_id, confirm_action=action)

    async def finished(self, update: Update, context: Context) -> None:
        """The choice /start offers after a finished assessment: ``finished:result`` or ``finished:restart``."""
        query = update.callback_query
        assert query is not None
        key = conversation_key(_chat_id(update))
        turn = await self.service.current(key)
        if turn is None or not turn.done or query.data not in ("finished:result", "finished:restart"):
            await self._reshow(update, context, turn)
            return
        await query.answer()
        message = _message(query)
        if message is not None:
            await remove_keyboard(context.bot, message.chat_id, message.message_id)
        if query.data == "finished:restart":
            await self.ask_to_confirm(update, context, "restart", turn.locale)
        else:
            await self.show(update, context, turn)

    async def unknown(self, update: Update, context: Context) -> None:
        """A button this bot does not know (forged, garbage, or from an older version)."""
        await self._reshow(update, context, await self.service.current(conversation_key(_chat_id(update))))

    # -- helpers ---------------------------------------------------------------------------------

    async def _press(self, update: Update) -> tuple[CallbackQuery, str, Message | None, ChatMarks]:
        """The pressed query, the chat's conversation key, the message pressed on, the chat's marks."""
        query = update.callback_query
        assert query is not None
        marks = await load_marks(self.service.store, _chat_id(update))
        return query, conversation_key(_chat_id(update)), _message(query), marks

    async def _reshow(self, update: Update, context: Context, turn: Turn | None,
                      notice: str = "telegram.stale_button") -> None:
        """Not acted on: say so briefly, drop the pressed message's keyboard (unless it is the open
        confirmation), show the current question with its keyboard."""
        query = update.callback_query
        assert query is not None
        locale = turn.locale if turn is not None else user_locale(update)
        await query.answer(t(locale, notice))
        message = _message(query)
        marks = await load_marks(self.service.store, _chat_id(update))
        if message is not None and message.reply_markup is not None and message.message_id != marks.confirm:
            forget_open_keyboard(chat_data(context), message.message_id)  # an open confirmation stays open
            await remove_keyboard(query.get_bot(), message.chat_id, message.message_id)
        if turn is not None:
            await self.show(update, context, turn)

    async def _report_url(self, key: str, chat_id: int) -> str:
        """A printable report of this chat's answers: a copy under a new web session id (192 random bits),
        deleted with the chat's data by /forget."""
        from bot.web.deps import session_key

        conversation = await self.service.store.get(key)
        session_id = secrets.token_urlsafe(24)  # a stored session's id: 192 random bits
        state_json = conversation.state_json if conversation else "{}"
        await self.service.store.update(session_key(session_id), lambda _old: (state_json, None))
        marks = await load_marks(self.service.store, chat_id)
        await save_marks(self.service.store, chat_id, reports=[*marks.reports, session_key(session_id)])
        return f"{self.public_base_url}/api/sessions/{session_id}/report"

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
