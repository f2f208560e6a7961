"""What each back end promises beyond the shared interface: SQLite's file settings and schema,
Redis's key layout and TTLs."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
import redis

from bot.store import StoreError
from bot.store.models import Conversation
from bot.store.redis import RedisStore
from bot.store.sqlite import SCHEMA_VERSION, SqliteStore
from tests.local_redis import LocalRedisServer


async def test_sqlite_file_settings_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "new" / "dir" / "bot.db"
    store = SqliteStore(path)
    await store.close()
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        indexes = {row[1] for row in db.execute("PRAGMA index_list(records)")}
        assert {"records_conversation_key", "records_created_at"} <= indexes
    finally:
        db.close()


async def test_sqlite_reopening_keeps_the_schema_and_data(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    first = SqliteStore(path)
    await first.create("web:a", "{}")
    await first.close()
    second = SqliteStore(path)
    try:
        assert (await second.get("web:a")).version == 1
    finally:
        await second.close()


def test_sqlite_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StoreError, match="newer"):
        SqliteStore(path)


async def test_sqlite_store_refuses_use_after_close(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "bot.db")
    await store.close()
    with pytest.raises(StoreError, match="closed"):
        await store.get("web:a")


async def test_redis_keys_layout_and_idle_ttl(redis_server: LocalRedisServer) -> None:
    prefix = "layout-test:"
    store = RedisStore(redis_server.url, key_prefix=prefix, idle_ttl_seconds=3600)
    raw = redis.Redis.from_url(redis_server.url, decode_responses=True)
    try:
        await store.create("web:a", "{}")
        ttl_ms = raw.pttl(f"{prefix}conv:web:a")
        assert 3_590_000 < ttl_ms <= 3_600_000
        assert raw.hgetall(f"{prefix}conv:web:a")["version"] == "1"
        assert all(name.startswith(prefix) for name in raw.scan_iter(match="*layout*"))
        await store.forget("web:a")
        assert list(raw.scan_iter(match=f"{prefix}*")) == []
    finally:
        raw.close()
        await store.close()


async def test_redis_write_resent_after_a_lost_reply_counts_once(redis_server: LocalRedisServer,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """redis-py re-sends a command whose reply was lost; the landed write must not read as a conflict.
    Another writer's attempt from the same version, even at the same instant, is still a conflict."""
    store = RedisStore(redis_server.url, key_prefix="resend-test:")
    try:
        created = await store.create("web:a", "[]")
        snapshot = await store._read_snapshot("web:a")
        assert snapshot.token is not None
        at = time.time()
        written = Conversation("web:a", 2, '["once"]', at)
        incarnation = snapshot.token.incarnation
        monkeypatch.setattr("bot.store.redis._write_id", lambda: "attempt-1")
        assert await store._write_if_unchanged(written, incarnation, expected=snapshot.token)
        assert await store._write_if_unchanged(written, incarnation, expected=snapshot.token)  # the re-send
        assert await store.get("web:a") == written
        monkeypatch.setattr("bot.store.redis._write_id", lambda: "attempt-of-another-writer")
        same_instant = Conversation("web:a", 2, '["other"]', at)
        assert not await store._write_if_unchanged(same_instant, incarnation, expected=snapshot.token)
        assert await store.get("web:a") == written
        assert created.version == 1
    finally:
        await store.delete_conversation("web:a")
        await store.close()
