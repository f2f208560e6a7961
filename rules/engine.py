"""Match a profile against every clause: status, estimated maximum, stacking and near misses.

Pure and synchronous: facts in, :class:`Assessment` out. The engine knows formula kinds and
condition operators, never a particular clause; everything clause-specific is in the data.

Status (CONTRACT §1, §4): ``eligible`` (conditions hold, amount computable, in force),
``possible`` (could hold; the missing facts are listed), ``expired`` / ``not_yet_in_force``
(conditions hold or could hold, but the assessment date is outside the window). Stacking
(CONTRACT §2): within one level, eligible matches rewarding the same thing count once, at the
highest; across levels they add up.

The rules are compiled once per ruleset (:mod:`rules.compiled`): a screen shuts, with bitmasks, the
rules a fact rules out, and each rule left is judged by its kernel (:mod:`rules.kernels`).
"""

from __future__ import annotations

import datetime as dt

from rules.compiled import _COMPILED, compiled_rules  # noqa: F401  (_COMPILED: tests drop mutants' entries)
from rules.conditions import Facts
from rules.loader import Ruleset
from rules.near_misses import keep_near_misses
from rules.results import STATUS_ORDER, Assessment, Match, NearMiss

__all__ = ["STATUS_ORDER", "Assessment", "Match", "NearMiss", "assess"]


def assess(ruleset: Ruleset, facts: Facts, as_of: dt.date, near_misses: bool = True) -> Assessment:
    """Assess one enterprise (its known facts) on ``as_of``. ``near_misses=False`` skips looking for
    them (the dialog's choice of the next question needs only what is possible and what it misses)."""
    matches: list[Match] = []
    near: list[tuple] | None = [] if near_misses else None  # NearMiss fields, made into NearMiss only for those kept
    groups: dict[tuple, list[Match]] = {}  # eligible matches by stacking subject
    prepared = compiled_rules(ruleset)
    window_status = prepared.window_status(as_of)
    district_unknown = facts.get("district") is None
    kernels = prepared.kernels
    alive, unsettled = prepared.screen(facts)  # the rules no gate shuts, one bit each, in reporting order
    while alive:
        lowest = alive & -alive
        alive ^= lowest
        kernels[lowest.bit_length() - 1](facts, window_status, district_unknown, unsettled & lowest,
                                         matches, groups, near)
    total = _apply_stacking(groups)
    matches.sort(key=lambda m: (STATUS_ORDER[m.status], not m.counted, -(m.amount.value or 0)))
    return Assessment(as_of, ruleset.version, matches, keep_near_misses(near, prepared.stacking) if near else [],
                      total)


def _apply_stacking(groups: dict[tuple, list[Match]]) -> float:
    """Mark which eligible matches count (就高不重复) and return the total of those with a number.
    ``groups``: the eligible matches by level, stacking subject and event."""
    total = 0.0
    for members in groups.values():
        best = members[0]
        if len(members) > 1:
            best = max(members, key=lambda m: (m.amount.value is not None, m.amount.value or 0))
            for other in members:
                if other is not best:
                    other.stacked_under = best.rule.rule_id
        best.counted = True
        value = best.amount.value
        if value is not None and best.rule.benefit != "loan":
            total += value
    return round(total, 2)
