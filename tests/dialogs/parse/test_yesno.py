"""dialogs.parse.yesno: yes or no as owners answer it, with a reason or a verb; never a guess."""

from __future__ import annotations

import pytest

from dialogs.parse import Invalid, Ok, parse_bool

TRUE_ANSWERS = [
    "是", "是的", "对", "对的", "有", "有的", "好", "yes", "y", "true", "yep", "sure", "1", "YES", "Yes!", "是的！",
    "有的哦", "嗯，是的", "ｙｅｓ", "√", "✓", "要得", "对头", "是的，我们主要做软件", "yes we did", "Yes, we did.",
    "建了", "办过", "申请了", "已建立", "有过", "Yeah", "YES WE HAVE", "是的。主要是软件外包",
]  # fmt: skip
FALSE_ANSWERS = [
    "否", "不是", "没有", "没", "无", "不", "no", "n", "false", "nope", "0", "NO", "No.", "没有。", "没有啊", "没得",
    "ｎｏ", "×", "✗", "❌", "不是，我们做制造业", "没办过", "还没建", "未建立", "没有建立", "No, we haven't",
    "no we didn't", "Nope, not yet", "从来没有", "还没有呢",
]  # fmt: skip


@pytest.mark.parametrize("answer", TRUE_ANSWERS)
def test_parse_bool_reads_yes(answer: str) -> None:
    assert parse_bool(answer) == Ok(True)


@pytest.mark.parametrize("answer", FALSE_ANSWERS)
def test_parse_bool_reads_no(answer: str) -> None:
    assert parse_bool(answer) == Ok(False)


@pytest.mark.parametrize(
    ("answer", "key"),
    [
        ("x", "parsing.bool.not_understood"),
        ("X", "parsing.bool.not_understood"),
        ("可能", "parsing.bool.not_understood"),
        ("maybe", "parsing.bool.not_understood"),
        ("我们做制造业", "parsing.bool.not_understood"),
        ("", "parsing.bool.empty"),
    ],
)
def test_parse_bool_refuses_what_is_neither(answer: str, key: str) -> None:
    outcome = parse_bool(answer)
    assert isinstance(outcome, Invalid)
    assert outcome.key == key
