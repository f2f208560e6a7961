"""The rule data prepared once per ruleset for the engine's hot path: closures, bitmasks, indexes.

Still generic: compiling knows condition operators and formula kinds, never a clause. Per ruleset
(cached by ``ruleset_version``) it works out

- each enterprise rule's level, window, stacking subject and, for a plain ``all``, its leaves as
  closures in the order that settles them soonest (``flat``);
- a bit per rule, and per district value the bitmask of rules whose top-level district leaf can hold;
- the **gates**: top-level leaves on profile facts that no change the enterprise could make would
  turn (not near-missable). One that is false rules its rule out entirely — no match and no near miss
  — so :meth:`CompiledRuleset.screen` evaluates each distinct gate once per profile and clears the bits
  of every rule it shuts, before the engine looks at any rule one by one.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
from collections.abc import Callable
from dataclasses import dataclass, field

from rules.conditions import (
    EVENT_PREFIX,
    HELD_IMPLIED_BY,
    NEW_BOUNDED_BY,
    CompiledCondition,
    Facts,
    compile_condition,
    compile_leaf,
    compile_truth,
)
from rules.formulas import AmountOf, compile_formula
from rules.kernel_source import can_generate, generated_kernel
from rules.kernels import Kernel, interpreted_kernel
from rules.loader import Ruleset
from rules.schema import AllOf, Capped, Fixed, Leaf, Rule, Tiers, Unspecified, Window

LeafTest = Callable[[Facts, Facts | None], bool | None]
FlatLeaf = tuple[LeafTest, bool, Leaf, "str | None"]  # test, near missable, leaf, the fact it misses unsettled


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """A rule prepared once per ruleset: its level and window looked up, flat conditions listed."""

    rule: Rule
    level: str
    window: int  # index into CompiledRuleset.windows
    per_event: bool
    flat: tuple[FlatLeaf, ...] | None  # the leaves of a plain ``all``, in the order that settles it soonest
    ungated: tuple[FlatLeaf, ...] | None  # ``flat`` less its gates, once they all hold
    nested: CompiledCondition | None  # the other conditions, as a closure tree
    holds: LeafTest | None  # and their value alone, stopping at the first part that decides
    district_leaf: Leaf | None  # a top-level [district, eq|ne, …] leaf, judged once per profile
    amount: AmountOf  # the formula as a closure
    tiered: bool  # its formula is tiers (the next tier up can be a near miss)
    constant: bool  # its formula reads no fact (fixed, capped, unspecified)
    stacking: tuple[str, str]  # level and what it rewards: within a level, one award per subject


@dataclass(frozen=True, slots=True)
class CompiledRuleset:
    """The enterprise rules in bit order, their district masks, and the gates that screen them."""

    rules: tuple[CompiledRule, ...]  # rule i has bit 1 << i; order = the engine's reporting order
    anywhere: int  # rules with no top-level district leaf
    by_district: tuple[tuple[str, object, int], ...]  # (op, value, mask) of top-level district leaves
    gates: tuple[FactGates, ...]
    windows: tuple[Window, ...]  # the distinct effective windows
    per_event: int  # rules judged once per event: none applies when the profile lists no events
    stacking: dict[str, tuple[str, str]]  # rule id -> level and stacking subject
    kernels: tuple[Kernel, ...]  # rule i's kernel (rules.kernels): judges it for one profile
    _masks: dict[object, int] = field(default_factory=dict)
    _window_status: dict[dt.date, tuple[str, ...]] = field(default_factory=dict)

    def candidates(self, district: object) -> int:
        """The rules whose district leaf can hold for ``district`` (None: unknown, all of them)."""
        found = self._masks.get(district)
        if found is None:
            found = self.anywhere
            for op, value, mask in self.by_district:
                if district is None or (district == value) == (op == "eq"):
                    found |= mask
            self._masks[district] = found
        return found

    def screen(self, facts: Facts) -> tuple[int, int]:
        """The rules still open for ``facts`` (candidates for its district, less those a gate shuts),
        and those of them with a gate left unsettled (the others' gates all hold)."""
        alive = self.candidates(facts.get("district"))
        unsettled = 0
        if facts.get("events") == []:
            alive &= ~self.per_event
        for gates in self.gates:
            if not gates.gated & alive:
                continue  # every rule it gates is already shut
            known = facts.get(gates.fact)
            if known is None:
                if not gates.judged_when_unknown:
                    unsettled |= gates.gated
                    continue  # an unknown fact settles no gate on it
                tests = gates.all_tests
            else:
                tests = gates.tests
                if gates.listed & alive:  # membership gates: the rules none of the listed items opens
                    opened = 0
                    for item in known:  # type: ignore[attr-defined]
                        opened |= gates.by_item.get(item, 0)
                    alive &= ~(gates.listed & ~opened)
            for test, kills in tests:
                if kills & alive:
                    value = test(facts, None)
                    if value is False:
                        alive &= ~kills
                    elif value is None:
                        unsettled |= kills
        return alive, unsettled

    def window_status(self, as_of: dt.date) -> tuple[str, ...]:
        """Each distinct window's status on ``as_of`` (in force, expired, not yet in force)."""
        found = self._window_status.get(as_of)
        if found is None:
            if len(self._window_status) > 1024:
                self._window_status.clear()
            found = self._window_status[as_of] = tuple(window.status_on(as_of) for window in self.windows)
        return found


_COMPILED: dict[str, CompiledRuleset] = {}


def near_missable(ruleset: Ruleset, leaf: Leaf) -> bool:
    """Could this leaf alone be "just out of reach" (a threshold nearby, a title or flag to obtain)?"""
    info = ruleset.facts.get(leaf.fact.removeprefix(EVENT_PREFIX))
    if info is None:
        return False
    if leaf.op in ("gte", "gt"):
        return info.near_miss is not None
    return info.actionable and leaf.op in ("has", "is", "eq")


def stacking_subject(ruleset: Ruleset, rule: Rule) -> tuple[str, str]:
    """Level and what the rule rewards (就高不重复 counts one award per subject within a level)."""
    return ruleset.level_of(rule), rule.rewards or rule.rule_id


def _leaf_order(entry: FlatLeaf) -> tuple[bool, bool]:
    # decisive, non-actionable leaves first; among them list membership (usually false) first
    _, near, leaf, _ = entry
    return near, leaf.op not in ("has", "has_any")


def _missing_name(leaf: Leaf) -> str | None:
    """What an unsettled leaf on a profile fact misses: that fact (unknown, or known as a range
    straddling the threshold). None: it depends (an event's fact, a comparison of two facts)."""
    return None if leaf.op == "gt_fact" or leaf.fact.startswith(EVENT_PREFIX) else leaf.fact


def _is_gate(ruleset: Ruleset, leaf: Leaf, district_leaf: Leaf | None) -> bool:
    """A top-level leaf that, false, rules its rule out (screened once per profile)."""
    return leaf is not district_leaf and not leaf.fact.startswith(EVENT_PREFIX) and not near_missable(ruleset, leaf)


def _top_level_leaves(rule: Rule) -> list[Leaf]:
    cond = rule.conditions
    if isinstance(cond, AllOf):
        return [part for part in cond.all if isinstance(part, Leaf)]
    return [cond] if isinstance(cond, Leaf) else []


def _compile_rule(ruleset: Ruleset, rule: Rule, windows: list[Window]) -> CompiledRule:
    cond = rule.conditions
    district_leaf = next((leaf for leaf in _top_level_leaves(rule) if leaf.fact == "district"
                          and leaf.op in ("eq", "ne")), None) if isinstance(cond, AllOf) else None
    flat = ungated = nested = holds = None
    if isinstance(cond, AllOf) and all(isinstance(part, Leaf) for part in cond.all):
        leaves = [(compile_leaf(leaf, ruleset.fact_bounds), near_missable(ruleset, leaf), leaf, _missing_name(leaf))
                  for leaf in cond.all if leaf is not district_leaf]
        flat = tuple(sorted(leaves, key=_leaf_order))  # type: ignore[arg-type]
        ungated = tuple(entry for entry in flat if not _is_gate(ruleset, entry[2], district_leaf))
    else:
        nested = compile_condition(cond, ruleset.fact_bounds)  # type: ignore[arg-type]
        holds = compile_truth(cond, ruleset.fact_bounds)  # type: ignore[arg-type]
    window = ruleset.window_of(rule)
    if window not in windows:
        windows.append(window)
    return CompiledRule(rule, ruleset.level_of(rule), windows.index(window), rule.for_each is not None,
                        flat, ungated, nested, holds, district_leaf, compile_formula(rule.formula, ruleset.fact_bounds),
                        isinstance(rule.formula, Tiers), isinstance(rule.formula, Fixed | Capped | Unspecified),
                        stacking_subject(ruleset, rule))


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
    all_tests: tuple[tuple[LeafTest, int], ...]  # every gate as a test, for when the fact is unknown


def _gates(ruleset: Ruleset, rules: list[CompiledRule]) -> tuple[FactGates, ...]:
    """Distinct gate leaves grouped by fact, each with the mask of the rules it shuts when false."""
    kills: dict[tuple[str, str, str], tuple[Leaf, int]] = {}
    listed: dict[str, dict[object, int]] = {}
    listed_masks: dict[str, int] = {}
    for bit, compiled in enumerate(rules):
        gates = [leaf for leaf in _top_level_leaves(compiled.rule) if _is_gate(ruleset, leaf, compiled.district_leaf)]
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
    tests: dict[str, list[tuple[LeafTest, int, bool]]] = {}
    for (fact, op, _), (leaf, mask) in kills.items():
        by_lookup = op in ("has", "has_any") and mask & ~listed_masks.get(fact, 0) == 0
        tests.setdefault(fact, []).append((compile_leaf(leaf, ruleset.fact_bounds), mask, by_lookup))
    # an unknown fact can still settle a leaf through another one (titles held / newly obtained,
    # a part bounded by its whole): those are judged whether or not the fact itself is known
    implied = set(HELD_IMPLIED_BY) | set(NEW_BOUNDED_BY) | set(ruleset.fact_bounds)
    groups = []
    for fact, entries in tests.items():
        entries.sort(key=lambda e: -e[1].bit_count())  # the widest gates first
        gated = functools.reduce(operator.or_, (mask for _, mask, _ in entries))
        groups.append(FactGates(fact, gated, fact in implied, listed_masks.get(fact, 0), listed.get(fact, {}),
                                tuple((test, mask) for test, mask, by_lookup in entries if not by_lookup),
                                tuple((test, mask) for test, mask, _ in entries)))
    groups.sort(key=lambda g: -sum(mask.bit_count() for _, mask in g.all_tests))
    return tuple(groups)


def compiled_rules(ruleset: Ruleset) -> CompiledRuleset:
    """The enterprise rules, ready to evaluate (generated kernels); cached per ruleset version."""
    cached = _COMPILED.get(ruleset.version)
    if cached is None:
        cached = _COMPILED[ruleset.version] = compile_ruleset(ruleset)
    return cached


def compile_ruleset(ruleset: Ruleset, generated: bool = True) -> CompiledRuleset:
    """Compile the enterprise rules: bit order, district masks, gates and a kernel per rule, generated
    where it can be (every rule without ``not``) unless ``generated`` is False (then all interpreted)."""
    windows: list[Window] = []
    compiled = [_compile_rule(ruleset, rule, windows) for rule in ruleset.rules if rule.beneficiary == "enterprise"]
    # bit order: rules with no district leaf first, then by district leaf, as the engine reports them
    keys = list(dict.fromkeys((c.district_leaf.op, c.district_leaf.value) for c in compiled if c.district_leaf))
    ordered = [c for c in compiled if c.district_leaf is None]
    for op, value in keys:
        ordered += [c for c in compiled if c.district_leaf and (c.district_leaf.op, c.district_leaf.value) == (op, value)]
    anywhere = sum(1 << bit for bit, c in enumerate(ordered) if c.district_leaf is None)
    by_district = tuple((op, value, sum(1 << bit for bit, c in enumerate(ordered) if c.district_leaf
                                        and (c.district_leaf.op, c.district_leaf.value) == (op, value)))
                        for op, value in keys)
    kernels = tuple(generated_kernel(ruleset, c) if generated and can_generate(c) else interpreted_kernel(ruleset, c)
                    for c in ordered)
    return CompiledRuleset(
        tuple(ordered), anywhere, by_district, _gates(ruleset, ordered), tuple(windows),
        sum(1 << bit for bit, c in enumerate(ordered) if c.per_event),
        {rule.rule_id: stacking_subject(ruleset, rule) for rule in ruleset.rules}, kernels)
