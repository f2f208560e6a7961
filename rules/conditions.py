"""Three-valued evaluation of rule conditions over a profile's facts.

A condition is ``True`` (holds), ``False`` (does not) or ``None`` (unknown: a fact it needs is
missing). ``all`` is false as soon as one part is false; ``any`` is true as soon as one part
is true; otherwise unknown parts make the whole unknown, and the missing facts are collected
so the dialog can ask for them and the result can list them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from rules.ranges import FigureRange, compare_figures
from rules.schema import AllOf, AnyOf, Condition, Leaf, NotOf

EVENT_PREFIX = "event."
Facts = dict[str, object]

#: list facts whose membership implies (or excludes) membership of another list:
#: a title newly obtained is held; a title not held cannot be newly obtained.
HELD_IMPLIED_BY = {"certifications": "new_certifications"}
NEW_BOUNDED_BY = {"new_certifications": "certifications"}


@dataclass(slots=True)
class Verdict:
    """Outcome of one condition tree on one profile (and, for event rules, one event)."""

    value: bool | None
    missing: list[str] = field(default_factory=list)
    held: list[Leaf] = field(default_factory=list)  # leaves that hold, for the reasons
    failed: list[Leaf] = field(default_factory=list)  # leaves that fail, for near misses


def fact_name(leaf_fact: str, event_index: int | None) -> str:
    """The name of a fact as reported in ``missing``: ``events[0].attendees`` for event facts."""
    if leaf_fact.startswith(EVENT_PREFIX):
        key = leaf_fact[len(EVENT_PREFIX):]
        return f"events[{event_index}].{key}" if event_index is not None else "events"
    return leaf_fact


def lookup(fact: str, facts: Facts, event: Facts | None) -> object:
    if fact.startswith(EVENT_PREFIX):
        return None if event is None else event.get(fact[len(EVENT_PREFIX):])
    return facts.get(fact)


def _membership(leaf: Leaf, facts: Facts, wanted: set) -> bool | None:
    """``has`` / ``has_any`` / ``has_none`` on a list fact, with the title implications."""
    values = facts.get(leaf.fact)
    if values is not None:
        hit = not wanted.isdisjoint(values)
    else:
        implied = HELD_IMPLIED_BY.get(leaf.fact)
        bound = NEW_BOUNDED_BY.get(leaf.fact)
        if implied and not wanted.isdisjoint(facts.get(implied) or ()):
            hit = True
        elif bound and facts.get(bound) is not None and wanted.isdisjoint(facts[bound]):
            hit = False
        else:
            return None
    return not hit if leaf.op == "has_none" else hit


def _bounded_false(leaf: Leaf, facts: Facts, bounds: dict[str, str] | None) -> bool:
    """An unknown fact that can never exceed a known one cannot pass a threshold above it."""
    bound = facts.get(bounds.get(leaf.fact, "")) if bounds else None
    if bound is None or leaf.op not in ("gt", "gte"):
        return False
    if isinstance(bound, FigureRange):
        if bound.high is None:
            return False
        bound = bound.high
    return bound <= leaf.value if leaf.op == "gt" else bound < leaf.value  # type: ignore[operator]


def evaluate_leaf(leaf: Leaf, facts: Facts, event: Facts | None, bounds: dict[str, str] | None = None) -> bool | None:
    op = leaf.op
    if op in ("has", "has_any", "has_none"):
        wanted = {leaf.value} if op == "has" else set(leaf.value)  # type: ignore[arg-type]
        return _membership(leaf, facts, wanted)
    actual = lookup(leaf.fact, facts, event)
    if actual is None:
        return False if _bounded_false(leaf, facts, bounds) else None
    value = leaf.value
    if op == "gt_fact":
        other = lookup(value, facts, event)  # type: ignore[arg-type]
        if other is None:
            return None
        if isinstance(actual, FigureRange) or isinstance(other, FigureRange):
            return compare_figures(actual, op, other)
        return actual > other  # type: ignore[operator]
    if isinstance(actual, FigureRange):
        return compare_figures(actual, op, value)
    if op == "eq" or op == "is":
        return actual == value
    if op == "ne":
        return actual != value
    if op == "in":
        return actual in value  # type: ignore[operator]
    if op == "gte":
        return actual >= value  # type: ignore[operator]
    if op == "gt":
        return actual > value  # type: ignore[operator]
    if op == "lte":
        return actual <= value  # type: ignore[operator]
    return actual < value  # type: ignore[operator]  # "lt"


def compile_leaf(leaf: Leaf, bounds: dict[str, str] | None = None) -> Callable[[Facts, Facts | None], bool | None]:
    """A closure equivalent to :func:`evaluate_leaf` for one leaf, for the engine's hot path."""
    op, value, name = leaf.op, leaf.value, leaf.fact
    if op in ("has", "has_any") and name not in HELD_IMPLIED_BY and name not in NEW_BOUNDED_BY:
        wanted = frozenset([value] if op == "has" else value)  # type: ignore[arg-type]

        def has(facts: Facts, event: Facts | None) -> bool | None:
            values = facts.get(name)
            return None if values is None else not wanted.isdisjoint(values)  # type: ignore[arg-type]

        return has
    if op in ("has", "has_any", "has_none") or op == "gt_fact" or (bounds and name in bounds):
        return lambda facts, event: evaluate_leaf(leaf, facts, event, bounds)
    if name.startswith(EVENT_PREFIX):
        key = name[len(EVENT_PREFIX):]

        def get(facts: Facts, event: Facts | None) -> object:
            return None if event is None else event.get(key)
    else:
        def get(facts: Facts, event: Facts | None) -> object:
            return facts.get(name)
    compare = {
        "eq": lambda a: a == value, "is": lambda a: a == value, "ne": lambda a: a != value,
        "in": lambda a: a in value, "gte": lambda a: a >= value, "gt": lambda a: a > value,
        "lte": lambda a: a <= value, "lt": lambda a: a < value,
    }[op]

    def test(facts: Facts, event: Facts | None) -> bool | None:
        actual = get(facts, event)
        if actual is None:
            return None
        return compare_figures(actual, op, value) if actual.__class__ is FigureRange else compare(actual)

    return test


