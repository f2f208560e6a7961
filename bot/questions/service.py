"""Questions for the help desk against the store: leave one, list them, answer one, hand answers out.

:class:`QuestionService` is what the channels and the staff API call. Leaving a question reads the
conversation's current turn for what the owner agreed to attach (the answers so far and, once
finished, the assessment); nothing else of the conversation changes. Answers are delivered once:
in the widget by :meth:`QuestionService.take_web_answers` (the read that shows them marks them),
in Telegram by :mod:`bot.questions.delivery`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import cast

from bot.conversation_service import ConversationService
from bot.questions.citations import resolve_citation
from bot.questions.models import (
    AlreadyAnswered,
    Citation,
    OwnerQuestion,
    QuestionChannel,
    StaffAnswer,
    answered,
    delivered,
    question_id,
)
from bot.store.base import Store, key_for_log
from bot.store.models import utc_now
from bot.store.questions import QuestionStore, StatusFilter
from dialogs.conversation import current_turn
from dialogs.render import answer_text, fact_title
from dialogs.state import DialogState
from dialogs.turn import Turn

log = logging.getLogger(__name__)

__all__ = ["AlreadyAnswered", "QuestionMissing", "QuestionService", "ShownAnswer", "UnknownCitation", "forget_questions"]


class QuestionMissing(LookupError):
    """No such question (never left, or forgotten)."""


class UnknownCitation(ValueError):
    """A cited FAQ result that the data does not have."""

    def __init__(self, rule_id: str) -> None:
        super().__init__(rule_id)
        self.rule_id = rule_id


@dataclass(frozen=True, slots=True)
class ShownAnswer:
    """An answered question of a conversation, and whether this read is the first to show it."""

    question: OwnerQuestion
    new: bool


def answers_shown(state: DialogState) -> list[tuple[str, str]]:
    """Every answer given, as the owner would hear it said back (the /summary lines)."""
    keys = [key for key in dict.fromkeys(state.history) if key != "events_more"]
    return [(fact_title(key, state.locale), answer_text(state, key)) for key in keys]


def result_shown(turn: Turn) -> list[str] | None:
    """The result's total, then each award it counts with its amount."""
    if turn.result is None:
        return None
    awards = turn.result.section("awards")
    return [turn.result.total_text, *(f"{item.title}: {item.amount_text}" for item in (awards.items if awards else []))]


class QuestionService:
    def __init__(self, conversations: ConversationService) -> None:
        self.conversations = conversations

    @property
    def store(self) -> QuestionStore:
        return cast(QuestionStore, self.conversations.store)

    async def leave(self, key: str, text: str, *, consent: bool, channel: QuestionChannel, request_id: str,
                    locale: str) -> tuple[OwnerQuestion, bool]:
        """Store the owner's question (``text`` already validated); with ``consent`` the conversation's
        answers and, when finished, its assessment go with it. The same ``request_id`` again is the
        same question (returned with ``False``: not stored twice)."""
        state = await self.conversations.state(key)
        attach = consent and state is not None
        turn = current_turn(state) if state is not None else None
        question = OwnerQuestion(
            id=question_id(key, request_id), conversation_key=key, channel=channel,
            locale=state.locale if state else locale,  # type: ignore[arg-type]
            text=text.strip(), consent=consent, finished=bool(turn and turn.done),
            answers=dict(turn.answers) if attach and turn else None,
            result=turn.assessment if attach and turn and turn.done else None,
            answers_shown=answers_shown(state) if attach and state else None,
            result_shown=result_shown(turn) if attach and turn and turn.done else None)
        added = await self.store.add_question(question)
        if not added:
            question = await self.store.get_question(question.id) or question
        log.info("question %s left for the help desk from %s (consent: %s)", question.id[:8], key_for_log(key),
                 consent)
        return question, added

    async def list(self, status: StatusFilter = "open", limit: int = 200) -> list[OwnerQuestion]:
        return await self.store.list_questions(status=status, limit=limit)

    async def answer(self, question_id: str, text: str, cited: list[str], request_id: str,
                     locale: str) -> tuple[OwnerQuestion, bool]:
        """Answer a question with citations of FAQ results (their ``rule_id``). A retry of the same
        ``request_id`` returns the stored answer (``False``: nothing new); another request's answer
        first raises :class:`AlreadyAnswered`."""
        citations: list[Citation] = []
        for rule_id in dict.fromkeys(cited):
            citation = resolve_citation(rule_id, locale)
            if citation is None:
                raise UnknownCitation(rule_id)
            citations.append(citation)
        answer = StaffAnswer(text=text.strip(), citations=citations, request_id=request_id)
        question, changed = await self.store.change_question(question_id, lambda q: answered(q, answer))
        if question is None:
            raise QuestionMissing(question_id)
        if changed:
            log.info("question %s answered with %d citations", question_id[:8], len(citations))
        return question, changed

    async def take_web_answers(self, key: str) -> list[ShownAnswer]:
        """The answered questions of a web conversation, each marked delivered by the first read that
        shows it (``new``); a later read shows it again as not new."""
        shown = []
        now = utc_now()

        def first_shown(q: OwnerQuestion) -> OwnerQuestion | None:
            return delivered(q, now) if q.delivered_at is None else None

        for question in await self.store.questions_of(key):
            if question.answer is None:
                continue
            new = False
            if question.delivered_at is None:
                question, new = await self.store.change_question(question.id, first_shown)
                if question is None:
                    continue
            shown.append(ShownAnswer(question, new))
        return shown



async def forget_questions(store: Store, key: str) -> int:
    """Remove every question of conversation ``key`` and a question being left; how many were removed."""
    from bot.questions.asking import pending_key

    removed = await store.forget_questions(key) if isinstance(store, QuestionStore) else 0
    return removed + int(await store.delete_conversation(pending_key(key)))
