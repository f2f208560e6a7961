"""The real-world answers table (real_world_answers.yaml): each answer read as expected, in both locales."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from dialogs.parse import (
    Ambiguous,
    Approx,
    Confirm,
    Invalid,
    Ok,
    Partial,
    Several,
    Unknown,
    mentioned_options,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_integer,
    parse_multi,
)
from tests.dialogs.parse.options import question_options

TABLE = yaml.safe_load((Path(__file__).parent / "real_world_answers.yaml").read_text(encoding="utf-8"))
UNITS = {"亿": 10**8, "万": 10**4, None: 1}
CHOICE_QUESTIONS = {
    "district": "district", "titles": "certifications", "title": "certifications", "platform_level": "platform_level",
    "activities": "activities",
    "event_kind": "event_kind", "event_level": "event_level", "mention": "district",
}  # fmt: skip
EXPECTATIONS = ("value", "range", "confirm", "several", "ambiguous", "partial", "unknown", "invalid", "mentions")
INTERVAL = re.compile(r"^([\[(])\s*(\d+)\s*,\s*(\d+|∞)\s*([\])])$")


def read(case: dict[str, Any]) -> object:
    ask, text, locale = case["ask"], case["say"], case.get("locale", "zh-CN")
    if ask == "amount":
        return parse_amount(text, default_unit=UNITS[case.get("unit")])
    if ask == "count":
        return parse_integer(text)
    if ask == "yes_no":
        return parse_bool(text)
    options = question_options(CHOICE_QUESTIONS[ask], locale)
    if ask == "mention":
        return mentioned_options(text, options)
    if ask in ("titles", "activities"):
        return parse_multi(text, options)
    return parse_choice(text, options)


def expected(case: dict[str, Any]) -> object:
    [kind] = [name for name in EXPECTATIONS if name in case]
    given = case[kind]
    if kind == "value":
        return Ok(given)
    if kind == "range":
        opening, low, high, closing = INTERVAL.match(given).groups()  # type: ignore[union-attr]
        upper = None if high == "∞" else int(high)
        return Approx(int(low), upper, opening == "[", closing == "]" and upper is not None, case["wording"],
                      _anchor(case["wording"], int(low), upper))
    if kind == "confirm":
        return Confirm(*given)
    if kind == "several":
        return Several(tuple(given))
    if kind == "ambiguous":
        return Ambiguous(tuple(given), case["say"], tuple(case.get("chosen", ())))
    if kind == "partial":
        return Partial(tuple(given["values"]), tuple(given["unrecognised"]))
    if kind == "unknown":
        return Unknown()
    if kind == "mentions":
        return tuple(given)
    return kind  # invalid: compared by key below


def _anchor(wording: str, low: int, high: int | None) -> int:
    """The figure the user named: the top of ``nearly``/``under``/``at_most``, the bottom otherwise,
    the middle of ``about`` (the table writes [0.9x, 1.1x])."""
    if wording in ("nearly", "under", "at_most"):
        return high  # type: ignore[return-value]
    if wording == "about":
        return round((low + high) / 2 / 1.0) if high else low  # type: ignore[operator]
    return low


def test_the_table_is_large_and_covers_both_locales() -> None:
    assert len(TABLE) >= 300
    assert sum(case.get("locale") == "en" for case in TABLE) >= 100
    for case in TABLE:
        assert sum(name in case for name in EXPECTATIONS) == 1, case


@pytest.mark.parametrize("case", TABLE, ids=[f"{case['ask']}:{case['say']}" for case in TABLE])
def test_real_world_answer_is_read_as_expected(case: dict[str, Any]) -> None:
    outcome = read(case)
    want = expected(case)
    if "invalid" in case:
        assert isinstance(outcome, Invalid), outcome
        assert outcome.key.rsplit(".", 1)[1] == case["invalid"], outcome
    elif isinstance(want, Ambiguous):
        assert isinstance(outcome, Ambiguous), outcome
        assert (outcome.candidates, outcome.chosen) == (want.candidates, want.chosen)
    else:
        assert outcome == want
