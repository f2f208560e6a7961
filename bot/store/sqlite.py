"""SQLite back end: one database file, safe across threads and processes.

WAL journal, ``synchronous=NORMAL`` (a crash of the process loses nothing; a power cut may lose
the last commits), ``busy_timeout`` for cross-process waits, schema versioned with
``PRAGMA user_version``. Every write, and every read that could wait, is one short synchronous
function run on a dedicated worker thread that owns the writing connection, so a lock held by
another process, or a checkpoint's fsync, never stalls the event loop. Reading a conversation (every
turn does, before its write) runs on the loop's own thread, on a second, query-only connection with
no busy timeout: in WAL mode a read waits for no writer, and in the rare case where SQLite would make
it wait (recovery after a crash) it fails at once and the worker thread reads instead. That saves a
thread hop per turn, which under load costs more than the read. Writes use ``BEGIN IMMEDIATE`` and
the compare-and-set is ``UPDATE ... WHERE key=? AND version=? AND incarnation=?``.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar

from bot.store.base import (
    DEFAULT_IDLE_TTL_SECONDS,
    DEFAULT_MAX_ATTEMPTS,
    Snapshot,
    Store,
    StoreError,
    key_for_log,
)
from bot.store.models import AssessmentRecord, CasToken, Conversation, RecordSummary, as_utc
from bot.store.questions_sqlite import SqliteQuestions
from bot.store.sqlite_subscriptions import (
    SqliteSubscriptions,
    create_subscription_tables,
    forget_subscription_rows,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

SCHEMA_VERSION = 3
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE conversations (
               key         TEXT PRIMARY KEY,
               version     INTEGER NOT NULL,
               incarnation TEXT NOT NULL,
               state_json  TEXT NOT NULL,
               updated_at  REAL NOT NULL
           )""",
        "CREATE INDEX conversations_updated_at ON conversations (updated_at)",
        """CREATE TABLE records (
               id               TEXT PRIMARY KEY,
               conversation_key TEXT NOT NULL,
               created_at       REAL NOT NULL,
               body             TEXT NOT NULL
           )""",
        "CREATE INDEX records_conversation_key ON records (conversation_key)",
        "CREATE INDEX records_created_at ON records (created_at)",
    ),
    2: (  # what the staff overview counts of each record (superseded by version 3)
        """CREATE TABLE record_summaries (
               id               TEXT PRIMARY KEY,
               conversation_key TEXT NOT NULL,
               created_at       REAL NOT NULL,
               counted          TEXT NOT NULL
           )""",
    ),
    3: (  # a few hundred bytes per record (the body is ~70 KB); refilled from the records at open
        "DROP TABLE record_summaries",
        """CREATE TABLE record_summaries (
               id               TEXT PRIMARY KEY,
               conversation_key TEXT NOT NULL,
               created_at       REAL NOT NULL,
               total            REAL NOT NULL,
               matches          TEXT NOT NULL
           )""",
        "CREATE INDEX record_summaries_conversation_key ON record_summaries (conversation_key)",
        "CREATE INDEX record_summaries_created_at ON record_summaries (created_at)",
    ),
}
SUMMARY_BACKFILL_BATCH = 500
SUMMARY_PAGE = 1000


@contextmanager
def _immediate_transaction(db: sqlite3.Connection) -> Iterator[None]:
    """A write transaction that takes the database write lock up front (waits up to busy_timeout)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise


def _migrate(db: sqlite3.Connection) -> None:
    with _immediate_transaction(db):
        current = db.execute("PRAGMA user_version").fetchone()[0]
        if current > SCHEMA_VERSION:
            raise StoreError(f"database schema version {current} is newer than this code ({SCHEMA_VERSION})")
        for target in range(current + 1, SCHEMA_VERSION + 1):
            for statement in _MIGRATIONS[target]:
                db.execute(statement)
            db.execute(f"PRAGMA user_version = {target}")
            log.info("sqlite store schema migrated to version %d", target)


def _insert_summary(db: sqlite3.Connection, record_id: str, summary: RecordSummary) -> None:
    db.execute("INSERT INTO record_summaries (id, conversation_key, created_at, total, matches)"
               " VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
               (record_id, summary.conversation_key, summary.created_at.timestamp(), summary.total_max_award_cny,
                summary.matches_json()))


def _backfill_summaries(db: sqlite3.Connection) -> None:
    """Summaries of records stored before schema version 2 (none missing: one index scan)."""
    missing = "SELECT r.id FROM records r WHERE NOT EXISTS (SELECT 1 FROM record_summaries s WHERE s.id = r.id)"
    while ids := [record_id for (record_id,) in db.execute(f"{missing} LIMIT {SUMMARY_BACKFILL_BATCH}")]:
        with _immediate_transaction(db):
            for record_id in ids:
                row = db.execute("SELECT body FROM records WHERE id = ?", (record_id,)).fetchone()
                if row is not None:
                    _insert_summary(db, record_id, RecordSummary.of_record(AssessmentRecord.model_validate_json(row[0])))
        log.info("sqlite store: summaries written for %d older records", len(ids))


def _connect(path: Path, busy_timeout_ms: int) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=busy_timeout_ms / 1000)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise StoreError(f"could not switch {path} to WAL journal mode (got {mode!r})")
        db.execute("PRAGMA synchronous = NORMAL")
        _migrate(db)
        _backfill_summaries(db)
    except BaseException:
        db.close()
        raise
    return db


def _connect_reader(path: Path) -> sqlite3.Connection:
    """The query-only connection for reads on the event loop's thread: it never waits for a lock."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=0)
    db.execute("PRAGMA busy_timeout = 0")
    db.execute("PRAGMA query_only = 1")
    return db


