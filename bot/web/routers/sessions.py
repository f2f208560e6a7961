"""The chat API (CONTRACT §6): start a session, send a message, read the current turn, forget, report.

A session id is 192 random bits plus a signature (:mod:`bot.web.session_ids`); its conversation is
stored under ``web:<id>`` from its first message on and driven only through
:class:`bot.conversation_service.ConversationService`. Logs never name a session id (a credential),
what the user typed, or any figure.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import HTMLResponse

from bot.questions.asking import ask_request
from bot.web.deps import MessageToSessionDep, ServiceDep, SessionIdDep, session_key
from bot.web.errors import ApiError, error_responses
from bot.web.presenting import award_chart, turn_out
from bot.web.rate_limits import limit_client, limit_new_session, limit_session
from bot.web.routers.pages import static_url
from bot.web.schemas import AskPerson, NewSession, TurnOut, UserMessage
from bot.web.templating import render_html
from dialogs.turn import Turn

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/sessions", tags=["chat"], responses=error_responses(413, 422, 429, 503))
CLIENT_LIMIT = [Depends(limit_client)]
"""Every route's first check (the message route makes it inside :func:`bot.web.deps.message_to_session`)."""

NOT_FOUND = {404: {"description": "no such session (never created, expired or forgotten)"}}


async def _fresh_locale(request: Request, service: ServiceDep, session_id: str) -> str | None:
    return await request.app.state.session_ids.fresh_locale(service.store, session_id)


@router.post("", response_model=TurnOut, summary="Start a conversation",
             dependencies=[*CLIENT_LIMIT, Depends(limit_new_session)])
async def create_session(request: Request, service: ServiceDep,
                         body: Annotated[NewSession | None, Body()] = None) -> TurnOut:
    """A new session and its first turn (the welcome and the first question). Nothing is stored
    until the first message."""
    from dialogs.conversation import start

    locale = (body.locale if body else None) or service.default_locale
    session_id = await request.app.state.session_ids.new(service.store, locale)
    _, turn = start(locale)
    return turn_out(session_id, turn)


@router.post("/{session_id}/messages", response_model=TurnOut, responses=NOT_FOUND, summary="Send a message")
async def send_message(request: Request, to: MessageToSessionDep, message: UserMessage) -> TurnOut:
    """Apply one answer or command and return the next turn. With ``turn``: a send for a turn the
    conversation has already left (a retry whose answer was lost) is not applied again; the answer
    is the current turn."""
    session_id, service = to.session_id, to.service
    await limit_session(request, session_id)
    asked = ask_request(message.text)
    if asked is not None:  # "转人工" typed: nothing is applied; the widget opens its question form
        return await _asking_for_a_person(request, service, session_id, asked)
    turn = await service.reply(session_key(session_id), message.text, channel="web", create=False,
                               fresh_locale=await _fresh_locale(request, service, session_id),
                               answering=message.turn)
    return turn_out(session_id, turn)


@router.get("/{session_id}", response_model=TurnOut, responses=NOT_FOUND, summary="The current turn again",
            dependencies=CLIENT_LIMIT)
async def current_turn(request: Request, session_id: SessionIdDep, service: ServiceDep) -> TurnOut:
    """The turn on screen, unchanged, and in ``history`` what was shown and said before it (for a page reload)."""
    resumed = await service.resume(session_key(session_id))
    if resumed is None:
        return turn_out(session_id, await _welcome_turn(request, service, session_id), [])
    turn, history = resumed
    return turn_out(session_id, turn, history)


async def _asking_for_a_person(request: Request, service: ServiceDep, session_id: str, text: str) -> TurnOut:
    """The question on screen, unchanged, with ``ask_person``: the owner asked for a person."""
    turn = await service.current(session_key(session_id))
    if turn is None:
        turn = await _welcome_turn(request, service, session_id)
    return turn_out(session_id, turn).model_copy(update={"ask_person": AskPerson(text=text)})


async def _welcome_turn(request: Request, service: ServiceDep, session_id: str) -> Turn:
    """The first turn of a session handed out but not answered yet (so not stored); else 404."""
    from dialogs.conversation import start

    locale = await _fresh_locale(request, service, session_id)
    if locale is None:
        raise ApiError(404, "web.errors.session_not_found")
    return start(locale)[1]


@router.delete("/{session_id}", status_code=204, responses=NOT_FOUND, summary="Forget the conversation",
               dependencies=CLIENT_LIMIT)
async def forget_session(request: Request, session_id: SessionIdDep, service: ServiceDep) -> Response:
    """Delete the conversation and every assessment record made from it; the id answers 404 from then on."""
    if await _fresh_locale(request, service, session_id) is None and not await service.store.get(
            session_key(session_id)):
        raise ApiError(404, "web.errors.session_not_found")
    await service.forget(session_key(session_id), mark_forgotten=True)
    return Response(status_code=204)


@router.get("/{session_id}/report", response_class=HTMLResponse, responses=NOT_FOUND,
            summary="Printable assessment report (HTML)", dependencies=CLIENT_LIMIT)
async def report(request: Request, session_id: SessionIdDep, service: ServiceDep,
                 locale: Annotated[Literal["zh-CN", "en"] | None, Query()] = None) -> HTMLResponse:
    """The assessment of the answers given so far as a printable page (``@media print``), in the
    sections every channel shows (:mod:`dialogs.result_view`)."""
    from dialogs.conversation import assessment_for, start
    from dialogs.result_view import build_result_view

    state = await service.state(session_key(session_id))
    if state is None:
        fresh = await _fresh_locale(request, service, session_id)
        if fresh is None:
            raise ApiError(404, "web.errors.session_not_found")
        state = start(fresh)[0]
    if locale:
        state = state.model_copy(update={"locale": locale})
    assessment = assessment_for(state)
    shown = state.locale
    view = build_result_view(assessment, shown)
    return render_html(
        "report.html.j2", shown, view=view, finished=state.done, chart=award_chart(view),
        ruleset_version=assessment["ruleset_version"],
        static_url=lambda name: static_url(request, name),
    )
