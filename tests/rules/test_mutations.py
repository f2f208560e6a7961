"""Mutation check: for every rule an enterprise can claim, flipping one comparison or changing one id
in its conditions makes some YAML case fail — the cases pin every leaf, so no edit of the data can
slip through green (issue 11: renaming an id once left all 771 rule and dialog tests green).

Done in process on the loaded ruleset. A mutant is first compared with the original rule on each
case's profile alone (cheap); only the cases where that rule's own outcome changes are checked in
full, with the mutant in place of the rule.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator

import pytest

from rules import engine
from rules.engine import Assessment, assess
from rules.loader import Ruleset, default_ruleset
from rules.report import json_number
from rules.schema import NUMERIC_OPS, AllOf, AnyOf, Condition, Leaf, NotOf, Rule, formula_facts, iter_leaves
from tests.rules.case_index import all_cases, case_as_of, case_profile

BOUNDARY = {"gte": "gt", "gt": "gte", "lte": "lt", "lt": "lte"}
NEGATION = {"gte": "lt", "gt": "lte", "lte": "gt", "lt": "gte", "eq": "ne", "ne": "eq",
            "has": "has_none", "has_any": "has_none", "has_none": "has_any"}


def _other_id(value: str, taken: list, allowed: tuple[str, ...]) -> str:
    return next(candidate for candidate in allowed if candidate != value and candidate not in taken)


def leaf_mutations(leaf: Leaf, ruleset: Ruleset) -> Iterator[tuple[str, Leaf]]:
    """One comparison flipped, or one id changed, at a time."""
    op, value = leaf.op, leaf.value
    if op in NUMERIC_OPS:
        yield f"{op}->{BOUNDARY[op]}", leaf.model_copy(update={"op": BOUNDARY[op]})
    if op in NEGATION:
        negated = [value] if op == "has" else value  # has_none takes a list
        yield f"{op}->{NEGATION[op]}", leaf.model_copy(update={"op": NEGATION[op], "value": negated})
    if op == "is":
        yield f"is {value}->{not value}", leaf.model_copy(update={"value": not value})
    if op == "gt_fact":
        yield "operands swapped", leaf.model_copy(update={"fact": value, "value": leaf.fact})
    info = ruleset.facts[leaf.fact.removeprefix("event.")]
    if info.unit in ("ids", "district", "choice"):
        allowed = ruleset.vocabulary.values("districts" if info.unit == "district" else info.values or "")
        values = [value] if isinstance(value, str) else list(value)  # type: ignore[arg-type]
        for index, old in enumerate(values):
            new = _other_id(old, values, allowed)
            changed = [new if i == index else v for i, v in enumerate(values)]
            yield f"{old}->{new}", leaf.model_copy(update={"value": new if isinstance(value, str) else changed})


def replace_leaf(condition: Condition, target: int, new: Leaf, seen: itertools.count) -> Condition:
    """The tree with its ``target``-th leaf (depth first, as :func:`iter_leaves`) replaced."""
    if isinstance(condition, Leaf):
        return new if next(seen) == target else condition
    if isinstance(condition, AllOf):
        return condition.model_copy(update={"all": [replace_leaf(c, target, new, seen) for c in condition.all]})
    if isinstance(condition, AnyOf):
        return condition.model_copy(update={"any": [replace_leaf(c, target, new, seen) for c in condition.any]})
    assert isinstance(condition, NotOf)
    return condition.model_copy(update={"not_": replace_leaf(condition.not_, target, new, seen)})


def equivalent(rule: Rule, leaf: Leaf, mutated: Leaf) -> bool:
    """``[x, gt, 0]`` → ``gte`` where x is the formula's base: a zero base yields nothing either way."""
    return (leaf.op, mutated.op, leaf.value) == ("gt", "gte", 0) and leaf.fact in set(formula_facts(rule.formula))


def mutants(rule: Rule, ruleset: Ruleset) -> Iterator[tuple[str, Rule]]:
    for index, leaf in enumerate(iter_leaves(rule.conditions)):
        for what, mutated in leaf_mutations(leaf, ruleset):
            if equivalent(rule, leaf, mutated):
                continue
            conditions = replace_leaf(rule.conditions, index, mutated, itertools.count())  # type: ignore[arg-type]
            yield f"[{leaf.fact}, {leaf.op}, {leaf.value}]: {what}", rule.model_copy(update={"conditions": conditions})


def rules_named(expect: dict) -> set[str]:
    """Every rule id a case's expectations name."""
    named = set(expect.get("matches") or {}) | set(expect.get("absent") or []) | set(expect.get("missing") or {})
    named |= set(expect.get("near_misses") or []) | set(expect.get("no_near_misses") or [])
    stacked = expect.get("stacked_under") or {}
    return named | set(stacked) | set(stacked.values())


