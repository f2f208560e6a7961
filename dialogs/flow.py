"""Which question comes next: the first one of the table whose fact an undecided rule still needs.

Like docassemble asking only what its goal needs: after every answer the rules are assessed on
what is known; the facts that in-force ``possible`` matches still miss are the only ones worth
asking. An answer that settles those rules makes the questions behind them disappear (no R&D
amounts without a reserve system, nothing only 渝中区 clauses need for an enterprise elsewhere,
no event details without an event).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dialogs.questions import EVENT_QUESTIONS, MAX_EVENTS, QUESTIONS, Answers, Question
from dialogs.state import DialogState
from rules.engine import Assessment, assess
from rules.loader import default_ruleset
from rules.profile import Profile
from rules.schema import AllOf, AnyOf, Leaf, NotOf

EVENTS_MORE = "events_more"


@dataclass(frozen=True, slots=True)
class Ask:
    """The question to put next, and for event questions the event it is about."""

    question: Question
    event_index: int | None = None

    @property
    def key(self) -> str:
        if self.question.scope == "events_more":
            return EVENTS_MORE
        return self.question.key(self.event_index)


def assess_answers(answers: Answers, as_of: dt.date) -> Assessment:
    return assess(default_ruleset(), Profile.model_validate(answers).facts(), as_of)


def needed_facts(assessment: Assessment) -> set[str]:
    """Facts that in-force ``possible`` matches still miss (expired clauses need nothing)."""
    needed: set[str] = set()
    for match in assessment.matches:
        if match.status == "possible":
            needed.update(match.missing)
    return needed


def next_ask(state: DialogState, as_of: dt.date, assessment: Assessment | None = None) -> Ask | None:
    assessment = assessment or assess_answers(state.answers, as_of)
    needed = needed_facts(assessment) - set(state.skipped)
    events = state.answers.get("events") or []
    for question in QUESTIONS:
        if question.scope == "profile":
            if question.field in needed and question.field not in state.answers:
                return Ask(question)
        elif question.scope == "event":
            for index in range(len(events)):
                if question.key(index) in needed:
                    return Ask(question, index)
        elif _another_event_could_count(state, as_of):
            return Ask(question)
    return None


def _another_event_could_count(state: DialogState, as_of: dt.date) -> bool:
    events = state.answers.get("events")
    if not events or state.events_done or len(events) >= MAX_EVENTS or EVENTS_MORE in state.skipped:
        return False
    with_one_more = {**state.answers, "events": [*events, {}]}
    return any(m.event_index == len(events) and m.status == "possible"
               for m in assess_answers(with_one_more, as_of).matches)


def _activity_ids(node: object, out: set[str]) -> None:
    if isinstance(node, Leaf):
        if node.fact == "activities":
            out.update([node.value] if isinstance(node.value, str) else node.value)  # type: ignore[arg-type]
    elif isinstance(node, AllOf | AnyOf):
        for part in node.all if isinstance(node, AllOf) else node.any:
            _activity_ids(part, out)
    elif isinstance(node, NotOf):
        _activity_ids(node.not_, out)


def activities_still_relevant(answers: Answers, as_of: dt.date | None = None) -> tuple[str, ...]:
    """The activity ids read by rules that are still open once the other answers are known."""
    from rules.profile import ACTIVITIES

    without = {k: v for k, v in answers.items() if k != "activities"}
    assessment = assess_answers(without, as_of or dt.date.today())
    relevant: set[str] = set()
    for match in assessment.matches:
        if match.status == "possible" and "activities" in match.missing:
            _activity_ids(match.rule.conditions, relevant)
    return tuple(a for a in ACTIVITIES if a in relevant)


def event_question(key: str) -> Question | None:
    """The event question for a fact key like ``events[0].attendees``."""
    return EVENT_QUESTIONS.get(key.split(".", 1)[1]) if key.startswith("events[") else None
