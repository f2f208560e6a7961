"""The staff FAQ search: realistic staff queries in both languages (typos, partial words), the
CONTRACT §5 JSON shape, the curated Q&A (complete, cited, quoting the texts verbatim), the CLI end
to end, and a property test that no text makes the search raise."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from faq import MAX_LIMIT, faq_json, max_award_cny, search_faq
from faq.curation import qa_entries, suggested_topics, synonyms
from faq.index import index_for, normalize_query, resolve_source
from locales import LOCALES
from rules.loader import default_ruleset

SOURCES = Path(__file__).resolve().parents[2] / "rules" / "sources"

#: (query a help-desk colleague types, ids that must all be among the top 3 results).
#: An id is a clause id, a rule id, or "qa:<id>" for a curated Q&A entry.
QUERY_TABLE: list[tuple[str, set[str]]] = [
    ("算力券", {"CQ2025-8"}),
    ("算力劵", {"CQ2025-8"}),  # 劵 for 券: the usual typo
    ("算力卷", {"CQ2025-8"}),  # another wrong character
    ("算力券怎么申请", {"CQ2025-8", "qa:how_to_apply"}),
    ("compute voucher", {"CQ2025-8"}),
    ("computer vouchr", {"CQ2025-8"}),
    ("GPU subsidy", {"CQ2025-8"}),
    ("小巨人", {"YZ2025-1.2"}),
    ("little giant", {"YZ2025-1.2"}),
    ("litle gaint", {"YZ2025-1.2"}),
    ("专精特新", {"YZ2025-1.2"}),
    ("研发准备金", {"YZ2025-7.1"}),
    ("R&D reserve", {"YZ2025-7.1"}),
    ("研发费用补助", {"YZ2025-7.1", "YZ2021-4"}),
    ("揭榜", {"YZ2025-6"}),
    ("揭榜挂帅", {"YZ2025-6"}),
    ("scenario challenge", {"YZ2025-6"}),
    ("开源鸿蒙", {"CQ2025-6"}),
    ("harmony", {"CQ2025-6"}),
    ("大模型备案", {"CQ2025-1"}),
    ("LLM filing", {"CQ2025-1"}),
    ("人才公寓", {"YZ2025-5", "YZ2021-13"}),
    ("talent apartment", {"YZ2025-5", "YZ2021-13"}),
    ("创业担保贷款", {"CQ2025-9#enterprise-loan", "CQ2025-9#individual-loan"}),
    ("graduate loan", {"CQ2025-9"}),
    ("贷款是奖励吗", {"qa:loans"}),
    ("万人", {"CQ2025-7#headcount-10000"}),
    ("headcount 10000", {"CQ2025-7#headcount-10000", "CQ2025-7#headcount-5000"}),
    ("5000人", {"CQ2025-7#headcount-5000"}),
    ("营业收入 分档", {"YZ2025-2.1"}),
    ("revenue tier", {"YZ2025-2.1"}),
    ("赛事 补贴", {"CQ2025-17"}),
    ("hackathon", {"CQ2025-17"}),
    ("生态大会", {"CQ2025-18#conference", "CQ2025-18#regular-municipal"}),
    ("ecosystem conferense", {"CQ2025-18"}),
    ("公共服务平台", {"YZ2025-8.1", "CQ2025-12"}),
    ("专利", {"YZ2021-14#invention-patent", "YZ2021-14#blockchain-patent"}),
    ("blockchain patent", {"YZ2021-14#blockchain-patent"}),
    ("paten", {"YZ2021-14"}),
    ("科创板", {"YZ2021-10#star-market"}),
    ("STAR market", {"YZ2021-10#star-market"}),
    ("满天星 楼宇", {"YZ2025-3", "YZ2025-4"}),
    ("Mantianxing building", {"YZ2025-3"}),
    ("重点软件企业", {"YZ2025-1.1", "CQ2025-7"}),
    ("北斗", {"CQ2025-5"}),
    ("紧缺岗位 青年", {"CQ2025-10"}),
    ("incubatr", {"YZ2021-1"}),
    ("就高不重复", {"qa:stacking"}),
    ("能否叠加", {"qa:stacking"}),
    ("stacking", {"qa:stacking"}),
    ("which policy is in force", {"qa:in_force"}),
    ("哪个政策有效", {"qa:in_force"}),
    ("首次是什么意思", {"qa:first_time"}),
    ("what does possible mean", {"qa:possible"}),
    ("怎么申报", {"qa:how_to_apply"}),
    ("市大数据发展局", {"CQ2025-8"}),
    ("CQ2025-8", {"CQ2025-8"}),
    ("（八）", {"CQ2025-8"}),
]

GARBAGE = ["", "   ", "asdfgh", "qwertyuiop zxcvbnm", "的的的", "？？？", "!!!", "天气怎么样", "12345", "🙂🙂"]
CONTRACT_KEYS = {"clause_id", "title", "score", "citation"}
ADDITIVE_KEYS = {"rule_id", "kind", "summary", "max_award_cny", "award_basis", "benefit", "beneficiary", "level",
                 "document_key", "document_title", "effective", "in_force", "window_status", "responsible_unit",
                 "answer"}


def top_ids(query: str, limit: int = 3) -> set[str]:
    ids: set[str] = set()
    for hit in search_faq(query, limit=limit):
        ids |= {hit.entry.entry_id, hit.entry.clause_id}
    return ids


# --------------------------------------------------------------------------- relevance


@pytest.mark.parametrize(("query", "expected"), QUERY_TABLE, ids=[q for q, _ in QUERY_TABLE])
def test_staff_query_finds_its_clauses_in_the_top_three(query: str, expected: set[str]) -> None:
    found = top_ids(query)
    assert expected <= found, f"{query!r}: top 3 = {[(h.entry.entry_id, h.score) for h in search_faq(query, 3)]}"


def test_the_query_table_covers_both_languages_and_is_large() -> None:
    chinese = [q for q, _ in QUERY_TABLE if re.search(r"[\u4e00-\u9fff]", q)]
    assert len(QUERY_TABLE) >= 30 and len(chinese) >= 15 and len(QUERY_TABLE) - len(chinese) >= 15


def test_every_expected_id_exists() -> None:
    ruleset = default_ruleset()
    known = {r.rule_id for r in ruleset.rules} | {r.clause_id for r in ruleset.rules} | {
        f"qa:{qa_id}" for qa_id in qa_entries()}
    assert {i for _, ids in QUERY_TABLE for i in ids} <= known


@pytest.mark.parametrize("query", GARBAGE)
def test_garbage_query_returns_no_results(query: str) -> None:
    assert search_faq(query) == []
    assert faq_json(query, 5, "zh-CN")["results"] == []


#: Queries no clause or Q&A answers: numbers, markup and code, nonsense, and topics the four texts do
#: not cover. Each must return no result at all (suggestions apart).
UNRELATED = [
    # digits alone
    "1", "2024", "12345678", "3.14", "1000",
    # markup and code
    "<script>alert(1)</script>", "javascript:alert(1)", '"><img src=x onerror=alert(1)>', "&lt;b&gt;",
    "%3Cscript%3E", "{{7*7}}", "${7*7}", "SELECT * FROM users", "../../etc/passwd",
    # nonsense
    "xyzzy 无关", "hello world", "lorem ipsum dolor", "怎么减肥",
    # topics no clause covers
    "how much for ISO certification", "ISO认证", "ISO 9001", "食品安全", "food safety", "餐饮", "restaurant license",
    "医疗器械注册", "外贸出口退税", "tax refund", "visa application", "parking permit", "天气预报",
    "weather tomorrow", "股票推荐", "个人所得税", "社保缴费基数", "公积金", "营业执照办理", "新能源汽车",
    "how to register a company",
]


@pytest.mark.parametrize("query", UNRELATED)
def test_a_query_no_clause_answers_returns_nothing(query: str) -> None:
    found = [(h.entry.entry_id, h.score) for h in search_faq(query, limit=MAX_LIMIT)]
    assert found == [], found
    for locale in LOCALES:
        data = faq_json(query, 10, locale)
        assert data["results"] == [] and 1 <= len(data["suggestions"]) <= 3


def test_there_are_at_least_twenty_unrelated_queries_of_each_kind() -> None:
    assert len(UNRELATED) >= 20 and len(set(UNRELATED)) == len(UNRELATED)


def test_suggestions_are_the_closest_topics_and_each_finds_something() -> None:
    iso = faq_json("how much for ISO certification", 5, "en")["suggestions"]
    assert iso[0]["title"] == default_ruleset().by_id["CQ2025-6"].title.en  # the nearest: a certificate
    for locale in LOCALES:
        assert [s["query"] for s in faq_json("1", 5, locale)["suggestions"]] == list(suggested_topics(locale))[:3]
        for topic in suggested_topics(locale):
            assert search_faq(topic, 1), topic
    assert faq_json("算力券", 5, "zh-CN")["suggestions"] == []  # answered: no suggestions


#: The same question in both languages: the English query ranks the same entry first.
SAME_QUESTION = [
    ("算力券", "compute voucher"), ("小巨人", "little giant"), ("研发准备金", "R&D reserve"),
    ("人才公寓", "talent apartment"), ("开源鸿蒙", "OpenHarmony"), ("就高不重复", "stacking"),
    ("科创板", "STAR market"), ("大模型备案", "LLM filing"), ("创业担保贷款", "start-up guarantee loan"),
    ("区块链 专利", "blockchain patent"), ("哪个政策有效", "which policy is in force"), ("揭榜挂帅", "scenario challenge"),
]


@pytest.mark.parametrize(("chinese", "english"), SAME_QUESTION, ids=[e for _, e in SAME_QUESTION])
def test_english_queries_rank_the_same_entry_first_as_chinese_ones(chinese: str, english: str) -> None:
    zh, en = search_faq(chinese, 3), search_faq(english, 3)
    assert zh and en and en[0].entry.clause_id == zh[0].entry.clause_id, (
        [(h.entry.entry_id, h.score) for h in zh], [(h.entry.entry_id, h.score) for h in en])
    assert en[0].score >= 90 and zh[0].score >= 90


def test_every_rule_of_every_document_is_searchable_whoever_benefits() -> None:
    ruleset = default_ruleset()
    entries = index_for(ruleset).entries
    assert {e.entry_id for e in entries if e.kind == "clause"} == {r.rule_id for r in ruleset.rules}
    assert {r.beneficiary for r in ruleset.rules} >= {"enterprise", "individual", "park_operator", "none"}
    for rule in ruleset.rules:  # its own title finds it
        assert rule.rule_id in {h.entry.entry_id for h in search_faq(rule.title.zh, limit=5)}, rule.rule_id


def test_one_rule_never_appears_twice_and_rules_of_one_clause_each_appear() -> None:
    for query, _ in QUERY_TABLE:
        ids = [h.entry.entry_id for h in search_faq(query, limit=MAX_LIMIT)]
        assert len(ids) == len(set(ids)), query
    assert {"CQ2025-12#national", "CQ2025-12#municipal"} <= {h.entry.entry_id for h in search_faq("公共服务平台", 10)}


def test_scores_are_within_0_100_and_sorted_best_first() -> None:
    for query, _ in QUERY_TABLE:
        scores = [h.score for h in search_faq(query, limit=MAX_LIMIT)]
        assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores), query


def test_ties_are_broken_the_same_way_every_time() -> None:
    first = [h.entry.entry_id for h in search_faq("补贴", limit=MAX_LIMIT)]
    assert [h.entry.entry_id for h in search_faq("补贴", limit=MAX_LIMIT)] == first


def test_equal_scores_put_texts_in_force_first_and_government_tasks_last() -> None:
    hits = search_faq("贷款", limit=MAX_LIMIT, as_of=dt.date(2026, 11, 24))
    top = [h for h in hits if h.score == hits[0].score]
    order = [h.entry.entry_id for h in top]
    assert "CQ2022-2.4.10" in order and order[-1] == "CQ2022-2.4.10"  # expired, and a government task
    assert order.index("CQ2025-9#enterprise-loan") < order.index("CQ2022-2.4.10")
    earlier = [h.entry.entry_id for h in search_faq("贷款", limit=MAX_LIMIT, as_of=dt.date(2023, 1, 1))]
    assert earlier.index("CQ2025-9#enterprise-loan") > earlier.index("YZ2021-9")  # CQ2025 not yet in force


def test_limit_is_respected() -> None:
    for limit in (1, 2, 5, 10):
        assert len(search_faq("补贴", limit=limit)) == limit
        assert len(faq_json("subsidy", limit, "en")["results"]) == limit
    assert search_faq("补贴", limit=0) == []
    assert len(search_faq("补贴", limit=10_000)) <= MAX_LIMIT


def test_query_normalisation() -> None:
    assert normalize_query("  ＣＯＭＰＵＴＥ，Voucher！ ") == "compute voucher"
    assert normalize_query("R&D 10,000人") == "r&d 10000人"
    assert normalize_query("“算力劵”？") == "算力券"


def test_index_is_built_once_per_ruleset_version() -> None:
    ruleset = default_ruleset()
    assert index_for(ruleset) is index_for(ruleset)


# --------------------------------------------------------------------------- JSON shape


def assert_contract_shape(result: dict) -> None:
    assert set(result) >= CONTRACT_KEYS and set(result) - CONTRACT_KEYS - ADDITIVE_KEYS <= {"citations", "loan_limit_cny"}
    assert isinstance(result["clause_id"], str) and result["clause_id"]
    assert isinstance(result["title"], str) and result["title"]
    assert isinstance(result["score"], int | float) and not isinstance(result["score"], bool)
    assert 0 <= result["score"] <= 100
    assert set(result["citation"]) == {"document", "article", "quote"}
    assert all(isinstance(v, str) and v for v in result["citation"].values())


@pytest.mark.parametrize("locale", LOCALES)
def test_json_has_the_contract_keys_and_types_for_every_result(locale: str) -> None:
    for query, _ in QUERY_TABLE:
        data = faq_json(query, 10, locale)
        assert set(data) == {"results", "suggestions"} and data["suggestions"] == []
        json.dumps(data, ensure_ascii=False)  # serialisable
        for result in data["results"]:
            assert_contract_shape(result)
            assert result["kind"] in ("clause", "qa")


def test_clause_result_carries_amount_beneficiary_window_and_unit() -> None:
    (result,) = faq_json("算力券", 1, "en", as_of=dt.date(2026, 11, 24))["results"]
    assert result["clause_id"] == result["rule_id"] == "CQ2025-8"
    assert result["citation"] == {"document": "渝经信规范〔2025〕12号", "article": "（八）",
                                  "quote": default_ruleset().by_id["CQ2025-8"].quote}
    assert result["max_award_cny"] == 1_000_000 and result["benefit"] == "subsidy"
    assert result["beneficiary"] == {"id": "enterprise", "label": "Enterprises"}
    assert result["level"] == "municipal" and result["responsible_unit"] == "市大数据发展局"
    assert result["effective"] == {"from": "2025-12-25", "to": "2027-12-31"} and result["in_force"] is True
    assert result["title"] == "Compute voucher for AI-agent and digital-twin developers"


def test_in_force_is_judged_on_the_given_day() -> None:
    expired = faq_json("小巨人", 10, "zh-CN", as_of=dt.date(2026, 11, 24))["results"]
    cq2022 = [r for r in expired if r["rule_id"] == "CQ2022-3.2.2#titles"]
    assert cq2022 and cq2022[0]["in_force"] is False and cq2022[0]["window_status"] == "expired"
    earlier = faq_json("小巨人", 10, "zh-CN", as_of=dt.date(2024, 1, 1))["results"]
    assert [r for r in earlier if r["rule_id"] == "CQ2022-3.2.2#titles"][0]["in_force"] is True


def test_max_award_follows_the_formula() -> None:
    by_id = default_ruleset().by_id
    assert max_award_cny(by_id["CQ2025-7#headcount-10000"]) == 20_000_000  # fixed
    assert max_award_cny(by_id["YZ2025-1.1"]) == 3_000_000  # capped
    assert max_award_cny(by_id["YZ2025-2.1"]) == 10_000_000  # top tier
    assert max_award_cny(by_id["YZ2021-14#blockchain-patent"]) == 100_000  # per item
    assert max_award_cny(by_id["YZ2025-1.2"]) is None  # 择优, no amount
    assert max_award_cny(by_id["YZ2025-7.1"]) is None  # R&D share, no cap
    assert max_award_cny(by_id["CQ2025-9#enterprise-loan"]) is None  # a loan is not an award


def test_loan_result_shows_the_loan_ceiling_apart_from_the_award() -> None:
    results = faq_json("创业担保贷款", 5, "zh-CN")["results"]
    loan = next(r for r in results if r["rule_id"] == "CQ2025-9#enterprise-loan")
    assert loan["max_award_cny"] is None and loan["benefit"] == "loan" and loan["loan_limit_cny"] == 6_000_000


def test_qa_result_points_at_the_provision_it_is_about() -> None:
    results = faq_json("就高不重复", 5, "zh-CN")["results"]
    stacking = next(r for r in results if r["rule_id"] == "qa:stacking")
    assert stacking["kind"] == "qa" and stacking["clause_id"] == "YZ2025"
    assert "就高不重复" in stacking["citation"]["quote"] and stacking["answer"]
    cited = " ".join(c["quote"] for c in stacking["citations"])
    for document in default_ruleset().documents.values():
        assert document.stacking_quote is None or document.stacking_quote in cited, document.key
    loans = next(r for r in faq_json("贷款是奖励吗", 3, "en")["results"] if r["rule_id"] == "qa:loans")
    assert loans["clause_id"] == "CQ2025-9" and loans["citation"]["article"] == "（九）"


# --------------------------------------------------------------------------- curated Q&A and synonyms


def squash(text: str) -> str:
    """NFKC, no whitespace, no quotation marks: how a quoted passage is compared with the sources."""
    return re.sub(r"[\s“”‘’\"]", "", unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_qa_entry_is_complete_in_both_locales(locale: str) -> None:
    assert len(qa_entries()) >= 9
    for qa_id, qa in qa_entries().items():
        text = qa.text(locale)
        assert text.question and text.summary and text.answer, qa_id
        assert len(text.keywords) >= 3, qa_id


def test_every_qa_source_resolves_to_a_text_of_the_documents() -> None:
    ruleset = default_ruleset()
    for qa_id, qa in qa_entries().items():
        for ref in qa.sources:
            assert resolve_source(ruleset, ref) is not None, (qa_id, ref)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_passage_the_answers_quote_is_verbatim_from_the_documents(locale: str) -> None:
    sources = "".join(squash(path.read_text(encoding="utf-8")) for path in SOURCES.glob("*.txt"))
    pattern = r"“([^”]+)”" if locale == "zh-CN" else r"\"([^\"]+)\""
    checked = 0
    for qa_id, qa in qa_entries().items():
        answer = qa.text(locale).answer
        for passage in re.findall(pattern, answer):
            if len(passage) >= 12 and re.search(r"[\u4e00-\u9fff]", passage):
                assert squash(passage) in sources, (qa_id, passage)
                checked += 1
    assert checked >= 8


def test_curated_synonyms_name_existing_clauses_or_rules() -> None:
    ruleset = default_ruleset()
    known = {r.rule_id for r in ruleset.rules} | {r.clause_id for r in ruleset.rules}
    ids = set(synonyms())
    assert len(ids) >= 100 and ids <= known, sorted(ids - known)


# --------------------------------------------------------------------------- CLI


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_cli_prints_contract_json_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "faq", "算力券")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["results"][0]["clause_id"] == "CQ2025-8" and len(data["results"]) <= 5
    for result in data["results"]:
        assert_contract_shape(result)


def test_cli_respects_limit_and_locale(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "faq", "subsidy", "--limit", "2", "--format", "json", "--locale", "en")
    results = json.loads(out)["results"]
    assert code == 0 and len(results) == 2
    by_id = default_ruleset().by_id
    assert all(r["title"] == by_id[r["rule_id"]].title.en for r in results if r["kind"] == "clause")


def test_cli_text_format_is_a_readable_list(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "faq", "compute voucher", "--format", "text", "--locale", "en", "--limit", "3")
    rule = default_ruleset().by_id["CQ2025-8"]
    assert code == 0 and out.startswith("Results for “compute voucher”")
    for expected in (rule.title.en, "CNY 1,000,000", "Enterprises", "2025-12-25 to 2027-12-31", "市大数据发展局",
                     rule.quote, "1. "):
        assert expected in out, expected
    code, out, _ = run_cli(capsys, "faq", "就高不重复", "--format", "text", "--limit", "1")
    assert code == 0 and "[问答]" in out and "就高不重复" in out


def test_cli_text_format_says_when_nothing_matched(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "faq", "asdfgh", "--format", "text")
    no_results, offered = out.splitlines()
    assert code == 0 and no_results.startswith("没有找到相关条款") and "asdfgh" in no_results
    assert offered.startswith("建议") and "不是检索结果" in offered and "“算力券”" in offered
    code, out, _ = run_cli(capsys, "faq", "how much for ISO certification", "--format", "text", "--locale", "en")
    assert out.startswith("No matching clause") and "suggestions, not results" in out


def test_cli_json_for_an_unanswered_query_has_empty_results(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "faq", "<script>alert(1)</script>")
    data = json.loads(out)
    assert code == 0 and data["results"] == [] and data["suggestions"]


@pytest.mark.parametrize(("locale", "word"), [("zh-CN", "为空"), ("en", "empty")])
def test_cli_empty_query_exits_2_with_one_localised_line(capsys: pytest.CaptureFixture[str], locale: str,
                                                         word: str) -> None:
    code, out, err = run_cli(capsys, "faq", "  ", "--locale", locale)
    assert code == 2 and out == "" and err.count("\n") == 1 and word in err


@pytest.mark.parametrize("limit", ["0", "-1", "abc", str(MAX_LIMIT + 1)])
def test_cli_bad_limit_exits_2_with_one_line(capsys: pytest.CaptureFixture[str], limit: str) -> None:
    code, out, err = run_cli(capsys, "faq", "算力券", "--limit", limit)
    assert code == 2 and out == "" and err.count("\n") == 1 and "--limit" in err


# --------------------------------------------------------------------------- properties


@settings(max_examples=300, deadline=None)
@given(query=st.text(max_size=300), limit=st.integers(min_value=-2, max_value=60),
       locale=st.sampled_from(["zh-CN", "en", "fr", ""]))
def test_any_text_never_raises_and_gives_sorted_bounded_results(query: str, limit: int, locale: str) -> None:
    results = faq_json(query, limit, locale)["results"]
    assert len(results) <= max(0, min(limit, MAX_LIMIT))
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 100 for s in scores)
    assert len({r["rule_id"] for r in results}) == len(results)


@settings(max_examples=100, deadline=None)
@given(query=st.sampled_from([q for q, _ in QUERY_TABLE]), noise=st.sampled_from(["", " ", "？", "!", "  。"]))
def test_punctuation_and_spacing_around_a_query_do_not_change_the_results(query: str, noise: str) -> None:
    assert [h.entry.entry_id for h in search_faq(noise + query + noise)] == [h.entry.entry_id for h in search_faq(query)]
