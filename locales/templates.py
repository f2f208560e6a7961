"""Render the jinja2 templates of ``locales/<lang>/templates/`` with the locale's number formats."""

from __future__ import annotations

import functools

import jinja2

from locales import LOCALE_DIR, normalize_locale, t
from locales.formatting import format_cny
from locales.text import align_columns, display_width, pad


@functools.cache
def environment(locale: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(LOCALE_DIR / locale / "templates")),
        autoescape=jinja2.select_autoescape(["html", "j2.html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["cny"] = lambda value: format_cny(value, locale)
    env.filters["pad"] = pad
    env.filters["width"] = display_width
    env.globals["t"] = lambda key, **params: t(locale, key, **params)
    env.globals["columns"] = align_columns
    return env


def render(locale: str, name: str, **context: object) -> str:
    locale = normalize_locale(locale)
    return environment(locale).get_template(name).render(locale=locale, **context).strip()
