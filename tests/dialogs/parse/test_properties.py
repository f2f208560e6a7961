"""Properties of the parsers: they never raise, always return an outcome, read every integer back
exactly in Arabic digits, with 万/亿 and in Chinese numerals, and ranges hold their anchor."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.parse import (
    Ambiguous,
    Approx,
    Confirm,
    Invalid,
    Ok,
    Partial,
    Several,
    Unknown,
    is_skip,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_integer,
    parse_multi,
)
from tests.dialogs.parse.options import CERTIFICATION_IDS, CERTIFICATIONS

OUTCOMES = Ok | Unknown | Invalid | Approx | Confirm | Several | Ambiguous | Partial
PARSERS_OF_TEXT = (
    parse_amount,
    lambda text: parse_amount(text, default_unit=10**8),
    parse_integer,
    parse_bool,
    lambda text: parse_choice(text, CERTIFICATIONS),
    lambda text: parse_multi(text, CERTIFICATIONS),
)


def chinese_numeral(n: int) -> str:
    """``n`` (< 1e12) in standard Chinese numerals: 10050 → 一万零五十, 100000001 → 一亿零一."""
    if n == 0:
        return "零"
    result, zero_pending = "", False
    for value, unit in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if value == 0:
            zero_pending = bool(result)
            continue
        if result and (zero_pending or value < 1000):
            result += "零"
        result += _chinese_section(value) + unit
        zero_pending = False
    return result


def _chinese_section(value: int) -> str:
    digits = "零一二三四五六七八九"
    out, zero_pending = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // place % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out += "零"
        out += digits[digit] + unit
        zero_pending = False
    return out


def test_chinese_numeral_helper_writes_standard_numerals() -> None:
    cases = {0: "零", 12: "一十二", 1010: "一千零一十", 10050: "一万零五十", 200300: "二十万零三百", 100000001: "一亿零一"}
    assert {n: chinese_numeral(n) for n in cases} == cases


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_no_parser_raises_on_any_text(text: str) -> None:
    for parser in PARSERS_OF_TEXT:
        assert isinstance(parser(text), OUTCOMES)
    assert isinstance(is_skip(text), bool)


NUMERAL_ALPHABET = "0123456789.,+-~eE 万亿千百十零一二两三点个元约多来余几左右以上下不到超过将近出头kmbnw¥()、/人件吧，"


@given(st.text(alphabet=NUMERAL_ALPHABET, max_size=40))
@settings(max_examples=800, deadline=None)
def test_number_parsers_never_raise_on_number_like_text(text: str) -> None:
    for parser in (parse_amount, parse_integer, lambda answer: parse_amount(answer, default_unit=10**8)):
        outcome = parser(text)
        assert isinstance(outcome, OUTCOMES)
        if isinstance(outcome, Ok | Confirm):
            assert isinstance(outcome.value, int) and outcome.value >= 0
        if isinstance(outcome, Several):
            assert len(set(outcome.values)) == len(outcome.values) >= 2
        if isinstance(outcome, Approx):
            assert_range_is_sound(outcome)


def assert_range_is_sound(outcome: Approx) -> None:
    low = outcome.low or 0
    assert outcome.high is None or low < outcome.high or (
        low == outcome.high and outcome.low_inclusive and outcome.high_inclusive
    ), outcome  # never empty
    anchor = outcome.anchor
    if outcome.wording in ("about", "between"):
        assert low <= anchor and (outcome.high is None or anchor <= outcome.high)
    elif outcome.wording in ("nearly", "under", "at_most"):
        assert outcome.high == anchor  # bordered from above: 将近1亿 never reaches 1亿
    else:  # more, a_little_over, over, at_least: bordered from below
        assert outcome.low == anchor


@given(st.integers(min_value=0, max_value=10**12))
@settings(max_examples=300, deadline=None)
def test_amount_reads_back_every_integer_written_out(n: int) -> None:
    bare = [f"{n}", f"{n:,}"]
    with_words = [f"{text}{unit}" for text, unit in _exact_unit_forms(n)] + [chinese_numeral(n)] * (n < 10**12)
    for form in bare + with_words:
        assert parse_amount(form) == Ok(n), form
    for form in with_words:
        assert parse_amount(form, default_unit=10**8) == Ok(n), form
    for form in bare:  # in the question's unit, and confirmed, when too small to be yuan
        expected = Confirm(n * 10**8, "no_unit") if 0 < n < 10_000 else Ok(n)
        assert parse_amount(form, default_unit=10**8) == expected, form


def _exact_unit_forms(n: int) -> list[tuple[str, str]]:
    forms = []
    for scale, unit in ((10**4, "万"), (10**8, "亿")):
        text = format((Decimal(n) / scale).normalize(), "f")
        if Decimal(text) * scale == n and len(text) < 12:
            forms.append((text, unit))
    return forms


@given(st.integers(min_value=0, max_value=10**7))
@settings(max_examples=300, deadline=None)
def test_integer_reads_back_digits_commas_and_chinese(n: int) -> None:
    spoken = re.sub("二(?=[千百万亿])", "两", chinese_numeral(n))  # 两千, 两万: how people say it
    for form in (f"{n}", f"{n:,}", chinese_numeral(n), spoken, f"{n}人"):
        assert parse_integer(form) == Ok(n), form


@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(["多", "来", "左右", "以上", "以下", "出头"]))
@settings(max_examples=300, deadline=None)
def test_approximate_counts_hold_their_anchor(n: int, word: str) -> None:
    for form in (f"{n}{word}", f"{chinese_numeral(n)}{word}"):
        outcome = parse_integer(form)
        if isinstance(outcome, Approx):  # 一一多 and the like are refused
            assert outcome.anchor == n
            assert_range_is_sound(outcome)


@given(
    st.lists(st.sampled_from(CERTIFICATION_IDS), min_size=1, unique=True),
    st.sampled_from(["、", ", "]),
)
@settings(max_examples=200, deadline=None)
def test_parse_multi_returns_exactly_the_joined_subset(ids: list[str], separator: str) -> None:
    expected = [option_id for option_id in CERTIFICATION_IDS if option_id in ids]
    assert parse_multi(separator.join(ids), CERTIFICATIONS) == Ok(expected)