def leaf_missing(leaf: Leaf, facts: Facts, event: Facts | None, event_index: int | None) -> list[str]:
    """The facts that would settle an unsettled leaf: unknown ones, and ones known only as a range."""
    names = []
    actual = lookup(leaf.fact, facts, event)
    if actual is None or isinstance(actual, FigureRange):
        names.append(fact_name(leaf.fact, event_index))
    if leaf.op == "gt_fact":
        other = lookup(leaf.value, facts, event)  # type: ignore[arg-type]
        if other is None or isinstance(other, FigureRange):
            names.append(fact_name(leaf.value, event_index))  # type: ignore[arg-type]
    return names


def evaluate(cond: Condition, facts: Facts, event: Facts | None = None, event_index: int | None = None,
             bounds: dict[str, str] | None = None) -> Verdict:
    """Evaluate a condition tree; ``event`` is the event in scope for ``event.*`` facts."""
    if isinstance(cond, Leaf):
        value = evaluate_leaf(cond, facts, event, bounds)
        if value is None:
            return Verdict(None, leaf_missing(cond, facts, event, event_index))
        return Verdict(True, held=[cond]) if value else Verdict(False, failed=[cond])
    if isinstance(cond, NotOf):
        inner = evaluate(cond.not_, facts, event, event_index, bounds)
        value = None if inner.value is None else not inner.value
        return Verdict(value, inner.missing, held=inner.failed, failed=inner.held)
    if isinstance(cond, AllOf):
        return _combine([evaluate(part, facts, event, event_index, bounds) for part in cond.all], need_all=True)
    assert isinstance(cond, AnyOf)
    return _combine([evaluate(part, facts, event, event_index, bounds) for part in cond.any], need_all=False)


def _combine(parts: list[Verdict], need_all: bool) -> Verdict:
    out = Verdict(None)
    values = [p.value for p in parts]
    decisive = not need_all
    if decisive in values:
        out.value = decisive
    elif None in values:
        out.value = None
    else:
        out.value = not decisive
    for part in parts:
        if out.value is None and part.value is None:
            out.missing.extend(m for m in part.missing if m not in out.missing)
        out.held.extend(part.held)
        out.failed.extend(part.failed)
    return out
