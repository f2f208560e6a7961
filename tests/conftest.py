"""Fixtures shared by every test package: a private Redis server for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.store.local_redis import REDIS_SERVER_BINARY, LocalRedisServer


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
