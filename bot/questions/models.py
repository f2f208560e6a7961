"""A question an owner left for the help desk, the staff's answer, and their pure transitions.

A question is a record like an assessment: it belongs to one conversation (``conversation_key``),
is exported with the records and forgotten with the conversation. What the owner agreed to attach
(the answers given so far and the result) is kept only with ``consent``.

Delivery is exactly once per channel: Telegram answers are *claimed* (a lease) before sending and
marked delivered after Telegram accepted them; widget answers are marked delivered by the read that
shows them. Every change goes through the store's atomic ``change_question`` with one of the pure
functions below, so two staff clicks or two workers can never both win.
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from bot.store.models import as_utc, utc_now

MAX_QUESTION_CHARS = 1000
MAX_ANSWER_CHARS = 4000
MAX_CITATIONS = 10
DELIVERY_LEASE = timedelta(minutes=5)
"""A Telegram delivery claimed longer ago than this (its sender died) may be claimed again."""

UtcMoment = Annotated[datetime, AfterValidator(as_utc)]
"""A moment, kept in UTC (a naive one is taken to be UTC already)."""
QuestionChannel = Literal["web", "telegram"]
QuestionStatus = Literal["open", "answered"]


class Citation(BaseModel):
    """A clause or Q&A the staff cite, as the FAQ gives it: its id and the verbatim citation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    clause_id: str
    rule_id: str
    title: str
    document: str
    article: str
    quote: str


class StaffAnswer(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    citations: list[Citation] = Field(default_factory=list)
    answered_at: UtcMoment = Field(default_factory=utc_now)
    request_id: str  # the staff request that gave it: a retry of that request is the same answer


class OwnerQuestion(BaseModel):
    """One question, as stored. ``answers`` / ``result`` are set only with the owner's consent."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex, min_length=1)
    conversation_key: str = Field(min_length=1)
    created_at: UtcMoment = Field(default_factory=utc_now)
    channel: QuestionChannel
    locale: Literal["zh-CN", "en"]
    text: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS)
    consent: bool
    answers: dict[str, Any] | None = None  # the CONTRACT §4 profile of the answers so far
    result: dict[str, Any] | None = None  # the CONTRACT §4 assessment, once finished
    answers_shown: list[tuple[str, str]] | None = None  # (fact, answer) as the owner said it, their language
    result_shown: list[str] | None = None  # the total, then each award with its amount, their language
    finished: bool = False  # the conversation had reached its result when the question was left
    status: QuestionStatus = "open"
    answer: StaffAnswer | None = None
    delivered_at: UtcMoment | None = None
    delivery_claimed_at: UtcMoment | None = None
    delivery_refused_at: UtcMoment | None = None  # Telegram refused the chat for good (the owner blocked the bot)


def question_id(conversation_key: str, request_id: str) -> str:
    """The id of the question a conversation leaves with ``request_id``: a retried send is the same question."""
    return hashlib.sha256(f"{conversation_key}\n{request_id}".encode()).hexdigest()[:32]


# --- transitions (pure: old record in, new record or None out) -------------------------------


class AlreadyAnswered(Exception):
    """Another staff request answered the question first."""


def answered(question: OwnerQuestion, answer: StaffAnswer) -> OwnerQuestion:
    """The question with ``answer``; the same question when this very request answered it already
    (a retry or a double click); :class:`AlreadyAnswered` when another request did."""
    if question.answer is not None:
        if question.answer.request_id == answer.request_id:
            return question
        raise AlreadyAnswered(question.id)
    return question.model_copy(update={"status": "answered", "answer": answer})


def claimed_for_delivery(question: OwnerQuestion, now: datetime) -> OwnerQuestion | None:
    """The question claimed for sending its answer now; ``None`` when there is nothing to send, it
    was sent or refused for good, or another sender holds a live claim."""
    if question.answer is None or question.delivered_at is not None or question.delivery_refused_at is not None:
        return None
    claim = question.delivery_claimed_at
    if claim is not None and now - claim < DELIVERY_LEASE:
        return None
    return question.model_copy(update={"delivery_claimed_at": now})


def delivered(question: OwnerQuestion, now: datetime) -> OwnerQuestion:
    return question.model_copy(update={"delivered_at": question.delivered_at or now, "delivery_claimed_at": None})


def refused(question: OwnerQuestion, now: datetime) -> OwnerQuestion:
    """Telegram will never take this chat's messages (blocked, deleted): not tried again."""
    return question.model_copy(update={"delivery_refused_at": now, "delivery_claimed_at": None})


def released(question: OwnerQuestion) -> OwnerQuestion:
    """A claim given back after a failed send, so a later attempt sends it."""
    return question.model_copy(update={"delivery_claimed_at": None})
