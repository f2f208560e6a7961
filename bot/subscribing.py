"""Opting in to change notices, for every channel: a finished conversation becomes a subscription.

:func:`subscription_for` keeps the conversation's answers (ranges included) and the digest of the
result the owner sees now (the first ``awardbot notify`` diffs against it). :func:`follow_result`
keeps an existing subscription on the latest result a chat was shown (a changed answer, a yearly
refresh finished), so notices never re-announce what the owner has just seen. Web sessions reach
a chat through single-use link tokens (:func:`new_link_token`, ``https://t.me/<bot>?start=<token>``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import time

from bot.store import Store, Subscription
from dialogs.notices import digest_of_assessment
from dialogs.state import DialogState
from rules.engine import assess
from rules.loader import default_ruleset

LINK_TOKEN_BYTES = 24
"""192 random bits: 32 URL-safe characters (Telegram allows 64 in a start parameter)."""


def subscription_for(key: str, chat_id: int, state: DialogState, today: dt.date | None = None,
                     previous: Subscription | None = None) -> Subscription:
    """The subscription of a chat whose finished conversation is ``state`` (``previous``: the one it
    replaces, whose creation time and refresh year are kept)."""
    ruleset = default_ruleset()
    as_of = state.as_of or today or dt.date.today()
    digest = digest_of_assessment(ruleset, assess(ruleset, state.facts(), as_of, near_misses=False))
    return Subscription(key=key, chat_id=chat_id, locale=state.locale,
                        answers=state.model_dump(mode="json")["answers"], answered_on=as_of,
                        last_sent=digest.to_stored(),
                        refreshed_year=previous.refreshed_year if previous else None,
                        created_at=previous.created_at if previous else time.time())


async def subscribe(store: Store, key: str, chat_id: int, state: DialogState) -> bool:
    """Subscribe the chat (or move its subscription to this result); True when it was new."""
    previous = await store.get_subscription(key)
    await store.save_subscription(subscription_for(key, chat_id, state, previous=previous))
    return previous is None


async def follow_result(store: Store, key: str, chat_id: int, state: DialogState | None) -> None:
    """After a chat was shown a result: a subscribed chat's subscription now follows it."""
    if state is None or not state.done:
        return
    previous = await store.get_subscription(key)
    if previous is not None:
        await store.save_subscription(subscription_for(key, chat_id, state, previous=previous))


async def new_link_token(store: Store, conversation_key: str, valid_seconds: float) -> str:
    """A fresh single-use token binding ``conversation_key`` (a web session) to whichever chat uses it."""
    token = secrets.token_urlsafe(LINK_TOKEN_BYTES)
    await store.add_link_token(token, conversation_key, time.time() + valid_seconds)
    return token
