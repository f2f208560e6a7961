"""Rule data that cannot drift: every id, fact and operator a condition names is known, the
vocabularies live in data beside the rules, and they agree with the contract and the profile."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from locales import has
from rules.loader import DATA_DIR, RuleDataError, default_ruleset, load_ruleset
from rules.profile import CENTRAL_DISTRICTS, Event, Profile
from rules.schema import AllOf, Leaf, iter_leaves
from rules.vocabulary import default_vocabulary, load_facts

CONTRACT = Path(__file__).resolve().parents[3] / "shared" / "CONTRACT.md"


def broken_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    """A copy of the rule data with one edit in ``name``."""
    for path in DATA_DIR.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    target = tmp_path / name
    text = target.read_text(encoding="utf-8")
    assert old in text, old
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(("name", "old", "new", "rule", "words"), [
    ("YZ2025.yaml", "[activities, has, moved_into_demo_building]", "[activities, has, moved_into_demo_buildin]",
     "YZ2025-3", ["unknown activities id", "moved_into_demo_buildin"]),
    ("YZ2025.yaml", "[certifications, has_any, [national_little_giant,", "[certifications, has_any, [national_litle_giant,",
     "YZ2025-1.2", ["unknown certifications id", "national_litle_giant"]),
    ("CQ2025.yaml", "[software_staff, gt, 10000]", "[software_staf, gt, 10000]",
     "CQ2025-7#headcount-10000", ["unknown fact", "software_staf"]),
    ("CQ2025.yaml", "[software_staff, gt, 10000]", "[software_staff, has, 10000]",
     "CQ2025-7#headcount-10000", ["operator 'has'", "software_staff"]),
    ("CQ2025.yaml", "[new_certifications, has, genai_model_filing]", "[new_certifications, gte, 1]",
     "CQ2025-1", ["operator 'gte'", "new_certifications"]),
    ("CQ2025.yaml", "[software_staff, gt, 10000]", "[software_staff, gt, '10000']",
     "CQ2025-7#headcount-10000", ["not a number"]),
    ("YZ2021.yaml", "[rnd_reserve_system, is, true]", "[rnd_reserve_system, is, yes please]",
     "YZ2021-4#rnd-under-10m", ["not true or false"]),
    ("YZ2025.yaml", "[district, eq, 渝中区]", "[district, eq, 渝中]", "YZ2025-1.1", ["unknown district id", "渝中"]),
    ("CQ2025.yaml", "[event.kind, eq, competition]", "[event.kind, eq, contest]", "CQ2025-17",
     ["unknown event_kinds id", "contest"]),
    ("YZ2025.yaml", "[compute_spend_cny, gt, 0]", "[event.cost_cny, gt, 0]", "YZ2025-7.2",
     ["event fact", "for_each"]),
    ("YZ2025.yaml", "[revenue_cny, gt_fact, revenue_prev_cny]", "[revenue_cny, gt_fact, revenue_before]", "YZ2025-2.1",
     ["unknown fact", "revenue_before"]),
    ("YZ2025.yaml", "kind: tiers\n      base: revenue_cny", "kind: tiers\n      base: revenue", "YZ2025-2.1",
     ["formula", "unknown fact", "'revenue'"]),
    ("YZ2021.yaml", "base: refinancing_amount_cny", "base: activities", "YZ2021-10#refinancing",
     ["formula", "not a figure"]),
])
def test_the_loader_rejects_an_unknown_id_fact_or_operator_naming_file_and_rule(
        tmp_path: Path, name: str, old: str, new: str, rule: str, words: list[str]) -> None:
    with pytest.raises(RuleDataError) as error:
        load_ruleset(broken_copy(tmp_path, name, old, new))
    message = str(error.value)
    assert name in message and f"rule {rule}:" in message, message
    for word in words:
        assert word in message, message


def test_an_unknown_operator_is_rejected_naming_file_rule_and_field(tmp_path: Path) -> None:
    with pytest.raises(RuleDataError) as error:
        load_ruleset(broken_copy(tmp_path, "CQ2025.yaml", "[software_staff, gt, 10000]", "[software_staff, gtt, 10000]"))
    message = str(error.value)
    assert "CQ2025.yaml" in message and "CQ2025-7#headcount-10000" in message and "conditions" in message, message


def test_the_vocabulary_itself_is_checked(tmp_path: Path) -> None:
    with pytest.raises(RuleDataError, match="vocabulary.yaml"):
        load_ruleset(broken_copy(tmp_path, "vocabulary.yaml", "implies: [first_version_software]",
                                 "implies: [first_version_sofware]"))
    with pytest.raises(RuleDataError, match="vocabulary.yaml"):
        load_ruleset(broken_copy(tmp_path, "vocabulary.yaml", "巴南区, 两江新区, 西部科学城", "巴南区, 两江, 西部科学城"))


def test_every_fact_in_facts_yaml_is_a_profile_or_event_field_and_back() -> None:
    table = load_facts()
    assert set(table.facts) == set(Profile.model_fields) - {"as_of"}
    assert set(table.event) == set(Event.model_fields)


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared/CONTRACT.md not beside the repository")
def test_every_contract_field_and_id_is_in_the_profile_and_the_vocabulary() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    section = text[text.index("### Profile"):text.index("### Assessment")]
    fields = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)
    assert len(fields) >= 21 and {"newly_settled", "moved_within_chongqing", "informatisation_investment_cny"} <= set(fields)
    assert set(fields) <= set(Profile.model_fields)
    vocabulary = default_vocabulary()
    certs = re.findall(r"`([a-z_]+)`\s*\(", section[section.index("Certification ids"):section.index("Activity ids")])
    activities = re.findall(r"`([a-z_]+)`", section[section.index("Activity ids"):])
    assert "tech_based_sme" in certs and "first_version_software" in activities
    assert all(vocabulary.certifications[c].contract for c in certs)
    assert all(vocabulary.activities[a].contract for a in activities)
    assert {c for c, info in vocabulary.certifications.items() if info.contract} == set(certs)
    assert {a for a, info in vocabulary.activities.items() if info.contract} == set(activities)


@pytest.mark.skipif(not CONTRACT.exists(), reason="shared/CONTRACT.md not beside the repository")
def test_the_central_districts_are_the_contracts_and_cq2022_2_2_4_uses_exactly_them() -> None:
    text = CONTRACT.read_text(encoding="utf-8")
    line = text[text.index("- 中心城区"):text.index("A support the central districts give")]
    listed = re.findall(r"[\u4e00-\u9fff]+区", line.split("):", 1)[1])
    assert tuple(listed) == CENTRAL_DISTRICTS
    rule = default_ruleset().by_id["CQ2022-2.2.4"]
    district = next(leaf for leaf in iter_leaves(rule.conditions) if leaf.fact == "district")
    assert district.op == "in" and tuple(district.value) == CENTRAL_DISTRICTS  # type: ignore[arg-type]


def test_every_id_has_a_label_in_both_locales() -> None:
    vocabulary = default_vocabulary()
    catalogs = {"certifications": vocabulary.certifications, "activities": vocabulary.activities,
                "districts": vocabulary.all_districts, "event_kinds": vocabulary.choices["event_kinds"],
                "event_levels": vocabulary.choices["event_levels"],
                "platform_levels": vocabulary.choices["platform_levels"]}
    for locale in ("zh-CN", "en"):
        for catalog, ids in catalogs.items():
            for ident in ids:
                assert has(locale, f"{catalog}.{ident}"), (locale, catalog, ident)
        for fact in [*load_facts().facts, *load_facts().event]:
            assert has(locale, f"facts.{fact}"), (locale, fact)


def test_implied_activities_are_added_to_the_facts() -> None:
    facts = Profile.model_validate({"activities": ["first_version_software_media"]}).facts()
    assert facts["activities"] == ["first_version_software_media", "first_version_software"]
    assert Profile.model_validate({"activities": ["open_source_project"]}).facts()["activities"] == ["open_source_project"]


def test_iter_leaves_walks_nested_conditions_in_order() -> None:
    rule = default_ruleset().by_id["YZ2021-5"]
    assert isinstance(rule.conditions, AllOf)
    facts = [leaf.fact for leaf in iter_leaves(rule.conditions)]
    assert facts == ["district", "new_certifications", "newly_settled", "certifications"]
    assert list(iter_leaves(None)) == []
    leaf = Leaf(fact="district", op="eq", value="渝中区")
    assert list(iter_leaves(leaf)) == [leaf]
