"""Subscriptions, their notice outbox and web-to-Telegram link tokens: the records and the store interface.

A :class:`Subscription` is one Telegram chat that opted in to hear about changes (issue 12): its
chat, language, the answers (CONTRACT §4 profile, ranges included), the day they were given, and
``last_sent``, the digest of the last result the owner was sent (opaque JSON to the store; the pure
core in :mod:`dialogs.notices` reads it). It is stored under the chat's conversation key
(``tg:<chat id>``), so ``Store.forget`` of that key removes it with everything else.

An :class:`OutboxNotice` is a notice about to be sent. Its id is deterministic (the subscriber and
what changed), so two concurrent ``awardbot notify`` runs, or a rerun after a crash, compute the
same row. Its life: ``pending`` (recorded) → ``claimed`` (one run took it, atomically) → ``sent``
(Telegram accepted it; the subscription's ``last_sent`` advances in the same atomic write) — or,
for a claim whose run died without saying how the send went, ``unconfirmed`` (see
:mod:`bot.notify_run`). A claim released after a retryable failure goes back to ``pending``.

A link token (single use, expiring) lets the web widget hand its session's answers to a Telegram
chat: ``https://t.me/<bot>?start=<token>``.

:class:`SubscriptionStore` is the interface both back ends implement (mixins in
:mod:`bot.store.sqlite_subscriptions` and :mod:`bot.store.redis_subscriptions`).
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

NoticeState = Literal["pending", "claimed", "sent", "unconfirmed"]
NoticeKind = Literal["changes", "refresh"]
LinkStatus = Literal["ok", "used", "expired", "unknown"]


class Subscription(BaseModel):
    """One opted-in Telegram chat (see the module docstring)."""

    model_config = ConfigDict(extra="ignore")

    key: str = Field(min_length=1)  # the chat's conversation key, tg:<chat id>
    chat_id: int
    locale: Literal["zh-CN", "en"] = "zh-CN"
    answers: dict[str, Any] = Field(default_factory=dict)  # the dialog's answers (profile fields)
    answered_on: dt.date  # the day the answers were (last) given
    last_sent: dict[str, Any] = Field(default_factory=dict)  # digest of the last result sent (dialogs.notices)
    refreshed_year: int | None = None  # the year the yearly refresh prompt was last sent for
    created_at: float = 0.0


class OutboxNotice(BaseModel):
    """One notice in the outbox (see the module docstring). ``body`` holds what to send (messages,
    details, the button) and what to record once sent (the new ``last_sent``, the refresh year)."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(min_length=1)
    subscription_key: str = Field(min_length=1)
    chat_id: int
    kind: NoticeKind
    body: dict[str, Any]
    state: NoticeState = "pending"
    created_at: float = 0.0
    claimed_at: float | None = None
    claimed_by: str | None = None
    finished_at: float | None = None
    message_id: int | None = None


class LinkTake(BaseModel):
    """What taking a link token found: ``ok`` (and the web conversation it binds), or why not."""

    status: LinkStatus
    conversation_key: str | None = None


class SubscriptionStore(ABC):
    """Subscriptions, outbox and link tokens; every method is atomic on its own."""

    # -- subscriptions -------------------------------------------------------------------------

    @abstractmethod
    async def count_subscriptions(self) -> int:
        """How many chats are subscribed now."""

    @abstractmethod
    async def save_subscription(self, subscription: Subscription) -> None:
        """Create or replace the subscription under ``subscription.key``."""

    @abstractmethod
    async def get_subscription(self, key: str) -> Subscription | None:
        """The subscription of a conversation key, or None."""

    @abstractmethod
    async def delete_subscription(self, key: str) -> bool:
        """Unsubscribe: the subscription and its outbox rows go; True when there was one."""

    @abstractmethod
    def iter_subscriptions(self, batch: int = 500) -> AsyncIterator[Subscription]:
        """Every subscription, in key order, read ``batch`` at a time (rows added meanwhile may show)."""

    # -- outbox --------------------------------------------------------------------------------

    @abstractmethod
    async def add_notice(self, notice: OutboxNotice) -> bool:
        """Record a notice as ``pending``; False (and nothing changed) when its id is already there."""

    @abstractmethod
    async def get_notice(self, notice_id: str) -> OutboxNotice | None:
        """The outbox row, or None."""

    @abstractmethod
    async def list_notices(self, subscription_key: str | None = None) -> list[OutboxNotice]:
        """Outbox rows (of one subscription, or all), oldest first."""

    @abstractmethod
    async def claim_notice(self, notice_id: str, claimer: str, now: float) -> bool:
        """``pending`` → ``claimed`` by ``claimer``, atomically; False when another run has it, it is
        no longer pending, or its subscription is gone."""

    @abstractmethod
    async def release_notice(self, notice_id: str, claimer: str) -> bool:
        """``claimed`` (by ``claimer``) → ``pending`` again, after a failure worth retrying later."""

    @abstractmethod
    async def finish_notice(self, notice_id: str, claimer: str | None, state: Literal["sent", "unconfirmed"],
                            now: float, message_id: int | None = None) -> bool:
        """``claimed`` → ``state`` (only if still claimed by ``claimer``; any claimer when None) and, in
        the same atomic write, the subscription's ``last_sent`` / ``refreshed_year`` advance to what
        the notice's body says. False when the row is not (or no longer) so claimed."""

    @abstractmethod
    async def drop_pending_notices(self, subscription_key: str, keep: str | None = None) -> int:
        """Delete the subscription's ``pending`` rows except ``keep`` (superseded by a newer diff)."""

    @abstractmethod
    async def purge_finished_notices(self, before: float) -> int:
        """Delete ``sent`` and ``unconfirmed`` rows finished before ``before`` (epoch seconds); how many.
        Pending and claimed rows are never purged."""

    # -- link tokens ---------------------------------------------------------------------------

    @abstractmethod
    async def add_link_token(self, token: str, conversation_key: str, expires_at: float) -> None:
        """Remember a fresh single-use token for the conversation ``conversation_key``."""

    @abstractmethod
    async def take_link_token(self, token: str, now: float) -> LinkTake:
        """Use a token, atomically: ``ok`` once; afterwards ``used``; ``expired`` after its time;
        ``unknown`` for anything else (never issued, or forgotten)."""
