"""The staff answer as Telegram messages: the question, the answer, each citation verbatim, valid HTML,
within Telegram's length limit."""

from __future__ import annotations

from bot.questions.citations import resolve_citation
from bot.questions.delivery import answer_messages, chat_id_of
from bot.questions.models import OwnerQuestion, StaffAnswer, answered


def question_with(text: str, cited: list[str], locale: str = "zh-CN") -> OwnerQuestion:
    citations = [c for c in (resolve_citation(rule_id, locale) for rule_id in cited) if c is not None]
    question = OwnerQuestion(conversation_key="tg:42", channel="telegram", locale=locale,  # type: ignore[arg-type]
                             text="<b>能申请吗</b>", consent=False)
    return answered(question, StaffAnswer(text=text, citations=citations, request_id="r-0000001"))


def test_an_answer_with_a_citation_is_escaped_and_quotes_the_clause() -> None:
    [message] = answer_messages(question_with("可以 & 见 <第八条>", ["CQ2025-8"]))
    assert "&lt;b&gt;能申请吗&lt;/b&gt;" in message and "可以 &amp; 见 &lt;第八条&gt;" in message
    assert "1. “算力券”补贴" in message and "<blockquote>" in message
    assert "渝经信规范〔2025〕12号" in message


def test_a_long_answer_is_split_within_the_limit() -> None:
    messages = answer_messages(question_with("很长的回复。" * 1000, ["CQ2025-8", "YZ2021-14"]))
    assert len(messages) > 1 and all(len(m) <= 4096 for m in messages)


def test_citations_resolve_from_the_rule_data_only() -> None:
    citation = resolve_citation("CQ2025-8", "en")
    assert citation is not None and citation.clause_id == "CQ2025-8" and citation.title.startswith("Compute voucher")
    assert resolve_citation("NOPE-1", "zh-CN") is None
    assert chat_id_of(question_with("x", [])) == 42
