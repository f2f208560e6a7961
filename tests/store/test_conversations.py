"""Conversation life cycle on both back ends: create, get, update, delete, compare-and-set."""

from __future__ import annotations

import json

import pytest

from bot.store import ConversationExists, StoreConflict
from bot.store.base import Store
from tests.store.conftest import Backend

KEY = "web:session-1"


def appending(item: object):
    """A transform appending ``item`` to the JSON list state (absent = empty list)."""

    def transform(old_state: str | None) -> tuple[str, int]:
        items = [] if old_state is None else json.loads(old_state)
        items.append(item)
        return json.dumps(items), len(items)

    return transform


async def test_create_get_update_delete(store: Store) -> None:
    assert await store.get(KEY) is None

    created = await store.create(KEY, '{"step": "district"}')
    assert (created.key, created.version, created.state_json) == (KEY, 1, '{"step": "district"}')
    assert await store.get(KEY) == created

    updated, result = await store.update(KEY, lambda old: (old.replace("district", "revenue"), "moved"))
    assert result == "moved"
    assert updated.version == 2
    assert updated.updated_at >= created.updated_at
    assert await store.get(KEY) == updated

    assert await store.delete_conversation(KEY) is True
    assert await store.get(KEY) is None
    assert await store.delete_conversation(KEY) is False


async def test_create_refuses_an_existing_conversation(store: Store) -> None:
    await store.create(KEY, "{}")
    with pytest.raises(ConversationExists):
        await store.create(KEY, '{"other": 1}')
    assert (await store.get(KEY)).state_json == "{}"


async def test_update_of_an_absent_conversation_creates_it(store: Store) -> None:
    seen = []

    def start(old_state: str | None) -> tuple[str, str]:
        seen.append(old_state)
        return "[]", "started"

    conversation, result = await store.update("tg:42", start)
    assert seen == [None]
    assert (conversation.version, conversation.state_json, result) == (1, "[]", "started")


async def test_a_failing_transform_writes_nothing(store: Store) -> None:
    await store.create(KEY, "[1]")

    def broken(old_state: str | None) -> tuple[str, None]:
        raise RuntimeError("bad answer")

    with pytest.raises(RuntimeError, match="bad answer"):
        await store.update(KEY, broken)
    conversation = await store.get(KEY)
    assert (conversation.version, conversation.state_json) == (1, "[1]")


async def test_transform_must_return_text(store: Store) -> None:
    with pytest.raises(TypeError):
        await store.update(KEY, lambda old: ({"not": "text"}, None))
    assert await store.get(KEY) is None


async def test_conflicting_write_is_detected_and_transform_rerun(backend: Backend, store: Store) -> None:
    await store.create(KEY, json.dumps(["first"]))
    seen: list[str | None] = []

    def append_mine(old_state: str | None) -> tuple[str, int]:
        seen.append(old_state)
        if len(seen) == 1:  # another process writes between our read and our write
            backend.raw_write(KEY, json.dumps(["first", "theirs"]))
        return json.dumps([*json.loads(old_state), "mine"]), len(seen)

    conversation, calls = await store.update(KEY, append_mine)
    assert calls == 2
    assert seen == [json.dumps(["first"]), json.dumps(["first", "theirs"])]
    assert json.loads(conversation.state_json) == ["first", "theirs", "mine"]
    assert conversation.version == 3
    assert await store.get(KEY) == conversation


async def test_a_write_prepared_before_delete_and_recreate_is_refused(backend: Backend, store: Store) -> None:
    """Versions start over on re-creation; the incarnation keeps a stale write from landing."""
    await store.create(KEY, json.dumps(["old answers"]))
    seen: list[str | None] = []

    def append_mine(old_state: str | None) -> tuple[str, None]:
        seen.append(old_state)
        if len(seen) == 1:
            backend.raw_recreate(KEY, json.dumps(["new"]))
        return json.dumps([*json.loads(old_state), "mine"]), None

    conversation, _ = await store.update(KEY, append_mine)
    assert json.loads(conversation.state_json) == ["new", "mine"]
    assert conversation.version == 2


async def test_endless_conflicts_raise_store_conflict(backend: Backend) -> None:
    store = backend.open(max_attempts=3)
    try:
        await store.create(KEY, "0")
        calls = 0

        def always_overtaken(old_state: str | None) -> tuple[str, None]:
            nonlocal calls
            calls += 1
            backend.raw_write(KEY, str(int(old_state) + 100))
            return str(int(old_state) + 1), None

        with pytest.raises(StoreConflict):
            await store.update(KEY, always_overtaken)
        assert calls == 3
        assert (await store.get(KEY)).state_json == "300"  # only the other writer's changes landed
    finally:
        await store.close()


async def test_state_survives_closing_and_reopening(backend: Backend, store: Store) -> None:
    await store.create(KEY, '{"revenue_cny": 1}')
    await store.update(KEY, lambda old: ('{"revenue_cny": 2}', None))
    await store.close()
    reopened = backend.open()
    try:
        conversation = await reopened.get(KEY)
        assert (conversation.version, conversation.state_json) == (2, '{"revenue_cny": 2}')
    finally:
        await reopened.close()


async def test_keys_are_independent(store: Store) -> None:
    await store.update("web:a", appending("a"))
    await store.update("tg:a", appending("t"))
    await store.delete_conversation("web:a")
    assert await store.get("web:a") is None
    assert json.loads((await store.get("tg:a")).state_json) == ["t"]
