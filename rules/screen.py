"""The screen: which rules a profile's facts already rule out, for every rule at once, with bitmasks.

Before any rule is judged one by one, the screen takes the rules whose district leaf can hold, then
evaluates each distinct **gate** once: a top-level leaf on a profile fact that no change the
enterprise could make would turn (not near-missable). A false gate rules its rules out entirely — no
match, no near miss. A **reach gate** does the same for a plain ``all`` rule's threshold on a figure
known exactly and so far below it that it is no near miss either (the rule could then only fail).

:func:`build_gates` groups the gates by fact; :func:`interpreted_screen` walks them;
:func:`generated_screen` is the same walk written out as Python (the gates' tests inline), which the
engine runs.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rules.conditions import (
    EVENT_PREFIX,
    HELD_IMPLIED_BY,
    NEW_BOUNDED_BY,
    PYTHON_OPERATORS,
    Facts,
    compile_leaf,
)
from rules.kernel_source import known_value_test_lines, leaf_constant
from rules.loader import Ruleset
from rules.ranges import FigureRange, compare_figures
from rules.schema import AllOf, Leaf, Rule

if TYPE_CHECKING:
    from rules.compiled import CompiledRule

LeafTest = Callable[[Facts, "Facts | None"], "bool | None"]
Screen = Callable[[Facts], tuple[int, int]]
"""facts → (the rules still open, those of them with a gate left unsettled), one bit per rule."""


@dataclass(frozen=True, slots=True)
class FactGates:
    """The gates on one fact. Where a rule has one ``has``/``has_any`` gate on a list fact, a known list
    settles it by lookup: ``by_item`` maps an item to the rules one of whose wanted items it is."""

    fact: str
    gated: int  # the rules with a gate on this fact
    judged_when_unknown: bool  # another fact can settle a gate on this one (titles, parts of a whole)
    listed: int  # rules gated by membership through ``by_item``
    by_item: dict[object, int]
    tests: tuple[tuple[LeafTest, int], ...]  # the other gates: (test, rules it shuts when false)
    test_leaves: tuple[Leaf, ...]  # the leaf of each of ``tests``
    all_tests: tuple[tuple[LeafTest, int], ...]  # every gate as a test, for when the fact is unknown
    reach: tuple[tuple[Leaf, float, float, int], ...]  # reach gates: (threshold leaf, threshold, reach, rules)
    reached: int  # the rules with a reach gate on this fact


def near_missable(ruleset: Ruleset, leaf: Leaf) -> bool:
    """Could this leaf alone be "just out of reach" (a threshold nearby, a title or flag to obtain)?"""
    info = ruleset.facts.get(leaf.fact.removeprefix(EVENT_PREFIX))
    if info is None:
        return False
    if leaf.op in ("gte", "gt"):
        return info.near_miss is not None
    return info.actionable and leaf.op in ("has", "is", "eq")


def top_level_leaves(rule: Rule) -> list[Leaf]:
    cond = rule.conditions
    if isinstance(cond, AllOf):
        return [part for part in cond.all if isinstance(part, Leaf)]
    return [cond] if isinstance(cond, Leaf) else []


def is_gate(ruleset: Ruleset, leaf: Leaf, district_leaf: Leaf | None) -> bool:
    """A top-level leaf that, false, rules its rule out (screened once per profile)."""
    return leaf is not district_leaf and not leaf.fact.startswith(EVENT_PREFIX) and not near_missable(ruleset, leaf)


def _reach_gates(ruleset: Ruleset, rules: list[CompiledRule]) -> dict[str, list[tuple[Leaf, float, float, int]]]:
    """By fact, the thresholds of plain ``all`` rules that are near misses only within reach."""
    found: dict[tuple, tuple[Leaf, float, float, int]] = {}
    for bit, compiled in enumerate(rules):
        for _, near, leaf, _ in compiled.flat or ():
            info = ruleset.facts.get(leaf.fact)
            if near and leaf.op in ("gte", "gt") and info is not None and info.near_miss is not None:
                threshold = float(leaf.value)  # type: ignore[arg-type]
                key = (leaf.fact, leaf.op, threshold)
                first, _, reach, mask = found.get(key, (leaf, threshold, info.near_miss * max(threshold, 1), 0))
                found[key] = (first, threshold, reach, mask | 1 << bit)
    by_fact: dict[str, list[tuple[Leaf, float, float, int]]] = {}
    for entry in found.values():
        by_fact.setdefault(entry[0].fact, []).append(entry)
    return by_fact


def build_gates(ruleset: Ruleset, rules: list[CompiledRule]) -> tuple[FactGates, ...]:
    """Distinct gate leaves grouped by fact, each with the mask of the rules it shuts when false."""
    kills: dict[tuple[str, str, str], tuple[Leaf, int]] = {}
    listed: dict[str, dict[object, int]] = {}
    listed_masks: dict[str, int] = {}
    for bit, compiled in enumerate(rules):
        gates = [leaf for leaf in top_level_leaves(compiled.rule) if is_gate(ruleset, leaf, compiled.district_leaf)]
        for leaf in gates:
            key = (leaf.fact, leaf.op, repr(leaf.value))
            first, mask = kills.get(key, (leaf, 0))
            kills[key] = (first, mask | 1 << bit)
            if leaf.op in ("has", "has_any") and sum(g.fact == leaf.fact and g.op in ("has", "has_any")
                                                     for g in gates) == 1:
                for item in [leaf.value] if leaf.op == "has" else leaf.value:  # type: ignore[union-attr]
                    by_item = listed.setdefault(leaf.fact, {})
                    by_item[item] = by_item.get(item, 0) | 1 << bit
                listed_masks[leaf.fact] = listed_masks.get(leaf.fact, 0) | 1 << bit
    tests: dict[str, list[tuple[LeafTest, int, bool, Leaf]]] = {}
    for (fact, op, _), (leaf, mask) in kills.items():
        by_lookup = op in ("has", "has_any") and mask & ~listed_masks.get(fact, 0) == 0
        tests.setdefault(fact, []).append((compile_leaf(leaf, ruleset.fact_bounds), mask, by_lookup, leaf))
    reach = _reach_gates(ruleset, rules)
    # an unknown fact can still settle a leaf through another one (titles held / newly obtained,
    # a part bounded by its whole): those are judged whether or not the fact itself is known
    implied = set(HELD_IMPLIED_BY) | set(NEW_BOUNDED_BY) | set(ruleset.fact_bounds)
    groups = []
    for fact in dict.fromkeys([*tests, *reach]):
        entries = sorted(tests.get(fact, []), key=lambda e: -e[1].bit_count())  # the widest gates first
        gated = functools.reduce(operator.or_, (mask for _, mask, _, _ in entries), 0)
        kept = [entry for entry in entries if not entry[2]]
        reaches = tuple(reach.get(fact, ()))
        groups.append(FactGates(fact, gated, fact in implied, listed_masks.get(fact, 0), listed.get(fact, {}),
                                tuple((test, mask) for test, mask, _, _ in kept), tuple(leaf for *_, leaf in kept),
                                tuple((test, mask) for test, mask, _, _ in entries),
                                reaches, functools.reduce(operator.or_, (entry[3] for entry in reaches), 0)))
    groups.sort(key=lambda g: -sum(mask.bit_count() for _, mask in g.all_tests))
    return tuple(groups)


def district_candidates(anywhere: int, by_district: tuple[tuple[str, object, int], ...]) -> Callable[[object], int]:
    """The rules whose district leaf can hold for a district (None: unknown, all of them), remembered."""
    masks: dict[object, int] = {}

    def candidates(district: object) -> int:
        found = masks.get(district)
        if found is None:
            found = anywhere
            for op, value, mask in by_district:
                if district is None or (district == value) == (op == "eq"):
                    found |= mask
            masks[district] = found
        return found

    return candidates


def _out_of_reach(current: object, op: str, threshold: float, reach: float) -> bool:
    """A figure known exactly that fails ``[fact, op, threshold]`` by more than its reach."""
    if current is None or current.__class__ is FigureRange:
        return False
    passes = current >= threshold if op == "gte" else current > threshold  # type: ignore[operator]
    return not passes and threshold - float(current) + (1 if op == "gt" else 0) > reach  # type: ignore[arg-type]


def interpreted_screen(gates: tuple[FactGates, ...], candidates: Callable[[object], int], per_event: int) -> Screen:
    def screen(facts: Facts) -> tuple[int, int]:
        alive = candidates(facts.get("district"))
        unsettled = 0
        if facts.get("events") == []:
            alive &= ~per_event
        for group in gates:
            if not (group.gated | group.reached) & alive:
                continue  # every rule it gates is already shut
            known = facts.get(group.fact)
            if known is None:
                if not group.judged_when_unknown:
                    unsettled |= group.gated
                    continue  # an unknown fact settles no gate on it
                tests = group.all_tests
            else:
                tests = group.tests
                if group.listed & alive:  # membership gates: the rules none of the listed items opens
                    opened = 0
                    for item in known:  # type: ignore[attr-defined]
                        opened |= group.by_item.get(item, 0)
                    alive &= ~(group.listed & ~opened)
                for leaf, threshold, reach, mask in group.reach:
                    if mask & alive and _out_of_reach(known, leaf.op, threshold, reach):
                        alive &= ~mask
            for test, kills in tests:
                if kills & alive:
                    value = test(facts, None)
                    if value is False:
                        alive &= ~kills
                    elif value is None:
                        unsettled |= kills
        return alive, unsettled

    return screen


def _known_test_lines(group: int, index: int, leaf: Leaf) -> list[str]:
    """Set ``t`` to a gate's test on the known value ``a`` of its fact."""
    return known_value_test_lines(leaf, f"V{group}_{index}", "t") or [f"t = T{group}_{index}(facts, None)"]


