"""The conversation's questions, declared once, in the order they are worth asking.

Each question fills one profile field. Its text is the locale message ``dialog.ask_<id>``, its
validator is named explicitly (``validator=validate_<id>``), and its answer kind decides the
parser; an amount question names the unit its example uses (``default_unit``), which is how a bare
``1.2`` is read back to the user for confirmation. Which question comes next is not drawn as fixed arrows: the dialog asks the first
question of this table whose fact an undecided rule still needs (see ``dialogs.flow``), so
a question that cannot change the result is never asked. ``depends_on`` names the answers
whose change makes this one stale (it is asked again).

The table is checked when the module loads (:func:`check_questions`), and drawn in
``dialogs/flow.mmd`` (kept in sync by a test).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from dialogs.relevance import activities_still_relevant
from locales import LOCALES, has
from rules.loader import default_ruleset
from rules.profile import (
    CERTIFICATIONS,
    CHONGQING_DISTRICTS,
    EVENT_KINDS,
    EVENT_LEVELS,
    OUTSIDE_CHONGQING,
    PLATFORM_LEVELS,
    Profile,
)
from rules.ranges import FigureRange
from rules.schema import iter_leaves

Kind = Literal["amount", "integer", "bool", "choice", "multi"]
Answers = dict[str, object]

MAX_EVENTS = 3
WAN, YI = 10**4, 10**8  # 万, 亿
PLAUSIBLE_AMOUNT_CNY = 10**12  # 1 万亿元: beyond any single enterprise's figure
PLAUSIBLE_HEADCOUNT = 1_000_000


@dataclass(frozen=True, slots=True)
class Question:
    """One question: ``id`` names its template (``ask_<id>``) and validator (``validate_<id>``)."""

    id: str
    kind: Kind
    field: str  # the profile field it fills; for event questions the key inside an event
    scope: Literal["profile", "event", "events_more"] = "profile"
    options: tuple[str, ...] | Callable[[Answers, dt.date | None], tuple[str, ...]] | None = None
    option_catalog: str | None = None  # locale catalog holding the option labels
    depends_on: tuple[str, ...] = ()  # a change makes this stale; unknown makes it pointless to ask
    validator: Validator | None = None
    default_unit: int = 1  # amounts: the unit of the question's example (1.2亿 → 10**8) for bare numbers

    def key(self, event_index: int | None = None) -> str:
        """The fact name as the engine reports it missing: ``revenue_cny``, ``events[0].attendees``."""
        if self.scope == "event":
            return f"events[{event_index}].{self.field}"
        return self.field


def held_certifications(answers: Answers, as_of: dt.date | None = None) -> tuple[str, ...]:
    """Titles that may be new: those held, or every title when which are held was not asked."""
    held = answers.get("certifications")
    if held is None:
        return CERTIFICATIONS
    return tuple(c for c in CERTIFICATIONS if c in held)


def relevant_activities(answers: Answers, as_of: dt.date | None = None) -> tuple[str, ...]:
    """Only the activities that some rule still open for this enterprise looks at."""
    return activities_still_relevant(answers, as_of)


# --- validators: validate_<field>(value, answers) -> Reject | Doubt | None ------------------------


@dataclass(frozen=True, slots=True)
class Reject:
    """Not a possible answer: said back (``key`` under ``dialog.invalid``) and the question re-asked."""

    key: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Doubt:
    """Possible but unlikely: the dialog asks the user to confirm before recording it."""

    reason: str


Check = Reject | Doubt | None
Validator = Callable[[object, "Answers"], Check]
PLAUSIBLE_REVENUE_FLOOR_CNY = 10_000  # a year's revenue under 1万元 is more likely a unit slip
DOUBTFUL_HEADCOUNT = 100_000


def _figure_top(value: object) -> float | None:
    if isinstance(value, FigureRange):
        return value.high if value.high is not None else value.low
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def validate_amount(value: object, answers: Answers) -> Check:
    """Any amount: beyond 1 万亿元 is no single enterprise's figure."""
    top = _figure_top(value)
    if top is not None and top > PLAUSIBLE_AMOUNT_CNY:
        return Reject("dialog.invalid.implausible_amount")
    return None


def validate_revenue_cny(value: object, answers: Answers) -> Check:
    """Revenue: as any amount, and a positive figure under 1万元 is confirmed (a unit slip?)."""
    if isinstance(value, int | float) and 0 < value < PLAUSIBLE_REVENUE_FLOOR_CNY:
        return Doubt("small_revenue")
    return validate_amount(value, answers)


