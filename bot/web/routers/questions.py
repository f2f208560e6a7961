"""Ask a person over the web: the owner leaves a question from the widget, staff list and answer them.

Owner (the session id is the credential, as for the chat): ``POST /api/sessions/{id}/questions``
leaves a question, ``GET /api/sessions/{id}/questions`` lists the session's questions with their
answers; the first read showing an answer marks it delivered (``new``), later reads show it as not
new. Staff (``Authorization: Bearer <AWARDBOT_STAFF_TOKEN>``): ``GET /api/questions`` and
``POST /api/questions/{id}/answer`` with citations of FAQ results; a Telegram question's answer is
sent at once (:mod:`bot.questions.delivery`). Retries are safe on both sides (``request_id``).
"""

from __future__ import annotations

import logging
import re
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from bot.questions.asking import question_problem
from bot.questions.delivery import deliver_now
from bot.questions.models import MAX_QUESTION_CHARS
from bot.questions.service import AlreadyAnswered, QuestionMissing, QuestionService, UnknownCitation
from bot.web.deps import ServiceDep, SessionIdDep, require_staff, session_key
from bot.web.errors import ApiError, error_responses, request_locale
from bot.web.question_schemas import (
    Answered,
    AnswerIn,
    OwnerQuestionOut,
    OwnerQuestions,
    QuestionIn,
    QuestionLeft,
    StaffQuestionOut,
    StaffQuestions,
)
from bot.web.rate_limits import limit_client, limit_session
from locales import t

log = logging.getLogger(__name__)

owner_router = APIRouter(prefix="/api/sessions", tags=["ask a person"], dependencies=[Depends(limit_client)],
                         responses=error_responses(404, 413, 422, 429, 503))
staff_router = APIRouter(prefix="/api/questions", tags=["staff"],
                         dependencies=[Depends(limit_client), Depends(require_staff)],
                         responses=error_responses(401, 422, 429, 503))

QUESTION_ID_PATTERN = re.compile(r"[0-9a-f]{32}")
CONFLICT = {409: {"description": "another request answered the question first"}}


def _questions(service: ServiceDep) -> QuestionService:
    return QuestionService(service)


async def _existing_session(request: Request, service: ServiceDep, session_id: str) -> None:
    """404 unless the session holds a conversation or was handed out and not used yet (a forgotten one: 404)."""
    if await service.state(session_key(session_id)) is not None:
        return
    if await request.app.state.session_ids.fresh_locale(service.store, session_id) is None:
        raise ApiError(404, "web.errors.session_not_found")


@owner_router.post("/{session_id}/questions", response_model=QuestionLeft, status_code=201,
                   summary="Leave a question for the help desk")
async def leave_question(request: Request, session_id: SessionIdDep, body: QuestionIn,
                         service: ServiceDep) -> QuestionLeft:
    """The conversation is not changed: its question stays on screen. With ``consent`` the answers so
    far and (once finished) the assessment go with the question."""
    await limit_session(request, session_id)
    await _existing_session(request, service, session_id)
    locale = request_locale(request)
    problem = question_problem(body.text)
    if problem is not None:
        raise ApiError(422, problem, limit=MAX_QUESTION_CHARS)
    question, _ = await _questions(service).leave(session_key(session_id), body.text, consent=body.consent,
                                                  channel="web", request_id=body.request_id, locale=locale)
    shown = question.locale
    messages = [t(shown, "ask.sent", text=question.text),
                t(shown, "ask.sent_with" if question.consent else "ask.sent_without")]
    return QuestionLeft(question=OwnerQuestionOut.of(question), messages=messages)


@owner_router.get("/{session_id}/questions", response_model=OwnerQuestions,
                  summary="The session's questions and the staff's answers")
async def session_questions(request: Request, session_id: SessionIdDep, service: ServiceDep) -> OwnerQuestions:
    """Oldest first. An answer shown for the first time is ``new`` and marked delivered by this read."""
    await _existing_session(request, service, session_id)
    key = session_key(session_id)
    shown = {item.question.id: item for item in await _questions(service).take_web_answers(key)}
    questions = []
    for question in await service.store.questions_of(key):  # type: ignore[attr-defined]
        item = shown.get(question.id)
        questions.append(OwnerQuestionOut.of(item.question if item else question, item.new if item else False))
    return OwnerQuestions(questions=questions)


@staff_router.get("", response_model=StaffQuestions, summary="Questions left for the help desk (staff)")
async def list_questions(
    service: ServiceDep,
    status: Annotated[Literal["open", "answered", "all"], Query(description="which questions")] = "open",
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> StaffQuestions:
    """Newest first, with what the owner agreed to attach. Needs the staff token."""
    found = await _questions(service).list(None if status == "all" else status, limit)
    return StaffQuestions(count=len(found), questions=[StaffQuestionOut.of(q) for q in found])


@staff_router.post("/{question_id}/answer", response_model=Answered, responses={**CONFLICT, **error_responses(404)},
                   summary="Answer a question (staff)")
async def answer_question(
    request: Request, body: AnswerIn, service: ServiceDep, response: Response,
    question_id: Annotated[str, Path(description="the question's id from GET /api/questions")],
) -> Answered:
    """Answers once: the same ``request_id`` again (a retry, a double click) returns the answer given and
    sends nothing more; an answer from another request first is 409. A Telegram owner gets the
    answer at once; a widget owner when the widget next opens."""
    if not QUESTION_ID_PATTERN.fullmatch(question_id):
        raise ApiError(404, "web.errors.question_not_found")
    try:
        question, _ = await _questions(service).answer(question_id, body.text, body.citations, body.request_id,
                                                       request_locale(request))
    except QuestionMissing:
        raise ApiError(404, "web.errors.question_not_found") from None
    except AlreadyAnswered:
        raise ApiError(409, "web.errors.already_answered") from None
    except UnknownCitation as unknown:
        raise ApiError(422, "web.errors.unknown_citation", rule_id=unknown.rule_id[:100]) from None
    delivery = await deliver_now(request.app, question)
    latest = await service.store.get_question(question_id) or question  # type: ignore[attr-defined]
    return Answered(question=StaffQuestionOut.of(latest), delivery=delivery)  # type: ignore[arg-type]