def screen_source(gates: tuple[FactGates, ...]) -> str:
    """:func:`interpreted_screen` for these gates, written out (see :func:`generated_screen`)."""
    lines = ["def screen(facts):", "    get = facts.get", "    alive = CANDIDATES(get('district'))",
             "    unsettled = 0", "    if get('events') == []:", "        alive &= NOT_PER_EVENT"]
    for number, group in enumerate(gates):
        known: list[str] = []
        if group.listed:
            known += [f"if alive & {group.listed}:", "    opened = 0", "    for item in a:",
                      f"        opened |= BY_ITEM{number}.get(item, 0)", f"    alive &= opened | ~{group.listed}"]
        for leaf, threshold, reach, mask in group.reach:
            delta = " + 1" if leaf.op == "gt" else ""
            known += [f"if alive & {mask} and a.__class__ is not FigureRange "
                      f"and not a {PYTHON_OPERATORS[leaf.op]} {threshold!r} and {threshold!r} - float(a){delta} > {reach!r}:",
                      f"    alive &= ~{mask}"]
        for index, ((_, mask), leaf) in enumerate(zip(group.tests, group.test_leaves, strict=True)):
            known += [f"if alive & {mask}:", *("    " + line for line in _known_test_lines(number, index, leaf)),
                      "    if t is False:", f"        alive &= ~{mask}", "    elif t is None:",
                      f"        unsettled |= {mask}"]
        if group.judged_when_unknown:
            unknown = [f"for test, kills in ALL_TESTS{number}:", "    if kills & alive:",
                       "        value = test(facts, None)", "        if value is False:", "            alive &= ~kills",
                       "        elif value is None:", "            unsettled |= kills"]
        else:
            unknown = [f"unsettled |= {group.gated}"] if group.gated else ["pass"]
        lines += [f"    if alive & {group.gated | group.reached}:  # {group.fact}", f"        a = get({group.fact!r})",
                  "        if a is None:", *("            " + line for line in unknown),
                  "        else:", *("            " + line for line in known or ["pass"])]
    lines.append("    return alive, unsettled")
    return "\n".join(lines) + "\n"


def generated_screen(gates: tuple[FactGates, ...], candidates: Callable[[object], int], per_event: int) -> Screen:
    """The screen as generated Python: the same walk as :func:`interpreted_screen`, each gate's test on
    a known value inline."""
    namespace: dict[str, object] = {"CANDIDATES": candidates, "NOT_PER_EVENT": ~per_event,
                                    "FigureRange": FigureRange, "compare_figures": compare_figures}
    for number, group in enumerate(gates):
        namespace[f"BY_ITEM{number}"] = group.by_item
        namespace[f"ALL_TESTS{number}"] = group.all_tests
        for index, ((test, _), leaf) in enumerate(zip(group.tests, group.test_leaves, strict=True)):
            namespace[f"T{number}_{index}"] = test
            namespace[f"V{number}_{index}"] = leaf_constant(leaf)
    exec(compile(screen_source(gates), "<screen>", "exec"), namespace)  # noqa: S102  (our own source)
    return namespace["screen"]  # type: ignore[return-value]
