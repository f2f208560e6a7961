"""Fixtures shared by every test package: a private Redis server, and a temp SQLite store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.store import Store, open_store
from tests.local_redis import REDIS_SERVER_BINARY, LocalRedisServer


@pytest.fixture(scope="session")
def redis_server() -> Iterator[LocalRedisServer]:
    """redis-server on a free loopback port with a temp dir and no persistence (skipped loudly if absent)."""
    if not REDIS_SERVER_BINARY.exists():
        pytest.skip(
            f"!!! REDIS TESTS SKIPPED: {REDIS_SERVER_BINARY} is missing. "
            "Install Debian's redis-server (apt-get install redis-server) to run them. !!!"
        )
    with LocalRedisServer() as server:
        yield server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where the ``store`` fixture keeps its SQLite file (tests read it raw)."""
    return tmp_path / "store.db"


@pytest.fixture
async def store(db_path: Path) -> AsyncIterator[Store]:
    """A fresh SQLite store on disk, closed after the test."""
    opened = open_store(f"sqlite:///{db_path}")
    try:
        yield opened
    finally:
        await opened.close()
