"""Award formulas by kind: fixed, capped, percentage with cap, tiers, per unit, sum, unspecified.

The engine never knows a particular clause; it asks this module what a formula yields for a
set of facts. When an input is unknown the result is an upper bound where the text gives one
(the cap, the top tier) and the unknown inputs are listed.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

from rules.conditions import EVENT_PREFIX, Facts, fact_name, lookup
from rules.ranges import FigureRange
from rules.schema import Capped, Expr, Fixed, Formula, Percentage, PerUnit, Sum, Tier, Tiers, Unspecified


@dataclass(slots=True)
class Amount:
    """What a formula yields: ``value`` in yuan (``None`` = not fixed by the text). Never changed once
    made: the engine shares one instance per constant formula."""

    value: float | None
    missing: list[str] = field(default_factory=list)
    applies: bool = True  # False: the inputs are known and give nothing (below the lowest tier, 0)
    tier: Tier | None = None
    base: float | None = None  # the figure the amount was computed from, for the reasons


def eval_expr(expr: Expr, facts: Facts, event: Facts | None, event_index: int | None,
              missing: list[str]) -> float | None:
    """A number, a fact name, or ``{min|max|sub: [a, b]}``; unknown facts go to ``missing``."""
    if isinstance(expr, int | float):
        return float(expr)
    if isinstance(expr, str):
        value = lookup(expr, facts, event)
        if value is None or isinstance(value, FigureRange):  # a range is no single figure to compute with
            missing.append(fact_name(expr, event_index))
            return None
        return float(value)  # type: ignore[arg-type]
    (op, args), = expr.items()
    values = [eval_expr(arg, facts, event, event_index, missing) for arg in args]
    if any(v is None for v in values):
        return None
    if op == "min":
        return min(values)  # type: ignore[type-var]
    if op == "max":
        return max(values)  # type: ignore[type-var]
    if op == "sub":
        return values[0] - values[1]  # type: ignore[operator]
    raise ValueError(f"unknown expression operator {op!r}")


def _capped(value: float, cap: float | None) -> float:
    return value if cap is None else min(value, cap)


def tier_for(formula: Tiers, base: float) -> Tier | None:
    """The tier whose lower bound is inclusive and upper bound exclusive around ``base``."""
    for tier in formula.tiers:
        if base >= tier.min and (tier.max is None or base < tier.max):
            return tier
    return None


HUGE = 1e13  # stands for "as large as it gets" when probing an unknown input


def evaluate_formula(formula: Formula, facts: Facts, event: Facts | None = None,
                     event_index: int | None = None, bounds: dict[str, str] | None = None) -> Amount:
    if isinstance(formula, Fixed):
        return Amount(formula.amount)
    if isinstance(formula, Capped):
        return Amount(formula.cap)
    if isinstance(formula, Unspecified):
        return Amount(None)
    ranged = [name for name in _read_by(formula)[1] if isinstance(lookup(name, facts, event), FigureRange)]
    if ranged:
        return _ranged_amount(formula, facts, event, event_index, bounds, ranged)
    missing: list[str] = []
    if isinstance(formula, Tiers):
        base = eval_expr(formula.base, facts, event, event_index, missing)
        if base is None:
            return Amount(formula.tiers[-1].amount, missing)
        tier = tier_for(formula, base)
        return Amount(tier.amount, applies=True, tier=tier, base=base) if tier else Amount(0, applies=False, base=base)
    value = _computed(formula, facts, event, event_index, missing)  # type: ignore[arg-type]
    if value is None:
        missing = list(dict.fromkeys(missing))
        return Amount(_upper_bound(formula, facts, event, event_index, missing, bounds or {}), missing)  # type: ignore[arg-type]
    return Amount(round(value, 2), applies=value > 0)


def _computed(formula: Percentage | PerUnit | Sum, facts: Facts, event: Facts | None, event_index: int | None,
              missing: list[str]) -> float | None:
    if isinstance(formula, Sum):
        values = [_part_value(part, facts, event, event_index, missing) for part in formula.parts]
        return None if any(v is None for v in values) else _capped(sum(values), formula.cap)  # type: ignore[arg-type]
    value = _part_value(formula, facts, event, event_index, missing)
    return None if value is None else _capped(value, formula.cap)


def _expr_facts(expr: Expr, out: set[str]) -> None:
    if isinstance(expr, str):
        out.add(expr)
    elif isinstance(expr, dict):
        for args in expr.values():
            for arg in args:
                _expr_facts(arg, out)


def _facts_read(formula: Percentage | PerUnit | Sum) -> frozenset[str]:
    """The (non-event) facts a formula reads: the breakpoints of its piecewise-linear pieces."""
    return _read_by(formula)[0]


def _inputs(formula: Formula) -> frozenset[str]:
    """Every fact a computed formula reads (``event.x`` kept as written)."""
    return _read_by(formula)[0]


_READ: dict[int, tuple[Formula, frozenset[str], tuple[str, ...]]] = {}
"""Per formula object (rules are immutable once loaded): the facts it reads, walked once, not on every
evaluation (the engine evaluates dozens of formulas per assessment)."""


def _read_by(formula: Formula) -> tuple[frozenset[str], tuple[str, ...]]:
    """The facts ``formula`` reads, as a set and sorted."""
    cached = _READ.get(id(formula))
    if cached is None or cached[0] is not formula:
        read: set[str] = set()
        if isinstance(formula, Tiers):
            _expr_facts(formula.base, read)
        else:
            for part in formula.parts if isinstance(formula, Sum) else [formula]:  # type: ignore[union-attr]
                _expr_facts(getattr(part, "base", None) or getattr(part, "count", None), read)
        cached = _READ[id(formula)] = (formula, frozenset(read), tuple(sorted(read)))
    return cached[1], cached[2]


def formula_inputs(formula: Formula) -> tuple[str, ...]:
    """The facts a computed formula reads (``event.x`` kept as written), sorted."""
    return _read_by(formula)[1]


def reads_with_bounds(formula: Formula, bounds: dict[str, str]) -> frozenset[str]:
    """Every fact whose value can change what ``formula`` yields: those it reads (``event.x`` kept as
    written) and the wholes bounding them (an unknown part is probed up to its whole)."""
    if isinstance(formula, Fixed | Capped | Unspecified):
        return frozenset()
    read = _read_by(formula)[0]
    return read | {bounds[name.removeprefix(EVENT_PREFIX)] for name in read if name.removeprefix(EVENT_PREFIX) in bounds}


EPSILON = 0.001  # just inside an open end of a range (amounts are in yuan)


def _range_candidates(formula: Formula, figure: FigureRange, facts: Facts, event: Facts | None) -> list[float]:
    """Where a piecewise formula can take its extremes over a range: its ends (just inside when
    open), and either side of every breakpoint inside it (tier bounds, the formula's other figures)."""
    low = figure.low if figure.low_inclusive else figure.low + EPSILON
    high = HUGE if figure.high is None else figure.high if figure.high_inclusive else figure.high - EPSILON
    breakpoints = {float(v) for name in _inputs(formula)
                   if isinstance(v := lookup(name, facts, event), int | float) and not isinstance(v, bool)}
    if isinstance(formula, Tiers):
        breakpoints |= {float(t.min) for t in formula.tiers} | {float(t.max) for t in formula.tiers if t.max}
    inside = [p for b in breakpoints for p in (b - EPSILON, b) if low < p < high]
    return sorted({low, high, *inside})


def _ranged_amount(formula: Formula, facts: Facts, event: Facts | None, event_index: int | None,
                   bounds: dict[str, str] | None, ranged: list[str]) -> Amount:
    """The formula over figures known only as ranges: exact when it gives the same everywhere in
    them (the range lies inside one tier, or past the cap), otherwise its most, with those figures
    named as missing so that the dialog asks for them."""
    grids = [_range_candidates(formula, lookup(name, facts, event), facts, event) for name in ranged]  # type: ignore[arg-type]
    results: list[Amount] = []
    for combo in itertools.product(*grids):
        patched_facts, patched_event = dict(facts), dict(event or {})
        for name, value in zip(ranged, combo, strict=True):
            if name.startswith("event."):
                patched_event[name.removeprefix("event.")] = value
            else:
                patched_facts[name] = value
        results.append(evaluate_formula(formula, patched_facts, patched_event if event is not None else None,
                                        event_index, bounds))
    names = [fact_name(name, event_index) for name in ranged]
    unknown = list(dict.fromkeys(m for r in results for m in r.missing))
    if not any(r.applies for r in results) and not unknown:
        return Amount(0, applies=False, base=_ranged_base(formula, facts, event))
    values = [r.value for r in results if r.applies or r.missing]
    if any(v is None for v in values):
        return Amount(getattr(formula, "cap", None), list(dict.fromkeys(names + unknown)))
    top = max(values)  # type: ignore[type-var]
    if not unknown and all(r.applies for r in results) and min(values) == top:  # type: ignore[type-var]
        first = results[0]
        return Amount(top, applies=True, tier=first.tier, base=_ranged_base(formula, facts, event))
    return Amount(top, list(dict.fromkeys(names + unknown)))


def _ranged_base(formula: Formula, facts: Facts, event: Facts | None) -> object:
    """For a tiers formula on one fact, that fact's value (a range), for reasons and near misses."""
    if isinstance(formula, Tiers) and isinstance(formula.base, str):
        return lookup(formula.base, facts, event)
    return None


def _upper_bound(formula: Percentage | PerUnit | Sum, facts: Facts, event: Facts | None, event_index: int | None,
                 missing: list[str], bounds: dict[str, str]) -> float | None:
    """The most the formula could give whatever the unknown inputs turn out to be; ``None`` if unbounded.

    The formulas are piecewise linear in each input, so their maximum over an input lies at 0, at a
    breakpoint (another known figure of the formula) or at the input's bound (``at_most`` in
    facts.yaml); if it keeps growing towards "huge", only the cap bounds it.
    """
    if len(missing) > 2 or "events" in missing:
        return getattr(formula, "cap", None)
    try:  # the bound depends only on these: a conversation asks it again turn after turn
        key = (id(formula), event is None, tuple(lookup(name, facts, event) for name in _read_by(formula)[1]),
               tuple(missing), tuple(facts.get(bounds.get(_bare(m), "")) for m in missing))
        cached = _UPPER_BOUNDS.get(key, _UNSET)
    except TypeError:  # an unhashable value: compute it
        key, cached = None, _UNSET
    if cached is _UNSET:
        cached = _upper_bound_uncached(formula, facts, event, event_index, missing, bounds)
        if key is not None:
            if len(_UPPER_BOUNDS) >= MAX_CACHED_BOUNDS:
                _UPPER_BOUNDS.clear()
            _UPPER_BOUNDS[key] = cached
    return cached  # type: ignore[return-value]


def _bare(missing_name: str) -> str:
    """``events[0].attendees`` → ``attendees``; profile facts as they are."""
    return missing_name.split(".", 1)[1] if missing_name.startswith("events[") else missing_name


_UNSET = object()
_UPPER_BOUNDS: dict[tuple, float | None] = {}
MAX_CACHED_BOUNDS = 4096


def _upper_bound_uncached(formula: Percentage | PerUnit | Sum, facts: Facts, event: Facts | None,
                          event_index: int | None, missing: list[str], bounds: dict[str, str]) -> float | None:
    known = sorted({float(v) for k in _facts_read(formula) if isinstance(v := facts.get(k), int | float)
                    and not isinstance(v, bool)})
    names = [_bare(m) for m in missing]
    candidates = []
    for name in names:
        bound = facts.get(bounds.get(name, ""))
        top = float(bound) if isinstance(bound, int | float) else HUGE  # type: ignore[arg-type]
        candidates.append(sorted({0.0, top, *[k for k in known if k <= top]}))
    best = grows = 0.0
    for combo in itertools.product(*candidates):
        patched_facts, patched_event = dict(facts), dict(event or {})
        for name, raw, value in zip(names, missing, combo, strict=True):
            (patched_event if raw.startswith("events[") else patched_facts)[name] = value
        value = _computed(formula, patched_facts, patched_event if event is not None else None, event_index, [])
        if value is None:
            return getattr(formula, "cap", None)
        if HUGE in combo:
            grows = max(grows, value)
        else:
            best = max(best, value)
    if grows > best:
        return getattr(formula, "cap", None)
    return round(best, 2)


def _part_value(part: Percentage | PerUnit | Fixed, facts: Facts, event: Facts | None,
                event_index: int | None, missing: list[str]) -> float | None:
    if isinstance(part, Fixed):
        return part.amount
    if isinstance(part, Percentage):
        base = eval_expr(part.base, facts, event, event_index, missing)
        return None if base is None else _capped(max(base, 0.0) * part.rate, part.cap)
    count = eval_expr(part.count, facts, event, event_index, missing)
    return None if count is None else _capped(max(count, 0.0) * part.amount_per_unit, part.cap)


AmountOf = Callable[[Facts, "Facts | None", "int | None"], Amount]


def compile_formula(formula: Formula, bounds: dict[str, str] | None = None) -> AmountOf:
    """A closure equivalent to :func:`evaluate_formula` for one formula, for the engine's hot path.

    A fixed, capped or unspecified formula yields the same :class:`Amount` every time: one shared
    instance (amounts are never changed once made). A percentage, per-unit or sum formula whose inputs
    are all known exactly is computed by closures made once; an unknown or ranged input, and tiers,
    take the general path (upper bounds, ranges).
    """
    if isinstance(formula, Fixed | Capped | Unspecified):
        constant = evaluate_formula(formula, {})
        return lambda facts, event, event_index: constant
    general = remembered_formula(formula, bounds or {})
    if isinstance(formula, Tiers):
        return _compile_tiers(formula, general)
    inputs = tuple((name.startswith(EVENT_PREFIX), name.removeprefix(EVENT_PREFIX)) for name in _read_by(formula)[1])
    computed = _compile_computed(formula)  # type: ignore[arg-type]

    def exact(facts: Facts, event: Facts | None, event_index: int | None) -> Amount:
        for in_event, key in inputs:
            value = (None if event is None else event.get(key)) if in_event else facts.get(key)
            if value is None or value.__class__ is FigureRange:
                return general(facts, event, event_index)
        value = computed(facts, event)
        return Amount(round(value, 2), applies=value > 0)

    return exact


MAX_REMEMBERED = 4096  # amounts per formula over unknown or ranged inputs


def remembered_formula(formula: Formula, bounds: dict[str, str]) -> AmountOf:
    """:func:`evaluate_formula` with what it gave for unknown or ranged inputs remembered: that depends
    only on the inputs, the figures bounding them and the event in scope, and a conversation asks
    it again turn after turn (its upper bounds probe the formula at every breakpoint)."""
    names = _read_by(formula)[1]
    inputs = tuple((name.startswith(EVENT_PREFIX), name.removeprefix(EVENT_PREFIX), bounds.get(name.removeprefix(
        EVENT_PREFIX), "")) for name in names)
    remembered: dict[tuple, Amount] = {}

    def general(facts: Facts, event: Facts | None, event_index: int | None) -> Amount:
        key = (event is None, event_index, *(
            ((None if event is None else event.get(name)) if in_event else facts.get(name), facts.get(bound))
            for in_event, name, bound in inputs))
        try:
            found = remembered.get(key)
        except TypeError:  # an unhashable value: compute it
            return evaluate_formula(formula, facts, event, event_index, bounds)
        if found is None:
            if len(remembered) >= MAX_REMEMBERED:
                remembered.clear()
            found = remembered[key] = evaluate_formula(formula, facts, event, event_index, bounds)
        return found

    return general


def _compile_tiers(formula: Tiers, general: AmountOf) -> AmountOf:
    """Tiers on a figure known exactly: the tier found by bisection (tiers are contiguous and ascending)."""
    in_event, key = formula.base.startswith(EVENT_PREFIX), formula.base.removeprefix(EVENT_PREFIX)
    tiers = formula.tiers
    lows = [tier.min for tier in tiers]
    top = tiers[-1].max

    def tiered(facts: Facts, event: Facts | None, event_index: int | None) -> Amount:
        value = (None if event is None else event.get(key)) if in_event else facts.get(key)
        if value is None or value.__class__ is FigureRange:
            return general(facts, event, event_index)
        base = float(value)  # type: ignore[arg-type]
        index = bisect.bisect_right(lows, base) - 1
        if index < 0 or (top is not None and base >= top):
            return Amount(0, applies=False, base=base)
        tier = tiers[index]
        return Amount(tier.amount, applies=True, tier=tier, base=base)

    return tiered


Exact = Callable[[Facts, "Facts | None"], float]


def _compile_expr(expr: Expr) -> Exact:
    """:func:`eval_expr` for inputs known to be exact figures."""
    if isinstance(expr, int | float):
        number = float(expr)
        return lambda facts, event: number
    if isinstance(expr, str):
        key = expr.removeprefix(EVENT_PREFIX)
        if expr.startswith(EVENT_PREFIX):
            return lambda facts, event: float(event[key])  # type: ignore[index, arg-type]
        return lambda facts, event: float(facts[key])  # type: ignore[arg-type]
    (op, args), = expr.items()
    parts = [_compile_expr(arg) for arg in args]
    if op == "sub":
        first, second = parts
        return lambda facts, event: first(facts, event) - second(facts, event)
    pick = {"min": min, "max": max}[op]
    return lambda facts, event: pick([part(facts, event) for part in parts])


def _compile_part(part: Percentage | PerUnit | Fixed) -> Exact:
    """:func:`_part_value` for inputs known to be exact figures."""
    if isinstance(part, Fixed):
        amount = part.amount
        return lambda facts, event: amount
    base = _compile_expr(part.base if isinstance(part, Percentage) else part.count)
    factor = part.rate if isinstance(part, Percentage) else part.amount_per_unit
    cap = part.cap
    if cap is None:
        return lambda facts, event: max(base(facts, event), 0.0) * factor
    return lambda facts, event: min(max(base(facts, event), 0.0) * factor, cap)


def _compile_computed(formula: Percentage | PerUnit | Sum) -> Exact:
    """:func:`_computed` for inputs known to be exact figures."""
    cap = formula.cap
    if isinstance(formula, Sum):
        parts = [_compile_part(part) for part in formula.parts]
        whole = lambda facts, event: sum([part(facts, event) for part in parts])  # noqa: E731
    else:
        whole = _compile_part(formula)
    if cap is None:
        return whole
    return lambda facts, event: min(whole(facts, event), cap)
