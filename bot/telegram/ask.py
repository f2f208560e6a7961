"""Ask a person in Telegram: ``/ask``, or "转人工" / "talk to a person" typed at any point.

The owner writes the question (or gives it with the words: ``/ask 能申请算力券吗``), is asked plainly
whether the answers and the result may be attached (buttons, or 是 / 否 typed), and the question goes
to the help desk (:class:`bot.questions.service.QuestionService`); what was sent is said back and the
conversation's question is shown again, every answer kept. The handlers run in a group before the
dialog's (:data:`ASK_GROUP`) and stop the update there only when it belongs to a question being
left, so everything else reaches the dialog unchanged. The staff's answer comes back through
:mod:`bot.questions.delivery`.
"""

from __future__ import annotations

import contextlib
import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.conversation_service import ConversationService
from bot.questions.asking import (
    PendingAsk,
    ask_request,
    begin,
    is_cancel,
    load_pending,
    pending_key,
    question_problem,
)
from bot.questions.models import MAX_QUESTION_CHARS
from bot.questions.service import QuestionService
from bot.telegram.callbacks import CallbackHandlers
from bot.telegram.render import plain_parts
from bot.telegram.replies import conversation_key, send_html, user_locale
from dialogs.parse.outcomes import Ok
from dialogs.parse.yesno import parse_bool
from locales import t

Context = ContextTypes.DEFAULT_TYPE
ASK_PREFIX = "ask"
ASK_GROUP = -1
"""Handler group of these handlers: before the dialog's (group 0)."""


def consent_keyboard(pending: PendingAsk, locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(locale, "ask.consent_yes"), callback_data=f"{ASK_PREFIX}:{pending.request_id}:yes"),
        InlineKeyboardButton(t(locale, "ask.consent_no"), callback_data=f"{ASK_PREFIX}:{pending.request_id}:no"),
    ]])


def parse_consent_button(data: str | None) -> tuple[str, bool] | None:
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != ASK_PREFIX or parts[2] not in ("yes", "no"):
        return None
    return parts[1], parts[2] == "yes"


