"""dialogs.parse.numbers: amounts and counts, exact, approximate, several, to confirm, or refused."""

from __future__ import annotations

import pytest

from dialogs.parse import Approx, Confirm, Invalid, Ok, Several, parse_amount, parse_integer

YI = 100_000_000
WAN = 10_000

AMOUNTS = [
    ("1.2亿", 120_000_000), ("1.2 亿元", 120_000_000), ("12000万", 120_000_000), ("一千二百万", 12_000_000),
    ("3千万", 30_000_000), ("5百万", 5_000_000), ("120万元", 1_200_000), ("1,200,000", 1_200_000),
    ("1.2e8", 120_000_000), ("RMB 12 million", 12_000_000), ("1.2 billion yuan", 1_200_000_000),
    ("1亿2000万", 120_000_000), ("两千万", 20_000_000), ("十二亿", 1_200_000_000), ("一点二亿", 120_000_000),
    ("¥1,200,000", 1_200_000), ("CNY 5m", 5_000_000), ("5 mn", 5_000_000), ("2bn", 2_000_000_000),
    ("300k", 300_000), ("3.5万元", 35_000), ("１２００万", 12_000_000), ("0", 0), ("零", 0),
    ("1200000", 1_200_000), ("1.2个亿", 120_000_000), ("两个亿", 200_000_000), ("3000万。", 30_000_000),
    ("1亿 2000万", 120_000_000), ("1.2亿（120,000,000）", 120_000_000), ("一万亿", 1_000_000_000_000),
    ("一亿零五万", 100_050_000), ("一万二", 12_000), ("1.5", 2), ("￥800", 800), ("3000w", 30_000_000),
    ("1e+06万", 10_000_000_000), ("three", 3), ("1万2", 12_000), ("3万5", 35_000), ("1亿2", 120_000_000),
    ("零点五亿", 50_000_000), ("壹佰万元整", 1_000_000), ("1200w", 12_000_000), ("12 mil", 12_000_000),
    ("1.2 million", 1_200_000), ("没有", 0), ("无", 0), ("none", 0), ("nothing", 0), ("1.2亿吧", 120_000_000),
    ("去年1.2亿", 120_000_000), ("R&D 800万", 8_000_000), ("1200万/年", 12_000_000),
    ("1.2亿（含税）", 120_000_000), ("2023年营收1.2亿", 120_000_000), ("50块钱", 50),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "expected"), AMOUNTS)
def test_parse_amount_reads_exact_amounts(answer: str, expected: int) -> None:
    assert parse_amount(answer) == Ok(expected)


AMOUNT_REJECTIONS = [
    ("-5", "parsing.amount.negative"), ("负5万", "parsing.amount.negative"), ("abc", "parsing.amount.not_understood"),
    ("万", "parsing.amount.not_understood"), ("二百五千", "parsing.amount.not_understood"),
    ("2e13", "parsing.amount.too_large"), ("10000000000001", "parsing.amount.too_large"),
    ("1e999999", "parsing.amount.too_large"), ("", "parsing.amount.empty"), ("   ", "parsing.amount.empty"),
    ("超过5000万以下", "parsing.amount.not_understood"), ("5000-1亿", "parsing.amount.not_understood"),
    ("几十万", "parsing.amount.not_understood"), ("很多", "parsing.amount.not_understood"),
    ("去年大约1亿，今年1.2亿", "parsing.amount.several_numbers"), ("2000多", "parsing.amount.no_unit"),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "key"), AMOUNT_REJECTIONS)
def test_parse_amount_rejects_naming_why(answer: str, key: str) -> None:
    outcome = parse_amount(answer, default_unit=YI if key.endswith("no_unit") else 1)
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


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("2000多万", Approx(20_000_000, 30_000_000, False, False, "more", 20_000_000)),
        ("一个多亿", Approx(YI, 2 * YI, False, False, "more", YI)),
        ("1亿多", Approx(YI, 2 * YI, False, False, "more", YI)),
        ("将近1亿", Approx(90_000_000, YI, True, False, "nearly", YI)),
        ("2000万出头", Approx(20_000_000, 22_000_000, False, True, "a_little_over", 20_000_000)),
        ("3000来万", Approx(27_000_000, 33_000_000, True, True, "about", 30_000_000)),
        ("约3000万", Approx(27_000_000, 33_000_000, True, True, "about", 30_000_000)),
        ("1-2亿", Approx(YI, 2 * YI, True, True, "between", YI)),
        ("1到2亿", Approx(YI, 2 * YI, True, True, "between", YI)),
        ("五六千万", Approx(50_000_000, 60_000_000, True, True, "between", 50_000_000)),
        ("1千-2千万", Approx(10_000_000, 20_000_000, True, True, "between", 10_000_000)),
        ("over 20 million", Approx(20_000_000, None, False, False, "over", 20_000_000)),
        ("nearly 100 million", Approx(90_000_000, YI, True, False, "nearly", YI)),
        ("50-60 million", Approx(50_000_000, 60_000_000, True, True, "between", 50_000_000)),
        ("between 50 and 60 million", Approx(50_000_000, 60_000_000, True, True, "between", 50_000_000)),
        ("十几万", Approx(100_000, 200_000, False, False, "more", 100_000)),
        ("1.5亿多", Approx(150_000_000, 160_000_000, False, False, "more", 150_000_000)),
    ],
)
def test_parse_amount_reads_ranges_without_picking_a_point(answer: str, expected: Approx) -> None:
    assert parse_amount(answer, default_unit=YI) == expected


