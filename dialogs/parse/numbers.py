"""Amounts of money and counts, as owners type them: ``去年1.2亿吧``, ``R&D 800万``, ``两件``, ``不到200人``.

The words around a figure are dropped first (lead-ins ``去年`` / ``营收`` / ``R&D``, tails ``/年`` /
``（含税）``, particles ``吧``, currency and measure words: the lists in ``locales/*/words.yaml``), then
:mod:`dialogs.parse.ranges` reads the figures and :mod:`dialogs.parse.numerals` the numerals.

Outcomes: ``Ok(int)``; ``Approx`` for a range (``2000多万``); ``Several`` for different figures
(``去年1.2亿，前年1亿``); ``Confirm`` for a reading that may be wrong (``1.2`` with no unit where the
question's unit is 亿: ``no_unit``; ``一一``: ``repeated_digits``; ``50人`` for an amount:
``headcount_unit``); ``Unknown`` for 不知道; ``Invalid`` naming what was not understood.
``没有`` / ``无`` / ``none`` is 0.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import get_args

from dialogs.parse.messages import MAX_INPUT_CHARS, invalid, quoted
from dialogs.parse.numerals import NotANumberError, NumberTooLargeError
from dialogs.parse.outcomes import Approx, Confirm, Ok, Outcome, RangeWording, Several, Unknown
from dialogs.parse.ranges import Figure, RangeWordingError, approx, read_figures
from dialogs.parse.words import alternation, answer_word, is_skip_cleaned, word_set, words
from locales.text import normalize_text

__all__ = ["parse_amount", "parse_integer"]

_AMOUNT_LIMIT = Decimal(10) ** 13
_COUNT_LIMIT = Decimal(10) ** 7
_YUAN_FLOOR = Decimal(10_000)  # a bare number below this is implausible as yuan where a unit is expected
_EDGE_PUNCTUATION = re.compile(r"^[\s,;:!?。，；：！？、.]+|[\s,;:!?。，；：！？、.]+$")
_CHINESE_YEAR = re.compile(r"(?:19|20)[0-9]{2}\s*年度?|(?<![0-9])(?:fy|year)\s?(?:19|20)[0-9]{2}(?![0-9])")
_BREAK = r"[\s,，;；、。:：)）(（]"
_LATIN_LETTER = re.compile(r"[a-z]")
_PLAIN_NUMERAL = re.compile(r"^[0-9.,零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億]+$")  # nothing around it
_AFTER_NUMERAL = r"[0-9a-z零〇一二两三四五六七八九十百千万亿多来余几+]"  # a measure word follows a numeral


@dataclass(frozen=True, slots=True)
class _Kind:
    """What differs between reading an amount of yuan and a count."""

    name: str
    limit: Decimal
    whole_only: bool


_AMOUNT = _Kind("amount", _AMOUNT_LIMIT, whole_only=False)
_COUNT = _Kind("integer", _COUNT_LIMIT, whole_only=True)


def parse_amount(text: str, *, default_unit: int = 1) -> Outcome[int]:
    """An amount of money in whole yuan: ``1.2亿``, ``3000万``, ``RMB 12 million``, ``¥1,200,000``.

    ``default_unit`` is the unit of the question's own example (10**8 where it says "例如 1.2亿"):
    a bare number below 10,000 is then read in that unit and confirmed (``Confirm(…, "no_unit")``);
    a bare number of 10,000 or more is yuan.
    """
    return _parse(text, _AMOUNT, Decimal(default_unit))


def parse_integer(text: str) -> Outcome[int]:
    """A whole count ≥ 0: ``5,200人``, ``五千二百``, ``两件``, ``1.2万人``, ``a hundred and fifty``."""
    return _parse(text, _COUNT, Decimal(1))


def _parse(text: str, kind: _Kind, default_unit: Decimal) -> Outcome[int]:
    cleaned = normalize_text(text)
    if not cleaned:
        return invalid(f"parsing.{kind.name}.empty")
    if len(cleaned) > MAX_INPUT_CHARS:
        return invalid(f"parsing.{kind.name}.not_understood", text=quoted(text))
    if _PLAIN_NUMERAL.match(cleaned):  # nothing but the figure: the common case, read at once
        core, headcount = cleaned, False
    else:
        word = answer_word(cleaned)
        if is_skip_cleaned(cleaned, word):
            return Unknown()
        if word in word_set("zero"):
            return Ok(0)
        core, headcount = _core(cleaned, kind)
        if answer_word(core) in word_set("zero"):
            return Ok(0)
    try:
        figures = read_figures(core)
    except RangeWordingError:
        return invalid(f"parsing.{kind.name}.not_understood", text=quoted(text))
    except NumberTooLargeError:
        return invalid(f"parsing.{kind.name}.too_large", text=quoted(text))
    except NotANumberError:
        return invalid(f"parsing.{kind.name}.not_understood", text=quoted(text))
    if not figures:
        return invalid(f"parsing.{kind.name}.not_understood", text=quoted(text))
    return _outcome(figures, text, kind, default_unit, headcount)


def _outcome(figures: list[Figure], text: str, kind: _Kind, default_unit: Decimal, headcount: bool) -> Outcome[int]:
    shown = quoted(text)
    if any(figure.value < 0 for figure in figures):
        return invalid(f"parsing.{kind.name}.negative", text=shown)
    if any(max(figure.value, figure.upper or 0) * _scale(figure, kind, default_unit) > kind.limit for figure in figures):
        return invalid(f"parsing.{kind.name}.too_large", text=shown)
    distinct = list(dict.fromkeys(figures))
    if len(distinct) > 1:
        if any(figure.wording is not None for figure in distinct):
            return invalid(f"parsing.{kind.name}.several_numbers", text=shown)
        values = tuple(dict.fromkeys(_whole(figure.value * _scale(figure, kind, default_unit)) for figure in distinct))
        if len(values) > 1:
            return Several(values)
    figure = distinct[0]
    if headcount and kind is _AMOUNT:  # 50人 where an amount is asked
        if figure.wording is not None or figure.value != figure.value.to_integral_value():
            return invalid("parsing.amount.not_understood", text=shown)
        return Confirm(_whole(figure.value), "headcount_unit")
    scale = _scale(figure, kind, default_unit)
    if figure.wording is not None:
        if scale != 1:
            return invalid("parsing.amount.no_unit", text=shown)
        reading = approx(figure)
        if _empty(reading):  # 不到0
            return invalid(f"parsing.{kind.name}.not_understood", text=shown)
        return reading
    if kind.whole_only and figure.value != figure.value.to_integral_value():
        return invalid(f"parsing.{kind.name}.not_whole", text=shown)
    value = _whole(figure.value * scale)
    if scale != 1:
        return Confirm(value, "no_unit")
    if figure.digit_by_digit:
        return Confirm(value, "repeated_digits")
    if figure.dropped_unit_value is not None:  # 1亿2千: 1.2亿 as people say it; confirm
        return Confirm(_whole(figure.dropped_unit_value), "no_unit")
    return Ok(value)


def _empty(reading: Approx) -> bool:
    if reading.high is None:
        return False
    return reading.high < reading.low or (
        reading.high == reading.low and not (reading.low_inclusive and reading.high_inclusive)
    )


def _scale(figure: Figure, kind: _Kind, default_unit: Decimal) -> Decimal:
    """The question's unit for a bare small number where an amount is expected, else 1."""
    bare_and_small = figure.arabic_only and 0 < figure.value < _YUAN_FLOOR and figure.upper is None
    return default_unit if kind is _AMOUNT and default_unit > 1 and bare_and_small else Decimal(1)