class AskHandlers:
    def __init__(self, service: ConversationService, callbacks: CallbackHandlers) -> None:
        self.service = service
        self.questions = QuestionService(service)
        self.callbacks = callbacks

    # -- helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _chat_id(update: Update) -> int:
        assert update.effective_chat is not None
        return update.effective_chat.id

    async def _locale(self, update: Update) -> str:
        state = await self.service.state(conversation_key(self._chat_id(update)))
        return state.locale if state else user_locale(update)

    async def _pending(self, key: str) -> PendingAsk | None:
        stored = await self.service.store.get(pending_key(key))
        return load_pending(stored.state_json if stored else None)

    async def _save(self, key: str, pending: PendingAsk) -> None:
        await self.service.store.update(pending_key(key), lambda _old: (pending.to_json(), None))

    async def _say(self, update: Update, context: Context, text: str,
                   keyboard: InlineKeyboardMarkup | None = None) -> Message | None:
        return await send_html(context.bot, self._chat_id(update), plain_parts(text), keyboard)

    async def _back_to_the_dialog(self, update: Update, context: Context, locale: str) -> None:
        """Show the conversation's question (or result) again; start the conversation if there is none."""
        key = conversation_key(self._chat_id(update))
        turn = await self.service.current(key)
        if turn is None:
            turn = await self.service.start(key, locale)
        await self.callbacks.show(update, context, turn)

    async def _ask_consent(self, update: Update, context: Context, pending: PendingAsk, locale: str,
                           key: str = "ask.consent") -> None:
        await self._say(update, context, t(locale, key), consent_keyboard(pending, locale))

    async def _begin(self, update: Update, context: Context, text: str) -> None:
        key = conversation_key(self._chat_id(update))
        locale = await self._locale(update)
        pending = begin(text)
        await self._save(key, pending)
        if pending.stage == "consent":
            await self._ask_consent(update, context, pending, locale)
            return
        if text:  # given with the words, but empty or too long
            problem = question_problem(text)
            if problem:
                await self._say(update, context, t(locale, problem, limit=MAX_QUESTION_CHARS))
        await self._say(update, context, t(locale, "ask.prompt", limit=MAX_QUESTION_CHARS))

    async def _submit(self, update: Update, context: Context, pending: PendingAsk, consent: bool) -> bool:
        """Leave the question; False when it was left already (a second press of the same button)."""
        key = conversation_key(self._chat_id(update))
        locale = await self._locale(update)
        question, added = await self.questions.leave(key, pending.text, consent=consent, channel="telegram",
                                                     request_id=pending.request_id, locale=locale)
        await self.service.store.delete_conversation(pending_key(key))
        if not added:
            return False
        lines = [t(locale, "ask.sent", text=question.text), t(locale, "ask.sent_with" if consent else "ask.sent_without"),
                 t(locale, "ask.sent_next")]
        await self._say(update, context, "\n".join(lines))
        await self._back_to_the_dialog(update, context, locale)
        return True

    # -- handlers --------------------------------------------------------------------------------

    async def command(self, update: Update, context: Context) -> None:
        """``/ask`` or ``/ask <question>``."""
        await self._begin(update, context, " ".join(context.args or []).strip())
        raise ApplicationHandlerStop

    async def text(self, update: Update, context: Context) -> None:
        """Typed text: the question being left, the consent, cancel, or the words asking for a person.
        Anything else goes on to the dialog."""
        assert update.effective_message is not None
        text = update.effective_message.text or ""
        key = conversation_key(self._chat_id(update))
        pending = await self._pending(key)
        if pending is None:
            request = ask_request(text)
            if request is None:
                return  # the dialog's
            await self._begin(update, context, request)
            raise ApplicationHandlerStop
        locale = await self._locale(update)
        if is_cancel(text):
            await self.service.store.delete_conversation(pending_key(key))
            await self._say(update, context, t(locale, "ask.cancelled"))
            await self._back_to_the_dialog(update, context, locale)
        elif pending.stage == "text":
            request = ask_request(text)
            given = text if request is None else request
            if request == "":  # the words again, nothing else: ask for the question again
                await self._say(update, context, t(locale, "ask.prompt", limit=MAX_QUESTION_CHARS))
            elif (problem := question_problem(given)) is not None:
                await self._say(update, context, t(locale, problem, limit=MAX_QUESTION_CHARS))
            else:
                pending = pending.model_copy(update={"stage": "consent", "text": given.strip()})
                await self._save(key, pending)
                await self._ask_consent(update, context, pending, locale)
        else:
            outcome = parse_bool(text)
            if isinstance(outcome, Ok):
                await self._submit(update, context, pending, bool(outcome.value))
            else:
                await self._ask_consent(update, context, pending, locale, "ask.consent_again")
        raise ApplicationHandlerStop

    async def consent_button(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        key = conversation_key(self._chat_id(update))
        parsed = parse_consent_button(query.data if isinstance(query.data, str) else None)
        pending = await self._pending(key)
        locale = await self._locale(update)
        if parsed is None or pending is None or pending.stage != "consent" or pending.request_id != parsed[0]:
            await query.answer(t(locale, "ask.stale"))
            with contextlib.suppress(BadRequest):
                await query.edit_message_reply_markup(None)
            raise ApplicationHandlerStop
        consent = parsed[1]
        await query.answer()
        with contextlib.suppress(BadRequest):  # the choice stays visible under the consent question
            chosen = t(locale, "ask.consent_yes" if consent else "ask.consent_no")
            await query.edit_message_text(f"{html.escape(t(locale, 'ask.consent'), quote=False)}\n"
                                          f"<b>{html.escape(chosen, quote=False)}</b>", parse_mode=ParseMode.HTML)
        await self._submit(update, context, pending, consent)
        raise ApplicationHandlerStop


    async def moved_on(self, update: Update, context: Context) -> None:
        """Another button or command: the owner moved on, so a question being left is dropped (unsent);
        the update goes on to its own handler."""
        if update.effective_chat is not None:
            await self.service.store.delete_conversation(pending_key(conversation_key(update.effective_chat.id)))


def register_ask_handlers(application: Application, service: ConversationService, callbacks: CallbackHandlers) -> None:
    """In :data:`ASK_GROUP`, the first that fits an update handles it there: /ask, the consent buttons,
    typed text, then any other button or command (which only drops a question being left)."""
    ask = AskHandlers(service, callbacks)
    application.add_handler(CommandHandler("ask", ask.command), group=ASK_GROUP)
    application.add_handler(CallbackQueryHandler(ask.consent_button, pattern=rf"^{ASK_PREFIX}:"), group=ASK_GROUP)
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, ask.text), group=ASK_GROUP)
    application.add_handler(CallbackQueryHandler(ask.moved_on), group=ASK_GROUP)
    application.add_handler(MessageHandler(filters.COMMAND, ask.moved_on), group=ASK_GROUP)
