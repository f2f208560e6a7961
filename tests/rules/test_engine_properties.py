"""Property tests of the engine: deterministic, monotone in revenue, never eligible on unknowns."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.engine import assess
from rules.loader import default_ruleset
from rules.profile import Profile
from rules.report import assess_profile
from rules.schema import AllOf, Leaf
from tests.strategies import profile_dicts, profiles

AS_OF = dt.date(2026, 11, 24)


def eligible_keys(facts: dict) -> set[tuple]:
    result = assess(default_ruleset(), facts, AS_OF)
    return {(m.rule.rule_id, m.event_index) for m in result.matches if m.status == "eligible"}


@settings(max_examples=150, deadline=None)
@given(profiles)
def test_the_same_profile_always_gives_the_same_json(profile: Profile) -> None:
    first = json.dumps(assess_profile(profile, AS_OF), ensure_ascii=False, sort_keys=True)
    again = json.dumps(assess_profile(Profile.model_validate(profile.model_dump()), AS_OF),
                       ensure_ascii=False, sort_keys=True)
    assert first == again


@settings(max_examples=200, deadline=None)
@given(profile_dicts(), st.integers(0, 2 * 10**10), st.integers(0, 2 * 10**10))
def test_more_revenue_never_lowers_the_revenue_tier_award(data: dict, low: int, extra: int) -> None:
    def tier_award(revenue: int) -> float:
        facts = Profile.model_validate({**data, "revenue_cny": revenue, "revenue_prev_cny": 0,
                                        "district": "渝中区", "is_software_enterprise": True}).facts()
        matches = [m for m in assess(default_ruleset(), facts, AS_OF).matches if m.rule.rule_id == "YZ2025-2.1"]
        return matches[0].amount.value if matches else 0.0

    assert tier_award(low + extra) >= tier_award(low)


@settings(max_examples=150, deadline=None)
@given(profile_dicts(), st.data())
def test_forgetting_a_fact_never_makes_a_rule_eligible(data: dict, draw) -> None:
    if not data:
        return
    fact = draw.draw(st.sampled_from(sorted(data)))
    known = Profile.model_validate(data).facts()
    fewer = Profile.model_validate({k: v for k, v in data.items() if k != fact}).facts()
    assert eligible_keys(fewer) <= eligible_keys(known)


@settings(max_examples=150, deadline=None)
@given(profiles)
def test_an_eligible_rule_has_every_fact_its_conditions_require(profile: Profile) -> None:
    facts = profile.facts()
    for match in assess(default_ruleset(), facts, AS_OF).matches:
        if match.status != "eligible":
            continue
        cond = match.rule.conditions
        required = cond.all if isinstance(cond, AllOf) else [cond]
        for leaf in required:
            if isinstance(leaf, Leaf) and not leaf.fact.startswith("event.") and leaf.op not in ("has", "has_any"):
                assert leaf.fact in facts, (match.rule.rule_id, leaf.fact)
