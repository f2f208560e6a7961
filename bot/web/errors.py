"""Errors at the web edge as localised JSON: ``{"detail": …, "message": "<one localised line>"}``.

Validation errors keep FastAPI's ``detail`` list (``loc``, ``type``) with a localised ``msg`` and the
``field`` it concerns, so the message always names the field; nothing ever shows a traceback.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from bot.conversation_service import ConversationMissing
from bot.store import StoreError
from locales import has, t

log = logging.getLogger(__name__)

BODY_EXAMPLES = {"messages": '{"text": "1.2亿"}', "sessions": '{"locale": "zh-CN"}'}


class ApiError(Exception):
    """An error answered with ``status`` and the localised message ``key``."""

    def __init__(self, status: int, key: str, headers: dict[str, str] | None = None, **params: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params
        self.headers = headers


STATUS_KEYS = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "too_large",
               429: "rate_limited"}
"""Errors raised by Starlette/FastAPI themselves (routing, body limit), by status."""


ERROR_DESCRIPTIONS = {
    400: "the request could not be read",
    401: "missing or wrong staff token, or none configured",
    404: "not found",
    413: "the request body is larger than AWARDBOT_MAX_BODY_BYTES",
    422: "a parameter or the body is not valid (the message names it)",
    429: "rate limit reached; Retry-After says when to try again",
    503: "the conversation store is not reachable",
}


class ErrorOut(BaseModel):
    """Every 4xx/5xx of the API (CONTRACT §6)."""

    detail: Any = Field(description="the message again, or for 422 the list of problems (loc, field, msg)")
    message: str = Field(description="one sentence in the request's language (Accept-Language)")


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for these error statuses, all with the contract's error shape."""
    return {status: {"model": ErrorOut, "description": ERROR_DESCRIPTIONS[status]} for status in statuses}


def locale_from_header(header: str, default: str) -> str:
    """The first of our languages an ``Accept-Language`` header names, else ``default``."""
    for part in header.split(","):
        tag = part.split(";", 1)[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh-CN"
    return default


def request_locale(request: Request) -> str:
    """The language to answer errors and pages in: ``Accept-Language``, else the default locale."""
    settings = getattr(request.app.state, "settings", None)
    return locale_from_header(request.headers.get("accept-language", ""),
                              getattr(settings, "default_locale", "zh-CN"))


def _choices(expected: str, locale: str) -> str:
    """pydantic's ``'json' or 'csv'`` as ``json、csv`` / ``json, csv``: one language per message."""
    options = re.findall(r"'([^']*)'", expected) or [expected]
    return t(locale, "web.errors.choice_separator").join(options)


def _problem(error: dict[str, Any], locale: str, example: str) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    field = str(error.get("loc", ("",))[-1])
    key, params = "other", {}
    if kind == "missing":
        key = "missing"
    elif kind == "string_type":
        key = "not_text"
    elif kind == "string_too_short":
        key = "empty"
    elif kind == "string_too_long":
        key, params = "too_long", {"limit": ctx.get("max_length")}
    elif kind == "literal_error" and field == "locale":
        key = "locale"
    elif kind in ("literal_error", "enum"):
        key, params = "choice", {"choices": _choices(str(ctx.get("expected", "")), locale)}
    elif kind == "json_invalid":
        key = "bad_json"
    elif kind in ("model_attributes_type", "dict_type", "model_type"):
        key, params = "not_object", {"example": example}
    elif kind.startswith("int_"):
        key = "integer"
    elif kind in ("greater_than_equal", "greater_than"):
        key, params = "too_small", {"limit": ctx.get("ge", ctx.get("gt"))}
    elif kind in ("less_than_equal", "less_than"):
        key, params = "too_large", {"limit": ctx.get("le", ctx.get("lt"))}
    elif kind in ("date_from_datetime_parsing", "date_parsing", "datetime_parsing", "datetime_from_date_parsing"):
        key = "date"
    elif has(locale, f"web.errors.problems.{kind}"):  # a route's own check, with its own message
        key, params = kind, ctx
    return t(locale, f"web.errors.problems.{key}", **params)


def localised_errors(errors: list[dict[str, Any]], locale: str, path: str) -> list[dict[str, Any]]:
    """FastAPI's error list with a localised ``msg`` and the ``field`` (None for the body as a whole)."""
    example = BODY_EXAMPLES["messages" if path.rstrip("/").endswith("/messages") else "sessions"]
    out = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        names = [part for part in loc[1:] if not part.isdigit()]
        body_level = loc[:1] == ["body"] and (not names or error.get("type") == "json_invalid")
        field = None if body_level else (names[-1] if names else (loc[-1] if loc else None))
        problem = _problem(error, locale, example)
        if body_level and error.get("type") == "missing":
            problem = t(locale, "web.errors.problems.not_object", example=example)
        message = (t(locale, "web.errors.invalid_field", field=field, problem=problem) if field
                   else t(locale, "web.errors.invalid_request", problem=problem))
        out.append({"loc": loc, "field": field, "type": error.get("type"), "msg": message})
    return out


def path_for_log(request: Request) -> str:
    """The route's template (``/api/sessions/{session_id}``), never the path: it holds session ids."""
    route = request.scope.get("route")
    return getattr(route, "path", None) or "(no route)"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def validation_failed(request: Request, exc: RequestValidationError) -> JSONResponse:
        detail = localised_errors(list(exc.errors()), request_locale(request), request.url.path)
        return JSONResponse(status_code=422, content={"detail": detail, "message": detail[0]["msg"]})

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        message = t(request_locale(request), exc.key, **exc.params)
        return JSONResponse(status_code=exc.status, content={"detail": message, "message": message},
                            headers=exc.headers)

    @app.exception_handler(ConversationMissing)
    async def conversation_missing(request: Request, exc: ConversationMissing) -> JSONResponse:
        """A web session never made, expired or forgotten, wherever a route meets it: 404."""
        return await api_error(request, ApiError(404, "web.errors.session_not_found"))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        status = exc.status_code
        key = STATUS_KEYS.get(status, "internal" if status >= 500 else "bad_request")
        settings = request.app.state.settings
        message = t(request_locale(request), f"web.errors.{key}", method=request.method,
                    limit=settings.max_body_bytes, seconds=(exc.headers or {}).get("Retry-After", "60"))
        return JSONResponse(status_code=status, content={"detail": message, "message": message},
                            headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unexpected error on %s %s: %s", request.method, path_for_log(request), type(exc).__name__,
                  exc_info=exc)
        message = t(request_locale(request), "web.errors.internal")
        return JSONResponse(status_code=500, content={"detail": message, "message": message})

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError) -> JSONResponse:
        log.error("store error on %s %s: %s", request.method, path_for_log(request), type(exc).__name__)
        message = t(request_locale(request), "web.errors.store_unavailable")
        return JSONResponse(status_code=503, content={"detail": message, "message": message})
