"""Facts an owner volunteers in a first message: "渝中区的，营收1.2亿，想问下能拿什么补贴".

The first message is read for the district (any district named in it) and for figures introduced by
a word that names them (``营收``, ``revenue``, ``员工``… in ``locales/*/dialog.yaml`` under
``dialog.mention_words``). Only what is read unambiguously is taken; everything else is asked.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from dialogs.parse import Approx, Ok, mentioned_options, parse_amount, parse_integer
from dialogs.questions import PROFILE_QUESTIONS
from dialogs.state import DialogState
from locales import LOCALES, catalog
from locales.text import normalize_text

_CLAUSE_END = re.compile(r"[，,。；;！!？?\n]")


@functools.cache
def _mention_words() -> dict[str, tuple[str, ...]]:
    words: dict[str, list[str]] = {}
    for locale in LOCALES:
        for key, value in catalog(locale).items():
            if key.startswith("dialog.mention_words.") and isinstance(value, list):
                words.setdefault(key.removeprefix("dialog.mention_words."), []).extend(value)
    return {field: tuple(sorted({normalize_text(w) for w in ws}, key=len, reverse=True)) for field, ws in words.items()}


def facts_in_first_message(text: str, state: DialogState) -> list[tuple[str, Any]]:
    """(fact, value) pairs named in a sentence; empty when the text is a plain answer or names nothing."""
    from dialogs.answering import choice_options, range_value
    from dialogs.flow import Ask

    cleaned = normalize_text(text)
    if len(cleaned) < 4:
        return []
    found: list[tuple[str, Any]] = []
    district = PROFILE_QUESTIONS["district"]
    named = mentioned_options(text, choice_options(Ask(district), state))
    if len(named) == 1:
        found.append(("district", named[0]))
    for field, words in _mention_words().items():
        question = PROFILE_QUESTIONS.get(field)
        if question is None:
            continue
        for word in words:
            at = cleaned.find(word)
            if at < 0:
                continue
            figure = _CLAUSE_END.split(cleaned[at + len(word):], maxsplit=1)[0].strip(" :：是为约")
            if not figure:
                continue
            outcome = (parse_amount(figure, default_unit=question.default_unit) if question.kind == "amount"
                       else parse_integer(figure))
            if isinstance(outcome, Ok):
                found.append((field, outcome.value))
            elif isinstance(outcome, Approx):
                found.append((field, range_value(outcome)))
            break
    return found if len(found) > 1 or (found and found[0][0] != "district") or _is_sentence(cleaned) else []


def _is_sentence(cleaned: str) -> bool:
    """A district named inside a longer message (not a bare answer, which the parser reads itself)."""
    return len(cleaned) >= 6
