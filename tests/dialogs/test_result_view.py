"""The grouped result every channel shows (ResultView), its one-screen summary and the change message."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from dialogs.result_change import ResultSnapshot, change_text, snapshot
from dialogs.result_text import DETAILS, SUMMARY_LIMIT, detail_text, summary_text
from dialogs.result_view import SECTION_ORDER, ResultView, build_result_view
from locales import LOCALES
from rules.profile import Profile
from rules.report import assess_profile

AS_OF = dt.date(2026, 11, 24)
PROFILES = yaml.safe_load((Path(__file__).parent / "typical_profiles.yaml").read_text(encoding="utf-8"))
RULE_ID = re.compile(r"\b(YZ|CQ)20\d\d-\d")
LARGE_FIRM = next(p["profile"] for p in PROFILES if p["name"].startswith("Large Yuzhong firm"))


def view_of(profile: dict, locale: str = "zh-CN") -> tuple[dict, ResultView]:
    assessment = assess_profile(Profile.model_validate(profile), as_of=AS_OF, locale=locale)
    return assessment, build_result_view(assessment, locale)


def all_texts(view: ResultView) -> list[str]:
    texts = [view.total_text, view.headline, view.note]
    for section in view.sections:
        texts.append(section.title)
        for item in section.items:
            texts += [item.title, item.amount_text, *item.lines]
    return texts


def test_awards_are_the_counted_eligible_matches_and_add_up_to_the_total() -> None:
    assessment, view = view_of(LARGE_FIRM)
    counted = {m["rule_id"] for m in assessment["matches"] if m["status"] == "eligible" and m["counted_in_total"]}
    awards = view.section("awards")
    assert awards is not None and {item.rule_id for item in awards.items} == counted
    assert sum(item.amount_cny or 0 for item in awards.items) == view.total_cny == 17_800_000
    assert view.total_text == "合计最高 1,780 万元"
    amounts = [item.amount_cny for item in awards.items]
    assert amounts == sorted(amounts, reverse=True)


def test_non_cash_support_is_its_own_section_and_never_counted_as_an_award() -> None:
    assessment, view = view_of(LARGE_FIRM)
    non_cash = view.section("non_cash")
    assert non_cash is not None
    ids = {item.rule_id for item in non_cash.items}
    assert "YZ2025-10" in ids  # 一事一议
    assert "YZ2025-2.2" in ids  # a platform service
    assert not ids & {item.rule_id for item in view.section("awards").items}  # type: ignore[union-attr]
    assert all(item.amount_cny is None for item in non_cash.items)
    assert view.section("awards").title == "可申报 10 项"  # type: ignore[union-attr]


def test_yielded_items_name_the_higher_award_by_its_title() -> None:
    _, view = view_of(LARGE_FIRM)
    yielded = view.section("yielded")
    assert yielded is not None
    item = next(i for i in yielded.items if i.rule_id == "YZ2021-6#key-software")
    assert item.lines[0] == "与「首次进入国家鼓励的重点软件企业清单奖励」属同一事项，按较高一项计"


def test_possible_items_are_sorted_by_amount_and_say_what_they_still_need() -> None:
    _, view = view_of({"district": "渝中区"})
    possible = view.section("possible")
    assert possible is not None and len(possible.items) > 5
    amounts = [item.amount_cny if item.amount_cny is not None else -1 for item in possible.items]
    assert amounts == sorted(amounts, reverse=True)
    assert all(item.needs and any(line.startswith("需补充：") for line in item.lines) for item in possible.items)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("case", PROFILES, ids=[p["name"] for p in PROFILES])
def test_no_rule_id_in_any_text(case: dict, locale: str) -> None:
    _, view = view_of(case["profile"], locale)
    leaked = [text for text in all_texts(view) if RULE_ID.search(text)]
    assert leaked == []
    assert [s.id for s in view.sections] == [s for s in SECTION_ORDER if view.section(s)]


def test_english_is_complete_departments_translated_and_plurals_right() -> None:
    _, view = view_of(LARGE_FIRM, "en")
    texts = all_texts(view)
    assert not [text for text in texts if text.startswith("Apply to:") and re.search(r"[\u4e00-\u9fff]", text)]
    assert view.total_text == "Up to CNY 17,800,000 in total"
    assert view.section("awards").title == "10 awards you can apply for"  # type: ignore[union-attr]
    _, single = view_of({"district": "渝中区", "is_software_enterprise": True, "revenue_cny": 25_000_000,
                         "revenue_prev_cny": 20_000_000}, "en")
    titles = [section.title for section in single.sections]
    assert any(title.startswith("1 award you can apply for") for title in titles), titles


def test_the_citation_excerpt_falls_back_to_the_quote() -> None:
    assessment, view = view_of(LARGE_FIRM)
    quotes = {m["rule_id"]: m["citation"] for m in assessment["matches"]}
    for item in view.section("awards").items:  # type: ignore[union-attr]
        stored = quotes[item.rule_id]
        assert item.citation is not None and item.citation.quote == stored["quote"]
        assert item.citation.excerpt == (stored.get("excerpt") or stored["quote"])


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("case", [*PROFILES, {"name": "skipped everything", "profile": {}},
                                  {"name": "only the district", "profile": {"district": "渝中区"}}],
                         ids=lambda case: case["name"])
def test_the_summary_fits_one_phone_screen(case: dict, locale: str) -> None:
    _, view = view_of(case["profile"], locale)
    text = summary_text(view, locale)
    assert len(text) <= SUMMARY_LIMIT
    assert view.total_text in text
    for part in DETAILS:
        assert len(detail_text(view, part, locale)) <= 3500


def test_the_summary_lists_each_counted_award_and_counts_the_rest() -> None:
    _, view = view_of(LARGE_FIRM)
    text = summary_text(view, "zh-CN")
    assert "· 营业收入分档扶持（做大做强）：600 万元" in text
    assert "其他支持 4 项（基金、贷款、平台服务等，不计金额）" in text
    assert "YZ20" not in text and "“对" not in text  # no ids, no verbatim quotes


def test_a_long_award_list_is_cut_with_a_count_of_the_rest() -> None:
    _, view = view_of(LARGE_FIRM, "en")
    text = summary_text(view, "en", limit=400)
    assert len(text) <= 400 and "more, see" in text


def test_the_basis_shows_the_document_article_and_only_the_excerpt() -> None:
    _, view = view_of(LARGE_FIRM)
    text = detail_text(view, "awards", "zh-CN")
    first = view.section("awards").items[0]  # type: ignore[union-attr]
    assert first.citation is not None
    assert f"依据：{first.citation.document} {first.citation.article}：“{first.citation.excerpt}”" in text


def test_the_change_message_says_what_moved() -> None:
    _, before = view_of(LARGE_FIRM)
    smaller = {**LARGE_FIRM, "revenue_cny": 2_700_000_000}  # below the previous year: no growth tier
    _, after = view_of(smaller)
    text = change_text(snapshot(before), after, "zh-CN")
    assert text.startswith("合计 1,780 万元 → 1,180 万元")
    assert "不再符合：营业收入分档扶持（做大做强）" in text
    assert "YZ20" not in text


def test_a_change_that_moves_nothing_says_so_and_amount_changes_are_named() -> None:
    _, view = view_of(LARGE_FIRM)
    assert change_text(snapshot(view), view, "zh-CN") == "结果没有变化（合计 1,780 万元）。"
    _, lower = view_of({**LARGE_FIRM, "revenue_cny": 2_900_000_000})  # 600 → 500 万 tier
    text = change_text(snapshot(view), lower, "en")
    assert "Revenue-tier support for growing enterprises CNY 6,000,000 → CNY 5,000,000" in text


def test_a_snapshot_round_trips_through_json() -> None:
    _, view = view_of(LARGE_FIRM)
    taken = snapshot(view)
    assert ResultSnapshot.model_validate_json(taken.model_dump_json()) == taken


@pytest.mark.parametrize(("locale", "needed"), [("zh-CN", "需补充：再上一年（前年）研发费用"),
                                                ("en", "Still needed: R&D expense of the year before last")])
def test_the_missing_fact_is_the_year_before_when_last_years_rnd_is_known(locale: str, needed: str) -> None:
    _, view = view_of({"district": "渝中区", "is_software_enterprise": True, "rnd_reserve_system": True,
                       "rnd_expense_cny": 8_000_000}, locale)
    rnd = next(i for i in view.section("possible").items if i.rule_id == "YZ2025-7.1")  # type: ignore[union-attr]
    assert needed in rnd.lines


def test_capped_percentages_show_the_computed_figure_and_the_cap() -> None:
    assessment, _ = view_of({"district": "渝中区", "is_software_enterprise": True,
                             "activities": ["ai_agent_development"], "compute_spend_cny": 15_000_000})
    voucher = next(m for m in assessment["matches"] if m["rule_id"] == "CQ2025-8")
    assert "按 1,500 万元的 20% 计算为 300 万元，以上限 100 万元计" in voucher["reasons"]