def expectation_fails(expect: dict, result: Assessment) -> bool:
    """Does an assessment break the case's expectations? Only what a condition can change is looked
    at (status, amount, counting, stacking, missing facts, near misses), straight from the engine."""
    found: dict[str, list[dict]] = {}
    for m in result.matches:
        found.setdefault(m.rule.rule_id, []).append({
            "status": m.status, "max_award_cny": json_number(m.amount.value), "event_index": m.event_index,
            "counted_in_total": m.counted and m.amount.value is not None and m.rule.benefit != "loan",
            "stacked_under": m.stacked_under, "missing": m.missing})
    for rule_id, fields in (expect.get("matches") or {}).items():
        wanted = {k: v for k, v in fields.items() if k in ("status", "max_award_cny", "event_index",
                                                             "counted_in_total", "stacked_under", "missing")}
        if not any(all(m[k] == v for k, v in wanted.items()) for m in found.get(rule_id, [])):
            return True
    if any(rule_id in found for rule_id in expect.get("absent") or []):
        return True
    if "total_max_award_cny" in expect and json_number(result.total_max_award_cny) != expect["total_max_award_cny"]:
        return True
    for rule_id, winner in (expect.get("stacked_under") or {}).items():
        if [m["stacked_under"] for m in found.get(rule_id, [])] != [winner]:
            return True
    for rule_id, facts in (expect.get("missing") or {}).items():
        if rule_id not in found or found[rule_id][0]["missing"] != facts:
            return True
    near = {n.rule.rule_id for n in result.near_misses}
    return not set(expect.get("near_misses") or []) <= near or bool(near & set(expect.get("no_near_misses") or []))


class Mutation:
    """Evaluates rules alone and in the full ruleset under unique versions, then forgets them."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.cases = [(case["expect"], case_profile(case).facts(), case_as_of(case)) for case in all_cases()]
        self.versions: list[str] = []
        self.originals: dict[str, list[tuple]] = {}

    def _with(self, rules: tuple[Rule, ...]) -> Ruleset:
        version = f"{self.ruleset.version}~mutant{len(self.versions)}"
        self.versions.append(version)
        return dataclasses.replace(self.ruleset, rules=rules, version=version)

    def outcome(self, alone: Ruleset, facts: dict, as_of) -> tuple[tuple, tuple]:
        """The rule's own outcome on one profile: everything a case could name, and what a total sees."""
        result = assess(alone, facts, as_of)
        named = (tuple((m.status, m.event_index, m.amount.value, tuple(m.missing)) for m in result.matches),
                 tuple((n.kind, n.fact, n.event_index) for n in result.near_misses))
        counted = tuple((m.event_index, m.amount.value) for m in result.matches if m.status == "eligible")
        return named, counted

    def killed(self, rule: Rule, mutant: Rule) -> bool:
        if rule.rule_id not in self.originals:
            alone = self._with((rule,))
            self.originals[rule.rule_id] = [self.outcome(alone, facts, as_of) for _, facts, as_of in self.cases]
        changed, full = self._with((mutant,)), None
        group = {r.rule_id for r in self.ruleset.rules if rule.rewards and r.rewards == rule.rewards} | {rule.rule_id}
        for (expect, facts, as_of), before in zip(self.cases, self.originals[rule.rule_id], strict=True):
            named = bool(group & rules_named(expect))
            if not (named or "total_max_award_cny" in expect):
                continue  # the case says nothing this rule's outcome could change
            after = self.outcome(changed, facts, as_of)
            if after == before or (not named and after[1] == before[1]):
                continue
            full = full or self._with(tuple(mutant if r is rule else r for r in self.ruleset.rules))
            if expectation_fails(expect, assess(full, facts, as_of)):
                return True
        return False

    def forget(self) -> None:
        for version in self.versions:
            engine._COMPILED.pop(version, None)


def test_every_flipped_comparison_or_changed_id_makes_a_case_fail() -> None:
    ruleset = default_ruleset()
    mutation = Mutation(ruleset)
    survivors = []
    try:
        for rule in ruleset.rules:
            if rule.beneficiary != "enterprise":
                continue
            for what, mutant in mutants(rule, ruleset):
                if not mutation.killed(rule, mutant):
                    survivors.append(f"{rule.rule_id} {what}")
    finally:
        mutation.forget()
    assert survivors == [], f"{len(survivors)} mutations no case notices:\n" + "\n".join(survivors)


@pytest.mark.parametrize("leaf, expected", [
    (Leaf(fact="software_staff", op="gt", value=5000), {"gt->gte", "gt->lte"}),
    (Leaf(fact="rnd_reserve_system", op="is", value=True), {"is True->False"}),
    (Leaf(fact="activities", op="has", value="chain_project"), {"has->has_none", "chain_project->ai_agent_development"}),
])
def test_mutations_flip_comparisons_and_change_ids(leaf: Leaf, expected: set[str]) -> None:
    assert {what for what, _ in leaf_mutations(leaf, default_ruleset())} == expected


def test_a_mutation_no_case_looks_at_survives() -> None:
    ruleset = default_ruleset()
    rule = ruleset.by_id["CQ2025-11"]
    _, mutant = next(mutants(rule, ruleset))
    mutation = Mutation(ruleset)
    try:
        assert mutation.killed(rule, mutant)
        mutation.cases = [c for c in mutation.cases if "CQ2025-11" not in rules_named(c[0])]
        mutation.originals.clear()
        assert not mutation.killed(rule, mutant)
    finally:
        mutation.forget()
