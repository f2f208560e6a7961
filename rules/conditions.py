"""Three-valued evaluation of rule conditions over a profile's facts.

A condition is ``True`` (holds), ``False`` (does not) or ``None`` (unknown: a fact it needs is
missing). ``all`` is false as soon as one part is false; ``any`` is true as soon as one part
is true; otherwise unknown parts make the whole unknown, and the missing facts are collected
so the dialog can ask for them and the result can list them.
"""

from __future__ import annotations

import operator
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


_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "eq": operator.eq, "is": operator.eq, "ne": operator.ne, "gte": operator.ge, "gt": operator.gt,
    "lte": operator.le, "lt": operator.lt, "in": lambda actual, value: actual in value,  # type: ignore[operator]
}


def wanted_items(leaf: Leaf) -> frozenset:
    """The items a ``has`` / ``has_any`` / ``has_none`` leaf looks for in its list."""
    return frozenset([leaf.value] if leaf.op == "has" else leaf.value)  # type: ignore[arg-type]


#: each comparison operator as Python writes it, for the generated kernels and screen
PYTHON_OPERATORS = {"eq": "==", "is": "==", "ne": "!=", "gte": ">=", "gt": ">", "lte": "<=", "lt": "<", "in": "in"}


def compile_leaf(leaf: Leaf, bounds: dict[str, str] | None = None) -> Callable[[Facts, Facts | None], bool | None]:
    """A closure equivalent to :func:`evaluate_leaf` for one leaf, for the engine's hot path."""
    op, value, name = leaf.op, leaf.value, leaf.fact
    if op in ("has", "has_any", "has_none"):
        wanted = wanted_items(leaf)
        negate = op == "has_none"
        if name in HELD_IMPLIED_BY or name in NEW_BOUNDED_BY:
            implied, bound = HELD_IMPLIED_BY.get(name), NEW_BOUNDED_BY.get(name)

            def has_implied(facts: Facts, event: Facts | None) -> bool | None:  # _membership, inlined
                values = facts.get(name)
                if values is not None:
                    return wanted.isdisjoint(values) is negate  # type: ignore[arg-type]
                if implied and not wanted.isdisjoint(facts.get(implied) or ()):  # type: ignore[arg-type]
                    return not negate
                if bound and (held := facts.get(bound)) is not None and wanted.isdisjoint(held):  # type: ignore[arg-type]
                    return negate
                return None

            return has_implied

        def has(facts: Facts, event: Facts | None) -> bool | None:
            values = facts.get(name)
            return None if values is None else wanted.isdisjoint(values) is negate  # type: ignore[arg-type]

        return has
    if op == "gt_fact":  # [fact, gt_fact, other fact]: no bound settles it while either is unknown
        other_name = value

        def greater_than_other(facts: Facts, event: Facts | None) -> bool | None:
            actual = lookup(name, facts, event)
            other = None if actual is None else lookup(other_name, facts, event)  # type: ignore[arg-type]
            if other is None:
                return None
            if actual.__class__ is FigureRange or other.__class__ is FigureRange:
                return compare_figures(actual, op, other)
            return actual > other  # type: ignore[operator]

        return greater_than_other
    compare = _COMPARE[op]
    bounded = bool(bounds) and name in bounds  # type: ignore[operator]
    if name.startswith(EVENT_PREFIX):
        key = name[len(EVENT_PREFIX):]

        def event_test(facts: Facts, event: Facts | None) -> bool | None:
            actual = None if event is None else event.get(key)
            if actual is None:
                return False if bounded and _bounded_false(leaf, facts, bounds) else None
            return compare_figures(actual, op, value) if actual.__class__ is FigureRange else compare(actual, value)

        return event_test

    def test(facts: Facts, event: Facts | None) -> bool | None:
        actual = facts.get(name)
        if actual is None:
            return False if bounded and _bounded_false(leaf, facts, bounds) else None
        return compare_figures(actual, op, value) if actual.__class__ is FigureRange else compare(actual, value)

    return test


