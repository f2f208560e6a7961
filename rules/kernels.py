"""Rule kernels: one function per enterprise rule that judges it for one profile and records the outcome.

A kernel is called by the engine for each rule the screen left open (:mod:`rules.compiled`). It walks
the rule's event scopes, evaluates its conditions three-valued, computes the amount and appends the
:class:`~rules.results.Match` (and the eligible ones by stacking subject), or the near miss when the
rule fails on one leaf the enterprise could change. Two ways to make one, with the same outcome:

- :func:`interpreted_kernel` (here) — a closure over the rule's compiled leaves and condition tree;
  every rule can have one;
- :func:`rules.kernel_source.generated_kernel` — Python source generated from the rule's data, with
  each leaf's test, the amount and the control flow written out, compiled once per ruleset: what the
  engine runs. ``tests/rules/test_kernels.py`` checks that both give the same assessments.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rules.conditions import Facts, leaf_missing
from rules.loader import Ruleset
from rules.near_misses import NearMissOf, below_lowest_tier, near_miss_of, next_tier
from rules.results import Match
from rules.schema import Leaf, iter_leaves

if TYPE_CHECKING:
    from rules.compiled import CompiledRule

Kernel = Callable[[Facts, tuple, bool, int, list, dict, "list | None"], None]
"""(facts, each window's status, district unknown, gates left unsettled, matches, eligible matches by
stacking subject, near-miss fields or None when not wanted) → None; appends what it finds."""

Outcome = tuple[bool | None, list[str], Leaf | None]  # value, missing facts, the one failed leaf (near miss)
_NOTHING: list[str] = []  # shared, never appended to
_SHUT: Outcome = (False, _NOTHING, None)  # fails, and is no near miss
_HOLDS: Outcome = (True, _NOTHING, None)
NO_EVENT: list[tuple[int | None, Facts | None]] = [(None, None)]


def near_misses_by_leaf(ruleset: Ruleset, compiled: CompiledRule) -> dict[int, NearMissOf]:
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
        return None, missing_of(unknown, facts, event, event_index), None
    return _HOLDS


def missing_of(unknown: list[tuple], facts: Facts, event: Facts | None, event_index: int | None) -> list[str]:
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
    near_of = near_misses_by_leaf(ruleset, compiled)

    def kernel(facts: Facts, window_status: tuple, district_unknown: bool, gates_unsettled: int,
               matches: list, groups: dict, near: list | None) -> None:
        scopes = NO_EVENT
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
