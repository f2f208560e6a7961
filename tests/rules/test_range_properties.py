"""A figure known only as a range never decides anything its exact value would decide otherwise.

For any profile and any range around one of its figures: every match the range makes eligible is
eligible, with the same amount, on the exact figure; every rule the range rules out is out on the
exact figure too. What the range cannot settle stays ``possible``, naming that figure.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.engine import assess
from rules.loader import default_ruleset
from rules.profile import Profile
from rules.ranges import FigureRange
from tests.strategies import profile_dicts

AS_OF = dt.date(2026, 11, 24)
FIGURES = ("revenue_cny", "revenue_prev_cny", "software_revenue_cny", "software_revenue_prev_max_cny",
           "software_staff", "software_staff_prev_max", "rnd_expense_cny", "rnd_expense_prev_cny",
           "compute_spend_cny", "invention_patents")


@st.composite
def profile_and_range(draw) -> tuple[dict, str, FigureRange]:
    data = draw(profile_dicts())
    present = [name for name in FIGURES if data.get(name) is not None]
    name = draw(st.sampled_from(present)) if present else "revenue_cny"
    exact = float(data.setdefault(name, draw(st.integers(0, 10**9))))
    below = draw(st.sampled_from([0.0, 0.1, 0.5, 1.0]))
    above = draw(st.sampled_from([0.0, 0.1, 1.0, None]))
    low_inclusive = below > 0 or draw(st.booleans())
    high_inclusive = above is None or above > 0 or draw(st.booleans())
    low = exact * (1 - below) if below < 1 else 0.0
    if not low_inclusive and low == exact:
        low_inclusive = True
    high = None if above is None else exact * (1 + above)
    if high is not None and high == exact:
        high_inclusive = True
    return data, name, FigureRange(low=low, high=high, low_inclusive=low_inclusive, high_inclusive=high_inclusive)


def _by_rule(assessment) -> dict:
    return {(m.rule.rule_id, m.event_index): m for m in assessment.matches}


@settings(max_examples=300, deadline=None)
@given(profile_and_range())
def test_a_range_decides_only_what_every_value_in_it_decides(case) -> None:
    data, name, figure = case
    ruleset = default_ruleset()
    exact = Profile.model_validate(data).facts()
    ranged = Profile.model_validate({**data, name: figure}).facts()
    on_exact = _by_rule(assess(ruleset, exact, AS_OF))
    on_range = _by_rule(assess(ruleset, ranged, AS_OF))
    for key, match in on_range.items():
        if match.status == "eligible":
            assert key in on_exact and on_exact[key].status == "eligible", key
            assert on_exact[key].amount.value == match.amount.value, key
    for key in on_exact:
        assert key in on_range, f"{key} ruled out by a range containing the exact figure"
