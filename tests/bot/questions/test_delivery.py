"""Telegram delivery of staff answers against a bot that fails: a passing failure is retried later, a
chat that refuses for good (the owner blocked the bot) is not tried again."""

from __future__ import annotations

from typing import Any

from telegram.error import Forbidden, NetworkError

from bot.questions.delivery import deliver, deliver_pending
from bot.questions.models import OwnerQuestion, StaffAnswer, answered
from bot.store import Store


class FailingBot:
    def __init__(self, error: Exception | None) -> None:
        self.error = error
        self.sent: list[tuple[int, str]] = []

    async def send_message(self, chat_id: int, text: str, **_options: Any) -> object:
        if self.error is not None:
            raise self.error
        self.sent.append((chat_id, text))
        return object()


async def answered_question(store: Store) -> OwnerQuestion:
    question = answered(OwnerQuestion(conversation_key="tg:77", channel="telegram", locale="en", text="Can we?",
                                      consent=False), StaffAnswer(text="Yes.", request_id="staff-000009"))
    await store.add_question(question)  # type: ignore[attr-defined]
    return question


async def test_a_network_failure_is_retried_and_then_sent_once(store: Store) -> None:
    question = await answered_question(store)
    assert not await deliver(FailingBot(NetworkError("down")), store, question.id)  # type: ignore[arg-type]
    working = FailingBot(None)
    assert await deliver_pending(working, store) == 1  # type: ignore[arg-type]
    assert await deliver_pending(working, store) == 0  # type: ignore[arg-type]
    assert [chat for chat, _ in working.sent] == [77] and "Yes." in working.sent[0][1]


async def test_a_blocked_chat_is_not_tried_again(store: Store) -> None:
    question = await answered_question(store)
    assert not await deliver(FailingBot(Forbidden("bot was blocked by the user")), store, question.id)  # type: ignore[arg-type]
    stored = await store.get_question(question.id)  # type: ignore[attr-defined]
    assert stored.delivery_refused_at is not None and stored.delivered_at is None
    working = FailingBot(None)
    assert await deliver_pending(working, store) == 0 and working.sent == []  # type: ignore[arg-type]
