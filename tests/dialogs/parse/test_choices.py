"""dialogs.parse.choices: single and multi choice, exact before fuzzy, ambiguity asked, lists kept."""

from __future__ import annotations

import pytest

from dialogs.parse import Ambiguous, Invalid, Ok, Partial, mentioned_options, parse_choice, parse_multi
from tests.dialogs.parse.options import CERTIFICATIONS, question_options

DISTRICTS = question_options("district")
DISTRICTS_EN = question_options("district", "en")
TITLES = question_options("certifications")

CHOICES = [
    ("national_little_giant", "national_little_giant"), ("National_Little_Giant", "national_little_giant"),
    ("2", "national_little_giant"), ("2.", "national_little_giant"), ("第2个", "national_little_giant"),
    ("第二个", "national_little_giant"), ("(2)", "national_little_giant"),
    ("国家专精特新“小巨人”", "national_little_giant"), ('国家专精特新"小巨人"', "national_little_giant"),
    ("National “little giant” enterprise", "national_little_giant"), ("高企", "high_tech_enterprise"),
    ("hnte", "high_tech_enterprise"), ("小巨人", "national_little_giant"), ("北斗星", "beidouxing"),
    ("genai filing", "genai_model_filing"), ("Generative AI model filing", "genai_model_filing"),
    ("Generativ AI modle filing", "genai_model_filing"), ("little giant", "national_little_giant"),
    ("openharmony", "openharmony_certificate"), ("鸿蒙证书", "openharmony_certificate"),
    ("大模型备案", "genai_model_filing"), ("高新技术企业认定", "high_tech_enterprise"),
    ("小巨人企业", "national_little_giant"), ("启明星。", "qimingxing"), ("hi-tech", "high_tech_enterprise"),
    ("国高新", "high_tech_enterprise"), ("high-tech enterprise certificate", "high_tech_enterprise"),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "expected"), CHOICES)
def test_parse_choice_reads_the_option_meant(answer: str, expected: str) -> None:
    assert parse_choice(answer, CERTIFICATIONS) == Ok(expected)


@pytest.mark.parametrize(
    ("answer", "key"),
    [("abc", "parsing.choice.not_understood"), ("火星", "parsing.choice.not_understood"),
     ("10", "parsing.choice.out_of_range"), ("0", "parsing.choice.out_of_range"), ("", "parsing.choice.empty")],
)  # fmt: skip
def test_parse_choice_rejects_naming_why(answer: str, key: str) -> None:
    outcome = parse_choice(answer, CERTIFICATIONS)
    assert isinstance(outcome, Invalid)
    assert outcome.key == key


@pytest.mark.parametrize(
    ("answer", "candidates"),
    [("专精特新", ("national_little_giant", "municipal_specialized_sme")),
     ("重点软件", ("national_key_software", "municipal_key_software"))],
)  # fmt: skip
def test_parse_choice_asks_which_when_several_fit(answer: str, candidates: tuple[str, ...]) -> None:
    assert parse_choice(answer, CERTIFICATIONS) == Ambiguous(candidates, answer)


def test_unmatched_choice_lists_a_few_options() -> None:
    outcome = parse_choice("abc", CERTIFICATIONS)
    assert isinstance(outcome, Invalid)
    assert outcome.params["examples"] == "国家鼓励的重点软件企业 / 国家专精特新“小巨人” / 市级重点软件和信息服务企业"


@pytest.mark.parametrize(
    ("answer", "district"),
    [("渝中", "渝中区"), ("yuzhong", "渝中区"), ("we're in yuzhong", "渝中区"), ("Yuzhong District", "渝中区"),
     ("渝北", "渝北区"), ("重庆市渝中区", "渝中区"), ("我们在渝中区解放碑", "渝中区"), ("zhong county", "忠县"),
     ("忠县", "忠县"), ("两江新区", "两江新区"), ("两江", "两江新区")],
)  # fmt: skip
def test_districts_are_read_exactly_not_as_lookalikes(answer: str, district: str) -> None:
    assert parse_choice(answer, DISTRICTS) == Ok(district)
    assert parse_choice(answer, DISTRICTS_EN) == Ok(district)


