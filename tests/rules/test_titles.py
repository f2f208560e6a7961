"""Titles and summaries say a threshold the way the rule judges it (CONTRACT §2: 突破 / 超过 are strict,
以上 / 以下 include the figure): a title must never tell a 500-person host it qualifies when the text
says 参加人数超过 500 人."""

from __future__ import annotations

import re

import pytest

from rules.loader import default_ruleset
from rules.schema import NUMERIC_OPS, iter_leaves

# What each comparison must NOT be called. {fig}: the threshold as written in that language.
ZH_WRONG = {
    "gt": [r"{fig}(?:元|人|家|支|件)?(?:及)?以上(?!（不含）)"],  # strict: 以上 / 及以上 would include it
    "gte": [r"(?:超过|突破|多于|高于){fig}"],
    "lt": [r"{fig}(?:元|人|家|支|件)?(?:及)?以下(?!（不含）)"],  # strict: 以下 includes the figure
    "lte": [r"(?:低于|不足|少于){fig}"],
}
EN_WRONG = {
    "gt": [r"{fig}\+", r"at least {fig}", r"{fig} or more"],
    "gte": [r"more than {fig}", r"over {fig}", r"exceeds? {fig}", r"above {fig}"],
    "lt": [r"{fig} or less", r"at most {fig}"],
    "lte": [r"under {fig}", r"below {fig}", r"less than {fig}"],
}


def zh_figures(value: float) -> list[str]:
    out = [f"{value:g}"]
    if value >= 10_000 and value % 10_000 == 0:
        out.append(f"{value / 10_000:g}万")
    if value >= 100_000_000 and value % 10_000_000 == 0:
        out.append(f"{value / 100_000_000:g}亿")
    return out


def en_figures(value: float) -> list[str]:
    out = [f"{value:,.0f}", f"{value:g}"]
    if value >= 1_000_000:
        out.append(f"(?:CNY )?{value / 1_000_000:g} million")
    return list(dict.fromkeys(out))


def wording_problems(op: str, value: float, zh: str, en: str) -> list[str]:
    """The phrases in ``zh`` / ``en`` that call the threshold the other way."""
    zh = re.sub(r"\s+", "", zh)
    problems = []
    for pattern in ZH_WRONG.get(op, []):
        for fig in zh_figures(value):
            problems += re.findall(pattern.format(fig=re.escape(fig)), zh)
    for pattern in EN_WRONG.get(op, []):
        for fig in en_figures(value):
            problems += re.findall(pattern.format(fig=fig if "(?:" in fig else re.escape(fig)), en)
    return problems


def test_the_check_catches_the_wording_issue_11_found() -> None:
    assert wording_problems("gt", 500, "产业生态大会补贴（500 人以上）", "conference") == ["500人以上"]
    assert wording_problems("gt", 500, "x", "ecosystem conferences with 500+ attendees") == ["500+"]
    assert wording_problems("lt", 10_000_000, "研发费用补助（1000 万元以下）", "x") == ["1000万元以下"]
    assert wording_problems("gte", 3_000_000, "投资超过 300 万元", "x") == ["超过300万"]
    assert wording_problems("gt", 500, "参加人数超过 500 人", "more than 500 attendees") == []
    assert wording_problems("gte", 200, "规模在 200 人以上", "200 or more people") == []


@pytest.mark.parametrize("rule", [r for r in default_ruleset().rules if r.beneficiary == "enterprise"],
                         ids=lambda r: r.rule_id)
def test_titles_and_summaries_match_each_threshold_comparison(rule) -> None:
    zh = f"{rule.title.zh}\n{rule.summary.zh}"
    en = f"{rule.title.en}\n{rule.summary.en}"
    for leaf in iter_leaves(rule.conditions):
        if leaf.op in NUMERIC_OPS:
            assert not wording_problems(leaf.op, float(leaf.value), zh, en), (  # type: ignore[arg-type]
                f"{rule.rule_id}: [{leaf.fact}, {leaf.op}, {leaf.value}] worded as "
                f"{wording_problems(leaf.op, float(leaf.value), zh, en)}")  # type: ignore[arg-type]
