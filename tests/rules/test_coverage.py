"""Nothing silently dropped: every clause id the contract names and every numbered item of the
four documents has a record, every quote is verbatim, every record's texts exist in both locales."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from locales import has
from rules.loader import DATA_DIR, RuleDataError, default_ruleset, load_ruleset

REPO = Path(__file__).resolve().parents[2]
SOURCES = REPO / "rules" / "sources"
SHARED_SEEDS = REPO.parent / "shared" / "seeds"
CONTRACT = REPO.parent / "shared" / "CONTRACT.md"
CN_NUM = "一二三四五六七八九十"


def squash(text: str) -> str:
    """NFKC, no whitespace: how a verbatim quote is compared with the extracted source text."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def cn_int(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CN_NUM.index(text[1]) + 1
    if len(text) == 2 and text.endswith("十"):
        return (CN_NUM.index(text[0]) + 1) * 10
    if "十" in text:
        tens, units = text.split("十")
        return (CN_NUM.index(tens) + 1) * 10 + CN_NUM.index(units) + 1
    return CN_NUM.index(text) + 1


def source(key: str) -> str:
    return squash((SOURCES / f"{key}.txt").read_text(encoding="utf-8"))


def items_yz2025() -> set[str]:
    text = source("YZ2025")
    ids = set()
    parts = re.split(r"第([一二三四五六七八九十]+)条", text)
    for number, body in zip(parts[1::2], parts[2::2], strict=True):
        article = cn_int(number)
        items = re.findall(r"\(([一二三四五六七八九十]+)\)", body)
        ids.update(f"YZ2025-{article}.{cn_int(i)}" for i in items) if items else ids.add(f"YZ2025-{article}")
    return ids


def items_cq2025() -> set[str]:
    return {f"CQ2025-{cn_int(n)}" for n in re.findall(r"\(([一二三四五六七八九十]+)\)", source("CQ2025"))}


def items_cq2022() -> set[str]:
    text = source("CQ2022")
    tasks = text[text.index("二、重点任务"):text.index("三、保障措施")]
    ids = {"CQ2022-1"} if "一、发展目标" in text else set()
    for section, body in re.findall(r"\(([一二三四五六])\)(.*?)(?=\([一二三四五六]\)|$)", tasks):
        ids.update(f"CQ2022-2.{cn_int(section)}.{n}" for n in re.findall(r"(\d+)\.", body))
    measures = text[text.index("三、保障措施"):]
    for section, body in re.findall(r"\(([一二三])\)(.*?)(?=\([一二三]\)|$)", measures):
        numbered = re.findall(r"(?<![\d.])(\d)\.(?!\d)", body)
        ids.update(f"CQ2022-3.{cn_int(section)}.{n}" for n in numbered) if numbered else ids.add(
            f"CQ2022-3.{cn_int(section)}")
    return ids


def items_yz2021() -> set[str]:
    text = source("YZ2021")
    measures = text[text.index("二、支持措施"):text.index("三、附则")]
    return {f"YZ2021-{n}" for n in re.findall(r"(?<![\d.])(\d{1,2})\.(?!\d)", measures)}


@pytest.mark.parametrize("numbered_items", [items_yz2025, items_cq2025, items_cq2022, items_yz2021])
def test_every_numbered_item_of_each_document_has_a_record(numbered_items) -> None:
    expected = numbered_items()
    assert len(expected) >= 10, f"parsed too few items: {sorted(expected)}"
    recorded = {rule.clause_id for rule in default_ruleset().rules}
    assert expected - recorded == set(), "numbered items without a record"
    key = next(iter(expected)).split("-")[0]
    assert {c for c in recorded if c.startswith(key + "-")} - expected == set(), "records for no item"


