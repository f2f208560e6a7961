"""Rule kernels: one function per enterprise rule that judges it for one profile and records the outcome.

A kernel is called by the engine for each rule the screen left open (:mod:`rules.compiled`). It walks
the rule's event scopes, evaluates its conditions three-valued, computes the amount and appends the
:class:`~rules.results.Match` (and the eligible ones by stacking subject), or the near miss when the
rule fails on one leaf the enterprise could change. Two ways to make one, with the same outcome:

- :func:`interpreted_kernel` — a closure over the rule's compiled leaves and condition tree; every
  rule can have one, and nested conditions (``any`` inside ``all``) always do;
- :func:`generated_kernel` — for a plain ``all`` of leaves (most rules), Python source generated from
  the rule's data, with each leaf's test and the control flow written out (no loop over leaves, no
  tuple per outcome), compiled once per ruleset. Still generic: the generator knows condition
  operators and formula kinds, never a clause; ``tests/rules/test_kernels.py`` checks that both
  kinds give the same assessments.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import TYPE_CHECKING

from rules.conditions import EVENT_PREFIX, Facts, leaf_missing
from rules.formula_source import amount_lines
from rules.formulas import Amount
from rules.loader import Ruleset
from rules.near_misses import NearMissOf, below_lowest_tier, near_miss_of, next_tier
from rules.ranges import FigureRange, compare_figures
from rules.results import Match
from rules.schema import Leaf, Tiers, iter_leaves

if TYPE_CHECKING:
    from rules.compiled import CompiledRule

Kernel = Callable[[Facts, tuple, bool, int, list, dict, "list | None"], None]
"""(facts, each window's status, district unknown, gates left unsettled, matches, eligible matches by
stacking subject, near-miss fields or None when not wanted) → None; appends what it finds."""

Outcome = tuple[bool | None, list[str], Leaf | None]  # value, missing facts, the one failed leaf (near miss)
_NOTHING: list[str] = []  # shared, never appended to
_SHUT: Outcome = (False, _NOTHING, None)  # fails, and is no near miss
_HOLDS: Outcome = (True, _NOTHING, None)
_NO_EVENT: list[tuple[int | None, Facts | None]] = [(None, None)]


def _near_misses_by_leaf(ruleset: Ruleset, compiled: CompiledRule) -> dict[int, NearMissOf]:
    """What appends the near miss of each leaf of the rule that can be one (by the leaf's identity)."""
    found = {}
    for leaf in iter_leaves(compiled.rule.conditions):
        handler = near_miss_of(ruleset, compiled.rule, leaf, compiled.amount, compiled.constant, ruleset.fact_bounds)
        if handler is not None:
            found[id(leaf)] = handler
    return found


def _evaluate_flat(leaves: tuple[tuple, ...], facts: Facts, event: Facts | None, event_index: int | None) -> Outcome:
    """A plain ``all``, stopping at the first failure that cannot be a near miss.
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
        return None, _missing_of(unknown, facts, event, event_index), None
    return _HOLDS


def _missing_of(unknown: list[tuple], facts: Facts, event: Facts | None, event_index: int | None) -> list[str]:
    """The facts that would settle the unsettled flat leaves ``unknown``, each named once, in order."""
    missing: list[str] = []
    for _, _, leaf, name in unknown:
        if name is not None:
            if name not in missing:
                missing.append(name)
        else:
            missing.extend(m for m in leaf_missing(leaf, facts, event, event_index) if m not in missing)
    return missing


def interpreted_kernel(ruleset: Ruleset, compiled: CompiledRule) -> Kernel:
    """The kernel as a closure over the compiled leaves (a plain ``all``) or condition tree."""
    rule, level, window_index, stacking = compiled.rule, compiled.level, compiled.window, compiled.stacking
    flat, ungated, holds, nested = compiled.flat, compiled.ungated, compiled.holds, compiled.nested
    amount_of, district_rule, tiered = compiled.amount, compiled.district_leaf is not None, compiled.tiered
    near_of = _near_misses_by_leaf(ruleset, compiled)

    def kernel(facts: Facts, window_status: tuple, district_unknown: bool, gates_unsettled: int,
               matches: list, groups: dict, near: list | None) -> None:
        scopes = _NO_EVENT
        if compiled.per_event and (events := facts.get("events")) is not None:
            if not events:
                return
            scopes = list(enumerate(events))  # type: ignore[arg-type]
        window = window_status[window_index]
        leaves = flat if gates_unsettled else ungated  # gates that hold decide nothing
        for event_index, event in scopes:
            if leaves is not None:
                value, missing, failed = _evaluate_flat(leaves, facts, event, event_index) if leaves else _HOLDS
                if district_unknown and district_rule:
                    if value is False:
                        continue  # fails whatever the district: no near miss either
                    value, missing = None, ["district", *missing]
            elif holds(facts, event) is True:  # type: ignore[misc]
                value, missing, failed = True, _NOTHING, None  # what holds misses nothing
            else:
                value, missing, _, failures = nested(facts, event, event_index)  # type: ignore[misc]
                failed = failures[0] if len(failures) == 1 and not missing else None
            if value is False:
                if near is not None and failed is not None and window == "in_force" \
                        and (handler := near_of.get(id(failed))) is not None:
                    handler(near, facts, event, event_index)
                continue
            amount = amount_of(facts, event, event_index)
            if not amount.applies:
                if near is not None and window == "in_force" and value:
                    below_lowest_tier(near, ruleset, rule, facts, event_index)
                continue
            missing = list(dict.fromkeys(missing + amount.missing)) if missing or amount.missing else []
            status = ("eligible" if value and not missing else "possible") if window == "in_force" else window
            match = Match(rule, level, status, amount, event_index, False, None, missing)
            matches.append(match)
            if status == "eligible":
                groups.setdefault((stacking, event_index), []).append(match)
                if near is not None and tiered:
                    next_tier(near, ruleset, match)

    return kernel


# --- generated kernels -------------------------------------------------------------------------------

_INLINE_COMPARE = {"eq": "==", "is": "==", "ne": "!=", "gte": ">=", "gt": ">", "lte": "<=", "lt": "<", "in": "in"}


def _leaf_test_lines(index: int, leaf: Leaf) -> list[str]:
    """Source that sets ``t`` to the leaf's three-valued test (as :func:`rules.conditions.compile_leaf`).
    Membership and comparisons on a known value are written out; an unknown value that another fact
    can still settle (a title implied by another list, a part bounded by its whole) and comparisons of
    two facts call the compiled leaf ``T{index}``."""
    op, name = leaf.op, leaf.fact
    if name.startswith(EVENT_PREFIX):
        read = f"a = None if event is None else event.get({name.removeprefix(EVENT_PREFIX)!r})"
    else:
        read = f"a = get({name!r})"
    if op in ("has", "has_any", "has_none"):  # on a profile list, as compile_leaf reads it
        return [f"a = get({name!r})", "if a is None:", f"    t = T{index}(facts, event)",
                "else:", f"    t = W{index}.isdisjoint(a) is {op == 'has_none'}"]
    if op in _INLINE_COMPARE:
        return [read,
                "if a is None:", f"    t = T{index}(facts, event)",
                "elif a.__class__ is FigureRange:", f"    t = compare_figures(a, {op!r}, V{index})",
                "else:", f"    t = a {_INLINE_COMPARE[op]} V{index}"]
    return [f"t = T{index}(facts, event)"]


def _body_lines(ruleset: Ruleset, compiled: CompiledRule, skip: str) -> list[str]:
    """One event scope's judgement: conditions, amount, match; ``skip`` leaves the scope."""
    flat = compiled.flat or ()
    lines = ["failed = -1", "unknown = 0"]
    kept = {id(entry) for entry in compiled.ungated or ()}
    gates = {index for index, entry in enumerate(flat) if id(entry) not in kept}
    near_seen = False
    for index, (_, near_missable, leaf, _) in enumerate(flat):
        body = _leaf_test_lines(index, leaf)
        if near_missable:
            body += ["if t is False:",
                     f"    if {'unknown or failed >= 0' if near_seen else 'unknown'}:", f"        {skip}",
                     f"    failed = {index}",
                     "elif t is None:"]
            body += [f"    if failed >= 0:", f"        {skip}"] if near_seen else []
            body += [f"    unknown |= {1 << index}"]
            near_seen = True
        else:
            body += ["if t is False:", f"    {skip}", "if t is None:"]
            body += [f"    if failed >= 0:", f"        {skip}"] if near_seen else []
            body += [f"    unknown |= {1 << index}"]
        if index in gates:  # a gate: the screen has already seen it hold, unless it was left unsettled
            body = ["if gates_unsettled:", *("    " + line for line in body)]
        lines += body
    district_rule = compiled.district_leaf is not None
    if near_seen:
        lines += ["if failed >= 0:"]
        if district_rule:
            lines += ["    if district_unknown:", f"        {skip}  # fails whatever the district: no near miss"]
        lines += ["    if near is not None and window == 'in_force' and (handler := NEAR[failed]) is not None:",
                  "        handler(near, facts, event, event_index)", f"    {skip}"]
    missing = "list(MISSING_NAMES[unknown])" if _static_missing(flat) else "MISSING(unknown, facts, event, event_index)"
    lines += ["if unknown:", "    value = None", f"    missing = {missing}",
              "else:", "    value = True", "    missing = []"]
    if district_rule:
        lines += ["if district_unknown:", "    value = None", "    missing = ['district', *missing]"]
    if compiled.constant:
        lines += ["amount = AMOUNT"]
    else:
        lines += amount_lines(compiled.rule.formula) or ["amount = AMOUNT_OF(facts, event, event_index)"]
        lines += ["if not amount.applies:"]
        if compiled.tiered:
            lines += ["    if near is not None and window == 'in_force' and value:",
                      "        below_lowest_tier(near, ruleset, RULE, facts, event_index)"]
        lines += [f"    {skip}", "if amount.missing:", "    missing = list(dict.fromkeys(missing + amount.missing))"]
    lines += ["if window == 'in_force':", "    status = 'eligible' if value and not missing else 'possible'",
              "else:", "    status = window",
              "match = Match(RULE, LEVEL, status, amount, event_index, False, None, missing)",
              "matches.append(match)",
              "if status == 'eligible':",
              "    key = " + ("(STACKING, event_index)" if compiled.per_event else "KEY"),
              "    group = groups.get(key)",
              "    if group is None:", "        groups[key] = [match]", "    else:", "        group.append(match)"]
    if compiled.tiered:
        lines += ["    if near is not None:", "        next_tier(near, ruleset, match)"]
    return lines


def _static_missing(flat: tuple[tuple, ...]) -> bool:
    """Does every leaf, unsettled, miss the same fact whatever the profile (then by unknown leaves)?"""
    return len(flat) <= 10 and all(name is not None for _, _, _, name in flat)


def _missing_names(flat: tuple[tuple, ...]) -> dict[int, tuple[str, ...]]:
    """For each set of unsettled leaves (a bitmask), the facts they miss, each once, in leaf order."""
    return {mask: tuple(dict.fromkeys(name for index, (_, _, _, name) in enumerate(flat) if mask >> index & 1))
            for mask in range(1, 1 << len(flat))}


def generated_source(ruleset: Ruleset, compiled: CompiledRule) -> str:
    """The Python source of a plain ``all`` rule's kernel (see :func:`generated_kernel`)."""
    lines = [f"def kernel_{compiled.rule.rule_id.replace('-', '_').replace('#', '__').replace('.', '_')}"
             "(facts, window_status, district_unknown, gates_unsettled, matches, groups, near):",
             f"    # {compiled.rule.rule_id}: {compiled.rule.title.get('en')}"[:110],
             "    get = facts.get",
             f"    window = window_status[{compiled.window}]"]
    if compiled.per_event:
        lines += ["    events = get('events')",
                  "    if events is None:", "        scopes = NO_EVENT",
                  "    elif not events:", "        return",
                  "    else:", "        scopes = enumerate(events)",
                  "    for event_index, event in scopes:"]
        lines += ["        " + line for line in _body_lines(ruleset, compiled, "continue")]
    else:
        lines += ["    event = event_index = None"]
        lines += ["    " + line for line in _body_lines(ruleset, compiled, "return")]
    return "\n".join(lines) + "\n"


def generated_kernel(ruleset: Ruleset, compiled: CompiledRule) -> Kernel:
    """The kernel of a plain ``all`` rule as generated Python: each leaf's test written out in the
    order that settles the rule soonest, gates only when the screen left them unsettled."""
    assert compiled.flat is not None, "only a plain ``all`` of leaves is generated"
    near_of = _near_misses_by_leaf(ruleset, compiled)
    flat = compiled.flat
    namespace: dict[str, object] = {
        "FigureRange": FigureRange, "compare_figures": compare_figures, "Match": Match, "NO_EVENT": _NO_EVENT,
        "Amount": Amount, "bisect_right": bisect.bisect_right,
        "below_lowest_tier": below_lowest_tier, "next_tier": next_tier, "ruleset": ruleset,
        "RULE": compiled.rule, "LEVEL": compiled.level, "STACKING": compiled.stacking,
        "KEY": (compiled.stacking, None), "AMOUNT_OF": compiled.amount,
        "NEAR": tuple(near_of.get(id(leaf)) for _, _, leaf, _ in flat),
        "MISSING": lambda unknown, facts, event, event_index: _missing_of(
            [entry for index, entry in enumerate(flat) if unknown >> index & 1], facts, event, event_index),
    }
    if compiled.constant:
        amount: Amount = compiled.amount({}, None, None)
        namespace["AMOUNT"] = amount
    if isinstance(compiled.rule.formula, Tiers):
        namespace["TIERS"] = tuple(compiled.rule.formula.tiers)
        namespace["TIER_LOWS"] = [tier.min for tier in compiled.rule.formula.tiers]
    if _static_missing(flat):
        namespace["MISSING_NAMES"] = _missing_names(flat)
    for index, (test, _, leaf, _) in enumerate(flat):
        namespace[f"T{index}"] = test
        namespace[f"V{index}"] = leaf.value
        if leaf.op in ("has", "has_any", "has_none"):
            namespace[f"W{index}"] = frozenset([leaf.value] if leaf.op == "has" else leaf.value)  # type: ignore[arg-type]
    source = generated_source(ruleset, compiled)
    exec(compile(source, f"<kernel {compiled.rule.rule_id}>", "exec"), namespace)  # noqa: S102  (our own source)
    return next(value for key, value in namespace.items() if key.startswith("kernel_"))  # type: ignore[return-value]
