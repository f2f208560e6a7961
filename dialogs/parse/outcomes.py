"""What a parser makes of one answer: the outcome types every parser in ``dialogs.parse`` returns.

A parser never guesses. When the text is exact it returns :class:`Ok`; when it names a range
(``2000多万``, ``将近1亿``, ``不到200人``) it returns :class:`Approx` and the rules decide with the
range; when a reading could be wrong (``1.2`` with no unit, ``一一``) it returns :class:`Confirm`;
several figures are :class:`Several`, several fitting options :class:`Ambiguous`. The dialog turns
each into a question back to the user; nothing is ever picked silently.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeAlias, TypeVar

ValueT = TypeVar("ValueT")

#: How the user worded a range; the echo and the ask-back say it back in these terms.
RangeWording = Literal[
    "more",           # 2000多万, 一个多亿, 1亿多: (2000万, 3000万), (1亿, 2亿)
    "a_little_over",  # 2000万出头: (2000万, 2200万]
    "over",           # 超过5000人, 5000人以上(不含): (5000, ∞)
    "at_least",       # 5000人以上, 至少: [5000, ∞)
    "nearly",         # 将近1亿, 接近, 近: [0.9亿, 1亿)
    "under",          # 不到200人, 少于: [0, 200)
    "at_most",        # 200人以下, 最多, 不超过: [0, 200]
    "about",          # 左右, 大概, 约, 3000来万: [0.9x, 1.1x]
    "between",        # 1-2亿, 五六千万: [1亿, 2亿]
]


@dataclass(frozen=True, slots=True)
class Ok(Generic[ValueT]):
    """The answer, understood exactly."""

    value: ValueT


@dataclass(frozen=True, slots=True)
class Unknown:
    """The user does not know, or skips the question (``不清楚``, ``skip``, ``?``)."""


@dataclass(frozen=True, slots=True)
class Invalid:
    """Not understood: ``t(locale, key, **params)`` tells the user why, with an example."""

    key: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Approx:
    """A figure known only as a range. ``low``/``high`` are in the answer's units (yuan, persons);
    ``None`` is unbounded (``low`` None means from 0). ``anchor`` is the figure the user named."""

    low: int | None
    high: int | None
    low_inclusive: bool
    high_inclusive: bool
    wording: RangeWording
    anchor: int


@dataclass(frozen=True, slots=True)
class Confirm:
    """A reading that needs the user's yes before it is recorded.

    ``reason``: ``no_unit`` (``1.2`` for revenue read as 1.2亿 because the question's unit is 亿),
    ``repeated_digits`` (``一一`` read as 11), ``headcount_unit`` (``50人`` for an amount)."""

    value: int
    reason: str


@dataclass(frozen=True, slots=True)
class Several:
    """Two or more different figures in one answer (``去年1.2亿，前年1亿``), in the order given."""

    values: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """The text fits several options about equally (``渝中`` → 渝中区 / 渝北区?, ``专精特新``).

    ``candidates`` are option ids, in the order shown; a number in the next reply indexes them.
    For multi-choice answers, ``chosen`` holds the options the rest of the text named clearly and
    ``unrecognised`` the parts that named nothing (as in :class:`Partial`)."""

    candidates: tuple[str, ...]
    text: str = ""
    chosen: tuple[str, ...] = ()
    unrecognised: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Partial:
    """A list answer of which some parts named options and others named nothing in the policies
    (``高企, ISO27001``): ``values`` are kept, ``unrecognised`` are said back to the user."""

    values: tuple[str, ...]
    unrecognised: tuple[str, ...]


Outcome: TypeAlias = Ok[ValueT] | Unknown | Invalid | Approx | Confirm | Several | Ambiguous | Partial
