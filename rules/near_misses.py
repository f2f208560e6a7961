"""Near misses: a rule just out of reach, and the one change that would bring it in.

Three ways to be near: one failing leaf the enterprise could still change (a threshold within
reach, a title or flag to obtain: :func:`near_miss_of`, made once per leaf when the rules are
compiled), a tiers formula whose next tier is within reach (:func:`next_tier`), and a figure just
below a tiers formula's lowest tier (:func:`below_lowest_tier`). Each appends the fields of a
:class:`~rules.results.NearMiss` to a list; :func:`keep_near_misses` keeps the highest per
stacking subject and makes only those into objects.
"""

from __future__ import annotations

from collections.abc import Callable

from rules.conditions import EVENT_PREFIX, Facts
from rules.formulas import AmountOf, reads_with_bounds, tier_for
from rules.loader import Ruleset
from rules.ranges import near_point
from rules.results import Match, NearMiss
from rules.schema import Leaf, Rule, Tiers

NearMissOf = Callable[[list[tuple], Facts, "Facts | None", "int | None"], None]
"""Given the profile and the event in scope, appends the near miss of one failed leaf (if any) to a list."""


def reachable_gap(info, op: str, value: object, current: object) -> float | None:
    """How far ``current`` is below passing ``[fact, op, value]``, if it is near enough to name."""
    if info is None or info.near_miss is None or op not in ("gte", "gt") or current is None:
        return None
    threshold = float(value)  # type: ignore[arg-type]
    gap = threshold - near_point(current) + (1 if op == "gt" else 0)
    return gap if 0 < gap <= info.near_miss * max(threshold, 1) else None


def near_miss_of(ruleset: Ruleset, rule: Rule, leaf: Leaf, amount_of: AmountOf, constant: bool,
                 bounds: dict[str, str]) -> NearMissOf | None:
    """For a rule that fails on exactly ``leaf`` (nothing unknown): what appends its near miss, or
    ``None`` when that leaf can never be one (a figure with no "within reach", a fixed fact, a title
    with no amount attached)."""
    in_event = leaf.fact.startswith(EVENT_PREFIX)
    fact = leaf.fact.removeprefix(EVENT_PREFIX)
    info = ruleset.facts.get(fact)
    name, op, needed = leaf.fact, leaf.op, leaf.value
    if info is None:
        return None
    if op in ("gte", "gt"):
        if info.near_miss is None:
            return None
        # the amount at the bumped figure: the same as now when the formula reads neither it nor a bound of it
        patched = not constant and name in reads_with_bounds(rule.formula, bounds)

        def threshold(near: list[tuple], facts: Facts, event: Facts | None, event_index: int | None) -> None:
            current = (event.get(fact) if event else None) if in_event else facts.get(name)
            gap = reachable_gap(info, op, needed, current)
            if gap is None:
                return
            if not patched:
                amount = amount_of(facts, event, event_index)
            elif in_event:  # then event holds the current value
                amount = amount_of(facts, {**event, fact: near_point(current) + gap}, event_index)  # type: ignore[dict-item]
            else:
                amount = amount_of({**facts, name: near_point(current) + gap}, event, event_index)
            near.append((rule, "threshold", name, needed, current, gap, amount.value, event_index))

        return threshold
    if not (info.actionable and op in ("has", "is", "eq")):
        return None
    kind = "title" if op == "has" else "flag"
    first_time = name == "new_certifications"  # a title already held can no longer be obtained for the first time
    if constant:
        award = amount_of({}, None, None).value
        if award is None and op == "has":
            return None  # a title with no amount attached is not worth a nudge

        def constant_title_or_flag(near: list[tuple], facts: Facts, event: Facts | None, event_index: int | None) -> None:
            if first_time and needed in (facts.get("certifications") or ()):
                return
            current = (event.get(fact) if event else None) if in_event else facts.get(name)
            near.append((rule, kind, name, needed, current, None, award, event_index))

        return constant_title_or_flag

    def title_or_flag(near: list[tuple], facts: Facts, event: Facts | None, event_index: int | None) -> None:
        if first_time and needed in (facts.get("certifications") or ()):
            return
        amount = amount_of(facts, event, event_index)
        if amount.value is None and op == "has":
            return
        current = (event.get(fact) if event else None) if in_event else facts.get(name)
        near.append((rule, kind, name, needed, current, None, amount.value, event_index))

    return title_or_flag


def below_lowest_tier(near: list[tuple], ruleset: Ruleset, rule: Rule, facts: Facts, event_index: int | None) -> None:
    """A tiers formula that gives nothing yet: its lowest tier, if the figure is within reach of it."""
    formula = rule.formula
    if not isinstance(formula, Tiers):
        return
    lowest = formula.tiers[0]
    info = ruleset.facts.get(formula.base)
    current = facts.get(formula.base)
    gap = reachable_gap(info, "gte", lowest.min, current)
    if gap is not None:
        near.append((rule, "next_tier", formula.base, lowest.min, current, gap, lowest.amount, event_index))


def next_tier(near: list[tuple], ruleset: Ruleset, match: Match) -> None:
    """An eligible tiers match: the next tier up, if the figure is within reach of it."""
    formula = match.rule.formula
    if not isinstance(formula, Tiers) or match.amount.tier is None or match.amount.tier.max is None:
        return
    upper = tier_for(formula, match.amount.tier.max)
    info = ruleset.facts.get(formula.base)
    current = match.amount.base
    gap = reachable_gap(info, "gte", match.amount.tier.max, current)
    if upper is not None and gap is not None:
        near.append((match.rule, "next_tier", formula.base, upper.min, current, gap, upper.amount, match.event_index))


def _highest_award_first(fields: tuple) -> float:
    return -(fields[6] or 0)  # max_award_cny


def keep_near_misses(near: list[tuple], stacking: dict[str, tuple[str, str]]) -> list[NearMiss]:
    """Highest first, one near miss per rule, and per stacking subject and level (only one of them
    could count). ``near``: NearMiss fields in the order found."""
    if len(near) == 1:
        return [NearMiss(*near[0])]
    near.sort(key=_highest_award_first)  # stable
    seen: set[tuple] = set()
    out = []
    for fields in near:
        key = (stacking[fields[0].rule_id], fields[7])  # the rule's level and subject, the event
        if key not in seen:
            seen.add(key)
            out.append(NearMiss(*fields))
    return out
