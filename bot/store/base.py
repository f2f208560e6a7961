"""The store interface shared by the SQLite and Redis back ends.

``Store.update`` is the one way to change a conversation: it reads the current state, runs a pure
transform on it and writes the result with compare-and-set, re-running the transform on conflict.
Back ends only supply the primitive read (``_read_snapshot``) and conditional write
(``_write_if_unchanged``); the retry loop lives here so both behave the same.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
import time
import weakref
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Self, TypeVar

from bot.store.models import AssessmentRecord, CasToken, Conversation, RecordSummary, new_incarnation
from bot.store.subscriptions import SubscriptionStore

log = logging.getLogger(__name__)

DEFAULT_IDLE_TTL_SECONDS = 30 * 24 * 3600
DEFAULT_MAX_ATTEMPTS = 16
_BACKOFF_BASE_SECONDS = 0.0005
_BACKOFF_CAP_SECONDS = 0.02

R = TypeVar("R")
Transform = Callable[[str | None], tuple[str, R]]


class StoreError(Exception):
    """Base class of the store's own errors."""


class StoreConflict(StoreError):
    """Concurrent writers kept changing a conversation; the update gave up after its retries."""


class ConversationExists(StoreError):
    """``create`` was asked for a key that already holds a live conversation."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a back end read for one key.

    ``conversation`` is the live conversation (None when absent or expired); ``token`` describes
    what is physically stored, expired or not (None when nothing is), and is what the
    compare-and-set write checks.
    """

    conversation: Conversation | None
    token: CasToken | None


class KeyLocks:
    """In-process asyncio locks per key, so one process never races itself into CAS retries.

    Locks are held weakly: a key's lock disappears once nobody holds or waits for it.
    """

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    def hold(self, key: str) -> asyncio.Lock:
        """The key's lock, to hold with ``async with`` (which keeps it alive meanwhile)."""
        lock = self._locks.get(key)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[key] = lock
        return lock


def key_for_log(key: str) -> str:
    """A conversation key as logs show it: its kind and a short hash, never the id (a web session id
    is a credential: it reads and deletes the conversation)."""
    kind, _, _ = key.partition(":")
    return f"{kind}:#{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not key:
        raise ValueError("a conversation key must be a non-empty string")


class Store(SubscriptionStore, ABC):
    """Async store for conversation state and finished assessment records (and, from
    :class:`SubscriptionStore`, subscriptions, their outbox and link tokens)."""

    def __init__(
        self,
        *,
        idle_ttl_seconds: float = DEFAULT_IDLE_TTL_SECONDS,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        if idle_ttl_seconds <= 0:
            raise ValueError("idle_ttl_seconds must be positive")
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.idle_ttl_seconds = float(idle_ttl_seconds)
        self.max_attempts = max_attempts
        self._key_locks = KeyLocks()

    # -- conversations -------------------------------------------------------------------------

    @abstractmethod
    async def get(self, key: str) -> Conversation | None:
        """The live conversation under ``key``; None when absent or expired."""

    async def update(self, key: str, transform: Transform[R]) -> tuple[Conversation, R]:
        """Apply ``transform(old_state_json) -> (new_state_json, result)`` atomically.

        ``old_state_json`` is None when the conversation is absent (or expired); it is then
        created at version 1. ``transform`` must be a pure, quick, synchronous function: it is run
        again on the freshly read state whenever another writer got in first. Gives up with
        ``StoreConflict`` after ``max_attempts`` tries. Returns the written conversation and
        the transform's result.
        """
        _check_key(key)
        async with self._key_locks.hold(key):
            for attempt in range(self.max_attempts):
                snapshot = await self._read_snapshot(key)
                current = snapshot.conversation
                new_state, result = transform(None if current is None else current.state_json)
                if not isinstance(new_state, str):
                    raise TypeError("transform must return (new_state_json: str, result)")
                if current is None or snapshot.token is None:
                    version, incarnation = 1, new_incarnation()
                else:
                    version, incarnation = current.version + 1, snapshot.token.incarnation
                written = Conversation(key=key, version=version, state_json=new_state, updated_at=time.time())
                if await self._write_if_unchanged(written, incarnation, expected=snapshot.token):
                    if log.isEnabledFor(logging.DEBUG):  # the key's hash only when it is logged (every turn)
                        log.debug("conversation %s written at version %d", key_for_log(key), version)
                    return written, result
                log.debug("conversation %s changed under attempt %d; retrying", key_for_log(key), attempt + 1)
                await asyncio.sleep(
                    random.uniform(0, min(_BACKOFF_CAP_SECONDS, _BACKOFF_BASE_SECONDS * 2**attempt))
                )
        raise StoreConflict(f"conversation {key_for_log(key)} kept changing; gave up after {self.max_attempts} attempts")

    async def create(self, key: str, state_json: str) -> Conversation:
        """Create a conversation at version 1; ``ConversationExists`` if a live one is there."""

        def only_if_absent(old_state: str | None) -> tuple[str, None]:
            if old_state is not None:
                raise ConversationExists(f"conversation {key_for_log(key)} already exists")
            return state_json, None

        conversation, _ = await self.update(key, only_if_absent)
        return conversation

    @abstractmethod
    async def delete_conversation(self, key: str) -> bool:
        """Remove the conversation; True when something was stored under ``key``."""

    @abstractmethod
    async def purge_expired(self) -> int:
        """Physically remove expired conversations; returns how many were removed."""

    # -- assessment records --------------------------------------------------------------------

    @abstractmethod
    async def add_record(self, record: AssessmentRecord) -> bool:
        """Store a finished assessment. Idempotent: a record whose id is already stored is left
        as it is and False is returned (so a retried call never makes a duplicate)."""

    @abstractmethod
    async def list_records(self, since: datetime | None = None, limit: int = 1000) -> list[AssessmentRecord]:
        """Records created at or after ``since`` (naive = UTC), newest first, at most ``limit``."""

    async def record_summaries(self, since: datetime | None = None, limit: int = 1000) -> list[RecordSummary]:
        """Like :meth:`list_records` (newest first, at most ``limit``), each record reduced to a
        :class:`RecordSummary`. Back ends read the records in batches and keep only the summaries, so
        memory grows with the summaries (hundreds of bytes each), not with the records (~70 KB each)."""
        return [RecordSummary.of_record(record) for record in await self.list_records(since, limit)]

    @abstractmethod
    async def forget(self, conversation_key: str) -> int:
        """Remove the conversation and all its records; returns how many items were removed."""

    # -- lifecycle -----------------------------------------------------------------------------

    @abstractmethod
    async def close(self) -> None:
        """Release connections. The store must not be used afterwards."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # -- back-end primitives -------------------------------------------------------------------

    @abstractmethod
    async def _read_snapshot(self, key: str) -> Snapshot:
        """Read what is stored under ``key`` for a following ``_write_if_unchanged``."""

    @abstractmethod
    async def _write_if_unchanged(
        self, conversation: Conversation, incarnation: str, expected: CasToken | None
    ) -> bool:
        """Write ``conversation`` only if what is stored still matches ``expected``
        (None: nothing is stored). Refreshes the idle expiry. True when written."""
