"""Figures known only as a range (``2000多万``, ``将近1亿``, ``不到200人``), and how rules compare them.

An owner who says "2000多万" has told us the revenue lies strictly between 2000万 and 3000万; that
settles every threshold outside that interval. :class:`FigureRange` carries the interval into the
profile and the engine; :func:`compare` is the three-valued comparison the conditions use: ``True``
when the comparison holds for every value in the range, ``False`` when it fails for every value,
``None`` when the range straddles the threshold (the dialog then asks for the exact figure).
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Wording = Literal["more", "a_little_over", "over", "at_least", "nearly", "under", "at_most", "about", "between"]


class FigureRange(BaseModel):
    """A non-negative figure between ``low`` and ``high`` (``high`` None: no upper bound)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    low: float = Field(0, ge=0, allow_inf_nan=False)
    high: float | None = Field(None, ge=0, allow_inf_nan=False)
    low_inclusive: bool = True
    high_inclusive: bool = True
    wording: Wording = "between"
    anchor: float | None = Field(None, ge=0, allow_inf_nan=False)  # the figure the user named

    @model_validator(mode="after")
    def _ordered(self) -> FigureRange:
        if self.high is not None and (self.high < self.low or (
                self.high == self.low and not (self.low_inclusive and self.high_inclusive))):
            raise ValueError("a range's high end must be above its low end")
        return self

    @property
    def top(self) -> float:
        """The high end as a number (infinity when unbounded)."""
        return math.inf if self.high is None else self.high

    def bounds(self) -> tuple[float, bool, float, bool]:
        return self.low, self.low_inclusive, self.top, self.high_inclusive and self.high is not None

    def contains(self, value: float) -> bool:
        low, low_in, high, high_in = self.bounds()
        return (value > low or (low_in and value == low)) and (value < high or (high_in and value == high))

    def above(self, value: float) -> FigureRange:
        """The part of the range strictly above ``value`` (the owner said "yes, more than that")."""
        return self.model_copy(update={"low": max(self.low, value), "low_inclusive": self.low > value and
                                       self.low_inclusive, "wording": "between"})

    def at_most(self, value: float) -> FigureRange:
        """The part of the range at or below ``value``."""
        high = value if self.high is None else min(self.high, value)
        inclusive = True if self.high is None or value < self.high else self.high_inclusive
        return self.model_copy(update={"high": high, "high_inclusive": inclusive, "wording": "between"})


Interval = tuple[float, bool, float, bool]  # low, low inclusive, high, high inclusive


def interval(value: object) -> Interval:
    """Any figure as an interval: an exact number is ``[x, x]``."""
    if isinstance(value, FigureRange):
        return value.bounds()
    number = float(value)  # type: ignore[arg-type]
    return number, True, number, True


def _all_greater(a: Interval, b: Interval, strict: bool) -> bool:
    """Every value of ``a`` is > (or >=) every value of ``b``."""
    a_low, a_low_in, _, _ = a
    _, _, b_high, b_high_in = b
    if a_low > b_high:
        return True
    if a_low == b_high:
        return not strict or not (a_low_in and b_high_in)
    return False


def compare_figures(actual: object, op: str, other: object) -> bool | None:
    """``actual <op> other`` for every value of both (``True``), for none (``False``), or unsettled."""
    a, b = interval(actual), interval(other)
    if a[0] == a[2] and b[0] == b[2] and a[1] and a[3] and b[1] and b[3]:  # two exact figures
        x, y = a[0], b[0]
        return {"gt": x > y, "gt_fact": x > y, "gte": x >= y, "lt": x < y, "lte": x <= y,
                "eq": x == y, "is": x == y, "ne": x != y}[op]
    if op in ("gt", "gt_fact"):
        return True if _all_greater(a, b, strict=True) else False if _all_greater(b, a, strict=False) else None
    if op == "gte":
        return True if _all_greater(a, b, strict=False) else False if _all_greater(b, a, strict=True) else None
    if op == "lt":
        return True if _all_greater(b, a, strict=True) else False if _all_greater(a, b, strict=False) else None
    if op == "lte":
        return True if _all_greater(b, a, strict=False) else False if _all_greater(a, b, strict=True) else None
    if op in ("eq", "is", "ne"):
        disjoint = _all_greater(a, b, strict=True) or _all_greater(b, a, strict=True)
        if disjoint:
            return op == "ne"
        return None
    raise ValueError(f"operator {op!r} does not compare figures")


def near_point(value: object) -> float:
    """The value closest to a threshold above it: a range's high end (for near misses)."""
    if isinstance(value, FigureRange):
        if value.high is None:
            return value.low
        return value.high if value.high_inclusive else value.high - 1  # one yuan (or person) below an open end
    return float(value)  # type: ignore[arg-type]
