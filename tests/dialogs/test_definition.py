"""The question table is checked when it loads and drawn in dialogs/flow.mmd."""

from __future__ import annotations

from pathlib import Path

import pytest

from dialogs import questions
from dialogs.diagram import mermaid
from dialogs.questions import QUESTIONS, DialogDefinitionError, Question, check_questions
from locales import LOCALES, has
from rules.profile import Profile


def test_the_mermaid_drawing_matches_the_question_table() -> None:
    drawn = (Path(questions.__file__).parent / "flow.mmd").read_text(encoding="utf-8")
    assert drawn == mermaid(), "run: python -m dialogs.diagram > dialogs/flow.mmd"


def test_every_contract_profile_field_has_a_question() -> None:
    asked = {q.field for q in QUESTIONS if q.scope == "profile"}
    assert set(Profile.model_fields) - {"as_of"} <= asked


def test_every_question_has_text_in_every_locale() -> None:
    for question in QUESTIONS:
        for locale in LOCALES:
            assert has(locale, f"dialog.ask_{question.id}")


@pytest.mark.parametrize("broken", [
    (Question("nonsense_field", "amount", "nonsense_field"),),
    (Question("revenue_cny", "amount", "revenue_cny"), Question("revenue_cny", "amount", "revenue_cny")),
    (Question("district", "choice", "district"),),  # a choice without options
])
def test_the_load_time_check_rejects_a_broken_table(monkeypatch, broken: tuple) -> None:
    monkeypatch.setattr(questions, "QUESTIONS", broken + QUESTIONS)
    monkeypatch.setattr(questions, "BY_ID", {q.id: q for q in broken + QUESTIONS} if len(broken) == 1 else {})
    with pytest.raises(DialogDefinitionError):
        check_questions()
