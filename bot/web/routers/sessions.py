"""The chat API (CONTRACT §6): start a session, send a message, read the current turn, forget, report.

A session id is 192 random bits; its conversation lives in the store under ``web:<id>`` and is
driven only through :class:`bot.conversation_service.ConversationService`. Logs name session keys,
never what the user typed or any figure.
"""

from __future__ import annotations

import logging
from typing import Annotated, Literal

from fastapi import APIRouter, Body, Query, Request, Response
from fastapi.responses import HTMLResponse

from bot.conversation_service import ConversationMissing
from bot.web.deps import ServiceDep, SessionIdDep, new_session_id, session_key
from bot.web.errors import ApiError
from bot.web.presenting import award_chart, turn_out
from bot.web.schemas import NewSession, TurnOut, UserMessage
from bot.web.templating import render_html

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api/sessions", tags=["chat"])

NOT_FOUND = {404: {"description": "no such session (never created, expired or forgotten)"}}


@router.post("", response_model=TurnOut, summary="Start a conversation")
async def create_session(service: ServiceDep, body: Annotated[NewSession | None, Body()] = None) -> TurnOut:
    """A new session and its first turn (the welcome and the first question)."""
    session_id = new_session_id()
    turn = await service.start(session_key(session_id), body.locale if body else None)
    log.info("web session %s started", session_key(session_id))
    return turn_out(session_id, turn)


@router.post("/{session_id}/messages", response_model=TurnOut, responses=NOT_FOUND, summary="Send a message")
async def send_message(session_id: SessionIdDep, message: UserMessage, service: ServiceDep) -> TurnOut:
    """Apply one answer or command and return the next turn."""
    try:
        turn = await service.reply(session_key(session_id), message.text, channel="web", create=False)
    except ConversationMissing:
        raise ApiError(404, "web.errors.session_not_found") from None
    return turn_out(session_id, turn)


@router.get("/{session_id}", response_model=TurnOut, responses=NOT_FOUND, summary="The current turn again")
async def current_turn(session_id: SessionIdDep, service: ServiceDep) -> TurnOut:
    """The turn on screen, unchanged, and in ``history`` what was shown and said before it (for a page reload)."""
    resumed = await service.resume(session_key(session_id))
    if resumed is None:
        raise ApiError(404, "web.errors.session_not_found")
    turn, history = resumed
    return turn_out(session_id, turn, history)


@router.delete("/{session_id}", status_code=204, responses=NOT_FOUND, summary="Forget the conversation")
async def forget_session(session_id: SessionIdDep, service: ServiceDep) -> Response:
    """Delete the conversation and every assessment record made from it."""
    removed = await service.forget(session_key(session_id))
    if not removed:
        raise ApiError(404, "web.errors.session_not_found")
    return Response(status_code=204)


@router.get("/{session_id}/report", response_class=HTMLResponse, responses=NOT_FOUND,
            summary="Printable assessment report (HTML)")
async def report(session_id: SessionIdDep, service: ServiceDep, request: Request,
                 locale: Annotated[Literal["zh-CN", "en"] | None, Query()] = None) -> HTMLResponse:
    """The assessment of the answers given so far as a printable page (``@media print``), in the
    sections every channel shows (:mod:`dialogs.result_view`)."""
    from dialogs.conversation import assessment_for
    from dialogs.result_view import build_result_view

    state = await service.state(session_key(session_id))
    if state is None:
        raise ApiError(404, "web.errors.session_not_found")
    if locale:
        state = state.model_copy(update={"locale": locale})
    assessment = assessment_for(state)
    shown = state.locale
    view = build_result_view(assessment, shown)
    return render_html(
        "report.html.j2", shown, view=view, finished=state.done, chart=award_chart(view),
        ruleset_version=assessment["ruleset_version"],
        static_url=lambda name: str(request.url_for("static", path=name)),
    )
