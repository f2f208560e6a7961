"""What an assessment is made of: the matches, the near misses and the whole :class:`Assessment`.

Plain slotted dataclasses, built by the engine's rule kernels (:mod:`rules.kernels`) and read by the
report, the explanations, the dialog and the notices.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rules.formulas import Amount
from rules.schema import Rule

STATUS_ORDER = {"eligible": 0, "possible": 1, "not_yet_in_force": 2, "expired": 3}


@dataclass(slots=True)
class Match:
    rule: Rule
    level: str
    status: str
    amount: Amount
    event_index: int | None = None
    counted: bool = False
    stacked_under: str | None = None  # the rule this one yielded to
    missing: list[str] = field(default_factory=list)

    @property
    def max_award_cny(self) -> float | None:
        return self.amount.value


@dataclass(slots=True)
class NearMiss:
    """A rule just out of reach and the one change that would bring it in."""

    rule: Rule
    kind: str  # threshold | next_tier | title | flag
    fact: str
    needed: object  # the threshold, or the id / value needed
    current: object
    gap: float | None
    max_award_cny: float | None
    event_index: int | None = None


@dataclass(slots=True)
class Assessment:
    as_of: dt.date
    ruleset_version: str
    matches: list[Match]
    near_misses: list[NearMiss]
    total_max_award_cny: float
