"""Assessment records: listing order, ``since`` and ``limit``, idempotent adds, and ``forget``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.store import AssessmentRecord
from bot.store.base import Store
from tests.store.conftest import Backend

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def make_record(conversation_key: str, created_at: datetime, **changes: object) -> AssessmentRecord:
    fields: dict[str, object] = {
        "conversation_key": conversation_key,
        "created_at": created_at,
        "channel": "web",
        "locale": "zh-CN",
        "ruleset_version": "abc123",
        "profile": {"district": "渝中区", "revenue_cny": 12_345_678.5, "certifications": ["beidouxing"]},
        "result": {"total_max_award_cny": 1_000_000, "matches": [{"rule_id": "CQ2025-8", "missing": []}]},
    }
    fields.update(changes)
    return AssessmentRecord.model_validate(fields)


def test_record_defaults() -> None:
    record = AssessmentRecord(
        conversation_key="cli:x", channel="cli", locale="en", ruleset_version="v", profile={}, result={}
    )
    assert len(record.id) == 32 and int(record.id, 16) >= 0
    assert record.created_at.tzinfo is not None and record.created_at.utcoffset() == timedelta(0)
    assert record.model_dump(mode="json")["created_at"].endswith("Z")


def test_naive_created_at_is_taken_as_utc() -> None:
    record = make_record("web:a", datetime(2026, 3, 1, 8, 0))
    assert record.created_at == T0


async def test_records_are_listed_newest_first(store: Store) -> None:
    middle, oldest, newest = (
        make_record("web:a", T0 + timedelta(hours=1)),
        make_record("tg:b", T0),
        make_record("web:c", T0 + timedelta(hours=2), channel="telegram", locale="en"),
    )
    for record in (middle, oldest, newest):
        assert await store.add_record(record) is True

    assert await store.list_records() == [newest, middle, oldest]
    assert await store.list_records(limit=2) == [newest, middle]
    assert await store.list_records(limit=0) == []


async def test_since_filter_includes_its_own_moment(store: Store) -> None:
    records = [make_record(f"web:{i}", T0 + timedelta(minutes=i)) for i in range(5)]
    for record in records:
        await store.add_record(record)

    assert await store.list_records(since=T0 + timedelta(minutes=3)) == [records[4], records[3]]
    assert await store.list_records(since=(T0 + timedelta(minutes=3)).replace(tzinfo=None)) == [
        records[4],
        records[3],
    ]
    assert await store.list_records(since=T0 + timedelta(days=1)) == []
    assert await store.list_records(since=T0 - timedelta(days=1), limit=1) == [records[4]]


async def test_records_round_trip_exactly(store: Store) -> None:
    record = make_record("web:a", datetime(2026, 3, 1, 8, 0, 0, 123456, tzinfo=UTC))
    await store.add_record(record)
    [stored] = await store.list_records()
    assert stored == record
    assert stored.profile["district"] == "渝中区"


async def test_adding_the_same_record_twice_keeps_one(store: Store) -> None:
    record = make_record("web:a", T0)
    assert await store.add_record(record) is True
    assert await store.add_record(record) is False
    assert await store.list_records() == [record]


async def test_forget_removes_the_conversation_and_all_its_records(backend: Backend, store: Store) -> None:
    await store.create("web:gone", '{"revenue_cny": 5}')
    await store.create("web:kept", "{}")
    for minutes in range(3):
        await store.add_record(make_record("web:gone", T0 + timedelta(minutes=minutes)))
    kept = make_record("web:kept", T0 + timedelta(minutes=10))
    await store.add_record(kept)
    assert backend.raw_traces("web:gone")

    assert await store.forget("web:gone") == 4  # the conversation and three records

    assert backend.raw_traces("web:gone") == []
    assert await store.get("web:gone") is None
    assert await store.list_records() == [kept]
    assert await store.get("web:kept") is not None
    assert backend.raw_traces("web:kept")
    assert await store.forget("web:gone") == 0


async def test_forget_without_a_conversation_still_removes_records(backend: Backend, store: Store) -> None:
    await store.add_record(make_record("tg:7", T0))
    assert await store.forget("tg:7") == 1
    assert backend.raw_traces("tg:7") == []
    assert await store.list_records() == []
