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
from collections.abc import Callable
from dataclasses import dataclass, field

from rules.conditions import Facts, Verdict, compile_leaf, evaluate, leaf_missing
from rules.formulas import Amount, evaluate_formula, tier_for
from rules.loader import Ruleset
from rules.ranges import near_point
from rules.schema import AllOf, Leaf, Rule, Tiers, Window

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


@dataclass(frozen=True, slots=True)
class CompiledLeaf:
    leaf: Leaf
    near_missable: bool  # could this leaf alone be "just out of reach"?
    test: Callable[[Facts, Facts | None], bool | None]


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule prepared once per ruleset: its level and window looked up, flat conditions listed."""

    rule: Rule
    level: str
    window: int  # index into CompiledRuleset.windows
    per_event: bool
    flat: tuple[tuple, ...] | None  # (test, near_missable, leaf) of a plain ``all``; None: nested any/not
    district_leaf: Leaf | None  # a top-level [district, eq|ne, …] leaf, judged once per profile
    activity_gate: frozenset[str] | None = None  # a required, non-actionable [activities, has(_any), …]


@dataclass(frozen=True, slots=True)
class CompiledRuleset:
    """Rules bucketed by their district condition, so a profile only visits rules that can apply."""

    by_district: dict[tuple[str, object], tuple[CompiledRule, ...]]  # (op, value) -> rules
    anywhere: tuple[CompiledRule, ...]
    windows: tuple[Window, ...]  # the distinct effective windows, judged once per assessment
    _candidates: dict[object, tuple[CompiledRule, ...]] = field(default_factory=dict)

    def candidates(self, district: object) -> tuple[CompiledRule, ...]:
        found = self._candidates.get(district)
        if found is None:
            out = list(self.anywhere)
            for (op, value), rules in self.by_district.items():
                if district is None or (district == value) == (op == "eq"):
                    out.extend(rules)
            found = self._candidates[district] = tuple(out)
        return found


_COMPILED: dict[str, CompiledRuleset] = {}


def _near_missable(ruleset: Ruleset, leaf: Leaf) -> bool:
    info = ruleset.facts.get(leaf.fact.removeprefix("event."))
    if info is None:
        return False
    if leaf.op in ("gte", "gt"):
        return info.near_miss is not None
    return info.actionable and leaf.op in ("has", "is", "eq")


def _leaf_order(compiled: CompiledLeaf) -> tuple[bool, bool]:
    # decisive, non-actionable leaves first; among them list membership (usually false) first
    return compiled.near_missable, compiled.leaf.op not in ("has", "has_any")


def _compile_rule(ruleset: Ruleset, rule: Rule, windows: list[Window]) -> CompiledRule:
    cond = rule.conditions
    flat = district_leaf = None
    if isinstance(cond, AllOf):  # a top-level district leaf buckets the rule, whether the rest is flat or not
        parts = list(cond.all)
        district_leaf = next((p for p in parts if isinstance(p, Leaf) and p.fact == "district"
                              and p.op in ("eq", "ne")), None)
    if isinstance(cond, AllOf) and all(isinstance(part, Leaf) for part in cond.all):
        leaves = [CompiledLeaf(leaf, _near_missable(ruleset, leaf), compile_leaf(leaf, ruleset.fact_bounds))
                  for leaf in parts if leaf is not district_leaf]
        flat = tuple((c.test, c.near_missable, c.leaf) for c in sorted(leaves, key=_leaf_order))
    window = ruleset.window_of(rule)
    if window not in windows:
        windows.append(window)
    gate = None
    if flat is not None:
        gate_leaf = next((leaf for _, near, leaf in flat if leaf.fact == "activities" and not near
                          and leaf.op in ("has", "has_any")), None)
        if gate_leaf is not None:
            gate = frozenset([gate_leaf.value] if gate_leaf.op == "has" else gate_leaf.value)  # type: ignore[arg-type]
    return CompiledRule(rule, ruleset.level_of(rule), windows.index(window), rule.for_each is not None, flat,
                        district_leaf, gate)


def compiled_rules(ruleset: Ruleset) -> CompiledRuleset:
    """The enterprise rules, ready to evaluate; cached per ruleset version."""
    cached = _COMPILED.get(ruleset.version)
    if cached is None:
        by_district: dict[tuple[str, object], list[CompiledRule]] = {}
        anywhere: list[CompiledRule] = []
        windows: list[Window] = []
        for rule in ruleset.rules:
            if rule.beneficiary == "enterprise":
                compiled = _compile_rule(ruleset, rule, windows)
                leaf = compiled.district_leaf
                (by_district.setdefault((leaf.op, leaf.value), []) if leaf else anywhere).append(compiled)
        cached = _COMPILED[ruleset.version] = CompiledRuleset(
            {key: tuple(rules) for key, rules in by_district.items()}, tuple(anywhere), tuple(windows))
    return cached


_NO_NEAR_MISS = Verdict(False)


def _evaluate_flat(leaves: tuple[tuple, ...], facts: Facts, event: Facts | None,
                   event_index: int | None) -> Verdict:
    """The fast path for a plain ``all``: stop at the first failure that cannot be a near miss."""
    failed: Leaf | None = None
    unknown: list[Leaf] | None = None
    for test, near_missable, leaf in leaves:
        value = test(facts, event)
        if value is False:
            if failed is not None or not near_missable or unknown:
                return _NO_NEAR_MISS
            failed = leaf
        elif value is None:
            if failed is not None:
                return _NO_NEAR_MISS
            (unknown := unknown or []).append(leaf)
    if failed is not None:
        return Verdict(False, failed=[failed])
    if unknown:
        missing: list[str] = []
        for leaf in unknown:
            missing.extend(m for m in leaf_missing(leaf, facts, event, event_index) if m not in missing)
        return Verdict(None, missing)
    return Verdict(True)


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
    near: list[NearMiss] = []
    prepared = compiled_rules(ruleset)
    window_status = [window.status_on(as_of) for window in prepared.windows]
    district_unknown = facts.get("district") is None
    activities = facts.get("activities")
    for compiled in prepared.candidates(facts.get("district")):
        if activities is not None and compiled.activity_gate is not None \
                and compiled.activity_gate.isdisjoint(activities):  # type: ignore[arg-type]
            continue  # an activity it requires was not done (and is no near miss)
        rule = compiled.rule
        scopes = _events_in_scope(rule, facts) if compiled.per_event else _NO_EVENT
        if scopes is None:
            continue
        window = window_status[compiled.window]
        for event_index, event in scopes:
            if compiled.flat is not None:
                verdict = _evaluate_flat(compiled.flat, facts, event, event_index)
                if district_unknown and compiled.district_leaf is not None:
                    verdict = _NO_NEAR_MISS if verdict.value is False else Verdict(None, ["district", *verdict.missing])
            else:
                verdict = evaluate(rule.conditions, facts, event, event_index, ruleset.fact_bounds)  # type: ignore[arg-type]
            if verdict.value is False:
                if near_misses and window == "in_force" and verdict.failed:
                    near.extend(_near_misses_of_failed(ruleset, rule, verdict, facts, event, event_index))
                continue
            amount = evaluate_formula(rule.formula, facts, event, event_index, ruleset.fact_bounds)
            if not amount.applies:
                if near_misses and window == "in_force" and verdict.value:
                    near.extend(_near_below_lowest_tier(ruleset, rule, facts, event_index))
                continue
            missing = list(dict.fromkeys(verdict.missing + amount.missing))
            if window != "in_force":
                status = window
            else:
                status = "eligible" if verdict.value and not missing else "possible"
            match = Match(rule, compiled.level, status, amount, event_index, missing=missing)
            matches.append(match)
            if near_misses and status == "eligible":
                near.extend(_next_tier(ruleset, match, facts))
    total = _apply_stacking(matches)
    matches.sort(key=lambda m: (STATUS_ORDER[m.status], not m.counted, -(m.amount.value or 0)))
    near.sort(key=lambda n: -(n.max_award_cny or 0))
    levels = {key: document.level for key, document in ruleset.documents.items()}
    return Assessment(as_of, ruleset.version, matches, _dedupe(near, levels), total)


def _apply_stacking(matches: list[Match]) -> float:
    """Mark which eligible matches count (就高不重复) and return the total of those with a number."""
    groups: dict[tuple, list[Match]] = {}
    for match in matches:
        if match.status == "eligible":
            subject = match.rule.rewards or match.rule.rule_id
            groups.setdefault((match.level, subject, match.event_index), []).append(match)
    total = 0.0
    for members in groups.values():
        best = max(members, key=lambda m: (m.amount.value is not None, m.amount.value or 0))
        best.counted = True
        for other in members:
            if other is not best:
                other.stacked_under = best.rule.rule_id
        if best.amount.value is not None and best.rule.benefit != "loan":
            total += best.amount.value
    return round(total, 2)


def _reachable_gap(info, leaf: Leaf, current: object) -> float | None:
    if info is None or info.near_miss is None or leaf.op not in ("gte", "gt") or current is None:
        return None
    threshold = float(leaf.value)  # type: ignore[arg-type]
    gap = threshold - near_point(current) + (1 if leaf.op == "gt" else 0)
    return gap if 0 < gap <= info.near_miss * max(threshold, 1) else None


def _near_misses_of_failed(ruleset: Ruleset, rule: Rule, verdict: Verdict, facts: Facts,
                           event: Facts | None, event_index: int | None) -> list[NearMiss]:
    """A rule that fails on exactly one leaf, which the enterprise could still change."""
    if len(verdict.failed) != 1 or verdict.missing:
        return []
    leaf = verdict.failed[0]
    fact = leaf.fact.removeprefix("event.")
    info = ruleset.facts.get(fact)
    current = event.get(fact) if leaf.fact.startswith("event.") and event else facts.get(leaf.fact)
    if leaf.op in ("gte", "gt"):
        gap = _reachable_gap(info, leaf, current)
        if gap is None:
            return []
        bumped = near_point(current) + gap
        if leaf.fact.startswith("event."):  # then event holds the current value
            amount = evaluate_formula(rule.formula, facts, {**event, fact: bumped}, event_index,  # type: ignore[dict-item]
                                      ruleset.fact_bounds)
        else:
            amount = evaluate_formula(rule.formula, {**facts, leaf.fact: bumped}, event, event_index,
                                      ruleset.fact_bounds)
        return [NearMiss(rule, "threshold", leaf.fact, leaf.value, current, gap, amount.value, event_index)]
    if leaf.fact == "new_certifications" and leaf.value in (facts.get("certifications") or ()):
        return []  # already held: it can no longer be obtained for the first time
    if info is not None and info.actionable and leaf.op in ("has", "is", "eq"):
        amount = evaluate_formula(rule.formula, facts, event, event_index, ruleset.fact_bounds)
        if amount.value is None and leaf.op == "has":
            return []  # a title with no amount attached is not worth a nudge
        kind = "title" if leaf.op == "has" else "flag"
        return [NearMiss(rule, kind, leaf.fact, leaf.value, current, None, amount.value, event_index)]
    return []


def _near_below_lowest_tier(ruleset: Ruleset, rule: Rule, facts: Facts, event_index: int | None) -> list[NearMiss]:
    formula = rule.formula
    if not isinstance(formula, Tiers):
        return []
    lowest = formula.tiers[0]
    info = ruleset.facts.get(formula.base)
    current = facts.get(formula.base)
    gap = _reachable_gap(info, Leaf(fact=formula.base, op="gte", value=lowest.min), current)
    if gap is None:
        return []
    return [NearMiss(rule, "next_tier", formula.base, lowest.min, current, gap, lowest.amount, event_index)]


def _next_tier(ruleset: Ruleset, match: Match, facts: Facts) -> list[NearMiss]:
    formula = match.rule.formula
    if not isinstance(formula, Tiers) or match.amount.tier is None or match.amount.tier.max is None:
        return []
    upper = tier_for(formula, match.amount.tier.max)
    info = ruleset.facts.get(formula.base)
    current = match.amount.base
    gap = _reachable_gap(info, Leaf(fact=formula.base, op="gte", value=match.amount.tier.max), current)
    if upper is None or gap is None:
        return []
    return [NearMiss(match.rule, "next_tier", formula.base, upper.min, current, gap, upper.amount, match.event_index)]


def _dedupe(near: list[NearMiss], levels: dict[str, str]) -> list[NearMiss]:
    """One near miss per rule, and per stacking subject and level (only one of them could count)."""
    seen: set[tuple] = set()
    out = []
    for item in near:  # sorted by amount, highest first
        subject = item.rule.rewards or item.rule.rule_id
        key = (levels[item.rule.clause_id.split("-")[0]], subject, item.event_index)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out
