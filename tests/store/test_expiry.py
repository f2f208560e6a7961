"""Idle expiry: a conversation left alone for ``idle_ttl_seconds`` is gone; every write restarts
the clock; records outlive their conversation."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.store.base import Store
from tests.store.conftest import Backend
from tests.store.test_records import make_record

TTL_SECONDS = 1.0
KEY = "web:idle"


@pytest.fixture
async def short_lived_store(backend: Backend) -> AsyncIterator[Store]:
    store = backend.open(idle_ttl_seconds=TTL_SECONDS)
    yield store
    await store.close()


async def test_idle_conversation_expires(backend: Backend, short_lived_store: Store) -> None:
    store = short_lived_store
    await store.create(KEY, '["answer"]')
    assert await store.get(KEY) is not None

    await asyncio.sleep(TTL_SECONDS + 0.3)

    assert await store.get(KEY) is None
    await store.purge_expired()
    assert not backend.raw_conversation_exists(KEY)


async def test_expired_conversation_starts_over(short_lived_store: Store) -> None:
    store = short_lived_store
    await store.create(KEY, '["old"]')
    await asyncio.sleep(TTL_SECONDS + 0.3)

    seen = []

    def restart(old_state: str | None) -> tuple[str, None]:
        seen.append(old_state)
        return '["new"]', None

    conversation, _ = await store.update(KEY, restart)
    assert seen == [None]
    assert (conversation.version, conversation.state_json) == (1, '["new"]')
    await store.delete_conversation(KEY)
    await store.create(KEY, "[]")  # creation is allowed over an expired conversation too


async def test_every_write_restarts_the_idle_clock(short_lived_store: Store) -> None:
    store = short_lived_store
    await store.create(KEY, "0")
    await asyncio.sleep(TTL_SECONDS * 0.6)
    await store.update(KEY, lambda old: ("1", None))
    await asyncio.sleep(TTL_SECONDS * 0.6)
    conversation = await store.get(KEY)
    assert conversation is not None and conversation.state_json == "1"


async def test_records_outlive_their_expired_conversation(short_lived_store: Store) -> None:
    store = short_lived_store
    await store.create(KEY, "{}")
    record = make_record(KEY, datetime.now(UTC))
    await store.add_record(record)
    await asyncio.sleep(TTL_SECONDS + 0.3)
    await store.purge_expired()
    assert await store.get(KEY) is None
    assert await store.list_records() == [record]


async def test_idle_ttl_must_be_positive(backend: Backend) -> None:
    with pytest.raises(ValueError, match="idle_ttl_seconds"):
        backend.open(idle_ttl_seconds=0)
