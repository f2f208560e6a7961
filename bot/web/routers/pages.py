"""HTML pages and the strings their scripts use.

``/`` is a demo help-desk page that embeds the widget with one script tag; ``/staff`` is the staff
FAQ search, with the overview of the stored assessments (its own partial template and script); ``/api/i18n/{locale}`` gives the widget its UI strings. Pages are in the language of
``?lang=`` or else of the browser (``Accept-Language``).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import FileResponse, HTMLResponse

from bot.web.errors import ApiError, error_responses, request_locale
from bot.web.schemas import WidgetStrings
from bot.web.templating import render_html
from locales import LOCALES, catalog

router = APIRouter(tags=["pages"])

FAVICON = Path(__file__).resolve().parents[1] / "static" / "favicon.svg"

WIDGET_PREFIX = "web.widget."
STAFF_PREFIX = "web.staff."
OVERVIEW_PREFIX = "web.overview."
LangQuery = Annotated[Literal["zh-CN", "en"] | None, Query(description="page language (default: the browser's)")]


@functools.cache
def strings_under(locale: str, prefix: str) -> dict[str, str]:
    return {key.removeprefix(prefix): text for key, text in catalog(locale).items() if key.startswith(prefix)}


def _other(locale: str) -> str:
    return "en" if locale != "en" else "zh-CN"


def static_url(request: Request, path: str) -> str:
    """A link to a static file: absolute from ``AWARDBOT_PUBLIC_BASE_URL``, else relative to this
    host, never built from the request's Host header."""
    base = request.app.state.settings.public_base_url
    return f"{base.rstrip('/')}/static/{path}" if base else f"/static/{path}"


@router.get("/api/i18n/{locale}", response_model=WidgetStrings, tags=["chat"], summary="Widget UI strings",
            responses=error_responses(404))
async def widget_strings(locale: str, response: Response) -> WidgetStrings:
    """Every string the widget shows, so that none is written into its script."""
    if locale not in LOCALES:
        raise ApiError(404, "web.errors.locale_not_found", locale=locale[:20])
    response.headers["Cache-Control"] = "public, max-age=300"
    return WidgetStrings(locale=locale, messages=strings_under(locale, WIDGET_PREFIX))  # type: ignore[arg-type]


@router.get("/", response_class=HTMLResponse, summary="Demo help-desk page with the widget")
async def help_desk(request: Request, lang: LangQuery = None) -> HTMLResponse:
    from rules.loader import default_ruleset

    locale = lang or request_locale(request)
    widget_src = static_url(request, "widget.js")
    documents = [{"number": d.number, "title": d.title.get(locale)} for d in default_ruleset().documents.values()]
    return render_html("index.html.j2", locale, widget_src=widget_src, other_locale=_other(locale),
                       documents=documents)


@router.get("/staff", response_class=HTMLResponse, summary="Staff policy FAQ search page")
async def staff_page(request: Request, lang: LangQuery = None) -> HTMLResponse:
    locale = lang or request_locale(request)
    return render_html("staff.html.j2", locale, other_locale=_other(locale),
                       strings=strings_under(locale, STAFF_PREFIX),
                       staff_js=static_url(request, "staff.js"), pages_css=static_url(request, "pages.css"),
                       overview_strings=strings_under(locale, OVERVIEW_PREFIX),
                       overview_js=static_url(request, "staff_overview.js"),
                       overview_css=static_url(request, "staff_overview.css"))


for _path, _page in (("/", help_desk), ("/staff", staff_page)):  # HEAD too (uptime checks, link previews)
    router.add_api_route(_path, _page, methods=["HEAD"], include_in_schema=False, response_class=HTMLResponse)


@router.get("/favicon.ico", include_in_schema=False)
async def favicon() -> FileResponse:
    return FileResponse(FAVICON, media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"})
