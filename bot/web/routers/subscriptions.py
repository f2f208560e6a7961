"""Change notices from the web widget: a Telegram deep link that binds this session's answers to a chat.

``POST /api/sessions/{id}/subscription-link`` gives ``https://t.me/<bot>?start=<token>`` with a fresh
single-use token (valid ``AWARDBOT_LINK_TOKEN_MINUTES``); the bot's ``/start <token>`` subscribes the
chat with this session's answers (:mod:`bot.telegram.subscriptions`). Only a finished assessment can be
subscribed (409 otherwise); without ``AWARDBOT_TELEGRAM_BOT_USERNAME`` there is no bot to link to (503).
``DELETE /api/sessions/{id}`` forgets the session's unused tokens with it.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from bot.subscribing import new_link_token
from bot.web.deps import ServiceDep, SessionIdDep, SettingsDep, session_key
from bot.web.errors import ApiError, error_responses
from bot.web.rate_limits import limit_client, limit_session

router = APIRouter(prefix="/api/sessions", tags=["chat"], dependencies=[Depends(limit_client)],
                   responses=error_responses(413, 422, 429, 503))


class SubscriptionLink(BaseModel):
    url: str = Field(description="https://t.me/<bot>?start=<token>: open it in Telegram to subscribe")
    expires_in_seconds: int = Field(description="the token works once, within this many seconds")


@router.post("/{session_id}/subscription-link", response_model=SubscriptionLink,
             responses={404: {"description": "no such session"},
                        409: {"description": "the assessment is not finished yet"}},
             summary="A Telegram link to get change notices for this session's answers")
async def subscription_link(request: Request, session_id: SessionIdDep, service: ServiceDep,
                            settings: SettingsDep) -> SubscriptionLink:
    await limit_session(request, session_id)
    if not settings.telegram_bot_username:
        raise ApiError(503, "subscription.web.unavailable")
    key = session_key(session_id)
    state = await service.state(key)
    if state is None:
        raise ApiError(404, "web.errors.session_not_found")
    if not state.done:
        raise ApiError(409, "subscription.web.not_done")
    seconds = round(settings.link_token_minutes * 60)
    token = await new_link_token(service.store, key, seconds)
    return SubscriptionLink(url=f"https://t.me/{settings.telegram_bot_username.lstrip('@')}?start={token}",
                            expires_in_seconds=seconds)
