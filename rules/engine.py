"""Match a profile against every clause: status, estimated maximum, stacking and near misses.

Pure and synchronous: facts in, :class:`Assessment` out. The engine knows formula kinds and
condition operators, never a particular clause; everything clause-specific is in the data.

Status (CONTRACT §1, §4): ``eligible`` (conditions hold, amount computable, in force),
``possible`` (could hold; the missing facts are listed), ``expired`` / ``not_yet_in_force``
(conditions hold or could hold, but the assessment date is outside the window). Stacking
(CONTRACT §2): within one level, eligible matches rewarding the same thing count once, at the
highest; across levels they add up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rules.compiled import _COMPILED, CompiledRule, compiled_rules  # noqa: F401  (_COMPILED: tests drop mutants' entries)
from rules.conditions import Facts, leaf_missing
from rules.formulas import Amount, tier_for
from rules.loader import Ruleset
from rules.ranges import near_point
from rules.schema import Leaf, Rule, Tiers

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


Outcome = tuple[bool | None, list[str], Leaf | None]  # value, missing facts, the one failed leaf (near miss)
_NOTHING: list[str] = []  # shared, never appended to
_SHUT: Outcome = (False, _NOTHING, None)  # fails, and is no near miss
_HOLDS: Outcome = (True, _NOTHING, None)


def _evaluate_flat(leaves: tuple[tuple, ...], facts: Facts, event: Facts | None,
                   event_index: int | None) -> Outcome:
    """The fast path for a plain ``all``: stop at the first failure that cannot be a near miss.
    ``leaves``: (test, near missable, leaf, the fact it misses when unsettled, if always the same)."""
    failed: Leaf | None = None
    unknown: list[tuple] | None = None
    for entry in leaves:
        value = entry[0](facts, event)
        if value is False:
            if failed is not None or not entry[1] or unknown:
                return _SHUT
            failed = entry[2]
        elif value is None:
            if failed is not None:
                return _SHUT
            if unknown is None:
                unknown = [entry]
            else:
                unknown.append(entry)
    if failed is not None:
        return False, _NOTHING, failed
    if unknown:
        missing: list[str] = []
        for _, _, leaf, name in unknown:
            if name is not None:
                if name not in missing:
                    missing.append(name)
            else:
                missing.extend(m for m in leaf_missing(leaf, facts, event, event_index) if m not in missing)
        return None, missing, None
    return _HOLDS


def _events_in_scope(rule: Rule, facts: Facts) -> list[tuple[int | None, Facts | None]] | None:
    """For ``for_each: events`` rules, each event (or one unknown event); None: no events."""
    if rule.for_each is None:
        return _NO_EVENT
    events = facts.get("events")
    if events is None:
        return _NO_EVENT
    if not events:
        return None
    return list(enumerate(events))  # type: ignore[arg-type]


_NO_EVENT: list[tuple[int | None, Facts | None]] = [(None, None)]


def assess(ruleset: Ruleset, facts: Facts, as_of: dt.date, near_misses: bool = True) -> Assessment:
    """Assess one enterprise (its known facts) on ``as_of``. ``near_misses=False`` skips looking for
    them (the dialog's choice of the next question needs only what is possible and what it misses)."""
    matches: list[Match] = []
    near: list[tuple] = []  # NearMiss fields, made into NearMiss only for those kept
    groups: dict[tuple, list[Match]] = {}  # eligible matches by stacking subject
    prepared = compiled_rules(ruleset)
    window_status = prepared.window_status(as_of)
    district_unknown = facts.get("district") is None
    rules = prepared.rules
    alive, unsettled = prepared.screen(facts)  # the rules no gate shuts, one bit each, in reporting order
    while alive:
        lowest = alive & -alive
        alive ^= lowest
        compiled = rules[lowest.bit_length() - 1]
        rule = compiled.rule
        scopes = _events_in_scope(rule, facts) if compiled.per_event else _NO_EVENT
        if scopes is None:
            continue
        window = window_status[compiled.window]
        flat = compiled.flat if unsettled & lowest else compiled.ungated  # gates that hold decide nothing
        for event_index, event in scopes:
            if flat is not None:
                value, missing, failed = _evaluate_flat(flat, facts, event, event_index) if flat else _HOLDS
                if district_unknown and compiled.district_leaf is not None:
                    if value is False:
                        continue  # fails whatever the district: no near miss either
                    value, missing = None, ["district", *missing]
            elif compiled.holds(facts, event) is True:  # type: ignore[misc]
                value, missing, failed = True, _NOTHING, None  # what holds misses nothing
            else:
                value, missing, _, failures = compiled.nested(facts, event, event_index)  # type: ignore[misc]
                failed = failures[0] if len(failures) == 1 and not missing else None
            if value is False:
                if near_misses and failed is not None and window == "in_force":
                    _near_misses_of_failed(near, ruleset, compiled, failed, facts, event, event_index)
                continue
            amount = compiled.amount(facts, event, event_index)
            if not amount.applies:
                if near_misses and window == "in_force" and value:
                    _near_below_lowest_tier(near, ruleset, rule, facts, event_index)
                continue
            missing = list(dict.fromkeys(missing + amount.missing)) if missing or amount.missing else []
            status = ("eligible" if value and not missing else "possible") if window == "in_force" else window
            match = Match(rule, compiled.level, status, amount, event_index, missing=missing)
            matches.append(match)
            if status == "eligible":
                groups.setdefault((compiled.stacking, event_index), []).append(match)
                if near_misses and compiled.tiered:
                    _next_tier(near, ruleset, match)
    total = _apply_stacking(groups)
    matches.sort(key=lambda m: (STATUS_ORDER[m.status], not m.counted, -(m.amount.value or 0)))
    return Assessment(as_of, ruleset.version, matches, _dedupe(near, prepared.stacking) if near else [], total)


def _apply_stacking(groups: dict[tuple, list[Match]]) -> float:
    """Mark which eligible matches count (就高不重复) and return the total of those with a number.
    ``groups``: the eligible matches by level, stacking subject and event."""
    total = 0.0
    for members in groups.values():
        best = members[0] if len(members) == 1 else \
            max(members, key=lambda m: (m.amount.value is not None, m.amount.value or 0))
        best.counted = True
        for other in members:
            if other is not best:
                other.stacked_under = best.rule.rule_id
        if best.amount.value is not None and best.rule.benefit != "loan":
            total += best.amount.value
    return round(total, 2)


def _reachable_gap(info, op: str, value: object, current: object) -> float | None:
    """How far ``current`` is below passing ``[fact, op, value]``, if it is near enough to name."""
    if info is None or info.near_miss is None or op not in ("gte", "gt") or current is None:
        return None
    threshold = float(value)  # type: ignore[arg-type]
    gap = threshold - near_point(current) + (1 if op == "gt" else 0)
    return gap if 0 < gap <= info.near_miss * max(threshold, 1) else None


def _near_misses_of_failed(near: list[tuple], ruleset: Ruleset, compiled: CompiledRule, leaf: Leaf, facts: Facts,
                           event: Facts | None, event_index: int | None) -> None:
    """A rule that fails on exactly one leaf (``leaf``, nothing unknown), which the enterprise could
    still change: its near miss's fields go to ``near``."""
    rule = compiled.rule
    fact = leaf.fact.removeprefix("event.")
    info = ruleset.facts.get(fact)
    current = event.get(fact) if leaf.fact.startswith("event.") and event else facts.get(leaf.fact)
    if leaf.op in ("gte", "gt"):
        gap = _reachable_gap(info, leaf.op, leaf.value, current)
        if gap is None:
            return
        bumped = near_point(current) + gap
        if compiled.constant:  # the amount reads no figure
            amount = compiled.amount(facts, event, event_index)
        elif leaf.fact.startswith("event."):  # then event holds the current value
            amount = compiled.amount(facts, {**event, fact: bumped}, event_index)  # type: ignore[dict-item]
        else:
            amount = compiled.amount({**facts, leaf.fact: bumped}, event, event_index)
        near.append((rule, "threshold", leaf.fact, leaf.value, current, gap, amount.value, event_index))
    elif leaf.fact == "new_certifications" and leaf.value in (facts.get("certifications") or ()):
        return  # already held: it can no longer be obtained for the first time
    elif info is not None and info.actionable and leaf.op in ("has", "is", "eq"):
        amount = compiled.amount(facts, event, event_index)
        if amount.value is None and leaf.op == "has":
            return  # a title with no amount attached is not worth a nudge
        kind = "title" if leaf.op == "has" else "flag"
        near.append((rule, kind, leaf.fact, leaf.value, current, None, amount.value, event_index))


def _near_below_lowest_tier(near: list[tuple], ruleset: Ruleset, rule: Rule, facts: Facts,
                            event_index: int | None) -> None:
    formula = rule.formula
    if not isinstance(formula, Tiers):
        return
    lowest = formula.tiers[0]
    info = ruleset.facts.get(formula.base)
    current = facts.get(formula.base)
    gap = _reachable_gap(info, "gte", lowest.min, current)
    if gap is not None:
        near.append((rule, "next_tier", formula.base, lowest.min, current, gap, lowest.amount, event_index))


def _next_tier(near: list[tuple], ruleset: Ruleset, match: Match) -> None:
    formula = match.rule.formula
    if not isinstance(formula, Tiers) or match.amount.tier is None or match.amount.tier.max is None:
        return
    upper = tier_for(formula, match.amount.tier.max)
    info = ruleset.facts.get(formula.base)
    current = match.amount.base
    gap = _reachable_gap(info, "gte", match.amount.tier.max, current)
    if upper is not None and gap is not None:
        near.append((match.rule, "next_tier", formula.base, upper.min, current, gap, upper.amount, match.event_index))


def _dedupe(near: list[tuple], stacking: dict[str, tuple[str, str]]) -> list[NearMiss]:
    """Highest first, one near miss per rule, and per stacking subject and level (only one of them
    could count). ``near``: NearMiss fields in the order found."""
    near.sort(key=lambda fields: -(fields[6] or 0))  # max_award_cny; stable
    seen: set[tuple] = set()
    out = []
    for fields in near:
        key = (stacking[fields[0].rule_id], fields[7])  # the rule's level and subject, the event
        if key not in seen:
            seen.add(key)
            out.append(NearMiss(*fields))
    return out
