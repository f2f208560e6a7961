"""The rule data prepared once per ruleset for the engine's hot path: closures, bitmasks, indexes.

Still generic: compiling knows condition operators and formula kinds, never a clause. Per ruleset
(cached by ``ruleset_version``) it works out

- each enterprise rule's level, window, stacking subject and, for a plain ``all``, its leaves as
  closures in the order that settles them soonest (``flat``);
- a bit per rule, and per district value the bitmask of rules whose top-level district leaf can hold;
- the **screen** (:mod:`rules.screen`): the gates that rule rules out for a profile all at once;
- a **kernel** per rule (:mod:`rules.kernels`, :mod:`rules.kernel_source`) that judges it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from rules.conditions import (
    CompiledCondition,
    compile_condition,
    compile_leaf,
    compile_truth,
    missing_fact,
)
from rules.formulas import AmountOf, compile_formula
from rules.kernel_source import can_generate, generated_kernel
from rules.kernels import Kernel, interpreted_kernel
from rules.loader import Ruleset
from rules.schema import AllOf, Capped, Fixed, Leaf, Rule, Tiers, Unspecified, Window
from rules.screen import (
    FactGates,
    LeafTest,
    Screen,
    build_gates,
    district_candidates,
    generated_screen,
    interpreted_screen,
    is_gate,
    near_missable,
    top_level_leaves,
)

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
    gates: tuple[FactGates, ...]
    candidates: Callable[[object], int]  # district -> the rules whose district leaf can hold there
    screen: Screen  # facts -> the rules no gate shuts, and those with a gate left unsettled (rules.screen)
    windows: tuple[Window, ...]  # the distinct effective windows
    per_event: int  # rules judged once per event: none applies when the profile lists no events
    stacking: dict[str, tuple[str, str]]  # rule id -> level and stacking subject
    kernels: tuple[Kernel, ...]  # rule i's kernel (rules.kernels): judges it for one profile
    _window_status: dict[dt.date, tuple[str, ...]] = field(default_factory=dict)

    def window_status(self, as_of: dt.date) -> tuple[str, ...]:
        """Each distinct window's status on ``as_of`` (in force, expired, not yet in force)."""
        found = self._window_status.get(as_of)
        if found is None:
            if len(self._window_status) > 1024:
                self._window_status.clear()
            found = self._window_status[as_of] = tuple(window.status_on(as_of) for window in self.windows)
        return found


_COMPILED: dict[str, CompiledRuleset] = {}


def stacking_subject(ruleset: Ruleset, rule: Rule) -> tuple[str, str]:
    """Level and what the rule rewards (就高不重复 counts one award per subject within a level)."""
    return ruleset.level_of(rule), rule.rewards or rule.rule_id


def _leaf_order(entry: FlatLeaf) -> tuple[bool, bool]:
    # decisive, non-actionable leaves first; among them list membership (usually false) first
    _, near, leaf, _ = entry
    return near, leaf.op not in ("has", "has_any")


def _compile_rule(ruleset: Ruleset, rule: Rule, windows: list[Window]) -> CompiledRule:
    cond = rule.conditions
    district_leaf = next((leaf for leaf in top_level_leaves(rule) if leaf.fact == "district"
                          and leaf.op in ("eq", "ne")), None) if isinstance(cond, AllOf) else None
    flat = ungated = nested = holds = None
    if isinstance(cond, AllOf) and all(isinstance(part, Leaf) for part in cond.all):
        leaves = [(compile_leaf(leaf, ruleset.fact_bounds), near_missable(ruleset, leaf), leaf, missing_fact(leaf))
                  for leaf in cond.all if leaf is not district_leaf]
        flat = tuple(sorted(leaves, key=_leaf_order))  # type: ignore[arg-type]
        ungated = tuple(entry for entry in flat if not is_gate(ruleset, entry[2], district_leaf))
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
    gates = build_gates(ruleset, ordered)
    candidates = district_candidates(anywhere, by_district)
    per_event = sum(1 << bit for bit, c in enumerate(ordered) if c.per_event)
    screen = (generated_screen if generated else interpreted_screen)(gates, candidates, per_event)
    return CompiledRuleset(
        tuple(ordered), gates, candidates, screen, tuple(windows), per_event,
        {rule.rule_id: stacking_subject(ruleset, rule) for rule in ruleset.rules}, kernels)
