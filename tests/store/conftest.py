"""Fixtures for the store tests.

``redis_server`` starts a private redis-server for the session (loopback, free port, temp dir,
no persistence). ``backend`` is parametrized over SQLite and Redis; it opens stores and reads or
writes the raw back end the way another process would. ``store`` is one store opened on it.
"""

from __future__ import annotations

import sqlite3
import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import redis

from bot.store.base import Store
from bot.store.models import new_incarnation
from bot.store.redis import RedisStore
from bot.store.sqlite import SqliteStore
from tests.local_redis import LocalRedisServer


class Backend(ABC):
    """One back end under test, plus raw access to it that bypasses the store."""

    name: str
    url: str
    key_prefix: str | None = None

    @abstractmethod
    def open(self, **options: Any) -> Store:
        """A new, independent store instance on this back end."""

    @abstractmethod
    def raw_write(self, key: str, state_json: str) -> None:
        """Replace a conversation's state and bump its version, as another writer would."""

    @abstractmethod
    def raw_recreate(self, key: str, state_json: str) -> None:
        """Delete a conversation and create a new one under the same key, at version 1."""

    @abstractmethod
    def raw_traces(self, conversation_key: str) -> list[str]:
        """Everything physically stored that belongs to the conversation (empty when none)."""

    @abstractmethod
    def raw_conversation_exists(self, key: str) -> bool:
        """Whether anything, expired or not, is physically stored for the conversation."""


class SqliteBackend(Backend):
    name = "sqlite"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.url = f"sqlite:///{path}"

    def open(self, **options: Any) -> Store:
        return SqliteStore(self.path, **options)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, isolation_level=None, timeout=5)
        try:
            yield db
        finally:
            db.close()

    def raw_write(self, key: str, state_json: str) -> None:
        with self._connect() as db:
            db.execute(
                "UPDATE conversations SET version = version + 1, state_json = ? WHERE key = ?",
                (state_json, key),
            )

    def raw_recreate(self, key: str, state_json: str) -> None:
        with self._connect() as db:
            db.execute("DELETE FROM conversations WHERE key = ?", (key,))
            db.execute(
                "INSERT INTO conversations (key, version, incarnation, state_json, updated_at)"
                " VALUES (?, 1, ?, ?, ?)",
                (key, new_incarnation(), state_json, time.time()),
            )

    def raw_traces(self, conversation_key: str) -> list[str]:
        with self._connect() as db:
            conversations = db.execute(
                "SELECT key FROM conversations WHERE key = ?", (conversation_key,)
            ).fetchall()
            records = db.execute(
                "SELECT id FROM records WHERE conversation_key = ?", (conversation_key,)
            ).fetchall()
            summaries = db.execute(
                "SELECT id FROM record_summaries WHERE conversation_key = ?", (conversation_key,)
            ).fetchall()
            subscription_rows = [
                f"{table} row"
                for table, column in (("subscriptions", "key"), ("notices", "subscription_key"),
                                      ("link_tokens", "conversation_key"))
                for _ in db.execute(f"SELECT 1 FROM {table} WHERE {column} = ?", (conversation_key,)).fetchall()
            ]
        return ([f"conversations row {k}" for (k,) in conversations] + [f"records row {i}" for (i,) in records]
                + [f"record_summaries row {i}" for (i,) in summaries] + subscription_rows)

    def raw_conversation_exists(self, key: str) -> bool:
        with self._connect() as db:
            return db.execute("SELECT 1 FROM conversations WHERE key = ?", (key,)).fetchone() is not None


class RedisBackend(Backend):
    name = "redis"

    def __init__(self, url: str, key_prefix: str) -> None:
        self.url = url
        self.key_prefix = key_prefix
        self.client = redis.Redis.from_url(url, decode_responses=True)

    def open(self, **options: Any) -> Store:
        return RedisStore(self.url, key_prefix=self.key_prefix, **options)

    def raw_write(self, key: str, state_json: str) -> None:
        conversation = f"{self.key_prefix}conv:{key}"
        self.client.hincrby(conversation, "version", 1)
        self.client.hset(conversation, "state", state_json)

    def raw_recreate(self, key: str, state_json: str) -> None:
        conversation = f"{self.key_prefix}conv:{key}"
        self.client.delete(conversation)
        self.client.hset(
            conversation,
            mapping={
                "version": 1,
                "incarnation": new_incarnation(),
                "state": state_json,
                "updated_at": time.time(),
            },
        )

    def raw_keys(self) -> list[str]:
        return sorted(self.client.scan_iter(match=f"{self.key_prefix}*"))

    def raw_traces(self, conversation_key: str) -> list[str]:
        traces = []
        for name in self.raw_keys():
            if name in (
                f"{self.key_prefix}conv:{conversation_key}",
                f"{self.key_prefix}recs:by-conv:{conversation_key}",
                f"{self.key_prefix}sub:{conversation_key}",
                f"{self.key_prefix}ntcs:by-sub:{conversation_key}",
                f"{self.key_prefix}lnks:by-conv:{conversation_key}",
            ):
                traces.append(f"key {name}")
            elif name.startswith(f"{self.key_prefix}ntc:") and self.client.hget(name, "subscription_key") == conversation_key:
                traces.append(f"notice hash {name}")
            elif name.startswith(f"{self.key_prefix}lnk:") and self.client.hget(name, "conversation_key") == conversation_key:
                traces.append(f"link token hash {name}")
            elif (
                name.startswith(f"{self.key_prefix}rec:")
                and self.client.hget(name, "conversation_key") == conversation_key
            ):
                traces.append(f"record hash {name}")
        for record_id in self.client.zrange(f"{self.key_prefix}recs:by-time", 0, -1):
            if not self.client.exists(f"{self.key_prefix}rec:{record_id}"):
                traces.append(f"dangling by-time entry {record_id}")
        return traces

    def raw_conversation_exists(self, key: str) -> bool:
        return bool(self.client.exists(f"{self.key_prefix}conv:{key}"))


@pytest.fixture(params=["sqlite", "redis"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "sqlite":
        yield SqliteBackend(tmp_path / "state" / "store.db")
        return
    server: LocalRedisServer = request.getfixturevalue("redis_server")
    redis_backend = RedisBackend(server.url, key_prefix=f"test-{uuid.uuid4().hex[:12]}:")
    yield redis_backend
    redis_backend.client.close()


@pytest.fixture
async def store(backend: Backend) -> AsyncIterator[Store]:
    opened = backend.open()
    yield opened
    await opened.close()