def _whole(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --------------------------------------------------------------------------- the words around a figure


@dataclass(frozen=True, slots=True)
class _Noise:
    """The compiled word patterns that wrap a figure."""

    bracketed_tails: re.Pattern[str]
    leading: re.Pattern[str]  # Chinese lead-ins and fillers at the start of a clause
    trailing: re.Pattern[str]  # Chinese tails and particles at the end of a clause
    latin: re.Pattern[str]  # English lead-ins, tails, fillers and particles anywhere; group 1: range words kept
    currency: re.Pattern[str]
    measure: re.Pattern[str]
    headcount: re.Pattern[str]


def _split_scripts(*names: str) -> tuple[list[str], list[str]]:
    chinese = [word for name in names for word in words(name) if not word.isascii()]
    latin = [word for name in names for word in words(name) if word.isascii()]
    return chinese, latin


@functools.cache
def _noise() -> _Noise:
    lead_chinese, lead_latin = _split_scripts("lead_ins", "fillers")
    tail_chinese, tail_latin = _split_scripts("tails", "particles")
    return _Noise(
        bracketed_tails=re.compile(rf"[(（]\s*(?:{alternation(words('tails'))})\s*[)）]"),
        leading=re.compile(rf"(?:^|(?<={_BREAK}))(?:{alternation(lead_chinese)})+"),
        trailing=re.compile(rf"(?:{alternation(tail_chinese)})+(?=$|{_BREAK})"),
        latin=re.compile(rf"({alternation(_latin_range_words())})|{alternation(lead_latin + tail_latin)}"),
        currency=re.compile(alternation(words("currency"))),
        measure=re.compile(rf"(?<={_AFTER_NUMERAL})\s*(?:{alternation(words('measure'))})"),
        headcount=re.compile(rf"(?<={_AFTER_NUMERAL})\s*(?:{alternation(words('headcount'))})"),
    )


def _latin_range_words() -> list[str]:
    """English range words (in excess of, up to): kept whole when the words around a figure go."""
    names = [f"ranges.{side}.{wording}" for side in ("before", "after") for wording in get_args(RangeWording)]
    return [word for name in names for word in words(name) if word.isascii() and " " in word]


def _core(cleaned: str, kind: _Kind) -> tuple[str, bool]:
    """The figure(s) of an answer without the words around them; and whether a headcount word was said."""
    noise = _noise()
    core = noise.bracketed_tails.sub(" ", cleaned) if "(" in cleaned else cleaned
    core = _CHINESE_YEAR.sub(" ", core) if ("年" in core or "y" in core) else core
    core = noise.currency.sub(" ", core)
    headcount = False
    if kind is _COUNT:
        core = noise.measure.sub(" ", core)
    else:
        headcount = noise.headcount.search(core) is not None
        core = noise.headcount.sub(" ", core) if headcount else core
    latin = _LATIN_LETTER.search(core) is not None
    for _ in range(4):
        shorter = noise.latin.sub(lambda match: match.group(1) or " ", core) if latin else core
        shorter = noise.leading.sub("", _EDGE_PUNCTUATION.sub("", shorter))
        shorter = noise.trailing.sub("", _EDGE_PUNCTUATION.sub("", shorter))
        if shorter == core:
            break
        core = shorter
    return " ".join(_EDGE_PUNCTUATION.sub("", core).split()), headcount
