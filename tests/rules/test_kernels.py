"""The generated rule kernels and screen decide exactly what the interpreted ones decide.

The engine runs Python generated from the rule data (rules/kernel_source.py, rules/screen.py). The
interpreted kernels and screen walk the same compiled leaves and condition trees as closures; every
field of every assessment must agree between the two, on hypothesis profiles (exact figures, ranges,
unknowns, events), on several dates, with and without near misses. Reach gates (a threshold far out
of reach shuts its rule in the screen) must change no assessment either.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import engine
from rules.compiled import compile_ruleset, compiled_rules
from rules.engine import assess
from rules.formula_source import amount_lines
from rules.kernel_source import can_generate, generated_source
from rules.loader import Ruleset, default_ruleset
from rules.profile import Profile
from rules.schema import AllOf, Leaf, NotOf
from rules.screen import interpreted_screen
from tests.rules.test_range_properties import profile_and_range
from tests.strategies import profile_dicts

DATES = (dt.date(2022, 6, 1), dt.date(2025, 6, 30), dt.date(2026, 11, 24), dt.date(2029, 1, 1))


def _variant(ruleset: Ruleset, name: str, compiled) -> Ruleset:
    """``ruleset`` under its own version, assessed with ``compiled``."""
    variant = dataclasses.replace(ruleset, version=f"{ruleset.version}~{name}")
    engine._COMPILED[variant.version] = dataclasses.replace(compiled)
    return variant


@pytest.fixture(scope="module")
def variants() -> Iterator[dict[str, Ruleset]]:
    ruleset = default_ruleset()
    interpreted = compile_ruleset(ruleset, generated=False)
    generated = compile_ruleset(ruleset)
    no_reach = dataclasses.replace(generated, screen=interpreted_screen(
        tuple(dataclasses.replace(group, reach=(), reached=0) for group in generated.gates),
        generated.candidates, generated.per_event))
    made = {"generated": ruleset, "interpreted": _variant(ruleset, "interpreted", interpreted),
            "no_reach": _variant(ruleset, "no-reach-gates", no_reach)}
    yield made
    for variant in made.values():
        if variant is not ruleset:
            engine._COMPILED.pop(variant.version, None)


def _everything(ruleset: Ruleset, facts: dict, as_of: dt.date, near_misses: bool) -> str:
    result = assess(ruleset, facts, as_of, near_misses)
    return repr(dataclasses.replace(result, ruleset_version=""))


def _all_agree(variants: dict[str, Ruleset], facts: dict) -> None:
    for as_of in DATES:
        for near_misses in (True, False):
            outcomes = {name: _everything(ruleset, facts, as_of, near_misses) for name, ruleset in variants.items()}
            assert outcomes["generated"] == outcomes["interpreted"], (as_of, near_misses)
            assert outcomes["generated"] == outcomes["no_reach"], (as_of, near_misses)


@settings(max_examples=150, deadline=None)
@given(profile_dicts())
def test_generated_and_interpreted_kernels_give_the_same_assessments(variants, data: dict) -> None:
    _all_agree(variants, Profile.model_validate(data).facts())


@settings(max_examples=80, deadline=None)
@given(profile_and_range())
def test_they_agree_on_figures_known_as_ranges(variants, case) -> None:
    data, name, figure = case
    _all_agree(variants, Profile.model_validate({**data, name: figure}).facts())


def _around_reach() -> dict[str, list[float]]:
    """For each figure a reach gate reads: values at, just inside and just beyond each gate's reach,
    and around its threshold (where a near miss turns into a match)."""
    points: dict[str, list[float]] = {}
    for group in compiled_rules(default_ruleset()).gates:
        for _, threshold, reach, _ in group.reach:
            edge = threshold - reach
            points.setdefault(group.fact, []).extend(
                max(value, 0.0) for value in (edge - 1, edge - 0.5, edge, edge + 0.5, edge + 1, edge + 2,
                                              threshold - 1, threshold, threshold + 1))
    return points


AROUND_REACH = _around_reach()


@st.composite
def profiles_at_the_reach_of_thresholds(draw) -> dict:
    data = draw(profile_dicts())
    full = {"district": draw(st.sampled_from(["渝中区", "江北区"])), "is_software_enterprise": True,
            "revenue_prev_cny": 0, "software_staff_prev_max": 0, "software_revenue_prev_max_cny": 0,
            **{k: v for k, v in data.items() if v is not None}}
    for fact, values in AROUND_REACH.items():
        value = draw(st.sampled_from(values))
        full[fact] = int(value) if fact in ("software_staff", "maas_enterprises_served", "invention_patents") else value
    if full.get("software_revenue_cny") is not None:
        full["revenue_cny"] = max(full.get("revenue_cny") or 0, full["software_revenue_cny"])
    return full


def test_reach_gates_are_drawn_from_the_policies() -> None:
    assert {"software_staff", "software_revenue_cny"} <= set(AROUND_REACH)


@settings(max_examples=150, deadline=None)
@given(profiles_at_the_reach_of_thresholds())
def test_they_agree_at_the_reach_of_every_threshold(variants, data: dict) -> None:
    _all_agree(variants, Profile.model_validate(data).facts())


def test_every_rule_of_the_policies_gets_a_generated_kernel() -> None:
    ruleset = default_ruleset()
    for compiled in compiled_rules(ruleset).rules:
        assert can_generate(compiled), compiled.rule.rule_id
        source = generated_source(compiled)
        assert compiled.rule.rule_id in source.splitlines()[1]
        compile(source, compiled.rule.rule_id, "exec")


def test_a_condition_with_not_keeps_its_interpreted_kernel() -> None:
    ruleset = default_ruleset()
    rule = next(r for r in ruleset.rules if r.rule_id == "YZ2025-2.2")
    negated = rule.model_copy(update={"conditions": AllOf(all=[
        *rule.conditions.all, NotOf.model_validate({"not": Leaf(fact="activities", op="has", value="ai_agent_development")})])})
    with_not = dataclasses.replace(ruleset, rules=(negated,), version=f"{ruleset.version}~not")
    try:
        compiled = compiled_rules(with_not)
        assert not can_generate(compiled.rules[0])
        facts = Profile.model_validate({"district": "渝中区", "is_software_enterprise": True,
                                        "activities": ["ai_agent_development"]}).facts()
        assert all(m.rule.rule_id != "YZ2025-2.2" for m in assess(with_not, facts, dt.date(2026, 11, 24)).matches)
    finally:
        engine._COMPILED.pop(with_not.version, None)


def test_a_formula_written_out_sets_none_of_the_kernels_other_locals() -> None:
    for rule in default_ruleset().rules:
        for line in amount_lines(rule.formula) or []:
            target = line.strip().split(" = ")[0] if " = " in line else ""
            assert target not in ("value", "missing", "status", "match", "key", "group", "failed", "unknown"), line
