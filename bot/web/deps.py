"""FastAPI dependencies: the settings, the conversation service, session ids, the staff token.

They are ``async def`` on purpose: FastAPI runs plain ``def`` dependencies on its thread pool,
a thread hop per dependency and request.
"""

from __future__ import annotations

import hmac
import re
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from bot.conversation_service import ConversationService
from bot.settings import Settings
from bot.web.errors import ApiError

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


async def valid_session_id(session_id: Annotated[str, Path(description="the session id from POST /api/sessions")]) -> str:
    """The path's session id; anything that cannot be one of ours is simply not found."""
    if not SESSION_ID_PATTERN.fullmatch(session_id):
        raise ApiError(404, "web.errors.session_not_found")
    return session_id


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
