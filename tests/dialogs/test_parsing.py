"""Tests of dialogs.parsing: table-driven examples, property tests, and the locale messages."""

from __future__ import annotations

import re
import string
from decimal import Decimal

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.parsing import (
    MESSAGE_PARAMS,
    ChoiceOption,
    Invalid,
    Ok,
    Unknown,
    is_skip,
    normalize_text,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_integer,
    parse_multi,
)
from locales import LOCALE_DIR, LOCALES, t

CERTIFICATIONS = (
    ChoiceOption("national_key_software", ("国家鼓励的重点软件企业", "National key software enterprise")),
    ChoiceOption("national_little_giant", ("国家专精特新“小巨人”", "National “little giant” enterprise")),
    ChoiceOption(
        "municipal_key_software",
        ("市级重点软件和信息服务企业", "Municipal key software and information service enterprise"),
    ),
    ChoiceOption("beidouxing", ("重庆市“北斗星”软件企业", "Chongqing Beidouxing software enterprise")),
    ChoiceOption("qimingxing", ("重庆市“启明星”软件企业", "Chongqing Qimingxing software enterprise")),
    ChoiceOption(
        "municipal_specialized_sme", ("市级专精特新中小企业", "Municipal specialised and sophisticated SME")
    ),
    ChoiceOption(
        "high_tech_enterprise", ("国家高新技术企业", "National high-tech enterprise"), ("高企", "HNTE")
    ),
    ChoiceOption(
        "genai_model_filing", ("中央网信办生成式人工智能大模型备案", "Generative AI model filing (CAC)")
    ),
    ChoiceOption("openharmony_certificate", ("开源鸿蒙兼容性证书", "OpenHarmony compatibility certificate")),
)
CERTIFICATION_IDS = [option.id for option in CERTIFICATIONS]
PARSERS_OF_TEXT = (
    parse_amount,
    parse_integer,
    parse_bool,
    lambda text: parse_choice(text, CERTIFICATIONS),
    lambda text: parse_multi(text, CERTIFICATIONS),
)

SKIP_ANSWERS = [
    "不知道", "不清楚", "不确定", "跳过", "skip", "unknown", "don't know", "Don’t know", "dunno",
    "n/a", "N/A", "?", "？", "？？", "不知道。", "我不知道", "I don't know", "idk", " 跳过 ",
]  # fmt: skip


# --------------------------------------------------------------------------- helpers