@pytest.mark.parametrize(
    ("answer", "default_unit", "expected"),
    [
        ("1.2", YI, Confirm(120_000_000, "no_unit")),
        ("800", WAN, Confirm(8_000_000, "no_unit")),
        ("9999", YI, Confirm(9999 * YI, "no_unit")),
        ("12000", YI, Ok(12000)),
        ("1.2亿", YI, Ok(120_000_000)),
        ("一千二", YI, Ok(1200)),
        ("1.2", 1, Ok(1)),
        ("0", YI, Ok(0)),
        ("一一", 1, Confirm(11, "repeated_digits")),
        ("50人", YI, Confirm(50, "headcount_unit")),
        ("200号人", 1, Confirm(200, "headcount_unit")),
    ],
)
def test_parse_amount_confirms_what_could_be_misread(answer: str, default_unit: int, expected: object) -> None:
    assert parse_amount(answer, default_unit=default_unit) == expected


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("去年1.2亿，前年1亿", Several((120_000_000, YI))),
        ("100 200", Several((100, 200))),
        ("1.2亿，1.2亿", Ok(120_000_000)),
        ("今年3000万 去年2500万", Several((30_000_000, 25_000_000))),
    ],
)
def test_parse_amount_returns_different_figures_in_order(answer: str, expected: object) -> None:
    assert parse_amount(answer) == expected


INTEGERS = [
    ("5200", 5200), ("5,200人", 5200), ("五千二百", 5200), ("1.2万人", 12000), ("两万", 20000),
    ("一万零五十", 10050), ("5200 people", 5200), ("0", 0), ("零", 0), ("５２００名", 5200),
    ("10000000", 10_000_000), ("2件", 2), ("两件", 2), ("三件", 3), ("没有", 0), ("无", 0), ("none", 0),
    ("一百十五人", 115), ("two", 2), ("a hundred and fifty", 150), ("30号人", 30), ("30家", 30),
    ("20支队伍", 20), ("我们有200人", 200), ("twenty-five", 25), ("一件都没有", 0),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "expected"), INTEGERS)
def test_parse_integer_reads_counts(answer: str, expected: int) -> None:
    assert parse_integer(answer) == Ok(expected)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("不到200人", Approx(0, 200, True, False, "under", 200)),
        ("少于200人", Approx(0, 200, True, False, "under", 200)),
        ("200人以下", Approx(0, 200, True, True, "at_most", 200)),
        ("最多200人", Approx(0, 200, True, True, "at_most", 200)),
        ("不超过200人", Approx(0, 200, True, True, "at_most", 200)),
        ("超过5000人", Approx(5000, None, False, False, "over", 5000)),
        ("5000人以上", Approx(5000, None, True, False, "at_least", 5000)),
        ("5000+", Approx(5000, None, True, False, "at_least", 5000)),
        ("200来人", Approx(180, 220, True, True, "about", 200)),
        ("about 200", Approx(180, 220, True, True, "about", 200)),
        ("under 200", Approx(0, 200, True, False, "under", 200)),
        ("more than 5000", Approx(5000, None, False, False, "over", 5000)),
        ("两百多人", Approx(200, 300, False, False, "more", 200)),
        ("七八个", Approx(7, 8, True, True, "between", 7)),
        ("约5千人", Approx(4500, 5500, True, True, "about", 5000)),
    ],
)
def test_parse_integer_reads_ranges(answer: str, expected: Approx) -> None:
    assert parse_integer(answer) == expected


INTEGER_REJECTIONS = [
    ("-5", "parsing.integer.negative"), ("5.5人", "parsing.integer.not_whole"),
    ("10000001", "parsing.integer.too_large"), ("2000万", "parsing.integer.too_large"),
    ("many", "parsing.integer.not_understood"), ("abc", "parsing.integer.not_understood"),
    ("", "parsing.integer.empty"), ("号人", "parsing.integer.not_understood"),
]  # fmt: skip


@pytest.mark.parametrize(("answer", "key"), INTEGER_REJECTIONS)
def test_parse_integer_rejects_naming_why(answer: str, key: str) -> None:
    outcome = parse_integer(answer)
    assert isinstance(outcome, Invalid)
    assert outcome.key == key


def test_parse_integer_confirms_repeated_digits() -> None:
    assert parse_integer("一一") == Confirm(11, "repeated_digits")
    assert parse_integer("去年3件，今年5件") == Several((3, 5))
