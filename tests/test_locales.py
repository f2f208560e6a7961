"""zh-CN and en are complete: the same keys, the same placeholders, the same templates."""

from __future__ import annotations

import string

from locales import LOCALE_DIR, LOCALES, catalog


def placeholders(text: object) -> set[str]:
    if isinstance(text, list):
        return set()
    return {name for _, name, _, _ in string.Formatter().parse(str(text)) if name}


def test_every_message_key_exists_in_every_locale() -> None:
    keys = {locale: set(catalog(locale)) for locale in LOCALES}
    reference = keys["zh-CN"]
    for locale, own in keys.items():
        assert own == reference, f"{locale}: missing {sorted(reference - own)[:10]}, extra {sorted(own - reference)[:10]}"


def test_every_message_has_the_same_placeholders_in_every_locale() -> None:
    zh, en = catalog("zh-CN"), catalog("en")
    mismatched = {key: (placeholders(zh[key]), placeholders(en[key])) for key in zh
                  if placeholders(zh[key]) != placeholders(en[key])}
    assert mismatched == {}


def test_no_message_is_empty() -> None:
    for locale in LOCALES:
        empty = [key for key, text in catalog(locale).items() if not text]
        assert empty == [], locale


def test_every_template_exists_in_every_locale() -> None:
    names = {locale: {p.name for p in (LOCALE_DIR / locale / "templates").glob("*.j2")} for locale in LOCALES}
    assert names["zh-CN"] == names["en"]