def chinese_numeral(n: int) -> str:
    """``n`` (< 1e12) in standard Chinese numerals: 10050 → 一万零五十, 100000001 → 一亿零一."""
    if n == 0:
        return "零"
    result, zero_pending = "", False
    for value, unit in ((n // 10**8, "亿"), (n // 10**4 % 10**4, "万"), (n % 10**4, "")):
        if value == 0:
            zero_pending = bool(result)
            continue
        if result and (zero_pending or value < 1000):
            result += "零"
        result += _chinese_section(value) + unit
        zero_pending = False
    return result


def _chinese_section(value: int) -> str:
    digits = "零一二三四五六七八九"
    out, zero_pending = "", False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = value // place % 10
        if digit == 0:
            zero_pending = bool(out)
            continue
        if zero_pending:
            out += "零"
        out += digits[digit] + unit
        zero_pending = False
    return out


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


# --------------------------------------------------------------------------- normalize / skip


def test_normalize_text_folds_width_case_and_spaces() -> None:
    assert normalize_text("  ＲＭＢ　１２００万  \t 元 ") == "rmb 1200万 元"


@pytest.mark.parametrize("answer", SKIP_ANSWERS)
def test_is_skip_recognises_dont_know(answer: str) -> None:
    assert is_skip(answer)


@pytest.mark.parametrize("answer", ["0", "no", "无", "1.2亿", "是", "idkfa", "知道", "skipper", ""])
def test_is_skip_leaves_real_answers(answer: str) -> None:
    assert not is_skip(answer)


@pytest.mark.parametrize("answer", SKIP_ANSWERS)
@pytest.mark.parametrize("parser", PARSERS_OF_TEXT)
def test_every_parser_returns_unknown_for_skip(parser, answer: str) -> None:
    assert parser(answer) == Unknown()


# --------------------------------------------------------------------------- amounts

AMOUNTS = [
    ("1.2亿", 120_000_000),
    ("1.2 亿元", 120_000_000),
    ("12000万", 120_000_000),
    ("一千二百万", 12_000_000),
    ("3千万", 30_000_000),
    ("5百万", 5_000_000),
    ("120万元", 1_200_000),
    ("1,200,000", 1_200_000),
    ("1.2e8", 120_000_000),
    ("RMB 12 million", 12_000_000),
    ("1.2 billion yuan", 1_200_000_000),
    ("约3000万", 30_000_000),
    ("3000万左右", 30_000_000),
    ("大约 1.5 亿", 150_000_000),
    ("1亿2000万", 120_000_000),
    ("两千万", 20_000_000),
    ("十二亿", 1_200_000_000),
    ("一点二亿", 120_000_000),
    ("¥1,200,000", 1_200_000),
    ("CNY 5m", 5_000_000),
    ("5 mn", 5_000_000),
    ("2bn", 2_000_000_000),
    ("300k", 300_000),
    ("3.5万元", 35_000),
    ("１２００万", 12_000_000),
    ("0", 0),
    ("零", 0),
    ("1200000", 1_200_000),
    ("1.2个亿", 120_000_000),
    ("两个亿", 200_000_000),
    ("3000多万", 30_000_000),
    ("3000万。", 30_000_000),
    ("1亿 2000万", 120_000_000),
    ("1.2亿（120,000,000）", 120_000_000),
    ("一万亿", 1_000_000_000_000),
    ("一亿零五万", 100_050_000),
    ("一万二", 12_000),
    ("three", None),
    ("1.5", 2),
    ("￥800", 800),
    ("about 30 million", 30_000_000),
    ("3000w", 30_000_000),
    ("1e+06万", 10_000_000_000),
]


@pytest.mark.parametrize(("answer", "expected"), [case for case in AMOUNTS if case[1] is not None])
def test_parse_amount_accepts(answer: str, expected: int) -> None:
    assert parse_amount(answer) == Ok(expected)


AMOUNT_REJECTIONS = [
    ("-5", "parsing.amount.negative"),
    ("负5万", "parsing.amount.negative"),
    ("abc", "parsing.amount.not_understood"),
    ("three", "parsing.amount.not_understood"),
    ("万", "parsing.amount.not_understood"),
    ("二百五千", "parsing.amount.not_understood"),
    ("$100", "parsing.amount.not_understood"),
    ("2e13", "parsing.amount.too_large"),
    ("10000000000001", "parsing.amount.too_large"),
    ("1e999999", "parsing.amount.too_large"),
    ("100 200", "parsing.amount.several_numbers"),
    ("3000万-5000万", "parsing.amount.several_numbers"),
    ("3000万到5000万", "parsing.amount.not_understood"),
    ("", "parsing.amount.empty"),
    ("   ", "parsing.amount.empty"),
]


@pytest.mark.parametrize(("answer", "key"), AMOUNT_REJECTIONS)
def test_parse_amount_rejects(answer: str, key: str) -> None:
    outcome = parse_amount(answer)
    assert isinstance(outcome, Invalid)
    assert outcome.key == key


def test_parse_amount_limit_is_inclusive() -> None:
    assert parse_amount("10000000000000") == Ok(10**13)


def test_invalid_params_quote_the_user_text_truncated() -> None:
    outcome = parse_amount("这是一段很长很长的回答，完全不是金额，" * 5)
    assert isinstance(outcome, Invalid)
    assert outcome.key == "parsing.amount.not_understood"
    assert len(outcome.params["text"]) <= 30
    assert outcome.params["text"].startswith("这是一段很长很长的回答")
    assert parse_amount("abc").params == {"text": "abc"}  # type: ignore[union-attr]


# --------------------------------------------------------------------------- integers

INTEGERS = [
    ("5200", 5200),
    ("5,200人", 5200),
    ("五千二百", 5200),
    ("约5千人", 5000),
    ("1.2万人", 12000),
    ("两万", 20000),
    ("一万零五十", 10050),
    ("5200 people", 5200),
    ("about 5k", 5000),
    ("0", 0),
    ("零", 0),
    ("５２００名", 5200),
    ("大概300人左右", 300),
    ("10000000", 10_000_000),
]
INTEGER_REJECTIONS = [
    ("-5", "parsing.integer.negative"),
    ("5.5人", "parsing.integer.not_whole"),
    ("10000001", "parsing.integer.too_large"),
    ("2000万", "parsing.integer.too_large"),
    ("many", "parsing.integer.not_understood"),
    ("abc", "parsing.integer.not_understood"),
    ("100 200", "parsing.integer.several_numbers"),
    ("", "parsing.integer.empty"),
]


@pytest.mark.parametrize(("answer", "expected"), INTEGERS)
def test_parse_integer_accepts(answer: str, expected: int) -> None:
    assert parse_integer(answer) == Ok(expected)


@pytest.mark.parametrize(("answer", "key"), INTEGER_REJECTIONS)
def test_parse_integer_rejects(answer: str, key: str) -> None:
    outcome = parse_integer(answer)
    assert isinstance(outcome, Invalid)
    assert outcome.key == key


# --------------------------------------------------------------------------- yes / no

TRUE_ANSWERS = [
    "是", "是的", "对", "对的", "有", "有的", "好", "yes", "y", "true", "yep", "sure", "1",
    "YES", "Yes!", "是的！", "有的哦", "嗯，是的", "ｙｅｓ", "√", "要得", "对头",
]  # fmt: skip
FALSE_ANSWERS = [
    "否", "不是", "没有", "没", "无", "不", "no", "n", "false", "nope", "0",
    "NO", "No.", "没有。", "没有啊", "没得", "ｎｏ", "×",
]  # fmt: skip


@pytest.mark.parametrize("answer", TRUE_ANSWERS)
def test_parse_bool_true(answer: str) -> None:
    assert parse_bool(answer) == Ok(True)


@pytest.mark.parametrize("answer", FALSE_ANSWERS)
def test_parse_bool_false(answer: str) -> None:
    assert parse_bool(answer) == Ok(False)


@pytest.mark.parametrize(
    ("answer", "key"),
    [
        ("可能", "parsing.bool.not_understood"),
        ("maybe", "parsing.bool.not_understood"),
        ("", "parsing.bool.empty"),
    ],
)
def test_parse_bool_rejects(answer: str, key: str) -> None:
    outcome = parse_bool(answer)
    assert isinstance(outcome, Invalid)
    assert outcome.key == key


# --------------------------------------------------------------------------- single choice

CHOICES = [
    ("national_little_giant", "national_little_giant"),
    ("National_Little_Giant", "national_little_giant"),
    ("2", "national_little_giant"),
    ("2.", "national_little_giant"),
    ("第2个", "national_little_giant"),
    ("第二个", "national_little_giant"),
    ("(2)", "national_little_giant"),
    ("国家专精特新“小巨人”", "national_little_giant"),
    ('国家专精特新"小巨人"', "national_little_giant"),
    ("National “little giant” enterprise", "national_little_giant"),
    ("高企", "high_tech_enterprise"),
    ("hnte", "high_tech_enterprise"),
    ("小巨人", "national_little_giant"),
    ("北斗星", "beidouxing"),
    ("genai filing", "genai_model_filing"),
    ("Generative AI model filing", "genai_model_filing"),
    ("Generativ AI modle filing", "genai_model_filing"),
    ("little giant", "national_little_giant"),
    ("openharmony", "openharmony_certificate"),
    ("鸿蒙证书", "openharmony_certificate"),
    ("大模型备案", "genai_model_filing"),
    ("高新技术企业认定", "high_tech_enterprise"),
    ("小巨人企业", "national_little_giant"),
    ("启明星。", "qimingxing"),
    ("hi-tech", "high_tech_enterprise"),
]
CHOICE_REJECTIONS = [
    ("专精特新", "parsing.choice.ambiguous"),
    ("重点软件", "parsing.choice.ambiguous"),
    ("市级", "parsing.choice.ambiguous"),
    ("abc", "parsing.choice.not_understood"),
    ("火星", "parsing.choice.not_understood"),
    ("10", "parsing.choice.out_of_range"),
    ("0", "parsing.choice.out_of_range"),
    ("", "parsing.choice.empty"),
]


@pytest.mark.parametrize(("answer", "expected"), CHOICES)
def test_parse_choice_accepts(answer: str, expected: str) -> None:
    assert parse_choice(answer, CERTIFICATIONS) == Ok(expected)


@pytest.mark.parametrize(("answer", "key"), CHOICE_REJECTIONS)
def test_parse_choice_rejects(answer: str, key: str) -> None:
    outcome = parse_choice(answer, CERTIFICATIONS)
    assert isinstance(outcome, Invalid)
    assert outcome.key == key


def test_ambiguous_choice_names_the_candidates() -> None:
    outcome = parse_choice("专精特新", CERTIFICATIONS)
    assert outcome == Invalid(
        "parsing.choice.ambiguous",
        {"text": "专精特新", "candidates": "国家专精特新“小巨人” / 市级专精特新中小企业"},
    )


def test_unmatched_choice_lists_a_few_options() -> None:
    outcome = parse_choice("abc", CERTIFICATIONS)
    assert isinstance(outcome, Invalid)
    assert (
        outcome.params["examples"]
        == "国家鼓励的重点软件企业 / 国家专精特新“小巨人” / 市级重点软件和信息服务企业"
    )


def test_parse_choice_accepts_a_list_of_options() -> None:
    assert parse_choice("北斗星", list(CERTIFICATIONS)) == Ok("beidouxing")


# --------------------------------------------------------------------------- multiple choice

MULTIS = [
    ("专精特新", ["national_little_giant", "municipal_specialized_sme"]),
    ("市级", ["municipal_key_software", "municipal_specialized_sme"]),
    ("小巨人、北斗星", ["national_little_giant", "beidouxing"]),
    ("北斗星，小巨人", ["national_little_giant", "beidouxing"]),
    ("小巨人和北斗星", ["national_little_giant", "beidouxing"]),
    ("小巨人及北斗星", ["national_little_giant", "beidouxing"]),
    ("小巨人 北斗星", ["national_little_giant", "beidouxing"]),
    ("小巨人; 北斗星；启明星", ["national_little_giant", "beidouxing", "qimingxing"]),
    ("小巨人/北斗星", ["national_little_giant", "beidouxing"]),
    ("1,3", ["national_key_software", "municipal_key_software"]),
    ("1、3", ["national_key_software", "municipal_key_software"]),
    ("3 1", ["national_key_software", "municipal_key_software"]),
    ("1和3", ["national_key_software", "municipal_key_software"]),
    ("无", []),
    ("没有", []),
    ("都没有", []),
    ("none", []),
    ("None.", []),
    ("no", []),
    ("nothing", []),
    ("-", []),
    ("小巨人 小巨人、2", ["national_little_giant"]),
    ("市级重点软件和信息服务企业", ["municipal_key_software"]),
    ("市级重点软件和信息服务企业、北斗星", ["municipal_key_software", "beidouxing"]),
    ("重点软件和信息服务", ["municipal_key_software"]),
    ("Generative AI model filing (CAC)", ["genai_model_filing"]),
    ("Generative AI model filing", ["genai_model_filing"]),
    ("Generative AI model filing and little giant", ["national_little_giant", "genai_model_filing"]),
    ("genai filing, openharmony", ["genai_model_filing", "openharmony_certificate"]),
    ("Municipal key software and information service enterprise", ["municipal_key_software"]),
    ("高新 鸿蒙 北斗星", ["beidouxing", "high_tech_enterprise", "openharmony_certificate"]),
    ("national_key_software, beidouxing", ["national_key_software", "beidouxing"]),
]
MULTI_REJECTIONS = [
    ("小巨人，abc", "parsing.multi.not_understood", "abc"),
    ("abc", "parsing.multi.not_understood", "abc"),
    ("企业", "parsing.multi.ambiguous", "企业"),
    ("软件", "parsing.multi.ambiguous", "软件"),
    ("1, 20", "parsing.multi.out_of_range", "20"),
    ("", "parsing.multi.empty", None),
]


@pytest.mark.parametrize(("answer", "expected"), MULTIS)
def test_parse_multi_accepts(answer: str, expected: list[str]) -> None:
    assert parse_multi(answer, CERTIFICATIONS) == Ok(expected)


@pytest.mark.parametrize(("answer", "key", "part"), MULTI_REJECTIONS)
def test_parse_multi_rejects_naming_the_part(answer: str, key: str, part: str | None) -> None:
    outcome = parse_multi(answer, CERTIFICATIONS)
    assert isinstance(outcome, Invalid)
    assert outcome.key == key
    assert outcome.params.get("text") == part


# --------------------------------------------------------------------------- properties


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_no_parser_raises_on_arbitrary_text(text: str) -> None:
    for parser in PARSERS_OF_TEXT:
        assert isinstance(parser(text), Ok | Unknown | Invalid)
    assert isinstance(is_skip(text), bool)


NUMERAL_ALPHABET = "0123456789.,+-eE 万亿千百十零一二两三点个元约多kmbnw¥()、/亿万人"


@given(st.text(alphabet=NUMERAL_ALPHABET, max_size=40))
@settings(max_examples=500, deadline=None)
def test_number_parsers_never_raise_on_number_like_text(text: str) -> None:
    for parser in (parse_amount, parse_integer):
        outcome = parser(text)
        assert isinstance(outcome, Ok | Unknown | Invalid)
        if isinstance(outcome, Ok):
            assert isinstance(outcome.value, int) and outcome.value >= 0


@given(st.integers(min_value=0, max_value=10**12))
@settings(max_examples=300, deadline=None)
def test_amount_round_trips_through_written_forms(n: int) -> None:
    forms = [f"{n}", f"{n:,}"]
    forms += [f"{text}{unit}" for text, unit in _exact_unit_forms(n)]
    if n < 10**9:
        forms.append(chinese_numeral(n))
    for form in forms:
        assert parse_amount(form) == Ok(n), form


def _exact_unit_forms(n: int) -> list[tuple[str, str]]:
    forms = []
    for scale, unit in ((10**4, "万"), (10**8, "亿")):
        text = f"{n / scale:g}"
        if Decimal(text) * scale == n:
            forms.append((text, unit))
    return forms


@given(st.integers(min_value=0, max_value=10**7))
@settings(max_examples=300, deadline=None)
def test_integer_round_trips_through_digits_commas_and_chinese(n: int) -> None:
    spoken = re.sub("二(?=[千百万亿])", "两", chinese_numeral(n))  # 两千, 两万: how people say it
    for form in (f"{n}", f"{n:,}", chinese_numeral(n), spoken, f"{n}人"):
        assert parse_integer(form) == Ok(n), form


@given(
    st.lists(st.sampled_from(CERTIFICATION_IDS), min_size=1, unique=True),
    st.sampled_from(["、", ", "]),
)
@settings(max_examples=200, deadline=None)
def test_parse_multi_returns_exactly_the_joined_subset(ids: list[str], separator: str) -> None:
    # min_size=1: the empty subset joins to "", an empty answer (parsing.multi.empty).
    expected = [option_id for option_id in CERTIFICATION_IDS if option_id in ids]
    assert parse_multi(separator.join(ids), CERTIFICATIONS) == Ok(expected)


@pytest.mark.parametrize(
    ("n", "numeral"),
    [
        (0, "零"),
        (12, "一十二"),
        (1010, "一千零一十"),
        (10050, "一万零五十"),
        (200300, "二十万零三百"),
        (100000001, "一亿零一"),
    ],
)
def test_chinese_numeral_helper_writes_standard_numerals(n: int, numeral: str) -> None:
    assert chinese_numeral(n) == numeral


# --------------------------------------------------------------------------- locale messages


def parsing_messages(locale: str) -> dict[str, str]:
    """``locales/<locale>/parsing.yaml`` flattened to dotted keys, read on its own."""
    with (LOCALE_DIR / locale / "parsing.yaml").open(encoding="utf-8") as handle:
        tree = yaml.safe_load(handle)
    assert list(tree) == ["parsing"]
    return dict(_flatten("", tree))


def _flatten(prefix: str, node: object) -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in _flatten(f"{prefix}{key}.", value)]
    assert isinstance(node, str), prefix
    return [(prefix.rstrip("."), node)]


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", sorted(MESSAGE_PARAMS))
def test_every_invalid_key_has_a_message_with_its_placeholders(locale: str, key: str) -> None:
    message = parsing_messages(locale).get(key)
    assert message is not None, f"{key} missing in {locale}"
    assert placeholders(message) == MESSAGE_PARAMS[key]
    example_marker = "例如" if locale == "zh-CN" else "e.g."
    assert example_marker in message, f"{key} in {locale} shows no example"


@pytest.mark.parametrize("locale", LOCALES)
def test_locale_has_no_parsing_messages_the_parsers_do_not_use(locale: str) -> None:
    assert set(parsing_messages(locale)) == set(MESSAGE_PARAMS)


@pytest.mark.parametrize("locale", LOCALES)
def test_messages_are_served_by_locales_t(locale: str) -> None:
    params = {"text": "abc"}
    expected = parsing_messages(locale)["parsing.amount.not_understood"].format(**params)
    assert t(locale, "parsing.amount.not_understood", **params) == expected


ALL_REJECTIONS = (
    [(parse_amount, answer) for answer, _ in AMOUNT_REJECTIONS]
    + [(parse_integer, answer) for answer, _ in INTEGER_REJECTIONS]
    + [(parse_bool, answer) for answer in ("可能", "")]
    + [(lambda text: parse_choice(text, CERTIFICATIONS), answer) for answer, _ in CHOICE_REJECTIONS]
    + [(lambda text: parse_multi(text, CERTIFICATIONS), answer) for answer, _, _ in MULTI_REJECTIONS]
)


@pytest.mark.parametrize(("parser", "answer"), ALL_REJECTIONS)
def test_every_invalid_outcome_renders_in_both_locales(parser, answer: str) -> None:
    outcome = parser(answer)
    assert isinstance(outcome, Invalid)
    assert set(outcome.params) == MESSAGE_PARAMS[outcome.key]
    for locale in LOCALES:
        rendered = parsing_messages(locale)[outcome.key].format(**outcome.params)
        if "text" in outcome.params:
            assert outcome.params["text"] in rendered
