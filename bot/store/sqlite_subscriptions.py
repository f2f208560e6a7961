"""SQLite tables and operations of :class:`bot.store.subscriptions.SubscriptionStore`, mixed into SqliteStore.

Three tables, created with ``IF NOT EXISTS`` when the store opens (independent of the core
schema's ``user_version``, so they need no migration number of their own):

- ``subscriptions``: one row per subscribed chat, keyed by its conversation key;
- ``notices``: the outbox; a claim is ``UPDATE … SET state='claimed' WHERE id=? AND state='pending'``
  (and the subscription still exists) inside ``BEGIN IMMEDIATE``, so exactly one run wins it, across
  processes; finishing a notice and advancing the subscription's ``last_sent`` is one transaction;
- ``link_tokens``: single-use web-to-Telegram tokens; taking one is a conditional UPDATE.

Every operation runs on the store's one worker thread, like the rest of :mod:`bot.store.sqlite`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from typing import Literal

from bot.store.subscriptions import LinkTake, OutboxNotice, Subscription, SubscriptionStore

TABLES = (
    """CREATE TABLE IF NOT EXISTS subscriptions (
           key            TEXT PRIMARY KEY,
           chat_id        INTEGER NOT NULL,
           body           TEXT NOT NULL,
           last_sent      TEXT NOT NULL,
           refreshed_year INTEGER
       )""",
    """CREATE TABLE IF NOT EXISTS notices (
           id               TEXT PRIMARY KEY,
           subscription_key TEXT NOT NULL,
           chat_id          INTEGER NOT NULL,
           kind             TEXT NOT NULL,
           body             TEXT NOT NULL,
           state            TEXT NOT NULL,
           created_at       REAL NOT NULL,
           claimed_at       REAL,
           claimed_by       TEXT,
           finished_at      REAL,
           message_id       INTEGER
       )""",
    "CREATE INDEX IF NOT EXISTS notices_subscription_key ON notices (subscription_key)",
    """CREATE TABLE IF NOT EXISTS link_tokens (
           token            TEXT PRIMARY KEY,
           conversation_key TEXT NOT NULL,
           expires_at       REAL NOT NULL,
           used_at          REAL
       )""",
    "CREATE INDEX IF NOT EXISTS link_tokens_conversation_key ON link_tokens (conversation_key)",
)
TOKEN_KEPT_AFTER_EXPIRY_SECONDS = 7 * 24 * 3600
"""A used or expired token is remembered this long (to say "used" / "expired"), then purged."""
_NOTICE_COLUMNS = ("id, subscription_key, chat_id, kind, body, state, created_at, claimed_at, claimed_by, "
                   "finished_at, message_id")


def create_subscription_tables(db: sqlite3.Connection) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in TABLES:
            db.execute(statement)
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def forget_subscription_rows(db: sqlite3.Connection, conversation_key: str) -> int:
    """Inside the caller's transaction: everything of issue 12 that belongs to ``conversation_key``."""
    removed = db.execute("DELETE FROM subscriptions WHERE key = ?", (conversation_key,)).rowcount
    removed += db.execute("DELETE FROM notices WHERE subscription_key = ?", (conversation_key,)).rowcount
    removed += db.execute("DELETE FROM link_tokens WHERE conversation_key = ?", (conversation_key,)).rowcount
    return removed


def _subscription(body: str, last_sent: str, refreshed_year: int | None) -> Subscription:
    data = json.loads(body)
    data["last_sent"] = json.loads(last_sent)
    data["refreshed_year"] = refreshed_year
    return Subscription.model_validate(data)


def _notice(row: tuple) -> OutboxNotice:
    names = [name.strip() for name in _NOTICE_COLUMNS.split(",")]
    data = dict(zip(names, row, strict=True))
    data["body"] = json.loads(data["body"])
    return OutboxNotice.model_validate(data)