validate_revenue_prev_cny = validate_software_revenue_cny = validate_software_revenue_prev_max_cny = \
    validate_revenue_cny


def validate_software_staff(value: object, answers: Answers) -> Check:
    """A headcount over 1,000,000 is refused; over 100,000 it is confirmed."""
    top = _figure_top(value)
    if top is not None and top > PLAUSIBLE_HEADCOUNT:
        return Reject("dialog.invalid.implausible_headcount")
    if isinstance(value, int) and value > DOUBTFUL_HEADCOUNT:
        return Doubt("large_headcount")
    return None


validate_software_staff_prev_max = validate_software_staff


QUESTIONS: tuple[Question, ...] = (
    Question("district", "choice", "district", options=CHONGQING_DISTRICTS + (OUTSIDE_CHONGQING,),
             option_catalog="districts"),
    Question("is_software_enterprise", "bool", "is_software_enterprise"),
    Question("certifications", "multi", "certifications", options=CERTIFICATIONS, option_catalog="certifications"),
    Question("new_certifications", "multi", "new_certifications", options=held_certifications,
             option_catalog="certifications", depends_on=("certifications",)),
    Question("newly_settled", "bool", "newly_settled"),
    Question("moved_within_chongqing", "bool", "moved_within_chongqing", depends_on=("newly_settled",)),
    Question("revenue_cny", "amount", "revenue_cny", validator=validate_revenue_cny, default_unit=YI),
    Question("revenue_prev_cny", "amount", "revenue_prev_cny", validator=validate_revenue_prev_cny,
             default_unit=YI),
    Question("software_staff", "integer", "software_staff", validator=validate_software_staff),
    Question("software_staff_prev_max", "integer", "software_staff_prev_max",
             validator=validate_software_staff_prev_max),
    Question("software_revenue_cny", "amount", "software_revenue_cny", validator=validate_software_revenue_cny,
             default_unit=WAN),
    Question("software_revenue_prev_max_cny", "amount", "software_revenue_prev_max_cny",
             validator=validate_software_revenue_prev_max_cny, default_unit=WAN),
    Question("activities", "multi", "activities", options=relevant_activities, option_catalog="activities"),
    Question("platform_level", "choice", "platform_level", options=PLATFORM_LEVELS, option_catalog="platform_levels"),
    Question("maas_enterprises_served", "integer", "maas_enterprises_served"),
    Question("online_platform_investment_cny", "amount", "online_platform_investment_cny",
             validator=validate_amount, default_unit=WAN),
    Question("refinancing_amount_cny", "amount", "refinancing_amount_cny", validator=validate_amount,
             default_unit=YI),
    Question("compute_spend_cny", "amount", "compute_spend_cny", validator=validate_amount, default_unit=WAN),
    Question("informatisation_investment_cny", "amount", "informatisation_investment_cny", validator=validate_amount,
             default_unit=WAN),
    Question("rnd_reserve_system", "bool", "rnd_reserve_system"),
    Question("rnd_expense_cny", "amount", "rnd_expense_cny", validator=validate_amount, default_unit=WAN),
    Question("rnd_expense_prev_cny", "amount", "rnd_expense_prev_cny", validator=validate_amount,
             default_unit=WAN),
    Question("invention_patents", "integer", "invention_patents"),
    Question("blockchain_invention_patents", "integer", "blockchain_invention_patents",
             depends_on=("invention_patents",)),
    Question("events", "bool", "events"),
    Question("event_kind", "choice", "kind", scope="event", options=EVENT_KINDS, option_catalog="event_kinds"),
    Question("event_level", "choice", "level", scope="event", options=EVENT_LEVELS, option_catalog="event_levels"),
    Question("event_location_district", "choice", "location_district", scope="event",
             options=CHONGQING_DISTRICTS + (OUTSIDE_CHONGQING,), option_catalog="districts"),
    Question("event_attendees", "integer", "attendees", scope="event"),
    Question("event_teams", "integer", "teams", scope="event"),
    Question("event_regular", "bool", "regular", scope="event"),
    Question("event_cohosted_with_district", "bool", "cohosted_with_district", scope="event"),
    Question("event_cost_cny", "amount", "cost_cny", scope="event", validator=validate_amount, default_unit=WAN),
    Question("event_venue_and_lodging_cost_cny", "amount", "venue_and_lodging_cost_cny", scope="event",
             validator=validate_amount, default_unit=WAN),
    Question("events_more", "bool", "events", scope="events_more"),
)
BY_ID: dict[str, Question] = {q.id: q for q in QUESTIONS}
PROFILE_QUESTIONS: dict[str, Question] = {q.field: q for q in QUESTIONS if q.scope == "profile"}
EVENT_QUESTIONS: dict[str, Question] = {q.field: q for q in QUESTIONS if q.scope == "event"}