def _would_wait(exc: sqlite3.OperationalError) -> bool:
    return getattr(exc, "sqlite_errorcode", sqlite3.SQLITE_BUSY) & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


class SqliteStore(SqliteQuestions, SqliteSubscriptions, Store):
    """Conversation and record store in one SQLite file (created with its directory if missing)."""

    def __init__(
        self,
        path: str | Path,
        *,
        idle_ttl_seconds: float = DEFAULT_IDLE_TTL_SECONDS,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
        busy_timeout_ms: int = 5000,
    ) -> None:
        super().__init__(idle_ttl_seconds=idle_ttl_seconds, max_attempts=max_attempts)
        self.path = Path(path)
        self._db = _connect(self.path, busy_timeout_ms)
        create_subscription_tables(self._db)
        self._reader = _connect_reader(self.path)
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="awardbot-sqlite")
        self._closed = False

    async def _run(self, operation: Callable[..., T], *args: object) -> T:
        if self._closed:
            raise StoreError("the store is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, functools.partial(operation, *args))

    async def _read(self, operation: Callable[..., T], *args: object) -> T:
        """``operation(connection, *args)`` at once on the query-only connection, or on the worker
        thread when SQLite would make it wait."""
        if self._closed:
            raise StoreError("the store is closed")
        try:
            return operation(self._reader, *args)
        except sqlite3.OperationalError as exc:
            if not _would_wait(exc):
                raise
        return await self._run(operation, self._db, *args)

    def _transaction(self):  # noqa: ANN202 - a context manager
        return _immediate_transaction(self._db)

    def _live_after(self) -> float:
        """Conversations updated at or before this moment have expired."""
        return time.time() - self.idle_ttl_seconds

    # -- conversations -------------------------------------------------------------------------

    async def get(self, key: str) -> Conversation | None:
        return await self._read(self._get_sync, key)

    def _get_sync(self, db: sqlite3.Connection, key: str) -> Conversation | None:
        row = db.execute(
            "SELECT version, state_json, updated_at FROM conversations WHERE key = ? AND updated_at > ?",
            (key, self._live_after()),
        ).fetchone()
        return None if row is None else Conversation(key, row[0], row[1], row[2])

    async def _read_snapshot(self, key: str) -> Snapshot:
        return await self._read(self._read_snapshot_sync, key)

    def _read_snapshot_sync(self, db: sqlite3.Connection, key: str) -> Snapshot:
        row = db.execute(
            "SELECT version, incarnation, state_json, updated_at FROM conversations WHERE key = ?", (key,)
        ).fetchone()
        if row is None:
            return Snapshot(conversation=None, token=None)
        version, incarnation, state_json, updated_at = row
        live = updated_at > self._live_after()
        conversation = Conversation(key, version, state_json, updated_at) if live else None
        return Snapshot(conversation=conversation, token=CasToken(version, incarnation))

    async def _write_if_unchanged(
        self, conversation: Conversation, incarnation: str, expected: CasToken | None
    ) -> bool:
        return await self._run(self._write_if_unchanged_sync, conversation, incarnation, expected)

    def _write_if_unchanged_sync(
        self, conv: Conversation, incarnation: str, expected: CasToken | None
    ) -> bool:
        with _immediate_transaction(self._db):
            if expected is None:
                cursor = self._db.execute(
                    "INSERT INTO conversations (key, version, incarnation, state_json, updated_at)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING",
                    (conv.key, conv.version, incarnation, conv.state_json, conv.updated_at),
                )
            else:
                cursor = self._db.execute(
                    "UPDATE conversations SET version = ?, incarnation = ?, state_json = ?, updated_at = ?"
                    " WHERE key = ? AND version = ? AND incarnation = ?",
                    (
                        conv.version,
                        incarnation,
                        conv.state_json,
                        conv.updated_at,
                        conv.key,
                        expected.version,
                        expected.incarnation,
                    ),
                )
            return cursor.rowcount == 1

    async def delete_conversation(self, key: str) -> bool:
        return await self._run(self._delete_conversation_sync, key)

    def _delete_conversation_sync(self, key: str) -> bool:
        with _immediate_transaction(self._db):
            return self._db.execute("DELETE FROM conversations WHERE key = ?", (key,)).rowcount > 0

    async def purge_expired(self) -> int:
        return await self._run(self._purge_expired_sync)

    def _purge_expired_sync(self) -> int:
        with _immediate_transaction(self._db):
            removed = self._db.execute(
                "DELETE FROM conversations WHERE updated_at <= ?", (self._live_after(),)
            ).rowcount
        log.debug("purged %d expired conversations", removed)
        return removed

    # -- assessment records --------------------------------------------------------------------

    async def add_record(self, record: AssessmentRecord) -> bool:
        return await self._run(self._add_record_sync, record)

    def _add_record_sync(self, record: AssessmentRecord) -> bool:
        with _immediate_transaction(self._db):
            cursor = self._db.execute(
                "INSERT INTO records (id, conversation_key, created_at, body) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING",
                (record.id, record.conversation_key, record.created_at.timestamp(), record.model_dump_json()),
            )
            if cursor.rowcount == 1:
                _insert_summary(self._db, record.id, RecordSummary.of_record(record))
        return cursor.rowcount == 1

    async def list_records(self, since: datetime | None = None, limit: int = 1000) -> list[AssessmentRecord]:
        if limit <= 0:
            return []
        since_ts = float("-inf") if since is None else as_utc(since).timestamp()
        return await self._run(self._list_records_sync, since_ts, limit)

    def _list_records_sync(self, since_ts: float, limit: int) -> list[AssessmentRecord]:
        rows = self._db.execute(
            "SELECT body FROM records WHERE created_at >= ? ORDER BY created_at DESC, id DESC LIMIT ?",
            (since_ts, limit),
        ).fetchall()
        return [AssessmentRecord.model_validate_json(body) for (body,) in rows]

    async def record_summaries(self, since: datetime | None = None, limit: int = 1000) -> list[RecordSummary]:
        """Read in pages of :data:`SUMMARY_PAGE` on the store's thread, so that conversation turns
        waiting for it get in between the pages."""
        since_ts = float("-inf") if since is None else as_utc(since).timestamp()
        summaries: list[RecordSummary] = []
        after: tuple[float, str] | None = None
        while len(summaries) < limit:
            page, after = await self._run(self._record_summaries_page, since_ts, after,
                                          min(SUMMARY_PAGE, limit - len(summaries)))
            summaries += page
            if after is None:
                break
        return summaries

    def _record_summaries_page(self, since_ts: float, after: tuple[float, str] | None,
                               size: int) -> tuple[list[RecordSummary], tuple[float, str] | None]:
        """Up to ``size`` summaries older than ``after`` (created_at, id), and where the next page starts."""
        older_than_cursor = "" if after is None else " AND (created_at, id) < (?, ?)"
        rows = self._db.execute(
            "SELECT conversation_key, created_at, total, matches, id FROM record_summaries"
            f" WHERE created_at >= ?{older_than_cursor} ORDER BY created_at DESC, id DESC LIMIT ?",
            (since_ts, *(after or ()), size),
        ).fetchall()
        page = [RecordSummary.from_stored(key, datetime.fromtimestamp(created, UTC), total, matches)
                for key, created, total, matches, _ in rows]
        return page, ((rows[-1][1], rows[-1][4]) if len(rows) == size else None)

    async def forget(self, conversation_key: str) -> int:
        return await self._run(self._forget_sync, conversation_key)

    def _forget_sync(self, conversation_key: str) -> int:
        with _immediate_transaction(self._db):
            conversations = self._db.execute(
                "DELETE FROM conversations WHERE key = ?", (conversation_key,)
            ).rowcount
            records = self._db.execute(
                "DELETE FROM records WHERE conversation_key = ?", (conversation_key,)
            ).rowcount
            self._db.execute("DELETE FROM record_summaries WHERE conversation_key = ?", (conversation_key,))
            subscription_rows = forget_subscription_rows(self._db, conversation_key)
        log.debug(
            "forgot conversation %s: %d conversation, %d records", key_for_log(conversation_key), conversations, records
        )
        return conversations + records + subscription_rows

    # -- lifecycle -----------------------------------------------------------------------------

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        self._reader.close()
        await loop.run_in_executor(self._worker, self._db.close)  # runs after any queued operation
        self._worker.shutdown(wait=False)
