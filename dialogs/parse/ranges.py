"""Figures said approximately: the wording around a numeral (``将近``, ``多``, ``以上``, ``about``) and ranges.

:func:`read_figures` reads the figures of an answer already stripped of lead-ins and units of
measure: each is exact or a range with its :data:`~dialogs.parse.outcomes.RangeWording`
(``2000多万``, ``将近1亿``, ``1-2亿``, ``五六千万``, ``over 20 million``). :func:`approx` turns a range
into the :class:`~dialogs.parse.outcomes.Approx` the rules decide with. The words are the lists
``words.ranges.before.*`` / ``words.ranges.after.*`` / ``words.range_joiners`` in ``locales/``.

Readings (CONTRACT §2: 以上 / 以下 include the figure):

=================  =========================  ==============================
wording            said                       range
=================  =========================  ==============================
``more``           2000多万, 一个多亿, 十几万   (2000万, 3000万): up to the next unit of its last digit
``a_little_over``  2000万出头, just over       (x, 1.1x]
``over``           超过5000人, more than       (x, ∞)
``at_least``       5000人以上, 至少, 5000+      [x, ∞)
``nearly``         将近1亿, 接近, 近, nearly    [0.9x, x)
``under``          不到200人, 少于, under       [0, x)
``at_most``        200人以下, 最多, 不超过       [0, x]
``about``          左右, 大概, 约, 3000来万      [0.9x, 1.1x]
``between``        1-2亿, 1到2亿, 五六千万       [a, b]
=================  =========================  ==============================

Integer bounds are rounded outwards, so a range never leaves out a value the words allow.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import get_args

from dialogs.parse.numerals import NotANumberError, Numeral, read_numerals
from dialogs.parse.outcomes import Approx, RangeWording
from dialogs.parse.words import alternation, words

__all__ = ["Figure", "approx", "read_figures"]

_WORDINGS: tuple[str, ...] = tuple(wording for wording in get_args(RangeWording) if wording != "between")
_ABOUT_RANGE = (Decimal("0.9"), Decimal("1.1"))
_FAR_APART = 100  # a range whose ends are this far apart was said with a unit missing

# What a range word may stand after (the end of a numeral) and before (the end, or a unit).
_NUMERAL_END = r"[0-9a-z零〇一二两三四五六七八九十百千万亿元块个]"
_AFTER_WORD_END = r"(?=$|[\s,;，；、。)）(（]|[万亿千百元块])"
_CLAUSE_BREAK = re.compile(r"[，；;、]|,(?=\s)|(?<=[^0-9]),|,(?=[^0-9])")
_UNIT_START = re.compile(r"[万亿]|(?<![a-z])(?:k|w|m|mn|mil|mln|million|b|bn|billion|thousand)(?![a-z])")
_BARE_UNITS = "十百千万亿"
_PLAIN_NUMERAL = re.compile(r"^[0-9.,零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟萬億]+$")
_WORD_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")
_LEADING_DIGITS = re.compile(r"[0-9.,]+\s*|[零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖]+")


class RangeWordingError(NotANumberError):
    """Range words that contradict each other (``超过…以下``) or stand beside several figures."""


@dataclass(frozen=True, slots=True)
class Figure:
    """A figure as the user wrote it: exact (``wording`` None), or a range around ``value``.

    ``upper`` is the top of a ``between`` range. ``arabic_only``: written as bare Arabic digits (no
    unit, no word); ``digit_by_digit``: Chinese digits read one by one (``一一`` = 11).
    """

    value: Decimal
    wording: RangeWording | None = None
    upper: Decimal | None = None
    arabic_only: bool = False
    digit_by_digit: bool = False
    dropped_unit_value: Decimal | None = None  # 1亿2千: as spoken, 1.2亿


@functools.cache
def _before_words() -> tuple[re.Pattern[str], dict[str, str]]:
    owner = {word: wording for wording in _WORDINGS for word in words(f"ranges.before.{wording}")}
    return re.compile(rf"^\s*({alternation(owner)})\s*"), owner


@functools.cache
def _after_words() -> tuple[re.Pattern[str], dict[str, str]]:
    owner = {word: wording for wording in _WORDINGS for word in words(f"ranges.after.{wording}")}
    return re.compile(rf"(?<={_NUMERAL_END})\s*[(（]?({alternation(owner)})[)）]?{_AFTER_WORD_END}"), owner


@functools.cache
def _lead_ins() -> re.Pattern[str]:
    chinese = [word for name in ("lead_ins", "fillers") for word in words(name) if not word.isascii()]
    return re.compile(rf"^(?:{alternation(chinese)})+")


@functools.cache
def _joiner() -> re.Pattern[str]:
    return re.compile(
        rf"^(?P<left>.*?{_NUMERAL_END})\s*(?:{alternation(words('range_joiners'))})\s*"
        rf"(?P<right>[0-9.零〇一二两三四五六七八九十百千壹贰叁肆伍陆柒捌玖a-z].*)$"
    )


@functools.cache
def _opener() -> tuple[re.Pattern[str], re.Pattern[str]]:
    opener = re.compile(rf"^\s*(?:{alternation(words('range_openers'))})\s*")
    joiner = re.compile(rf"\s*(?:{alternation(words('range_openers_joiners'))})\s*")
    return opener, joiner


def read_figures(core: str) -> list[Figure]:
    """The figures of ``core``, in order. Raises ``NotANumberError`` (and its ``RangeWordingError``)
    when the text is not figures, ``NumberTooLargeError`` beyond 1e20."""
    figures: list[Figure] = []
    for clause in _CLAUSE_BREAK.split(core):
        if clause.strip():
            figures.extend(_clause_figures(clause.strip()))
    return figures


def _clause_figures(clause: str) -> list[Figure]:
    if _PLAIN_NUMERAL.match(clause):
        return [_figure(numeral, None) for numeral in read_numerals(clause)]
    clause = _WORD_HYPHEN.sub(" ", clause)  # twenty-five is one numeral, not a range
    opener, opener_joiner = _opener()
    if opener.match(clause):  # 介于1亿和2亿之间, between 50 and 60 million
        clause = opener_joiner.sub(" to ", opener.sub("", clause, count=1), count=1)
    wording, clause = _take_wordings(clause)
    if wording is not None and clause and clause[0] in _BARE_UNITS:
        clause = "1" + clause  # 过亿, 上千万: one of the unit
    if (joined := _joiner().match(clause)) is not None:
        low, high = _read_between(joined.group("left").strip(), joined.group("right").strip())
        if wording not in (None, "about"):
            raise RangeWordingError(clause)
        if low == high:
            return [Figure(low)]
        return [Figure(low, "between", high)]
    numerals = read_numerals(clause)
    if wording is not None and len(numerals) != 1:
        raise RangeWordingError(clause)
    return [_figure(numeral, wording) for numeral in numerals]


def _take_wordings(clause: str) -> tuple[RangeWording | None, str]:
    """The range wording said before and after the numeral, and the clause without those words."""
    found: list[str] = []
    before, before_owner = _before_words()
    while (match := before.match(clause)) is not None:
        found.append(before_owner[match.group(1)])
        clause = _lead_ins().sub("", clause[match.end():], count=1)  # 大概是1.2亿, 大概有3000万
    after, after_owner = _after_words()
    for match in reversed(list(after.finditer(clause))):
        found.append(after_owner[match.group(1)])
        clause = clause[: match.start()] + clause[match.end():]
    return _combined(found, clause), clause.strip()


def _combined(found: list[str], clause: str) -> RangeWording | None:
    """One wording from those said: ``about`` gives way to any other (大约2000多万 is ``more``)."""
    distinct = list(dict.fromkeys(found))
    if len(distinct) > 1:
        distinct = [wording for wording in distinct if wording != "about"]
    if len(distinct) > 1:
        raise RangeWordingError(clause)
    return distinct[0] if distinct else None  # type: ignore[return-value]


def _figure(numeral: Numeral, wording: RangeWording | None) -> Figure:
    if numeral.spread:  # 五六千万
        if wording not in (None, "about"):
            raise RangeWordingError(str(numeral.value))
        return Figure(numeral.value, "between", numeral.value + numeral.spread)
    return Figure(
        numeral.value, wording, None, numeral.arabic_only, numeral.digit_by_digit, numeral.dropped_unit_value
    )


def _read_between(left: str, right: str) -> tuple[Decimal, Decimal]:
    """``1-2亿``, ``1到2亿``, ``50-60 million``, ``3000万-5000万``: the unit said once applies to both."""
    low, high = _one_numeral(left), _one_numeral(right)
    if not low.with_unit and high.with_unit:
        low = _with_borrowed_unit(left, right, lambda candidate: candidate.value <= high.value) or low
    elif low.with_unit and not high.with_unit:
        high = _with_borrowed_unit(right, left, lambda candidate: candidate.value >= low.value) or high
    elif low.with_unit and high.value >= _FAR_APART * low.value:  # 1千-2千万: 千万 said once
        low = _with_borrowed_unit(left, right, lambda candidate: candidate.value <= high.value) or low
    if low.value < 0 or low.value > high.value or (low.value and high.value >= _FAR_APART * low.value):
        raise NotANumberError(f"{left} - {right}")  # 5000-1亿: which unit the first figure has is unclear
    return low.value, high.value


def _one_numeral(text: str) -> Numeral:
    numerals = read_numerals(text)
    if len(numerals) != 1 or numerals[0].spread:
        raise NotANumberError(text)
    return numerals[0]


def _with_borrowed_unit(bare: str, other: str, fits: Callable[[Numeral], bool]) -> Numeral | None:
    """``bare`` read with the unit words of ``other`` (``1`` + ``2亿`` → 1亿), if that reading fits."""
    candidates = []
    leading = _LEADING_DIGITS.match(other)
    if leading is not None and leading.end() < len(other):
        candidates.append(other[leading.end():])
    candidates.extend(other[match.start():] for match in _UNIT_START.finditer(other))
    for suffix in dict.fromkeys(candidates):
        try:
            numerals = read_numerals(bare + suffix)
        except NotANumberError:
            continue
        if len(numerals) == 1 and not numerals[0].spread and fits(numerals[0]):
            return numerals[0]
    return None


def approx(figure: Figure, scale: Decimal = Decimal(1)) -> Approx:
    """The range a figure's wording allows, in whole units (yuan, persons), rounded outwards."""
    assert figure.wording is not None
    value = figure.value * scale
    floor, ceil = math.floor(value), math.ceil(value)
    # the figure named, in whole units: the border it gives (below: 1.5多 → 1; above: 将近1.5 → 2)
    anchor = ceil if figure.wording in ("nearly", "under", "at_most") else \
        floor if figure.wording in ("more", "a_little_over", "over", "at_least") else int(value.to_integral_value())
    low_about, high_about = _ABOUT_RANGE
    match figure.wording:
        case "more":
            return Approx(floor, math.ceil(value + _last_digit_step(value)), False, False, "more", anchor)
        case "a_little_over":
            return Approx(floor, math.ceil(value * high_about), False, True, "a_little_over", anchor)
        case "over":
            return Approx(floor, None, False, False, "over", anchor)
        case "at_least":
            return Approx(floor, None, True, False, "at_least", anchor)
        case "nearly":
            return Approx(math.floor(value * low_about), ceil, True, False, "nearly", anchor)
        case "under":
            return Approx(0, ceil, True, False, "under", anchor)
        case "at_most":
            return Approx(0, ceil, True, True, "at_most", anchor)
        case "about":
            return Approx(math.floor(value * low_about), math.ceil(value * high_about), True, True, "about", anchor)
        case _:  # between
            upper = (figure.upper if figure.upper is not None else figure.value) * scale
            return Approx(floor, math.ceil(upper), True, True, "between", anchor)


def _last_digit_step(value: Decimal) -> Decimal:
    """The place of the last non-zero digit: 2000万 → 1000万, 1.5亿 → 1000万, 12 → 1 (12多 is 12–13)."""
    if not value:
        return Decimal(1)
    return Decimal(1).scaleb(value.normalize().as_tuple().exponent)
