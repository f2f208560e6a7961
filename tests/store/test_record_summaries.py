"""Record summaries (what the staff overview counts), kept next to each record: the same records as
``list_records``, in the same order, reduced to conversation, time, total and the eligible or possible
matches; across read batches; records stored before summaries were kept are summarised too."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

from bot.store import AssessmentRecord
from bot.store.base import Store
from bot.store.models import RecordSummary
from tests.store.conftest import Backend, SqliteBackend

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
RESULT = {
    "total_max_award_cny": 1_200_000,
    "matches": [
        {"clause_id": "CQ2025-8", "rule_id": "CQ2025-8", "status": "eligible"},
        {"clause_id": "CQ2025-7", "rule_id": "CQ2025-7#headcount-5000", "status": "possible"},
        {"clause_id": "CQ2022-3.2.2", "rule_id": "CQ2022-3.2.2", "status": "expired"},
        {"clause_id": "YZ2025-9", "rule_id": "YZ2025-9", "status": "not_yet_in_force"},
    ],
}


def record(key: str, created_at: datetime, result: dict | None = None) -> AssessmentRecord:
    return AssessmentRecord(conversation_key=key, created_at=created_at, channel="web", locale="zh-CN",
                            ruleset_version="v", profile={"district": "渝中区"}, result=RESULT if result is None else result)


def same(summaries: list[RecordSummary], records: list[AssessmentRecord]) -> None:
    assert len(summaries) == len(records)
    for summary, stored in zip(summaries, records, strict=True):
        expected = RecordSummary.of_record(stored)
        assert abs(summary.created_at - expected.created_at) < timedelta(milliseconds=1)
        assert (summary.conversation_key, summary.total_max_award_cny, summary.matches) == (
            expected.conversation_key, expected.total_max_award_cny, expected.matches)


def test_a_summary_keeps_only_eligible_and_possible_matches() -> None:
    summary = RecordSummary.of_record(record("web:a", T0))
    assert summary.matches == (("CQ2025-8", "CQ2025-8", "eligible"),
                               ("CQ2025-7", "CQ2025-7#headcount-5000", "possible"))
    assert summary.total_max_award_cny == 1_200_000 and summary.created_at == T0
    assert RecordSummary.of_record(record("web:b", T0, {"matches": []})).total_max_award_cny == 0


async def test_summaries_follow_the_listed_records_across_batches(store: Store) -> None:
    records = [record(f"web:{i % 7}", T0 + timedelta(minutes=i),
                      {"total_max_award_cny": i * 1000, "matches": RESULT["matches"][: i % 3]}) for i in range(450)]
    for item in records:
        await store.add_record(item)
    same(await store.record_summaries(limit=1000), await store.list_records(limit=1000))
    same(await store.record_summaries(limit=5), await store.list_records(limit=5))
    since = T0 + timedelta(minutes=300)
    same(await store.record_summaries(since=since, limit=1000), await store.list_records(since=since, limit=1000))
    assert await store.record_summaries(limit=0) == []


async def test_a_forgotten_conversation_has_no_summaries(store: Store) -> None:
    await store.add_record(record("web:gone", T0))
    await store.add_record(record("web:kept", T0 + timedelta(seconds=1)))
    await store.forget("web:gone")
    assert [s.conversation_key for s in await store.record_summaries()] == ["web:kept"]


async def test_records_stored_before_summaries_were_kept_are_summarised(backend: Backend) -> None:
    records = [record(f"web:{i}", T0 + timedelta(minutes=i)) for i in range(3)]
    opened = backend.open()
    for item in records:
        await opened.add_record(item)
    await opened.close()
    if isinstance(backend, SqliteBackend):  # as a version-1 database: no summary table rows
        with sqlite3.connect(backend.path) as db:
            db.execute("DELETE FROM record_summaries")
    else:  # record hashes written before the ``counted`` field
        for item in records:
            backend.client.hdel(f"{backend.key_prefix}rec:{item.id}", "counted")
    reopened = backend.open()
    try:
        same(await reopened.record_summaries(), await reopened.list_records())
        assert len(await reopened.record_summaries()) == 3
    finally:
        await reopened.close()
