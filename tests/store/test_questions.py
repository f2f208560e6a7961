"""Owners' questions in both back ends: idempotent adds, listing, atomic changes, exactly-once
delivery marks, and forget."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.questions.models import (
    DELIVERY_LEASE,
    AlreadyAnswered,
    OwnerQuestion,
    StaffAnswer,
    answered,
    claimed_for_delivery,
    delivered,
    question_id,
    released,
)
from bot.store.base import Store

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def make_question(key: str = "web:a", created_at: datetime = T0, **changes: object) -> OwnerQuestion:
    fields: dict[str, object] = {"conversation_key": key, "created_at": created_at, "channel": "web",
                                 "locale": "zh-CN", "text": "能申请算力券吗？", "consent": False}
    fields.update(changes)
    return OwnerQuestion.model_validate(fields)


def staff_answer(request_id: str = "r1") -> StaffAnswer:
    return StaffAnswer(text="可以，见第八条。", request_id=request_id)


async def test_a_question_is_stored_once_and_read_back(store: Store) -> None:
    question = make_question(answers={"district": "渝中区"}, consent=True)
    assert await store.add_question(question) is True
    assert await store.add_question(question) is False  # a retried add
    assert await store.get_question(question.id) == question
    assert await store.get_question("nope") is None


async def test_listing_is_newest_first_and_filters_by_status(store: Store) -> None:
    older, newer = make_question(created_at=T0), make_question("tg:1", T0 + timedelta(minutes=1), channel="telegram")
    for question in (older, newer):
        await store.add_question(question)
    assert [q.id for q in await store.list_questions()] == [newer.id, older.id]
    await store.change_question(older.id, lambda q: answered(q, staff_answer()))
    assert [q.id for q in await store.list_questions(status="open")] == [newer.id]
    assert [q.id for q in await store.list_questions(status="answered")] == [older.id]
    assert [q.id for q in await store.list_questions(limit=1)] == [newer.id]
    assert await store.list_questions(since=T0 + timedelta(seconds=30)) == [newer]
    assert [q.id for q in await store.questions_of("web:a")] == [older.id]


async def test_an_answer_is_given_once_and_a_retry_of_it_changes_nothing(store: Store) -> None:
    question = make_question()
    await store.add_question(question)
    first, changed = await store.change_question(question.id, lambda q: answered(q, staff_answer("r1")))
    assert changed and first is not None and first.status == "answered"
    again, changed_again = await store.change_question(question.id, lambda q: answered(q, staff_answer("r1")))
    assert not changed_again and again == first
    with pytest.raises(AlreadyAnswered):
        await store.change_question(question.id, lambda q: answered(q, staff_answer("r2")))
    assert (await store.get_question(question.id)) == first
    assert await store.change_question("missing", lambda q: q) == (None, False)


async def test_two_answers_at_once_one_wins(store: Store) -> None:
    question = make_question()
    await store.add_question(question)
    outcomes = await asyncio.gather(
        *(store.change_question(question.id, lambda q, r=f"r{i}": answered(q, staff_answer(r))) for i in range(6)),
        return_exceptions=True)
    winners = [o for o in outcomes if isinstance(o, tuple) and o[1]]
    assert len(winners) == 1
    assert all(isinstance(o, AlreadyAnswered) for o in outcomes if not (isinstance(o, tuple) and o[1]))


async def test_a_delivery_is_claimed_once_until_its_lease_ends(store: Store) -> None:
    question = make_question()
    await store.add_question(question)
    assert claimed_for_delivery(question, T0) is None  # nothing to deliver before an answer
    await store.change_question(question.id, lambda q: answered(q, staff_answer()))
    _, first = await store.change_question(question.id, lambda q: claimed_for_delivery(q, T0))
    _, second = await store.change_question(question.id, lambda q: claimed_for_delivery(q, T0 + timedelta(seconds=1)))
    assert first and not second
    later = T0 + DELIVERY_LEASE + timedelta(seconds=1)
    _, after_lease = await store.change_question(question.id, lambda q: claimed_for_delivery(q, later))
    assert after_lease
    await store.change_question(question.id, released)
    stored, _ = await store.change_question(question.id, lambda q: delivered(q, later))
    assert stored is not None and stored.delivered_at == later
    _, once_more = await store.change_question(question.id, lambda q: claimed_for_delivery(q, later))
    assert not once_more


async def test_forget_removes_the_conversations_questions_only(store: Store) -> None:
    mine = [make_question("web:mine", T0), make_question("web:mine", T0 + timedelta(seconds=1))]
    other = make_question("web:other")
    for question in (*mine, other):
        await store.add_question(question)
    await store.change_question(mine[0].id, lambda q: answered(q, staff_answer()))
    assert await store.forget_questions("web:mine") == 2
    assert await store.questions_of("web:mine") == []
    assert [q.id for q in await store.list_questions()] == [other.id]
    assert await store.list_questions(status="answered") == []
    assert await store.forget_questions("web:mine") == 0


def test_question_ids_follow_the_request() -> None:
    assert question_id("web:a", "r1") == question_id("web:a", "r1")
    assert question_id("web:a", "r1") != question_id("web:b", "r1") != question_id("web:a", "r2")
