"""Telegram side of change notices: opting in and out, the web deep link, and the notices' buttons.

- ``/subscribe`` and the result's “🔔 有变化时通知我” button (``ns``) subscribe a chat whose assessment is
  finished (:mod:`bot.subscribing`); ``/unsubscribe`` and a notice's “不再提醒” (``nu``) stop it.
- ``/start <token>`` (from ``https://t.me/<bot>?start=<token>``, offered by the web widget) takes the
  single-use token, subscribes the chat with that web session's answers, and — when the chat has no
  conversation of its own — copies the web conversation into it, so its result and buttons are at hand.
  A used, expired or unknown token gets its own clear message.
- A notice's “详情” (``nd:<id>``) sends the changed clauses' verbatim text, read from the outbox row
  (only in the chat it was sent to); the yearly prompt's “更新数据” (``nr:<id>``) reopens the conversation
  with the subscription's answers, asking the yearly figures again (:func:`dialogs.conversation.start_refresh`).
"""

from __future__ import annotations

import time

from telegram import Update
from telegram.ext import ContextTypes

from bot.conversation_service import ConversationService
from bot.subscribing import follow_result, subscribe
from bot.telegram.callbacks import CallbackHandlers
from bot.telegram.notices import NOTICE_DETAILS_PREFIX, NOTICE_REFRESH_PREFIX, parse_notice_button
from bot.telegram.render import plain_parts
from bot.telegram.replies import conversation_key, send_html, user_locale
from dialogs.turn import Turn
from locales import t

Context = ContextTypes.DEFAULT_TYPE


def _chat_id(update: Update) -> int:
    assert update.effective_chat is not None
    return update.effective_chat.id


class SubscriptionHandlers:
    """Subscription commands and buttons of one Application, bound to its conversation service."""

    def __init__(self, service: ConversationService, callbacks: CallbackHandlers) -> None:
        self.service = service
        self.store = service.store
        self.callbacks = callbacks

    async def _say(self, update: Update, context: Context, locale: str, key: str) -> None:
        await send_html(context.bot, _chat_id(update), plain_parts(t(locale, key)))

    async def _locale(self, update: Update) -> str:
        state = await self.service.state(conversation_key(_chat_id(update)))
        return state.locale if state else user_locale(update)

    # -- opting in and out -----------------------------------------------------------------------

    async def subscribe(self, update: Update, context: Context) -> None:
        """``/subscribe`` or the result's button: subscribe a chat with a finished assessment."""
        if update.callback_query is not None:
            await update.callback_query.answer()
        key = conversation_key(_chat_id(update))
        state = await self.service.state(key)
        locale = state.locale if state else user_locale(update)
        if state is None or not state.done:
            await self._say(update, context, locale, "subscription.no_result")
            return
        new = await subscribe(self.store, key, _chat_id(update), state)
        await self._say(update, context, locale, "subscription.subscribed" if new else "subscription.already")

    async def unsubscribe(self, update: Update, context: Context) -> None:
        """``/unsubscribe`` or a notice's button."""
        if update.callback_query is not None:
            await update.callback_query.answer()
        removed = await self.store.delete_subscription(conversation_key(_chat_id(update)))
        await self._say(update, context, await self._locale(update),
                        "subscription.unsubscribed" if removed else "subscription.not_subscribed")

    async def follow(self, update: Update, turn: Turn) -> None:
        """After a result was shown in this chat: a subscription follows it."""
        if turn.done and turn.result is not None:
            key = conversation_key(_chat_id(update))
            await follow_result(self.store, key, _chat_id(update), await self.service.state(key))

    # -- the web deep link -----------------------------------------------------------------------

    async def start_with_token(self, update: Update, context: Context, token: str) -> None:
        chat_id = _chat_id(update)
        key = conversation_key(chat_id)
        taken = await self.store.take_link_token(token[:64], time.time())
        locale = await self._locale(update)
        if taken.status != "ok" or taken.conversation_key is None:
            await self._say(update, context, locale, f"subscription.link.{taken.status}")
            return
        web = await self.store.get(taken.conversation_key)
        web_state = await self.service.state(taken.conversation_key)
        if web is None or web_state is None or not web_state.done:
            await self._say(update, context, locale, "subscription.link.no_result")
            return
        await subscribe(self.store, key, chat_id, web_state)
        copied = web.state_json
        await self.store.update(key, lambda old: (old if old is not None else copied, None))
        await self._say(update, context, web_state.locale, "subscription.link.bound")
        turn = await self.service.current(key)
        if turn is not None:
            await self.callbacks.show(update, context, turn)

    # -- a notice's buttons ----------------------------------------------------------------------

    async def details(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        notice_id = parse_notice_button(query.data if isinstance(query.data, str) else None, NOTICE_DETAILS_PREFIX)
        notice = await self.store.get_notice(notice_id) if notice_id else None
        locale = await self._locale(update)
        if notice is None or notice.chat_id != _chat_id(update) or "details" not in notice.body:
            await query.answer(t(locale, "notice.stale"))
            return
        await query.answer()
        await send_html(context.bot, _chat_id(update), plain_parts(notice.body["details"]))

    async def refresh(self, update: Update, context: Context) -> None:
        query = update.callback_query
        assert query is not None
        notice_id = parse_notice_button(query.data if isinstance(query.data, str) else None, NOTICE_REFRESH_PREFIX)
        key = conversation_key(_chat_id(update))
        notice = await self.store.get_notice(notice_id) if notice_id else None
        subscription = await self.store.get_subscription(key)
        if notice is None or notice.chat_id != _chat_id(update) or subscription is None:
            await query.answer(t(await self._locale(update), "notice.stale"))
            return
        await query.answer()
        turn = await self.service.start_refresh(key, subscription.answers, subscription.locale,
                                                delivery=update.update_id)
        await self.callbacks.show(update, context, turn)
