"""Jinja2 for the web pages and the printable report (``bot/web/templates``), strings from locales."""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2
from fastapi.responses import HTMLResponse

from locales import t
from locales.formatting import format_cny

TEMPLATE_DIR = Path(__file__).parent / "templates"


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(name: str, locale: str, status_code: int = 200, **context: object) -> HTMLResponse:
    """Render a template with ``t(key, **params)`` and ``cny(amount)`` bound to ``locale``."""
    html = environment().get_template(name).render(
        locale=locale,
        t=functools.partial(t, locale),
        cny=functools.partial(format_cny, locale=locale),
        **context,
    )
    return HTMLResponse(html, status_code=status_code)
