"""The parsers' messages: every key a parser names exists in both locales with its placeholders, and
the word lists the parsers read exist in both locales."""

from __future__ import annotations

import string

import pytest
import yaml

from dialogs.parse import (
    MESSAGE_PARAMS,
    Invalid,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_integer,
    parse_multi,
)
from dialogs.parse.words import words
from locales import LOCALE_DIR, LOCALES, catalog, t
from tests.dialogs.parse.options import CERTIFICATIONS


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def parsing_messages(locale: str) -> dict[str, str]:
    """``locales/<locale>/parsing.yaml`` flattened to dotted keys, read on its own."""
    with (LOCALE_DIR / locale / "parsing.yaml").open(encoding="utf-8") as handle:
        tree = yaml.safe_load(handle)
    assert list(tree) == ["parsing"]
    return dict(_flatten("", tree))


def _flatten(prefix: str, node: object) -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in _flatten(f"{prefix}{key}.", value)]
    assert isinstance(node, str), prefix
    return [(prefix.rstrip("."), node)]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", sorted(MESSAGE_PARAMS))
def test_every_invalid_key_has_a_message_with_its_placeholders(locale: str, key: str) -> None:
    message = parsing_messages(locale).get(key)
    assert message is not None, f"{key} missing in {locale}"
    assert placeholders(message) == MESSAGE_PARAMS[key]
    example_marker = "例如" if locale == "zh-CN" else "e.g."
    assert example_marker in message, f"{key} in {locale} shows no example"


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_has_no_parsing_messages_the_parsers_do_not_use(locale: str) -> None:
    assert set(parsing_messages(locale)) == set(MESSAGE_PARAMS)


@pytest.mark.parametrize("locale", LOCALES)
def test_messages_are_served_by_locales_t(locale: str) -> None:
    expected = parsing_messages(locale)["parsing.amount.not_understood"].format(text="abc")
    assert t(locale, "parsing.amount.not_understood", text="abc") == expected


REJECTIONS = [
    (parse_amount, "abc"), (parse_amount, "-5"), (parse_amount, "2e13"), (parse_amount, ""),
    (lambda text: parse_amount(text, default_unit=10**8), "2000多"), (parse_amount, "去年约1亿，今年1.2亿"),
    (parse_integer, "5.5人"), (parse_integer, "many"), (parse_integer, "-5"), (parse_integer, "10000001"),
    (parse_integer, ""), (parse_bool, "可能"), (parse_bool, ""),
    (lambda text: parse_choice(text, CERTIFICATIONS), "abc"), (lambda text: parse_choice(text, CERTIFICATIONS), "10"),
    (lambda text: parse_choice(text, CERTIFICATIONS), ""), (lambda text: parse_multi(text, CERTIFICATIONS), "abc"),
    (lambda text: parse_multi(text, CERTIFICATIONS), "1, 20"), (lambda text: parse_multi(text, CERTIFICATIONS), ""),
]  # fmt: skip


@pytest.mark.parametrize(("parser", "answer"), REJECTIONS)
def test_every_invalid_outcome_renders_in_both_locales(parser, answer: str) -> None:
    outcome = parser(answer)
    assert isinstance(outcome, Invalid)
    assert set(outcome.params) == MESSAGE_PARAMS[outcome.key]
    for locale in LOCALES:
        rendered = parsing_messages(locale)[outcome.key].format(**outcome.params)
        if "text" in outcome.params:
            assert outcome.params["text"] in rendered


WORD_LISTS = [
    "skip", "yes", "no", "yes_symbols", "no_symbols", "done_endings", "negations", "zero", "none", "fillers",
    "particles", "lead_ins", "tails", "currency", "measure", "headcount", "generic", "list_joiners", "range_joiners",
    "range_openers", "range_openers_joiners",
]  # fmt: skip


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", WORD_LISTS)
def test_every_word_list_is_a_list_in_every_locale(locale: str, name: str) -> None:
    listed = catalog(locale).get(f"words.{name}")
    assert isinstance(listed, list) and listed, f"words.{name} in {locale}"
    assert words(name)


def test_x_alone_is_not_a_no_word() -> None:
    assert "x" not in words("no") and "x" not in words("no_symbols")
