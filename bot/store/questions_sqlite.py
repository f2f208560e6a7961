"""Owners' questions in the SQLite store: one ``questions`` table next to ``records``.

Mixed into :class:`bot.store.sqlite.SqliteStore`, using its connection and worker thread. The
table is created when first needed (``CREATE TABLE IF NOT EXISTS``), so it needs no step in the
store's numbered schema migrations.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

from bot.questions.models import OwnerQuestion
from bot.store.models import as_utc
from bot.store.questions import Change, QuestionStore, StatusFilter

T = TypeVar("T")

_TABLE = (
    """CREATE TABLE IF NOT EXISTS questions (
           id               TEXT PRIMARY KEY,
           conversation_key TEXT NOT NULL,
           created_at       REAL NOT NULL,
           status           TEXT NOT NULL,
           body             TEXT NOT NULL
       )""",
    "CREATE INDEX IF NOT EXISTS questions_conversation_key ON questions (conversation_key)",
    "CREATE INDEX IF NOT EXISTS questions_created_at ON questions (created_at)",
)


class SqliteQuestions(QuestionStore):
    """The question methods of :class:`bot.store.sqlite.SqliteStore` (its ``_db`` and ``_run``)."""

    _db: sqlite3.Connection
    _run: Callable[..., Awaitable[Any]]
    _questions_table_ready = False

    def _questions_table(self) -> None:
        if not self._questions_table_ready:
            from bot.store.sqlite import _immediate_transaction

            with _immediate_transaction(self._db):
                for statement in _TABLE:
                    self._db.execute(statement)
            self._questions_table_ready = True

    def _in_transaction(self, work: Callable[[], T]) -> T:
        from bot.store.sqlite import _immediate_transaction

        self._questions_table()
        with _immediate_transaction(self._db):
            return work()

    def _select(self, where: str, params: tuple[Any, ...], order: str, limit: int = -1) -> list[OwnerQuestion]:
        self._questions_table()
        rows = self._db.execute(f"SELECT body FROM questions WHERE {where} ORDER BY {order} LIMIT ?",
                                (*params, limit)).fetchall()
        return [OwnerQuestion.model_validate_json(body) for (body,) in rows]

    async def add_question(self, question: OwnerQuestion) -> bool:
        def add() -> bool:
            return self._db.execute(
                "INSERT INTO questions (id, conversation_key, created_at, status, body) VALUES (?, ?, ?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING",
                (question.id, question.conversation_key, question.created_at.timestamp(), question.status,
                 question.model_dump_json())).rowcount == 1

        return await self._run(self._in_transaction, add)

    async def get_question(self, question_id: str) -> OwnerQuestion | None:
        found = await self._run(self._select, "id = ?", (question_id,), "id")
        return found[0] if found else None

    async def list_questions(self, status: StatusFilter = None, since: datetime | None = None,
                             limit: int = 1000) -> list[OwnerQuestion]:
        if limit <= 0:
            return []
        since_ts = float("-inf") if since is None else as_utc(since).timestamp()
        where, params = "created_at >= ?", (since_ts,)
        if status is not None:
            where, params = where + " AND status = ?", (since_ts, status)
        return await self._run(self._select, where, params, "created_at DESC, id DESC", limit)

    async def questions_of(self, conversation_key: str) -> list[OwnerQuestion]:
        return await self._run(self._select, "conversation_key = ?", (conversation_key,), "created_at, id")

    async def change_question(self, question_id: str, change: Change) -> tuple[OwnerQuestion | None, bool]:
        def apply() -> tuple[OwnerQuestion | None, bool]:
            row = self._db.execute("SELECT body FROM questions WHERE id = ?", (question_id,)).fetchone()
            if row is None:
                return None, False
            current = OwnerQuestion.model_validate_json(row[0])
            new = change(current)
            if new is None or new == current:
                return current, False
            self._db.execute("UPDATE questions SET status = ?, body = ? WHERE id = ?",
                             (new.status, new.model_dump_json(), question_id))
            return new, True

        return await self._run(self._in_transaction, apply)

    async def forget_questions(self, conversation_key: str) -> int:
        def forget() -> int:
            return self._db.execute("DELETE FROM questions WHERE conversation_key = ?", (conversation_key,)).rowcount

        return await self._run(self._in_transaction, forget)