@pytest.mark.parametrize(
    ("text", "named"),
    [("渝中区的，想问下能拿什么补贴", ("渝中区",)), ("我们公司在渝北，营收1.2亿", ("渝北区",)),
     ("we are a software firm in Yuzhong", ("渝中区",)), ("想问下补贴政策", ()), ("渝中还是渝北", ("渝中区", "渝北区")),
     ("", ())],
)  # fmt: skip
def test_mentioned_options_finds_names_inside_a_sentence(text: str, named: tuple[str, ...]) -> None:
    assert mentioned_options(text, DISTRICTS) == named


MULTIS = [
    ("小巨人、北斗星", ["national_little_giant", "beidouxing"]), ("北斗星，小巨人", ["national_little_giant", "beidouxing"]),
    ("小巨人和北斗星", ["national_little_giant", "beidouxing"]), ("小巨人及北斗星", ["national_little_giant", "beidouxing"]),
    ("小巨人 北斗星", ["national_little_giant", "beidouxing"]),
    ("小巨人; 北斗星；启明星", ["national_little_giant", "beidouxing", "qimingxing"]),
    ("小巨人/北斗星", ["national_little_giant", "beidouxing"]), ("1,3", ["national_key_software", "municipal_key_software"]),
    ("1、3", ["national_key_software", "municipal_key_software"]), ("3 1", ["national_key_software", "municipal_key_software"]),
    ("1和3", ["national_key_software", "municipal_key_software"]), ("无", []), ("没有", []), ("都没有", []), ("none", []),
    ("None.", []), ("no", []), ("nothing", []), ("-", []), ("小巨人 小巨人、2", ["national_little_giant"]),
    ("市级重点软件和信息服务企业", ["municipal_key_software"]),
    ("市级重点软件和信息服务企业、北斗星", ["municipal_key_software", "beidouxing"]),
    ("重点软件和信息服务", ["municipal_key_software"]), ("Generative AI model filing (CAC)", ["genai_model_filing"]),
    ("Generative AI model filing", ["genai_model_filing"]),
    ("Generative AI model filing and little giant", ["national_little_giant", "genai_model_filing"]),
    ("genai filing, openharmony", ["genai_model_filing", "openharmony_certificate"]),
    ("Municipal key software and information service enterprise", ["municipal_key_software"]),
    ("高新 鸿蒙 北斗星", ["beidouxing", "high_tech_enterprise", "openharmony_certificate"]),
    ("national_key_software, beidouxing", ["national_key_software", "beidouxing"]),
    ("我们是高企，还有小巨人", ["national_little_giant", "high_tech_enterprise"]),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "expected"), MULTIS)
def test_parse_multi_reads_every_option_named(answer: str, expected: list[str]) -> None:
    assert parse_multi(answer, CERTIFICATIONS) == Ok(expected)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("高企, ISO27001", Partial(("high_tech_enterprise",), ("ISO27001",))),
        ("高企 ISO27001", Partial(("high_tech_enterprise",), ("ISO27001",))),
        ("我们有高企和ISO27001", Partial(("high_tech_enterprise",), ("ISO27001",))),
        ("小巨人，abc", Partial(("national_little_giant",), ("abc",))),
        ("we have HNTE and ISO 9001", Partial(("high_tech_enterprise",), ("ISO 9001",))),
    ],
)
def test_parse_multi_keeps_known_titles_and_names_the_rest(answer: str, expected: Partial) -> None:
    assert parse_multi(answer, TITLES) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("专精特新", Ambiguous(("national_little_giant", "municipal_specialized_sme"), "专精特新")),
        ("小巨人、专精特新",
         Ambiguous(("national_little_giant", "municipal_specialized_sme"), "专精特新", ("national_little_giant",))),
        ("高企和专精特新",
         Ambiguous(("national_little_giant", "municipal_specialized_sme"), "专精特新", ("high_tech_enterprise",))),
    ],
)
def test_parse_multi_asks_which_title_for_a_shared_word(answer: str, expected: Ambiguous) -> None:
    assert parse_multi(answer, TITLES) == expected


@pytest.mark.parametrize(
    ("answer", "key", "part"),
    [("abc", "parsing.multi.not_understood", "abc"), ("1, 20", "parsing.multi.out_of_range", "20"),
     ("", "parsing.multi.empty", None)],
)  # fmt: skip
def test_parse_multi_rejects_naming_the_part(answer: str, key: str, part: str | None) -> None:
    outcome = parse_multi(answer, CERTIFICATIONS)
    assert isinstance(outcome, Invalid)
    assert outcome.key == key
    assert outcome.params.get("text") == part
