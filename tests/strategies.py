"""Hypothesis strategies for realistic enterprise profiles (shared by rule and dialog tests)."""

from __future__ import annotations

from hypothesis import strategies as st

from rules.profile import ACTIVITIES, CERTIFICATIONS, Profile

DISTRICT_CHOICES = ["渝中区", "江北区", "两江新区", "outside_chongqing"]


def maybe(strategy: st.SearchStrategy) -> st.SearchStrategy:
    return st.one_of(st.none(), strategy)


yuan = st.one_of(
    st.integers(0, 10**6),
    st.integers(10**6, 2 * 10**10),
    st.sampled_from([0, 20_000_000, 50_000_000, 100_000_000, 300_000_000, 1_000_000_000, 10_000_000]),
)
headcount = st.one_of(st.integers(0, 12_000), st.sampled_from([4_999, 5_000, 5_001, 10_000, 10_001]))


@st.composite
def events(draw) -> dict:
    return {
        key: value
        for key, value in {
            "kind": draw(maybe(st.sampled_from(["conference", "competition"]))),
            "level": draw(maybe(st.sampled_from(["national", "municipal", "other"]))),
            "location_district": draw(maybe(st.sampled_from(["渝中区", "江北区"]))),
            "regular": draw(maybe(st.booleans())),
            "cohosted_with_district": draw(maybe(st.booleans())),
            "attendees": draw(maybe(st.integers(0, 2000))),
            "teams": draw(maybe(st.integers(0, 300))),
            "cost_cny": draw(maybe(st.integers(0, 10**7))),
            "venue_and_lodging_cost_cny": draw(maybe(st.integers(0, 10**7))),
        }.items()
        if value is not None
    }


@st.composite
def profile_dicts(draw) -> dict:
    certs = draw(maybe(st.lists(st.sampled_from(CERTIFICATIONS), unique=True, max_size=4)))
    new = draw(maybe(st.lists(st.sampled_from(certs or CERTIFICATIONS), unique=True, max_size=2)))
    data = {
        "district": draw(maybe(st.sampled_from(DISTRICT_CHOICES))),
        "is_software_enterprise": draw(maybe(st.booleans())),
        "revenue_cny": draw(maybe(yuan)),
        "revenue_prev_cny": draw(maybe(yuan)),
        "software_revenue_cny": draw(maybe(yuan)),
        "software_revenue_prev_max_cny": draw(maybe(yuan)),
        "software_staff": draw(maybe(headcount)),
        "software_staff_prev_max": draw(maybe(headcount)),
        "certifications": certs,
        "new_certifications": new,
        "activities": draw(maybe(st.lists(st.sampled_from(ACTIVITIES), unique=True, max_size=4))),
        "rnd_reserve_system": draw(maybe(st.booleans())),
        "rnd_expense_cny": draw(maybe(yuan)),
        "rnd_expense_prev_cny": draw(maybe(yuan)),
        "compute_spend_cny": draw(maybe(yuan)),
        "events": draw(maybe(st.lists(events(), max_size=2))),
        "invention_patents": draw(maybe(st.integers(0, 20))),
        "platform_level": draw(maybe(st.sampled_from(["national", "municipal", "other"]))),
        "maas_enterprises_served": draw(maybe(st.integers(0, 200))),
        "online_platform_investment_cny": draw(maybe(yuan)),
    }
    if data["revenue_cny"] is not None and data["software_revenue_cny"] is not None:
        data["software_revenue_cny"] = min(data["software_revenue_cny"], data["revenue_cny"])  # a part of it
    if data["invention_patents"] is not None:
        data["blockchain_invention_patents"] = draw(maybe(st.integers(0, data["invention_patents"])))
    return {k: v for k, v in data.items() if v is not None}


profiles = profile_dicts().map(Profile.model_validate)
