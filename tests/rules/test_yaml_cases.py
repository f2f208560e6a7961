"""Data-driven rule cases: a profile in, matches and total out (like OpenFisca's YAML tests).

Each file in ``cases/`` holds a list of cases::

    - name: revenue of exactly 10亿 with growth falls in the 10–30亿 tier
      as_of: 2026-11-24            # optional, default 2026-11-24
      profile: {district: 渝中区, revenue_cny: 1000000000, revenue_prev_cny: 900000000, ...}
      expect:
        matches:                   # rule_id -> the fields that must hold (a subset)
          YZ2025-2.1: {status: eligible, max_award_cny: 5000000}
        absent: [CQ2025-7#headcount-5000]      # rule ids that must not be matched
        total_max_award_cny: 5000000           # optional
        stacked_under: {YZ2021-6#key-software: YZ2025-1.1}   # optional
        near_misses: [CQ2025-7#headcount-5000] # optional: rule ids that must be listed
        no_near_misses: [...]                  # optional: rule ids that must not be listed
        missing: {CQ2025-8: [compute_spend_cny]}  # optional: exact missing facts
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from rules.profile import Profile
from rules.report import assess_profile
from tests.yaml_params import yaml_params

CASES_DIR = Path(__file__).parent / "cases"
DEFAULT_AS_OF = dt.date(2026, 11, 24)


def _by_rule(result: dict, key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for item in result[key]:
        out.setdefault(item["rule_id"], []).append(item)
    return out


@pytest.mark.parametrize("case", yaml_params(CASES_DIR))
def test_rule_case(case: dict) -> None:
    as_of = case.get("as_of", DEFAULT_AS_OF)
    as_of = dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    profile = Profile.model_validate_json(__import__("json").dumps(case["profile"], ensure_ascii=False))
    result = assess_profile(profile, as_of=as_of, locale=case.get("locale", "zh-CN"))
    expect = case["expect"]
    matches = _by_rule(result, "matches")
    for rule_id, fields in (expect.get("matches") or {}).items():
        assert rule_id in matches, f"{rule_id} not matched; got {sorted(matches)}"
        candidates = matches[rule_id]
        assert any(all(m.get(k) == v for k, v in fields.items()) for m in candidates), (
            f"{rule_id}: expected {fields}, got {[{k: m.get(k) for k in fields} for m in candidates]}")
    for rule_id in expect.get("absent") or []:
        assert rule_id not in matches, f"{rule_id} should not match: {matches[rule_id]}"
    if "total_max_award_cny" in expect:
        assert result["total_max_award_cny"] == expect["total_max_award_cny"]
    for rule_id, winner in (expect.get("stacked_under") or {}).items():
        assert [m["stacked_under"] for m in matches[rule_id]] == [winner]
    for rule_id, facts in (expect.get("missing") or {}).items():
        assert matches[rule_id][0]["missing"] == facts
    near = _by_rule(result, "near_misses")
    for rule_id in expect.get("near_misses") or []:
        assert rule_id in near, f"{rule_id} not among near misses {sorted(near)}"
    for rule_id in expect.get("no_near_misses") or []:
        assert rule_id not in near, f"{rule_id} unexpectedly a near miss: {near[rule_id]}"
