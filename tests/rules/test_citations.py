"""The span of each quote an award rests on: excerpts are verbatim, and every quote holding several
figures says which one decides (so a result can quote one sentence instead of nine tiers)."""

from __future__ import annotations

import collections
import datetime as dt
import re

from rules.loader import default_ruleset
from rules.profile import Profile
from rules.report import assess_profile
from rules.schema import EXCERPT_GAP, Tiers, Unspecified, is_excerpt_of

FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:万|亿)?元|\d+(?:\.\d+)?\s*%")


def figures(quote: str) -> set[str]:
    return {re.sub(r"\s+", "", m) for m in FIGURE.findall(quote)}


def _assess(profile: dict, as_of: str = "2026-11-24") -> dict:
    return assess_profile(Profile.model_validate(profile), as_of=dt.date.fromisoformat(as_of))


def test_every_excerpt_is_verbatim_pieces_of_its_quote() -> None:
    for rule in default_ruleset().rules:
        tiers = rule.formula.tiers if isinstance(rule.formula, Tiers) else []
        for excerpt in [rule.excerpt, *(tier.excerpt for tier in tiers)]:
            if excerpt is not None:
                assert is_excerpt_of(excerpt, rule.quote), (rule.rule_id, excerpt)
                assert all(len(piece) >= 6 for piece in excerpt.split(EXCERPT_GAP)), (rule.rule_id, excerpt)


def test_is_excerpt_of_wants_pieces_in_order() -> None:
    quote = "对软件攻关项目给予最高 300 万元资金支持，对链式攻关项目给予最高 500 万元资金支持。"
    assert is_excerpt_of("对链式攻关项目给予最高 500 万元资金支持", quote)
    assert is_excerpt_of("对软件攻关项目…500 万元资金支持", quote)
    assert not is_excerpt_of("500 万元资金支持…对软件攻关项目", quote)
    assert not is_excerpt_of("对链式攻关项目给予最高 300 万元资金支持", quote)


def test_every_multi_figure_quote_says_which_span_decides() -> None:
    ruleset = default_ruleset()
    shared = collections.Counter(rule.quote for rule in ruleset.rules)
    for rule in ruleset.rules:
        if isinstance(rule.formula, Tiers):
            for tier in rule.formula.tiers:
                assert tier.excerpt, f"{rule.rule_id}: tier from {tier.min:g} has no excerpt"
                assert f"{tier.amount / 10000:g}" in tier.excerpt.replace(" ", ""), (rule.rule_id, tier)
            continue
        has_amount = not isinstance(rule.formula, Unspecified)
        if shared[rule.quote] > 1 or (has_amount and len(figures(rule.quote)) > 1):
            assert rule.excerpt, f"{rule.rule_id}: several figures in its quote but no excerpt"


def test_rules_sharing_a_quote_rest_on_different_spans() -> None:
    by_quote: dict[str, list] = collections.defaultdict(list)
    for rule in default_ruleset().rules:
        by_quote[rule.quote].append(rule)
    for rules in by_quote.values():
        excerpts = [rule.excerpt for rule in rules]
        assert len(set(excerpts)) == len(excerpts), [rule.rule_id for rule in rules]


def test_citation_excerpt_is_the_deciding_tier_when_a_tier_decides() -> None:
    result = _assess({"district": "渝中区", "is_software_enterprise": True, "revenue_cny": 150_000_000,
                      "revenue_prev_cny": 120_000_000})
    match = next(m for m in result["matches"] if m["rule_id"] == "YZ2025-2.1")
    assert match["max_award_cny"] == 500_000
    assert match["citation"]["excerpt"] == "对年营业收入达到 1亿元（含）—3 亿元且保持一定增速的，择优给予最高不超过 50 万元的扶持"
    assert match["citation"]["quote"].count("；") == 8  # the full quote is still there


def test_citation_excerpt_is_the_rules_span_else_the_whole_quote() -> None:
    result = _assess({"district": "渝中区", "is_software_enterprise": True,
                      "activities": ["industrial_software_rnd", "chain_project"],
                      "new_certifications": ["national_key_software"]})
    by_id = {m["rule_id"]: m for m in result["matches"]}
    assert by_id["CQ2025-4#chain-project"]["citation"]["excerpt"] == "对链式攻关项目给予最高 500 万元资金支持"
    key = by_id["YZ2025-1.1"]
    assert key["citation"]["excerpt"] == key["citation"]["quote"]  # one figure: the whole quote decides


def test_citation_excerpt_without_a_known_tier_falls_back_to_the_whole_quote() -> None:
    result = _assess({"district": "渝中区", "is_software_enterprise": True})
    match = next(m for m in result["matches"] if m["rule_id"] == "YZ2025-2.1")
    assert match["status"] == "possible"
    assert match["citation"]["excerpt"] == match["citation"]["quote"]
