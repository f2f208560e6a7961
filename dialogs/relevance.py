"""What is still worth asking: the assessment of the answers so far, and the facts it still needs.

Like docassemble asking only what its goal needs: after every answer the rules are assessed on
what is known; the facts that in-force ``possible`` matches still miss are the only ones worth
asking, and the activities worth offering are those read by rules still open. Both the question
table (``dialogs.questions``, for its option lists) and the flow (``dialogs.flow``) use this
module, which imports neither of them.
"""

from __future__ import annotations

import datetime as dt

from rules.engine import Assessment, assess
from rules.loader import default_ruleset
from rules.profile import ACTIVITIES, Profile
from rules.ranges import FigureRange, compare_figures
from rules.schema import iter_leaves

Answers = dict[str, object]


def assess_answers(answers: Answers, as_of: dt.date) -> Assessment:
    return assess(default_ruleset(), Profile.model_validate(answers).facts(), as_of, near_misses=False)


def needed_facts(assessment: Assessment) -> set[str]:
    """Facts that in-force ``possible`` matches still miss (expired clauses need nothing)."""
    needed: set[str] = set()
    for match in assessment.matches:
        if match.status == "possible":
            needed.update(match.missing)
    return needed


def activities_still_relevant(answers: Answers, as_of: dt.date | None = None) -> tuple[str, ...]:
    """The activity ids read by rules that are still open once the other answers are known."""
    without = {k: v for k, v in answers.items() if k != "activities"}
    assessment = assess_answers(without, as_of or dt.date.today())
    relevant: set[str] = set()
    for match in assessment.matches:
        if match.status == "possible" and "activities" in match.missing:
            for leaf in iter_leaves(match.rule.conditions):
                if leaf.fact == "activities":
                    relevant.update([leaf.value] if isinstance(leaf.value, str) else leaf.value)  # type: ignore[arg-type]
    return tuple(a for a in ACTIVITIES if a in relevant)


def thresholds_in_range(assessment: Assessment, fact: str, figure: FigureRange) -> list[tuple[str, float]]:
    """The thresholds on ``fact`` (``(op, value)``) that undecided rules test and that ``figure``
    straddles (some of its values pass, some fail): what the ask-back should name."""
    found: dict[tuple[str, float], None] = {}
    for match in assessment.matches:
        if match.status != "possible" or fact not in match.missing:
            continue
        tests = [(leaf.op, leaf.value) for leaf in iter_leaves(match.rule.conditions) if leaf.fact == fact]
        formula = match.rule.formula
        if getattr(formula, "kind", None) == "tiers" and getattr(formula, "base", None) == fact:
            tests += [("gte", tier.min) for tier in formula.tiers]  # type: ignore[attr-defined]
        for op, value in tests:
            if op in ("gt", "gte", "lt", "lte") and isinstance(value, int | float) \
                    and compare_figures(figure, op, value) is None:
                found[(op, float(value))] = None
    return sorted(found, key=lambda item: item[1])
