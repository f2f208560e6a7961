"""Request and response bodies of "ask a person": the owner's question, the staff's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from bot.questions.models import (
    MAX_ANSWER_CHARS,
    MAX_CITATIONS,
    MAX_QUESTION_CHARS,
    Citation,
    OwnerQuestion,
    StaffAnswer,
)

RequestId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{8,64}$")]
QuestionText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_QUESTION_CHARS)]
AnswerText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_ANSWER_CHARS)]
FaqResultId = Annotated[str, StringConstraints(min_length=1, max_length=100)]


class QuestionIn(BaseModel):
    """``POST /api/sessions/{id}/questions``: a question for the help desk."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"text": "我们能申请算力券吗？", "consent": True, "request_id": "a1b2c3d4e5f6"}]})

    text: QuestionText = Field(description="the question, as the owner wrote it")
    consent: bool = Field(description="the owner agreed to attach the answers so far and the result")
    request_id: RequestId = Field(description="chosen by the client, the same on a retry: a retried send "
                                              "is the same question, never a second one")


class AnswerIn(BaseModel):
    """``POST /api/questions/{id}/answer``: the staff's answer."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={
        "examples": [{"text": "可以申请，见第八条。", "citations": ["CQ2025-8"], "request_id": "s1t2a3f4f5"}]})

    text: AnswerText
    citations: list[FaqResultId] = Field(default_factory=list, max_length=MAX_CITATIONS,
                                         description="``rule_id`` of FAQ results (GET /api/faq) to cite; the "
                                                     "clause id and verbatim quote are taken from the rule data")
    request_id: RequestId = Field(description="the same on a retry or a double click: answered once")


class AnswerOut(BaseModel):
    text: str
    citations: list[Citation]
    answered_at: datetime

    @classmethod
    def of(cls, answer: StaffAnswer | None) -> AnswerOut | None:
        return None if answer is None else cls(text=answer.text, citations=answer.citations,
                                                 answered_at=answer.answered_at)


class OwnerQuestionOut(BaseModel):
    """A question as its owner sees it."""

    id: str
    text: str
    consent: bool
    created_at: datetime
    status: Literal["open", "answered"]
    answer: AnswerOut | None = None
    new: bool = Field(False, description="this read is the first to show the answer (it is now delivered)")

    @classmethod
    def of(cls, question: OwnerQuestion, new: bool = False) -> OwnerQuestionOut:
        return cls(id=question.id, text=question.text, consent=question.consent, created_at=question.created_at,
                   status=question.status, new=new, answer=AnswerOut.of(question.answer))


class QuestionLeft(BaseModel):
    """The question as sent, and the lines the channel echoes (what was sent, with or without the answers)."""

    question: OwnerQuestionOut
    messages: list[str]


class OwnerQuestions(BaseModel):
    """``GET /api/sessions/{id}/questions``: the session's questions, oldest first."""

    questions: list[OwnerQuestionOut]


class StaffQuestionOut(BaseModel):
    """A question as staff see it: with what the owner agreed to attach."""

    id: str
    created_at: datetime
    channel: Literal["web", "telegram"]
    locale: str
    text: str
    consent: bool
    answers: dict[str, Any] | None
    result: dict[str, Any] | None
    answers_shown: list[tuple[str, str]] | None = Field(description="(fact, answer) as the owner said it")
    result_shown: list[str] | None = Field(description="the total, then each award with its amount")
    finished: bool
    status: Literal["open", "answered"]
    answer: AnswerOut | None
    delivered_at: datetime | None
    delivery_refused_at: datetime | None = Field(None, description="Telegram refused the chat (the owner blocked "
                                                                   "the bot): the answer was not delivered")

    @classmethod
    def of(cls, question: OwnerQuestion) -> StaffQuestionOut:
        return cls(**question.model_dump(include={"id", "created_at", "channel", "locale", "text", "consent",
                                                  "answers", "result", "answers_shown", "result_shown", "finished",
                                                  "status", "delivered_at", "delivery_refused_at"}),
                   answer=AnswerOut.of(question.answer))


class StaffQuestions(BaseModel):
    count: int
    questions: list[StaffQuestionOut]


class Answered(BaseModel):
    """The answered question; ``delivery``: ``sent`` (Telegram accepted it), ``sending`` (another
    request is sending it), ``refused`` (the owner blocked the bot), ``pending`` (Telegram will be
    tried again), ``widget`` (shown when the owner next opens the widget)."""

    question: StaffQuestionOut
    delivery: Literal["sent", "refused", "sending", "pending", "widget"]