def options_for(question: Question, answers: Answers, as_of: dt.date | None = None) -> tuple[str, ...]:
    if question.options is None:
        return ()
    return question.options(answers, as_of) if callable(question.options) else question.options


# --- checking an answer: the question's validator, then part ≤ whole --------------------------


def within_bound(field: str, value: object, answers: Answers) -> Reject | None:
    """A part never exceeds its whole (``at_most`` in rules/data/facts.yaml): software revenue ≤
    revenue, blockchain patents ≤ all invention patents."""
    bound_field = default_ruleset().fact_bounds.get(field)
    bound = answers.get(bound_field) if bound_field else None
    low = value.low if isinstance(value, FigureRange) else value
    top = _figure_top(bound)
    if top is not None and isinstance(low, int | float) and low > top:
        return Reject("dialog.invalid.above_bound", {"field": field, "bound_field": bound_field, "bound": bound})
    return None


def check_answer(question: Question, value: object, answers: Answers) -> Check:
    """The question's own validator, then the part-of-a-whole bound."""
    own = question.validator(value, answers) if question.validator else None
    return own if isinstance(own, Reject) else within_bound(question.field, value, answers) or own


# --- the load-time check --------------------------------------------------------------------


class DialogDefinitionError(ValueError):
    """The question table is inconsistent; raised at import time."""


def _facts_rules_need() -> set[str]:
    """Every fact some enterprise rule's conditions or formula read (``event.x`` → ``x``)."""
    needed: set[str] = set()

    def walk_expr(expr: object) -> None:
        if isinstance(expr, str):
            needed.add(expr.removeprefix("event."))
        elif isinstance(expr, dict):
            for args in expr.values():
                for arg in args:
                    walk_expr(arg)

    for rule in default_ruleset().rules:
        if rule.beneficiary != "enterprise":
            continue
        for leaf in iter_leaves(rule.conditions):
            needed.add(leaf.fact.removeprefix("event."))
            if leaf.op == "gt_fact":
                needed.add(str(leaf.value).removeprefix("event."))
        formula = rule.formula
        for part in getattr(formula, "parts", None) or [formula]:
            for attr in ("base", "count"):
                walk_expr(getattr(part, attr, None))
    return needed


def check_questions() -> None:
    """One start, nothing unreachable, every question has text in every locale."""
    problems: list[str] = []
    if QUESTIONS[0].scope != "profile" or QUESTIONS[0].depends_on:
        problems.append("the first question must be a profile question with no dependencies")
    if len(BY_ID) != len(QUESTIONS):
        problems.append("duplicate question ids")
    needed = _facts_rules_need()
    profile_fields = set(Profile.model_fields) - {"as_of"}
    for question in QUESTIONS:
        for locale in LOCALES:
            if not has(locale, f"dialog.ask_{question.id}"):
                problems.append(f"{question.id}: no text dialog.ask_{question.id} in {locale}")
        if question.scope == "profile" and question.field not in profile_fields:
            problems.append(f"{question.id}: {question.field} is not a profile field")
        if question.scope != "events_more" and question.field not in needed and question.field != "events":
            problems.append(f"{question.id}: no rule needs {question.field}, so it could never be asked")
        for dependency in question.depends_on:
            if dependency not in BY_ID or QUESTIONS.index(BY_ID[dependency]) > QUESTIONS.index(question):
                problems.append(f"{question.id}: depends on {dependency}, which is not asked before it")
        if question.kind in ("choice", "multi") and not (question.options and question.option_catalog):
            problems.append(f"{question.id}: a {question.kind} question needs options and their labels")
    unasked = profile_fields - set(PROFILE_QUESTIONS)
    if unasked:
        problems.append(f"profile fields no question fills: {sorted(unasked)}")
    if problems:
        raise DialogDefinitionError("; ".join(problems))


check_questions()


YEARLY_FIELDS = (
    "newly_settled", "revenue_cny", "revenue_prev_cny", "software_staff", "software_staff_prev_max",
    "software_revenue_cny", "software_revenue_prev_max_cny", "new_certifications", "activities",
    "maas_enterprises_served", "online_platform_investment_cny", "compute_spend_cny", "informatisation_investment_cny",
    "rnd_expense_cny", "rnd_expense_prev_cny", "invention_patents", "blockchain_invention_patents", "events",
)
"""Profile fields that describe one year (the last full year, the year before, what happened in it): a
yearly refresh asks each of them again (in the table's order), showing the old answer."""
