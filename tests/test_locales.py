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


def test_one_plural_rule_for_counted_messages() -> None:
    from locales import tn

    assert tn("en", "result.sections.awards", 1) == "1 award you can apply for"
    assert tn("en", "result.sections.awards", 2) == "2 awards you can apply for"
    assert tn("zh-CN", "result.sections.awards", 1) == "可申报 1 项"
    counted = {key.rsplit(".", 1)[0] for key in catalog("en") if key.endswith(".one")}
    for key in counted:  # every counted message has both forms in both languages
        assert {f"{key}.one", f"{key}.other"} <= set(catalog("en")) and f"{key}.other" in catalog("zh-CN")


def test_display_width_counts_wide_characters_twice() -> None:
    from locales.text import align_columns, display_width

    assert display_width("渝中区") == 6 and display_width("Yuzhong") == 7 and display_width("（七）") == 6
    lines = align_columns([["状态", "金额", "名称"], ["可能可申报", "1,000 万元", "工业互联网"]])
    assert [display_width(line[: line.index(cell)]) for line, cell in zip(lines, ("名称", "工业互联网"), strict=True)] == [24, 24]
