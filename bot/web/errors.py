"""Errors at the web edge as localised JSON: ``{"detail": …, "message": "<one localised line>"}``.

Validation errors keep FastAPI's ``detail`` list (``loc``, ``type``) with a localised ``msg`` and the
``field`` it concerns, so the message always names the field; nothing ever shows a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from bot.store import StoreError
from locales import t

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


def request_locale(request: Request) -> str:
    """The language to answer errors and pages in: ``Accept-Language``, else the default locale."""
    header = request.headers.get("accept-language", "")
    for part in header.split(","):
        tag = part.split(";", 1)[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("zh"):
            return "zh-CN"
    settings = getattr(request.app.state, "settings", None)
    return getattr(settings, "default_locale", "zh-CN")


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
        key, params = "choice", {"choices": ctx.get("expected", "")}
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

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        message = t(request_locale(request), "web.errors.internal")
        return JSONResponse(status_code=500, content={"detail": message, "message": message})

    @app.exception_handler(StoreError)
    async def store_failed(request: Request, exc: StoreError) -> JSONResponse:
        log.error("store error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        message = t(request_locale(request), "web.errors.store_unavailable")
        return JSONResponse(status_code=503, content={"detail": message, "message": message})
