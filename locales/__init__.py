"""Every user-facing string of awardbot, in zh-CN (the default) and en.

Strings live in ``locales/<lang>/*.yaml`` (flat or nested mappings; nested keys are
joined with dots, and the file's stem is *not* part of the key). Placeholders use
``str.format`` syntax: ``{amount}``. A counted message has ``one`` and ``other`` forms and is
looked up with :func:`tn`, the one plural rule used everywhere. Jinja2 templates for longer texts live in
``locales/<lang>/templates/``.

    >>> from locales import t
    >>> t("en", "common.answer_yes")
    'yes'
"""

from __future__ import annotations

import functools
from pathlib import Path

import yaml

LOCALES = ("zh-CN", "en")
DEFAULT_LOCALE = "zh-CN"
LOCALE_DIR = Path(__file__).parent


def normalize_locale(value: str | None) -> str:
    """Map ``zh``, ``zh_CN``, ``zh-hans``, ``en-US``, … onto a supported locale."""
    if not value:
        return DEFAULT_LOCALE
    low = value.strip().lower().replace("_", "-")
    if low.startswith("en"):
        return "en"
    return DEFAULT_LOCALE


def _flatten(prefix: str, node: object, out: dict[str, str], source: Path) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out, source)
    elif isinstance(node, str):
        if prefix in out:
            raise ValueError(f"{source}: duplicate message key {prefix!r}")
        out[prefix] = node
    elif isinstance(node, list):
        if prefix in out:
            raise ValueError(f"{source}: duplicate message key {prefix!r}")
        out[prefix] = node  # type: ignore[assignment]  # lists of strings (e.g. synonyms)
    else:
        raise ValueError(f"{source}: message {prefix!r} must be a string, got {type(node).__name__}")


@functools.cache
def catalog(locale: str) -> dict[str, str]:
    """All messages of one locale, keyed by dotted name."""
    out: dict[str, str] = {}
    for path in sorted((LOCALE_DIR / locale).glob("*.yaml")):
        with path.open(encoding="utf-8") as fh:
            data = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}
        _flatten("", data, out, path)
    return out


def t(locale: str, key: str, /, **params: object) -> str:
    """The message ``key`` in ``locale`` with ``params`` filled in.

    A key missing from a locale is a bug caught by the locale completeness test; at
    run time we fall back to the default locale rather than show a raw key.
    """
    messages = catalog(locale)
    text = messages.get(key)
    if text is None:
        text = catalog(DEFAULT_LOCALE).get(key)
        if text is None:
            raise KeyError(f"no message {key!r} in locale {locale!r}")
    return text.format(**params) if params else text


def has(locale: str, key: str) -> bool:
    return key in catalog(locale)


def plural_category(locale: str, count: int | float) -> str:
    """The one plural rule of awardbot (CLDR's for our two languages): English has ``one`` for
    exactly 1, Chinese does not inflect (always ``other``)."""
    return "one" if locale == "en" and count == 1 else "other"


def tn(locale: str, key: str, count: int | float, /, **params: object) -> str:
    """A counted message: ``key.one`` / ``key.other`` chosen by :func:`plural_category`, ``{count}``
    filled in (``tn("en", "result.sections.awards", 1)`` → "1 award")."""
    return t(locale, f"{key}.{plural_category(locale, count)}", count=count, **params)
