"""The owner's words asking for a person, the question that comes with them, cancel, and the checks
on a question's text (pure)."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.questions.asking import (
    _LATIN_SEPARATORS,
    _SEPARATORS,
    PENDING_TTL_SECONDS,
    ask_request,
    begin,
    is_cancel,
    load_pending,
    question_problem,
)
from dialogs.parse.words import word_set, words
from locales.text import normalize_text, without_punctuation


@pytest.mark.parametrize("text", ["转人工", "人工客服", "找人工", "人工", "转人工。", " 我要人工 ", "talk to a person",
                                  "Talk to a person!", "human", "Human", "customer service", "/转人工"])
def test_words_asking_for_a_person_alone(text: str) -> None:
    assert ask_request(text) == ""


@pytest.mark.parametrize(("text", "question"), [
    ("转人工：我们能申请算力券吗？", "我们能申请算力券吗？"),
    ("人工客服 研发费用怎么算", "研发费用怎么算"),
    ("找人工，想问下首版次软件", "想问下首版次软件"),
    ("talk to a person: can we apply for the compute voucher?", "can we apply for the compute voucher?"),
    ("Human - how is R&D expense counted?", "how is R&D expense counted?"),
])
def test_the_question_that_comes_with_the_words(text: str, question: str) -> None:
    assert ask_request(text) == question


@pytest.mark.parametrize("text", ["渝中区", "1.2亿", "是", "人工智能", "human resources", "不知道", "人工智能企业",
                                  "humanoid robots", "5200人", "修改 营收", ""])
def test_answers_are_not_taken_for_a_request(text: str) -> None:
    assert ask_request(text) is None


@given(st.text(max_size=60))
def test_any_text_is_read_without_error(text: str) -> None:
    request = ask_request(text)
    assert request is None or isinstance(request, str)


def _ask_request_word_by_word(text: str) -> str | None:
    """The reading before the words were compiled into one pattern: each word tried in turn, longest first."""
    if without_punctuation(normalize_text(text).lstrip("/")) in word_set("ask_person"):
        return ""
    for word in words("ask_person"):
        separators = _LATIN_SEPARATORS if word[:1].isascii() else _SEPARATORS
        found = re.match(rf"\s*/?{re.escape(word)}\s*[{separators}]+\s*(\S.*)", text, flags=re.S | re.I)
        if found:
            return found.group(1).strip()
    return None


_ASK_PARTS = st.sampled_from([*words("ask_person"), "Human", "HUMAN", "TALK to A Person", "人工智能", "human resources",
                              "/", " ", "  ", "\n", ":", "：", "，", ",", "-", "—", "、", ".", "。", "!", "？", "渝中区",
                              "能申请吗", "how much?", "x"])


@given(st.lists(_ASK_PARTS, max_size=6).map("".join) | st.text(max_size=40))
def test_one_pattern_reads_requests_as_the_words_one_by_one(text: str) -> None:
    assert ask_request(text) == _ask_request_word_by_word(text)


@pytest.mark.parametrize("text", ["human: a", "talk to a human - b", "人工客服：c", "转人工客服，d", " /转人工 : e",
                                  "Speak To A Person!!  f\ng", "human resources: h", "人工智能：i", "a person, j"])
def test_one_pattern_table(text: str) -> None:
    assert ask_request(text) == _ask_request_word_by_word(text)


def test_cancel_words() -> None:
    assert is_cancel("取消") and is_cancel("Cancel.") and is_cancel("算了")
    assert not is_cancel("我想取消申请怎么办")


def test_question_text_checks() -> None:
    assert question_problem("  ") == "ask.empty"
    assert question_problem("问" * 1001) == "ask.too_long"
    assert question_problem("问" * 1000) is None


def test_a_question_given_with_the_words_waits_for_consent_only_when_valid() -> None:
    assert begin("能申请吗").stage == "consent" and begin("能申请吗").text == "能申请吗"
    assert begin("").stage == "text" and begin("问" * 1001).stage == "text"
    assert begin().request_id != begin().request_id


def test_a_question_left_half_way_is_forgotten_after_its_time() -> None:
    pending = begin("能申请吗")
    assert load_pending(pending.to_json()) == pending
    assert load_pending(pending.to_json(), now=time.time() + PENDING_TTL_SECONDS + 1) is None
    assert load_pending("not json") is None and load_pending(None) is None
