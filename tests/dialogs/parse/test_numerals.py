"""dialogs.parse.numerals: the cn2an reference table in full, and the forms people type beyond it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from dialogs.parse.numerals import NotANumberError, Numeral, read_numerals

REFERENCE = yaml.safe_load((Path(__file__).parent / "cn2an_reference.yaml").read_text(encoding="utf-8"))
REFERENCE_VALUES = [(mode, text, value) for mode in ("strict", "normal", "smart") for text, value in REFERENCE[mode].items()]
REFERENCE_REFUSED = REFERENCE["not_a_number"]


def test_reference_table_is_whole() -> None:
    assert len(REFERENCE_VALUES) == 132
    assert len(REFERENCE_REFUSED) == 10


@pytest.mark.parametrize(("mode", "text", "value"), REFERENCE_VALUES)
def test_reads_every_reference_numeral(mode: str, text: str, value: str) -> None:
    numerals = read_numerals(text)
    assert [numeral.value for numeral in numerals] == [Decimal(value)], mode
    assert not numerals[0].spread


@pytest.mark.parametrize("text", REFERENCE_REFUSED)
def test_refuses_what_is_not_one_number(text: str) -> None:
    try:
        numerals = read_numerals(text)
    except NotANumberError:
        return
    assert len(numerals) != 1, numerals


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1万2", 12000), ("3万5", 35000), ("1千2", 1200), ("1亿2", 120_000_000), ("1万25", 10025),
        ("零点五亿", 50_000_000), ("一百十五", 115), ("壹佰万元整", 1_000_000), ("1200w", 12_000_000),
        ("two", 2), ("a hundred and fifty", 150), ("12 mil", 12_000_000), ("1.2 million", 1_200_000),
        ("twenty-five thousand", 25_000), ("two hundred thousand", 200_000), ("一块五", Decimal("1.5")),
        ("两个亿", 200_000_000), ("1.2个亿", 120_000_000), ("1亿 2000万", 120_000_000), ("万亿", None),
        ("一万亿", 10**12), ("十二亿", 1_200_000_000), ("1e+06万", 10**10), ("1,200,000", 1_200_000),
    ],
)  # fmt: skip
def test_reads_forms_people_type(text: str, value: int | Decimal | None) -> None:
    if value is None:
        with pytest.raises(NotANumberError):
            read_numerals(text)
        return
    assert [numeral.value for numeral in read_numerals(text)] == [Decimal(value)]


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [("五六千万", 50_000_000, 60_000_000), ("十七八", 17, 18), ("三四十万", 300_000, 400_000),
     ("一两百", 100, 200), ("一万五六", 15000, 16000), ("七八", 7, 8), ("两三千", 2000, 3000)],
)  # fmt: skip
def test_neighbouring_digits_are_a_spoken_range(text: str, low: int, high: int) -> None:
    [numeral] = read_numerals(text)
    assert (numeral.value, numeral.value + numeral.spread) == (low, high)


@pytest.mark.parametrize(("text", "value"), [("一一", 11), ("一一一", 111), ("壹壹", 11), ("一七二零", 1720), ("一三", 13)])
def test_digit_runs_are_read_digit_by_digit_and_flagged(text: str, value: int) -> None:
    assert read_numerals(text) == [Numeral(Decimal(value), digit_by_digit=True)]


@pytest.mark.parametrize(
    ("text", "values"),
    [("100 200", [100, 200]), ("3000万 5000万", [30_000_000, 50_000_000]), ("1.2亿 3000万", [120_000_000, 30_000_000]),
     ("100元 200元", [100, 200]), ("1.2亿（120,000,000）", [120_000_000, 120_000_000])],
)  # fmt: skip
def test_figures_that_do_not_compose_stay_apart(text: str, values: list[int]) -> None:
    assert [numeral.value for numeral in read_numerals(text)] == values


def test_bare_arabic_numbers_are_marked() -> None:
    assert read_numerals("1.2")[0].arabic_only
    assert not read_numerals("1.2亿")[0].arabic_only
    assert not read_numerals("一千二")[0].arabic_only


@pytest.mark.parametrize("text", ["二百五千", "万", "元整", "a", "一百二三四", "一二三百", "10..1万", "点五"])
def test_malformed_numerals_are_refused(text: str) -> None:
    with pytest.raises(NotANumberError):
        read_numerals(text)