def missing_fact(leaf: Leaf) -> str | None:
    """What an unsettled leaf on a profile fact misses: that fact (unknown, or known as a range
    straddling the threshold), as :func:`leaf_missing` names it. None: it depends (an event's fact, a
    comparison of two facts)."""
    return None if leaf.op == "gt_fact" or leaf.fact.startswith(EVENT_PREFIX) else leaf.fact


def leaf_missing(leaf: Leaf, facts: Facts, event: Facts | None, event_index: int | None) -> list[str]:
    """The facts that would settle an unsettled leaf: unknown ones, and ones known only as a range."""
    actual = lookup(leaf.fact, facts, event)
    other = lookup(leaf.value, facts, event) if leaf.op == "gt_fact" else 0  # type: ignore[arg-type]
    if actual is None or other is None:  # unknown facts first: a range is only asked about once they are known
        names = [fact_name(leaf.fact, event_index)] if actual is None else []
        return names + ([fact_name(leaf.value, event_index)] if other is None else [])  # type: ignore[arg-type]
    names = [fact_name(leaf.fact, event_index)] if isinstance(actual, FigureRange) else []
    if isinstance(other, FigureRange):
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


Outcome = tuple[bool | None, list[str], tuple[Leaf, ...], tuple[Leaf, ...]]  # value, missing, held, failed
CompiledCondition = Callable[[Facts, Facts | None, int | None], Outcome]


def compile_condition(cond: Condition, bounds: dict[str, str] | None = None) -> CompiledCondition:
    """A closure tree equivalent to :func:`evaluate` with ``bounds`` (the same value, missing facts,
    held and failed leaves), without building a :class:`Verdict` at every node."""
    if isinstance(cond, Leaf):
        test, held, failed = compile_leaf(cond, bounds), (cond,), (cond,)

        def leaf(facts: Facts, event: Facts | None, event_index: int | None) -> Outcome:
            value = test(facts, event)
            if value is None:
                return None, leaf_missing(cond, facts, event, event_index), (), ()
            return (True, [], held, ()) if value else (False, [], (), failed)

        return leaf
    if isinstance(cond, NotOf):
        inner = compile_condition(cond.not_, bounds)

        def negation(facts: Facts, event: Facts | None, event_index: int | None) -> Outcome:
            value, missing, held, failed = inner(facts, event, event_index)
            return (None if value is None else not value), missing, failed, held

        return negation
    parts = tuple(compile_condition(part, bounds) for part in (cond.all if isinstance(cond, AllOf) else cond.any))
    decisive = not isinstance(cond, AllOf)  # all: one false decides; any: one true

    def combined(facts: Facts, event: Facts | None, event_index: int | None) -> Outcome:
        results = [part(facts, event, event_index) for part in parts]
        values = [result[0] for result in results]
        value = decisive if decisive in values else None if None in values else not decisive
        missing: list[str] = []
        held: tuple[Leaf, ...] = ()
        failed: tuple[Leaf, ...] = ()
        for part_value, part_missing, part_held, part_failed in results:
            if value is None and part_value is None:
                missing.extend(m for m in part_missing if m not in missing)
            held += part_held
            failed += part_failed
        return value, missing, held, failed

    return combined


def compile_truth(cond: Condition, bounds: dict[str, str] | None = None) -> Callable[[Facts, Facts | None], bool | None]:
    """Only the value of :func:`evaluate` (True, False, None), stopping at the first part that decides.
    A condition that holds has nothing missing, so the engine needs no more; otherwise it asks
    :func:`compile_condition`'s closure for the missing facts and failed leaves."""
    if isinstance(cond, Leaf):
        return compile_leaf(cond, bounds)
    if isinstance(cond, NotOf):
        inner = compile_truth(cond.not_, bounds)

        def negation(facts: Facts, event: Facts | None) -> bool | None:
            value = inner(facts, event)
            return None if value is None else not value

        return negation
    parts = tuple(compile_truth(part, bounds) for part in (cond.all if isinstance(cond, AllOf) else cond.any))
    decisive = not isinstance(cond, AllOf)  # all: one false decides; any: one true

    def combined(facts: Facts, event: Facts | None) -> bool | None:
        unknown = False
        for part in parts:
            value = part(facts, event)
            if value is decisive:
                return decisive
            if value is None:
                unknown = True
        return None if unknown else not decisive

    return combined
