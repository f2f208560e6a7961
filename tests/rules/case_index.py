"""The YAML rule cases (``tests/rules/cases``) as data: which rules each case shows applying or not."""

from __future__ import annotations

import datetime as dt
import functools
import json
from pathlib import Path

import yaml

from rules.loader import Ruleset
from rules.profile import Profile
from rules.report import assess_profile

CASES_DIR = Path(__file__).parent / "cases"
DEFAULT_AS_OF = dt.date(2026, 11, 24)
OUT_OF_WINDOW = ("expired", "not_yet_in_force")


@functools.cache
def all_cases() -> tuple[dict, ...]:
    cases = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            cases.append({**case, "file": path.stem})
    return tuple(cases)


def positive_rules(case: dict) -> set[str]:
    """Rules the case expects to apply (matched in force: eligible or possible)."""
    matches = (case.get("expect") or {}).get("matches") or {}
    return {rule for rule, fields in matches.items() if (fields or {}).get("status") not in OUT_OF_WINDOW}


def negative_rules(case: dict) -> set[str]:
    """Rules the case expects not to apply."""
    return set((case.get("expect") or {}).get("absent") or [])


def case_as_of(case: dict) -> dt.date:
    as_of = case.get("as_of", DEFAULT_AS_OF)
    return dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of


def case_profile(case: dict) -> Profile:
    return Profile.model_validate_json(json.dumps(case["profile"], ensure_ascii=False))


def _by_rule(result: dict, key: str) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for item in result[key]:
        out.setdefault(item["rule_id"], []).append(item)
    return out


def check_case(case: dict, ruleset: Ruleset | None = None) -> None:
    """Assess the case's profile (with ``ruleset``, default the packaged one); AssertionError if any
    expectation fails."""
    result = assess_profile(case_profile(case), as_of=case_as_of(case), locale=case.get("locale", "zh-CN"),
                            ruleset=ruleset)
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
