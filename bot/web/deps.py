"""FastAPI dependencies: the settings, the conversation service, session ids, the staff token.

They are ``async def`` on purpose: FastAPI runs plain ``def`` dependencies on its thread pool,
a thread hop per dependency and request. The chat's hot path (a message) takes one dependency,
:func:`message_to_session`, that makes the checks of several in their order.
"""

from __future__ import annotations

import hmac
import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.conversation_service import ConversationService
from bot.settings import Settings
from bot.web.errors import ApiError
from bot.web.rate_limits import limit_client

SESSION_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{32,128}")
SESSION_KEY_PREFIX = "web:"

staff_bearer = HTTPBearer(auto_error=False, description="the staff token (AWARDBOT_STAFF_TOKEN)")


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_service(request: Request) -> ConversationService:
    service = getattr(request.app.state, "service", None)
    if service is None:  # the lifespan has not opened the store (yet)
        raise ApiError(503, "web.errors.store_unavailable")
    return service


def session_key(session_id: str) -> str:
    return SESSION_KEY_PREFIX + session_id


SessionIdPath = Annotated[str, Path(description="the session id from POST /api/sessions")]


async def valid_session_id(session_id: SessionIdPath) -> str:
    """The path's session id; anything that cannot be one of ours is simply not found."""
    if not SESSION_ID_PATTERN.fullmatch(session_id):
        raise ApiError(404, "web.errors.session_not_found")
    return session_id


@dataclass(frozen=True, slots=True)
class SessionRequest:
    """A request to one conversation, checked: its valid session id and the service to drive it."""

    session_id: str
    service: ConversationService


async def message_to_session(request: Request, session_id: SessionIdPath) -> SessionRequest:
    """What ``dependencies=[Depends(limit_client)]``, :data:`SessionIdDep` and :data:`ServiceDep` check, in
    that order (429, 404, 503 before any 422 of the body), as one dependency: FastAPI's solving of each
    costs a chat turn more than the check itself."""
    await limit_client(request)
    checked = await valid_session_id(session_id)
    return SessionRequest(checked, await get_service(request))


async def require_staff(
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(staff_bearer)],
) -> None:
    """401 unless ``Authorization: Bearer <AWARDBOT_STAFF_TOKEN>`` (never when no token is configured)."""
    expected = settings.staff_token.get_secret_value() if settings.staff_token else ""
    given = credentials.credentials if credentials else ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError(401, "web.errors.unauthorized", headers={"WWW-Authenticate": "Bearer"})


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServiceDep = Annotated[ConversationService, Depends(get_service)]
SessionIdDep = Annotated[str, Depends(valid_session_id)]
MessageToSessionDep = Annotated[SessionRequest, Depends(message_to_session)]
