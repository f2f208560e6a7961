"""Every rule an enterprise can claim is shown applying by at least one YAML case and not applying by
at least one other, so no condition can drift unnoticed."""

from __future__ import annotations

from rules.loader import default_ruleset
from tests.rules.case_index import all_cases, negative_rules, positive_rules


def test_every_enterprise_rule_has_a_positive_and_a_negative_case() -> None:
    positive: set[str] = set()
    negative: set[str] = set()
    for case in all_cases():
        positive |= positive_rules(case)
        negative |= negative_rules(case)
    enterprise = [rule.rule_id for rule in default_ruleset().rules if rule.beneficiary == "enterprise"]
    assert [r for r in enterprise if r not in positive] == [], "no case shows these rules applying"
    assert [r for r in enterprise if r not in negative] == [], "no case shows these rules not applying"


def test_cases_name_only_rules_that_exist() -> None:
    known = set(default_ruleset().by_id)
    for case in all_cases():
        expect = case.get("expect") or {}
        named = positive_rules(case) | negative_rules(case) | set(expect.get("near_misses") or []) \
            | set(expect.get("no_near_misses") or []) | set(expect.get("missing") or {})
        assert named <= known, (case["file"], case["name"], sorted(named - known))
