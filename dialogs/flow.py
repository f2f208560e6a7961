"""Which question comes next: the first one of the table whose fact an undecided rule still needs.

After every answer the rules are assessed on what is known (``dialogs.relevance``); the facts that
in-force ``possible`` matches still miss are the only ones worth asking. An answer that settles
those rules makes the questions behind them disappear (no R&D amounts without a reserve system,
nothing only 渝中区 clauses need for an enterprise elsewhere, no event details without an event).

A figure given as a range (``2000多万``) that an undecided rule still needs is asked back
(``Ask.refine``) unless the owner already said they cannot be more exact. A follow-up whose parent
is unknown (which titles are new, when the titles were skipped) is not asked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dialogs.questions import BY_ID, EVENT_QUESTIONS, MAX_EVENTS, PROFILE_QUESTIONS, QUESTIONS, Question
from dialogs.relevance import assess_answers, needed_facts
from dialogs.state import DialogState
from rules.engine import Assessment
from rules.ranges import FigureRange

EVENTS_MORE = "events_more"


@dataclass(frozen=True, slots=True)
class Ask:
    """The question to put next, for event questions the event it is about, and whether it asks
    back about a figure given as a range."""

    question: Question
    event_index: int | None = None
    refine: bool = False

    @property
    def key(self) -> str:
        if self.question.scope == "events_more":
            return EVENTS_MORE
        return self.question.key(self.event_index)


def saved_answer(state: DialogState, key: str) -> object:
    """The recorded answer for a fact key (``events[0].attendees`` included); None when there is none."""
    if key.startswith("events["):
        index = event_index_of(key)
        events = state.answers.get("events") or []
        return events[index].get(key.split(".", 1)[1]) if index < len(events) else None
    if key == EVENTS_MORE:
        return None
    return state.answers.get(key)


def event_index_of(key: str) -> int:
    return int(key[len("events["):key.index("]")])


def _parent_unknown(state: DialogState, question: Question) -> bool:
    return any(BY_ID[parent].field in state.skipped for parent in question.depends_on)


def _worth_asking(state: DialogState, key: str, needed: set[str]) -> tuple[bool, bool]:
    """(ask it, as an ask-back about a range)."""
    if key not in needed:
        return False, False
    value = saved_answer(state, key)
    if value is None:
        return True, False
    if isinstance(value, FigureRange | dict) and key not in state.refine_declined:
        return True, True
    return False, False


def next_ask(state: DialogState, as_of: dt.date, assessment: Assessment | None = None) -> Ask | None:
    """The first question of the table still worth asking; unknown facts before ask-backs about
    ranges (an unknown fact may settle the rule and make the ask-back unnecessary). Facts to recheck
    (a yearly refresh) come before all of them."""
    for key in state.recheck:
        ask = ask_for_key(state, key)
        if ask is not None:
            return Ask(ask.question, ask.event_index)
    assessment = assessment or assess_answers(state.answers, as_of)
    needed = needed_facts(assessment) - set(state.skipped)
    events = state.answers.get("events") or []
    refine: Ask | None = None
    for question in QUESTIONS:
        if question.scope == "profile":
            ask, is_refine = _worth_asking(state, question.field, needed)
            if ask and not _parent_unknown(state, question):
                if not is_refine:
                    return Ask(question)
                refine = refine or Ask(question, refine=True)
        elif question.scope == "event":
            for index in range(len(events)):
                ask, is_refine = _worth_asking(state, question.key(index), needed)
                if ask and not is_refine:
                    return Ask(question, index)
                if ask:
                    refine = refine or Ask(question, index, refine=True)
        elif _another_event_could_count(state, as_of):
            return refine or Ask(question)
    return refine


def _another_event_could_count(state: DialogState, as_of: dt.date) -> bool:
    events = state.answers.get("events")
    if not events or state.events_done or len(events) >= MAX_EVENTS or EVENTS_MORE in state.skipped:
        return False
    with_one_more = {**state.answers, "events": [*events, {}]}
    return any(m.event_index == len(events) and m.status == "possible"
               for m in assess_answers(with_one_more, as_of).matches)


def ask_for_key(state: DialogState, key: str) -> Ask | None:
    """The question that fills a fact key (the one on screen, or one to go back or change to)."""
    if key == EVENTS_MORE:
        return Ask(BY_ID[EVENTS_MORE])
    question = event_question(key)
    if question is not None:
        refine = isinstance(saved_answer(state, key), FigureRange | dict) and key not in state.refine_declined
        return Ask(question, event_index_of(key), refine=refine)
    if key not in PROFILE_QUESTIONS:
        return None
    value = state.answers.get(key)
    return Ask(PROFILE_QUESTIONS[key], refine=isinstance(value, FigureRange | dict) and key not in state.refine_declined)


def event_question(key: str) -> Question | None:
    """The event question for a fact key like ``events[0].attendees``."""
    return EVENT_QUESTIONS.get(key.split(".", 1)[1]) if key.startswith("events[") else None
