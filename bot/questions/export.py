"""Questions for the help desk as the staff export them, next to the assessment records.

``GET /api/records`` and ``awardbot records export`` add them: the JSON gains ``questions`` (and
``question_count``) beside the unchanged ``records``; the CSV stays the records' unless the
questions are asked for (``kind=questions`` / ``--kind questions``), which gives one row per question.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from bot.questions.models import OwnerQuestion

QUESTION_CSV_COLUMNS = (
    "id", "created_at", "channel", "locale", "conversation_key", "status", "consent", "text", "answer_text",
    "answered_at", "cited_clause_ids", "delivered_at", "answers_json",
)


def questions_json(questions: Iterable[OwnerQuestion]) -> list[dict[str, Any]]:
    return [question.model_dump(mode="json") for question in questions]


def with_questions(records_data: dict[str, Any], questions: list[OwnerQuestion]) -> dict[str, Any]:
    """The records' JSON with the questions added (its own keys unchanged)."""
    return {**records_data, "question_count": len(questions), "questions": questions_json(questions)}


def questions_csv(questions: Iterable[OwnerQuestion]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(QUESTION_CSV_COLUMNS)
    for question in questions:
        answer = question.answer
        writer.writerow([
            question.id, question.created_at.isoformat(), question.channel, question.locale,
            question.conversation_key, question.status, "yes" if question.consent else "no", question.text,
            answer.text if answer else "", answer.answered_at.isoformat() if answer else "",
            " ".join(c.clause_id for c in answer.citations) if answer else "",
            question.delivered_at.isoformat() if question.delivered_at else "",
            json.dumps(question.answers, ensure_ascii=False, sort_keys=True) if question.answers is not None else "",
        ])
    return out.getvalue()