def test_numbered_item_counts_match_the_documents() -> None:
    assert len(items_yz2025()) == 15  # 十条: 一 (2), 二 (3), 七 (2), 八 (2) items + 6 articles without
    assert len(items_cq2025()) == 18
    assert len(items_cq2022()) == 1 + 14 + 4
    assert len(items_yz2021()) == 23


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared/CONTRACT.md not beside the repository")
def test_every_clause_and_rule_id_named_by_the_contract_has_a_record() -> None:
    ruleset = default_ruleset()
    text = CONTRACT.read_text(encoding="utf-8")
    clause_ids = {rule.clause_id for rule in ruleset.rules}
    named = set(re.findall(r"\b((?:YZ2025|CQ2025|CQ2022|YZ2021)-\d+(?:\.\d+)*(?:#[a-z0-9-]+)?)", text))
    assert named, "no ids found in the contract"
    for ident in named:
        if "#" in ident:
            assert ident in ruleset.by_id, ident
        else:
            assert ident in clause_ids, ident


def test_every_quote_is_verbatim_from_its_document() -> None:
    ruleset = default_ruleset()
    for rule in ruleset.rules:
        key = rule.clause_id.split("-")[0]
        assert squash(rule.quote) in source(key), f"{rule.rule_id}: quote not found verbatim in {key}"
    for key, document in ruleset.documents.items():
        for provision in document.provisions:
            assert squash(provision.quote) in source(key), f"{key} {provision.label}"
        if document.stacking_quote:
            assert squash(document.stacking_quote) in source(key), key


@pytest.mark.skipif(not SHARED_SEEDS.exists(), reason="shared/seeds not beside the repository")
def test_packaged_sources_are_the_shared_seeds() -> None:
    seeds = {p.read_text(encoding="utf-8") for p in SHARED_SEEDS.glob("*.txt")}
    for path in SOURCES.glob("*.txt"):
        assert path.read_text(encoding="utf-8") in seeds, path.name


def test_every_caveat_and_reading_has_text_in_both_locales() -> None:
    readings_doc = (REPO / "rules" / "READINGS.md").read_text(encoding="utf-8")
    for rule in default_ruleset().rules:
        for key in rule.caveats:
            assert has("zh-CN", f"caveats.{key}") and has("en", f"caveats.{key}"), (rule.rule_id, key)
        for rid in rule.readings:
            assert has("zh-CN", f"readings.{rid}") and has("en", f"readings.{rid}"), (rule.rule_id, rid)
            assert f"| {rid} |" in readings_doc, f"{rid} not documented in READINGS.md"


def test_contract_stacking_groups_share_a_subject_within_their_level() -> None:
    by_id = default_ruleset().by_id
    groups = [
        ["YZ2025-1.1", "YZ2021-6#key-software"],
        ["CQ2025-7#key-software", "CQ2022-3.2.2#key-software"],
        ["CQ2025-7#headcount-10000", "CQ2025-7#headcount-5000"],
        ["YZ2025-7.1", "YZ2021-4#rnd-under-10m"],
        ["YZ2025-9#national", "YZ2025-9#municipal", "YZ2021-20"],
        ["CQ2025-17", "CQ2025-18#conference", "CQ2025-18#regular-municipal"],
        ["CQ2025-12#national", "CQ2025-12#municipal", "CQ2022-3.2.2#platform"],
        ["YZ2025-1.2", "YZ2021-6#titles-matching"],
    ]
    for group in groups:
        subjects = {by_id[rule_id].rewards for rule_id in group}
        assert len(subjects) == 1 and None not in subjects, group


def test_a_malformed_record_fails_naming_file_rule_and_field(tmp_path: Path) -> None:
    for path in DATA_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    broken = tmp_path / "CQ2025.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace(
        "formula: {kind: fixed, amount: 500000}", "formula: {kind: fixed, amount: lots}", 1), encoding="utf-8")
    with pytest.raises(RuleDataError) as error:
        load_ruleset(tmp_path)
    message = str(error.value)
    assert "CQ2025.yaml" in message and "CQ2025-1" in message and "formula" in message


def test_ruleset_version_is_a_stable_fingerprint_of_the_data(tmp_path: Path) -> None:
    assert load_ruleset().version == load_ruleset().version
    for path in DATA_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    changed = tmp_path / "YZ2021.yaml"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert load_ruleset(tmp_path).version != load_ruleset().version
