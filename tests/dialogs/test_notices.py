"""The pure change notice: what an owner is told (YAML cases), on the real rules (a window closes, a
clause expires), its wording on one screen in both languages, and properties (hypothesis)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.notice_text import NOTICE_LIMIT, notice_details, notice_text
from dialogs.notices import (
    MatchDigest,
    ResultDigest,
    compare,
    digest_after_notice,
    digest_of_assessment,
    digest_of_json,
    notice_changes,
    notice_id,
    refresh_due,
)
from rules.engine import assess
from rules.loader import default_ruleset
from rules.profile import Profile
from rules.report import assess_profile
from tests.strategies import profiles
from tests.yaml_params import yaml_params

CASES = Path(__file__).parent / "notice_cases"
DAY = dt.date(2026, 6, 1)


def _digest(matches: dict, as_of: dt.date, version: str = "v1", warned: list[str] | None = None) -> ResultDigest:
    return ResultDigest(as_of=as_of, ruleset_version=version, warned_closing=warned or [], matches={
        key: MatchDigest(rule_id=key.split("@")[0], clause_id=key.split("#")[0].split("@")[0], status=status,
                         amount=amount, window_to=end, document="渝经信规范〔2025〕12号", article="（八）")
        for key, (status, amount, end) in matches.items()})


@pytest.mark.parametrize("case", yaml_params(CASES))
def test_what_the_owner_is_told(case: dict) -> None:
    old = _digest(case["old"], case.get("old_as_of", DAY), warned=case.get("warned"))
    new = _digest(case["new"], case.get("as_of", DAY), version="v2" if case.get("rules_changed") else "v1")
    told = [f"{change.kind} {change.key}" for change in notice_changes(old, new)]
    assert told == case["told"]


def _real_digest(profile: Profile, day: dt.date) -> ResultDigest:
    ruleset = default_ruleset()
    return digest_of_assessment(ruleset, assess(ruleset, profile.facts(), day, near_misses=False))


TITLED_FIRM = Profile.model_validate({
    "district": "渝中区", "is_software_enterprise": True, "revenue_cny": 120_000_000, "revenue_prev_cny": 100_000_000,
    "software_revenue_cny": 110_000_000, "software_revenue_prev_max_cny": 90_000_000,
    "certifications": ["municipal_specialized_sme"], "new_certifications": ["municipal_specialized_sme"]})


def test_on_the_real_rules_cq2022_expires_after_2025() -> None:
    before, after = _real_digest(TITLED_FIRM, dt.date(2025, 11, 1)), _real_digest(TITLED_FIRM, dt.date(2026, 1, 5))
    changes = notice_changes(before, after)
    assert ("expired", "CQ2022-3.2.2#titles") in [(c.kind, c.key) for c in changes]
    assert all(c.key.startswith("CQ2022-") for c in changes if c.kind == "expired")


def test_on_the_real_rules_cq2025_is_closing_in_autumn_2027_once() -> None:
    early, closing = _real_digest(TITLED_FIRM, dt.date(2027, 9, 1)), _real_digest(TITLED_FIRM, dt.date(2027, 10, 15))
    changes = notice_changes(early, closing)
    assert changes and {c.kind for c in changes} == {"closing"}
    assert {c.after.window_to for c in changes if c.after} == {dt.date(2027, 12, 31)}
    assert all(c.days == 77 for c in changes)
    sent = digest_after_notice(early, closing, changes)
    later = _real_digest(TITLED_FIRM, dt.date(2027, 11, 1))
    assert notice_changes(sent, later) == []


def test_the_notice_says_what_why_and_where_on_one_screen_in_both_languages() -> None:
    before, after = _real_digest(TITLED_FIRM, dt.date(2025, 11, 1)), _real_digest(TITLED_FIRM, dt.date(2026, 1, 5))
    changes = notice_changes(before, after)
    ruleset = default_ruleset()
    zh = notice_text(ruleset, before, after, changes, "zh-CN")
    en = notice_text(ruleset, before, after, changes, "en")
    assert "已过期" in zh and "渝府办〔2022〕21号三（二）2" in zh and "2025-12-31" in zh
    assert "CQ2022-" not in zh and "CQ2022-" not in en  # owners read titles and citations, never rule ids
    assert "Expired" in en and "2025-12-31" in en and "Why:" in en
    for text in (zh, en):
        assert len(text) <= NOTICE_LIMIT
    details = notice_details(ruleset, changes, "zh-CN")
    assert "“对进入国家专精特新“小巨人”" in details  # the verbatim sentence of the clause


def test_a_long_notice_counts_what_does_not_fit() -> None:
    old = _digest({f"R{i}": ["possible", 1, None] for i in range(40)}, DAY)
    new = _digest({f"R{i}": ["eligible", 1, None] for i in range(40)}, DAY)
    text = notice_text(default_ruleset(), old, new, notice_changes(old, new), "en", limit=400)
    assert len(text) <= 400 and "more changes" in text


def test_the_notice_id_is_the_same_for_the_same_inputs_and_differs_otherwise() -> None:
    old = _digest({"A": ["possible", 1, None]}, DAY)
    new = _digest({"A": ["eligible", 1, None]}, DAY)
    changes = notice_changes(old, new)
    assert notice_id("tg:1", old, changes) == notice_id("tg:1", old, list(reversed(changes)))
    assert notice_id("tg:1", old, changes) != notice_id("tg:2", old, changes)
    newer = _digest({"A": ["eligible", 2, None]}, DAY)
    assert notice_id("tg:1", old, changes) != notice_id("tg:1", old, notice_changes(old, newer))


def test_the_refresh_is_due_once_a_year_after_the_accounts_for_figures_given_before() -> None:
    after = (6, 1)
    assert refresh_due(dt.date(2027, 5, 31), after, dt.date(2026, 8, 1), None) is None
    assert refresh_due(dt.date(2027, 6, 1), after, dt.date(2026, 8, 1), None) == 2027
    assert refresh_due(dt.date(2027, 6, 2), after, dt.date(2026, 8, 1), 2027) is None  # sent already
    assert refresh_due(dt.date(2027, 7, 1), after, dt.date(2027, 6, 15), None) is None  # this year's figures


def test_the_json_digest_and_the_engine_digest_agree() -> None:
    day = dt.date(2026, 11, 24)
    ruleset = default_ruleset()
    from_json = digest_of_json(assess_profile(TITLED_FIRM, as_of=day, locale="en"))
    from_engine = _real_digest(TITLED_FIRM, day)
    assert from_json.matches == from_engine.matches and from_json.total_cny == from_engine.total_cny
    assert from_json.ruleset_version == from_engine.ruleset_version == ruleset.version


@settings(max_examples=60, deadline=None)
@given(profile=profiles, day=st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)))
def test_a_result_diffed_against_itself_says_nothing(profile: Profile, day: dt.date) -> None:
    digest = _real_digest(profile, day)
    assert compare(digest, digest) == []
    changes = notice_changes(digest, digest)
    assert all(change.kind == "closing" for change in changes)  # only a window closing is news on its own
    assert notice_changes(digest_after_notice(digest, digest, changes), digest) == []


@settings(max_examples=60, deadline=None)
@given(profile=profiles, first=st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)),
       second=st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)))
def test_after_a_notice_the_same_result_says_nothing_more(profile: Profile, first: dt.date, second: dt.date) -> None:
    old, new = _real_digest(profile, first), _real_digest(profile, second)
    changes = notice_changes(old, new)
    kept = digest_after_notice(old, new, changes)
    assert notice_changes(kept, new) == []
    if changes:
        assert notice_text(default_ruleset(), old, new, changes, "zh-CN")


@settings(max_examples=30, deadline=None)
@given(profile=profiles, day=st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)))
def test_a_digest_round_trips_through_its_stored_form(profile: Profile, day: dt.date) -> None:
    digest = _real_digest(profile, day).model_copy(update={"warned_closing": ["X@2027-12-31"]})
    stored = digest.to_stored()
    assert stored == digest.model_dump(mode="json")
    assert ResultDigest.stored(stored) == digest == ResultDigest.model_validate(stored)
