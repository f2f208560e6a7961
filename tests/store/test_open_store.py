"""``open_store``: the URL forms it accepts and the clear error for any other."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import open_store
from bot.store.redis import RedisStore
from bot.store.sqlite import SqliteStore
from tests.local_redis import LocalRedisServer


async def test_relative_sqlite_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    store = open_store("sqlite:///data/nested/bot.db")
    try:
        assert isinstance(store, SqliteStore)
        await store.create("cli:1", "{}")
    finally:
        await store.close()
    assert (tmp_path / "data" / "nested" / "bot.db").is_file()


async def test_absolute_sqlite_path(tmp_path: Path) -> None:
    path = tmp_path / "abs" / "bot.db"
    store = open_store(f"sqlite:///{path}", idle_ttl_seconds=60)  # path starts with "/": four slashes
    try:
        assert isinstance(store, SqliteStore)
        assert store.path == path
        assert store.idle_ttl_seconds == 60
    finally:
        await store.close()
    assert path.is_file()


async def test_redis_url(redis_server: LocalRedisServer) -> None:
    store = open_store(redis_server.url, key_prefix="elsewhere:")
    try:
        assert isinstance(store, RedisStore)
        assert store.key_prefix == "elsewhere:"
        await store.create("web:x", "{}")
        assert (await store.get("web:x")).version == 1
        await store.delete_conversation("web:x")
    finally:
        await store.close()


def test_redis_default_prefix() -> None:
    store = open_store("redis://127.0.0.1:6379/2")  # connects lazily: no server needed here
    assert isinstance(store, RedisStore) and store.key_prefix == "awardbot:"


@pytest.mark.parametrize(
    "url",
    [
        "",
        "bot.db",
        "/var/lib/bot.db",
        "sqlite://bot.db",
        "sqlite:/bot.db",
        "sqlite:///",
        "sqlite:///data/",
        "sqlite:///bot.db?mode=ro",
        "postgres://localhost/bot",
        "redis://",
        "redis://localhost:port/0",
        "redis://localhost:6379/zero",
        "redis://localhost:99999/0",
    ],
)
def test_bad_urls_are_refused_with_the_accepted_forms(url: str) -> None:
    with pytest.raises(ValueError) as caught:
        open_store(url)
    message = str(caught.value)
    assert "sqlite:///" in message and "sqlite:////" in message and "redis://host:port/db" in message


def test_credentials_never_appear_in_the_error() -> None:
    with pytest.raises(ValueError) as caught:
        open_store("redis://user:hunter2@localhost:port/0")
    assert "hunter2" not in str(caught.value)
