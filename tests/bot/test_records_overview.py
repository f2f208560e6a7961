"""The staff overview (bot/records_overview.py), from the YAML cases in ``overview_cases/``: ISO weeks in
Shanghai, empty weeks as zeros, repeats of one conversation, the clauses most matched, the record limit;
and the texts a person reads: titles from the rule data in both languages, amounts as the locale writes them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from bot.records_overview import (
    MAX_WEEKS,
    OVERVIEW_TIMEZONE,
    Overview,
    compute_overview,
    overview_period,
)
from bot.store.models import RecordSummary
from rules.loader import default_ruleset
from tests.yaml_params import yaml_params

CASES = Path(__file__).parent / "overview_cases"


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def summaries(case: dict[str, Any]) -> list[RecordSummary]:
    """As the store gives them: from each record's result (the contract's assessment JSON)."""
    return [RecordSummary.of(item["conversation"], moment(item["at"]), {
        "total_max_award_cny": item.get("total", 0),
        "matches": [{"clause_id": c, "rule_id": r, "status": s} for c, r, s in item.get("matches", ())]})
        for item in case["records"]]


def overview_of(case: dict[str, Any], locale: str = "en") -> Overview:
    since = dt.date.fromisoformat(case["since"]) if "since" in case else None
    period = overview_period(moment(case["now"]), weeks=case.get("weeks"), since=since)
    return compute_overview(summaries(case), period, locale, default_ruleset(),
                            record_limit=case.get("record_limit", 1000))


@pytest.mark.parametrize("case", yaml_params(CASES))
def test_overview_case(case: dict[str, Any]) -> None:
    overview = overview_of(case)
    expect = case["expect"]
    if "weeks" in expect:
        assert [[w.week, w.assessments, w.conversations, w.total_max_award_cny] for w in overview.weeks] == expect["weeks"]
    for field, name in (("assessments", "assessments"), ("conversations", "conversations"),
                        ("total_max_award_cny", "total")):
        if name in expect:
            assert getattr(overview, field) == expect[name], field
    if "first_day" in expect:
        assert overview.period_start.isoformat() == expect["first_day"] == overview.weeks[0].start.isoformat()
    if "clauses" in expect:
        assert [[c.clause_id, c.eligible, c.possible] for c in overview.clauses] == expect["clauses"]
    for clause_id, rules in expect.get("rules", {}).items():
        [clause] = [c for c in overview.clauses if c.clause_id == clause_id]
        assert [[r.rule_id, r.eligible, r.possible] for r in clause.rules] == rules
    assert overview.truncated is expect.get("truncated", False)
    assert [w.complete for w in overview.weeks] == expect.get("complete", [True] * len(overview.weeks))
    assert (overview.complete_since is not None) is overview.truncated
    assert len(overview.notes) == (4 if overview.truncated else 3)


def test_every_week_is_a_monday_to_sunday_in_shanghai() -> None:
    for weeks in (1, 12, MAX_WEEKS):
        period = overview_period(dt.datetime(2026, 11, 30, 4, tzinfo=dt.UTC), weeks=weeks)
        assert len(period.week_starts) == weeks
        assert all(day.weekday() == 0 for day in period.week_starts)
        assert period.start == dt.datetime.combine(period.week_starts[0], dt.time(), tzinfo=OVERVIEW_TIMEZONE)
        assert period.week_starts[-1] == dt.date(2026, 11, 30)


@pytest.mark.parametrize(("locale", "title", "total", "week"), [
    ("zh-CN", "软件从业人员首次突破 5000 人奖励；首次成为国家鼓励的重点软件企业奖励（市级）", "1,005 万元", "2026 年第 49 周（2026-11-30 至 2026-12-06）"),
    ("en", "Software headcount passes 5,000 for the first time; First listing as a national key software enterprise "
           "(municipal award)", "CNY 10,050,000", "Week 49, 2026 (2026-11-30 to 2026-12-06)"),
])
def test_people_read_titles_amounts_and_weeks_in_their_language(locale: str, title: str, total: str, week: str) -> None:
    case = {"now": "2026-11-30T04:00:00Z", "weeks": 1, "records": [
        {"conversation": "web:a", "at": "2026-11-30T01:00:00Z", "total": 10_000_000,
         "matches": [["CQ2025-7", "CQ2025-7#headcount-5000", "eligible"],
                     ["CQ2025-7", "CQ2025-7#key-software", "possible"]]},
        {"conversation": "web:b", "at": "2026-11-30T02:00:00Z", "total": 50_000,
         "matches": [["CQ2099-1", "CQ2099-1", "eligible"]]}]}
    overview = overview_of(case, locale)
    assert overview.clauses[0].title == title
    assert "CQ2099-1" in overview.clauses[1].title and overview.clauses[1].title != "CQ2099-1"  # not in the rules: said so
    assert overview.total_max_award_text == total
    assert overview.weeks[0].label == week
    assert overview.timezone == "Asia/Shanghai"


def test_the_clause_list_stops_at_the_top_ten() -> None:
    rules = [rule for rule in default_ruleset().rules][:15]
    case = {"now": "2026-11-30T04:00:00Z", "weeks": 1, "records": [
        {"conversation": f"web:{i}", "at": "2026-11-30T01:00:00Z",
         "matches": [[rule.clause_id, rule.rule_id, "eligible"] for rule in rules[: i + 1]]} for i in range(15)]}
    overview = overview_of(case)
    assert len(overview.clauses) == 10
    counts = [clause.eligible + clause.possible for clause in overview.clauses]
    assert counts == sorted(counts, reverse=True)