class SqliteSubscriptions(SubscriptionStore):
    """The SQLite implementation; needs the host's ``_run``, ``_db`` and ``_transaction``."""

    # -- subscriptions -------------------------------------------------------------------------

    async def count_subscriptions(self) -> int:
        return await self._run(lambda: self._db.execute("SELECT count(*) FROM subscriptions").fetchone()[0])

    async def save_subscription(self, subscription: Subscription) -> None:
        await self._run(self._save_subscription_sync, subscription)

    def _save_subscription_sync(self, subscription: Subscription) -> None:
        body = subscription.model_dump_json(exclude={"last_sent", "refreshed_year"})
        with self._transaction():
            self._db.execute(
                "INSERT INTO subscriptions (key, chat_id, body, last_sent, refreshed_year) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET chat_id = excluded.chat_id, body = excluded.body,"
                " last_sent = excluded.last_sent, refreshed_year = excluded.refreshed_year",
                (subscription.key, subscription.chat_id, body,
                 json.dumps(subscription.last_sent, ensure_ascii=False), subscription.refreshed_year))

    async def get_subscription(self, key: str) -> Subscription | None:
        row = await self._run(lambda: self._db.execute(
            "SELECT body, last_sent, refreshed_year FROM subscriptions WHERE key = ?", (key,)).fetchone())
        return None if row is None else _subscription(*row)

    async def delete_subscription(self, key: str) -> bool:
        def delete() -> bool:
            with self._transaction():
                self._db.execute("DELETE FROM notices WHERE subscription_key = ?", (key,))
                return self._db.execute("DELETE FROM subscriptions WHERE key = ?", (key,)).rowcount > 0

        return await self._run(delete)

    async def iter_subscriptions(self, batch: int = 500) -> AsyncIterator[Subscription]:
        after = ""
        while True:
            rows = await self._run(lambda after=after: self._db.execute(
                "SELECT key, body, last_sent, refreshed_year FROM subscriptions WHERE key > ? ORDER BY key LIMIT ?",
                (after, batch)).fetchall())
            for _key, body, last_sent, refreshed_year in rows:
                yield _subscription(body, last_sent, refreshed_year)
            if len(rows) < batch:
                return
            after = rows[-1][0]

    # -- outbox --------------------------------------------------------------------------------

    async def add_notice(self, notice: OutboxNotice) -> bool:
        def add() -> bool:
            with self._transaction():
                return self._db.execute(
                    "INSERT INTO notices (id, subscription_key, chat_id, kind, body, state, created_at)"
                    " VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (id) DO NOTHING",
                    (notice.id, notice.subscription_key, notice.chat_id, notice.kind,
                     json.dumps(notice.body, ensure_ascii=False), notice.created_at)).rowcount == 1

        return await self._run(add)

    async def get_notice(self, notice_id: str) -> OutboxNotice | None:
        row = await self._run(lambda: self._db.execute(
            f"SELECT {_NOTICE_COLUMNS} FROM notices WHERE id = ?", (notice_id,)).fetchone())
        return None if row is None else _notice(row)

    async def list_notices(self, subscription_key: str | None = None) -> list[OutboxNotice]:
        where, params = ("WHERE subscription_key = ?", (subscription_key,)) if subscription_key else ("", ())
        rows = await self._run(lambda: self._db.execute(
            f"SELECT {_NOTICE_COLUMNS} FROM notices {where} ORDER BY created_at, id", params).fetchall())
        return [_notice(row) for row in rows]

    async def claim_notice(self, notice_id: str, claimer: str, now: float) -> bool:
        def claim() -> bool:
            with self._transaction():
                return self._db.execute(
                    "UPDATE notices SET state = 'claimed', claimed_at = ?, claimed_by = ?"
                    " WHERE id = ? AND state = 'pending'"
                    " AND EXISTS (SELECT 1 FROM subscriptions WHERE key = notices.subscription_key)",
                    (now, claimer, notice_id)).rowcount == 1

        return await self._run(claim)

    async def release_notice(self, notice_id: str, claimer: str) -> bool:
        def release() -> bool:
            with self._transaction():
                return self._db.execute(
                    "UPDATE notices SET state = 'pending', claimed_at = NULL, claimed_by = NULL"
                    " WHERE id = ? AND state = 'claimed' AND claimed_by = ?", (notice_id, claimer)).rowcount == 1

        return await self._run(release)

    async def finish_notice(self, notice_id: str, claimer: str | None, state: Literal["sent", "unconfirmed"],
                            now: float, message_id: int | None = None) -> bool:
        def finish() -> bool:
            with self._transaction():
                row = self._db.execute("SELECT subscription_key, body, claimed_by FROM notices"
                                       " WHERE id = ? AND state = 'claimed'", (notice_id,)).fetchone()
                if row is None or (claimer is not None and row[2] != claimer):
                    return False
                self._db.execute("UPDATE notices SET state = ?, finished_at = ?, message_id = ? WHERE id = ?",
                                 (state, now, message_id, notice_id))
                body = json.loads(row[1])
                if "last_sent" in body:
                    self._db.execute("UPDATE subscriptions SET last_sent = ? WHERE key = ?",
                                     (json.dumps(body["last_sent"], ensure_ascii=False), row[0]))
                if "refresh_year" in body:
                    self._db.execute("UPDATE subscriptions SET refreshed_year = ? WHERE key = ?",
                                     (body["refresh_year"], row[0]))
                return True

        return await self._run(finish)

    async def drop_pending_notices(self, subscription_key: str, keep: str | None = None) -> int:
        def drop() -> int:
            with self._transaction():
                return self._db.execute(
                    "DELETE FROM notices WHERE subscription_key = ? AND state = 'pending' AND id != ?",
                    (subscription_key, keep or "")).rowcount

        return await self._run(drop)

    async def purge_finished_notices(self, before: float) -> int:
        def purge() -> int:
            with self._transaction():
                return self._db.execute("DELETE FROM notices WHERE state IN ('sent', 'unconfirmed')"
                                        " AND finished_at < ?", (before,)).rowcount

        return await self._run(purge)

    # -- link tokens ---------------------------------------------------------------------------

    async def add_link_token(self, token: str, conversation_key: str, expires_at: float) -> None:
        def add() -> None:
            with self._transaction():
                self._db.execute("DELETE FROM link_tokens WHERE expires_at < ?",
                                 (expires_at - 2 * TOKEN_KEPT_AFTER_EXPIRY_SECONDS,))
                self._db.execute("INSERT INTO link_tokens (token, conversation_key, expires_at) VALUES (?, ?, ?)",
                                 (token, conversation_key, expires_at))

        await self._run(add)

    async def take_link_token(self, token: str, now: float) -> LinkTake:
        def take() -> LinkTake:
            with self._transaction():
                row = self._db.execute("SELECT conversation_key, expires_at, used_at FROM link_tokens"
                                       " WHERE token = ?", (token,)).fetchone()
                if row is None:
                    return LinkTake(status="unknown")
                key, expires_at, used_at = row
                if used_at is not None:
                    return LinkTake(status="used")
                if expires_at <= now:
                    return LinkTake(status="expired")
                self._db.execute("UPDATE link_tokens SET used_at = ? WHERE token = ? AND used_at IS NULL",
                                 (now, token))
                return LinkTake(status="ok", conversation_key=key)

        return await self._run(take)
