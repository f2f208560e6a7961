"""Async store for conversation state and finished assessments (SQLite or Redis).

Open one with ``open_store(url)``; change a conversation only through ``Store.update``. Both back ends
also keep subscriptions, their notice outbox and link tokens (:mod:`bot.store.subscriptions`).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from bot.store.base import (
    DEFAULT_IDLE_TTL_SECONDS,
    ConversationExists,
    Store,
    StoreConflict,
    StoreError,
)
from bot.store.models import AssessmentRecord, Conversation
from bot.store.subscriptions import LinkTake, OutboxNotice, Subscription

__all__ = [
    "AssessmentRecord",
    "Conversation",
    "ConversationExists",
    "LinkTake",
    "OutboxNotice",
    "Store",
    "StoreConflict",
    "StoreError",
    "Subscription",
    "open_store",
]

ACCEPTED_URL_FORMS = (
    "sqlite:///relative/path.db, sqlite:////absolute/path.db, redis://host:port/db (or rediss:// for TLS)"
)


def _redacted(url: str) -> str:
    """``url`` without any credentials, fit for an error message."""
    scheme, separator, rest = url.partition("://")
    if separator and "@" in rest.split("/", 1)[0]:
        return f"{scheme}://***@{rest.split('@', 1)[1]}"
    return url


def _bad_url(url: str, why: str) -> ValueError:
    return ValueError(
        f"unsupported store URL {_redacted(url)!r}: {why}; accepted forms: {ACCEPTED_URL_FORMS}"
    )


def _sqlite_path(url: str) -> str:
    path = url.removeprefix("sqlite:///")
    if not path or path == "/":
        raise _bad_url(url, "no database file path")
    if "?" in path or "#" in path:
        raise _bad_url(url, "query strings and fragments are not supported for sqlite")
    if path.endswith("/"):
        raise _bad_url(url, "the path names a directory, not a database file")
    return path


def _check_redis_url(url: str) -> None:
    parts = urlsplit(url)
    if not parts.hostname:
        raise _bad_url(url, "no host")
    try:
        parts.port  # noqa: B018 - raises ValueError on a non-numeric or out-of-range port
    except ValueError:
        raise _bad_url(url, "the port is not a number between 0 and 65535") from None
    database = parts.path.lstrip("/")
    if database and not database.isdigit():
        raise _bad_url(url, "the database (path) must be a number, e.g. /0")


def open_store(
    url: str,
    *,
    idle_ttl_seconds: float = DEFAULT_IDLE_TTL_SECONDS,
    key_prefix: str | None = None,
) -> Store:
    """Open the store a URL names; ``key_prefix`` applies to Redis only (default ``awardbot:``).

    ``sqlite:///data/bot.db`` is relative to the working directory, ``sqlite:////var/lib/bot.db``
    absolute. A URL of any other form raises ``ValueError`` naming the accepted forms.
    """
    if not isinstance(url, str):
        raise _bad_url(repr(url), "not a string")
    if url.startswith("sqlite:///"):
        from bot.store.sqlite import SqliteStore

        return SqliteStore(_sqlite_path(url), idle_ttl_seconds=idle_ttl_seconds)
    if url.startswith(("redis://", "rediss://")):
        from bot.store.redis import DEFAULT_KEY_PREFIX, RedisStore

        _check_redis_url(url)
        prefix = DEFAULT_KEY_PREFIX if key_prefix is None else key_prefix
        return RedisStore(url, key_prefix=prefix, idle_ttl_seconds=idle_ttl_seconds)
    if url.startswith("sqlite:"):
        raise _bad_url(url, "a sqlite URL needs three slashes before the path")
    raise _bad_url(url, "unknown scheme")
