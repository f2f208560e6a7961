"""Commands and typed messages: translate Telegram updates into ConversationService calls.

The dialog already understands its own command words in both languages, so ``/back`` and
``/summary`` send it ``back`` and ``summary`` (``/restart`` and ``/forget`` first ask to confirm, and
act only from that confirmation's button); anything typed goes
to it unchanged. A chat's first contact starts the conversation in the language of the
user's Telegram client. :func:`register_handlers` wires these, the buttons and the error handler.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.conversation_service import ConversationService
from bot.telegram.ask import register_ask_handlers
from bot.telegram.callbacks import CallbackHandlers
from bot.telegram.errors import on_error
from bot.telegram.faq_reply import faq_messages, search_faq
from bot.telegram.keyboards import (
    CONFIRM_PREFIX,
    FINISHED_PREFIX,
    QUESTION_PREFIX,
    RESULT_PREFIX,
    finished_keyboard,
)
from bot.telegram.menu import set_chat_menu
from bot.telegram.notices import (
    NOTICE_DETAILS_PREFIX,
    NOTICE_REFRESH_PREFIX,
    SUBSCRIBE_DATA,
    UNSUBSCRIBE_DATA,
)
from bot.telegram.render import plain_parts
from bot.telegram.replies import conversation_key, send_html, user_locale
from bot.telegram.subscriptions import SubscriptionHandlers
from dialogs.turn import Turn
from locales import t

Context = ContextTypes.DEFAULT_TYPE
CHANNEL = "telegram"
LANGUAGE_WORDS = {"en": "English", "zh-CN": "中文"}
"""What the dialog understands as "switch to this language"."""


def language_from_argument(argument: str) -> str | None:
    """``en`` / ``english`` / ``zh`` / ``cn`` / ``中文`` → a locale; ``None`` if not a language we speak."""
    word = argument.strip().lower().replace("_", "-")
    if word.startswith("en") or word in ("英文", "英语"):
        return "en"
    if word.startswith(("zh", "cn", "chinese")) or word in ("中文", "汉语", "简体中文"):
        return "zh-CN"
    return None


class ChatHandlers:
    """Command and message handlers of one Application, bound to its conversation service."""

    def __init__(self, service: ConversationService, callbacks: CallbackHandlers,
                 subscriptions: SubscriptionHandlers) -> None:
        self.service = service
        self.callbacks = callbacks
        self.subscriptions = subscriptions

    # -- helpers ---------------------------------------------------------------------------------

    @staticmethod
    def _chat_id(update: Update) -> int:
        assert update.effective_chat is not None
        return update.effective_chat.id

    async def _show(self, update: Update, context: Context, turn: Turn, lead: list[str] | None = None) -> None:
        await self.callbacks.show(update, context, turn, lead)

    async def _say(self, update: Update, context: Context, locale: str, key: str, **params: object) -> None:
        await send_html(context.bot, self._chat_id(update), plain_parts(t(locale, key, **params)))

    async def _dialog(self, update: Update, context: Context, text: str) -> None:
        """Send ``text`` to the dialog (starting the conversation on first contact) and show the turn."""
        key = conversation_key(self._chat_id(update))
        if await self.service.state(key) is None:
            turn = await self.service.start(key, user_locale(update), delivery=update.update_id)
        else:
            turn = await self.service.reply(key, text, channel=CHANNEL, delivery=update.update_id)
        await self._show(update, context, turn)

    # -- commands --------------------------------------------------------------------------------

    async def start(self, update: Update, context: Context) -> None:
        """Start, or show where the conversation stands; a finished one offers its result or a restart.
        ``/start <token>`` (the web widget's deep link) subscribes the chat with that web session's answers."""
        if context.args:
            await self.subscriptions.start_with_token(update, context, context.args[0])
            return
        key = conversation_key(self._chat_id(update))
        turn = await self.service.current(key)
        if turn is None:
            await self._show(update, context, await self.service.start(key, user_locale(update)))
        elif turn.done:
            await send_html(context.bot, self._chat_id(update), plain_parts(t(turn.locale, "telegram.start.done")),
                            finished_keyboard(turn.locale))
        else:
            await self._show(update, context, turn, plain_parts(t(turn.locale, "telegram.start.resume")))

    async def restart(self, update: Update, context: Context) -> None:
        """Ask to confirm; the confirmation's own button starts over."""
        if await self.service.state(conversation_key(self._chat_id(update))) is None:
            await self._dialog(update, context, "")
            return
        await self.callbacks.ask_to_confirm(update, context, "restart", await self._locale(update))

    async def back(self, update: Update, context: Context) -> None:
        await self._dialog(update, context, "back")

    async def summary(self, update: Update, context: Context) -> None:
        await self._dialog(update, context, "summary")

    async def lang(self, update: Update, context: Context) -> None:
        """``/lang`` toggles between Chinese and English; ``/lang en`` / ``/lang zh`` choose."""
        key = conversation_key(self._chat_id(update))
        state = await self.service.state(key)
        current = state.locale if state else user_locale(update)
        argument = " ".join(context.args or [])
        target = language_from_argument(argument) if argument else ("zh-CN" if current == "en" else "en")
        if target is None:
            await self._say(update, context, current, "telegram.lang_unknown", code=argument[:20])
            return
        if state is None:
            turn = await self.service.start(key, target, delivery=update.update_id)
        else:
            turn = await self.service.reply(key, LANGUAGE_WORDS[target], channel=CHANNEL, delivery=update.update_id)
        await self._show(update, context, turn)
        await set_chat_menu(context.bot, self._chat_id(update), turn.locale)

    async def faq(self, update: Update, context: Context) -> None:
        """``/faq <question>``: the best-matching clauses with their citations."""
        locale = await self._locale(update)
        query = " ".join(context.args or []).strip()
        if not query:
            await self._say(update, context, locale, "telegram.faq.usage")
            return
        results = await search_faq(query, locale)
        await send_html(context.bot, self._chat_id(update), faq_messages(query, results, locale))

    async def forget(self, update: Update, context: Context) -> None:
        """Ask to confirm; the button handler deletes."""
        await self.callbacks.ask_to_confirm(update, context, "forget", await self._locale(update))

    async def help(self, update: Update, context: Context) -> None:
        """The commands, then the open question again (so its buttons are at hand)."""
        key = conversation_key(self._chat_id(update))
        turn = await self.service.current(key)
        help_text = plain_parts(t(turn.locale if turn else user_locale(update), "telegram.help"))
        if turn is None or turn.done:
            await send_html(context.bot, self._chat_id(update), help_text)
        else:
            await self._show(update, context, turn, help_text)

    # -- messages --------------------------------------------------------------------------------

    async def text(self, update: Update, context: Context) -> None:
        """Anything typed (and unknown commands, which the dialog may know: ``/english``)."""
        assert update.effective_message is not None
        await self._dialog(update, context, update.effective_message.text or "")

    async def not_text(self, update: Update, context: Context) -> None:
        await self._say(update, context, await self._locale(update), "telegram.not_text")

    async def _locale(self, update: Update) -> str:
        state = await self.service.state(conversation_key(self._chat_id(update)))
        return state.locale if state else user_locale(update)


def register_handlers(application: Application, service: ConversationService,
                      public_base_url: str | None = None) -> None:
    """Add every handler of the awardbot Telegram channel (and its error handler) to ``application``.
    With ``public_base_url`` a result offers a link to its printable report."""
    buttons = CallbackHandlers(service, public_base_url)
    subscriptions = SubscriptionHandlers(service, buttons)
    chat = ChatHandlers(service, buttons, subscriptions)
    register_ask_handlers(application, service, buttons)  # /ask and "转人工": a group before these
    for name in ("start", "restart", "back", "summary", "lang", "faq", "forget", "help"):
        application.add_handler(CommandHandler(name, getattr(chat, name)))
    application.add_handler(CommandHandler("subscribe", subscriptions.subscribe))
    application.add_handler(CommandHandler("unsubscribe", subscriptions.unsubscribe))
    application.add_handler(CallbackQueryHandler(subscriptions.subscribe, pattern=rf"^{SUBSCRIBE_DATA}$"))
    application.add_handler(CallbackQueryHandler(subscriptions.unsubscribe, pattern=rf"^{UNSUBSCRIBE_DATA}$"))
    application.add_handler(CallbackQueryHandler(subscriptions.details, pattern=rf"^{NOTICE_DETAILS_PREFIX}:"))
    application.add_handler(CallbackQueryHandler(subscriptions.refresh, pattern=rf"^{NOTICE_REFRESH_PREFIX}:"))
    application.add_handler(CallbackQueryHandler(buttons.question, pattern=rf"^{QUESTION_PREFIX}:"))
    application.add_handler(CallbackQueryHandler(buttons.result, pattern=rf"^{RESULT_PREFIX}:"))
    application.add_handler(CallbackQueryHandler(buttons.confirm, pattern=rf"^{CONFIRM_PREFIX}:"))
    application.add_handler(CallbackQueryHandler(buttons.finished, pattern=rf"^{FINISHED_PREFIX}:"))
    application.add_handler(CallbackQueryHandler(buttons.unknown))
    application.add_handler(MessageHandler(filters.TEXT, chat.text))
    application.add_handler(MessageHandler(~filters.StatusUpdate.ALL, chat.not_text))
    application.add_error_handler(on_error)
