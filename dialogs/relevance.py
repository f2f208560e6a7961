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
from rules.schema import AllOf, AnyOf, Leaf, NotOf

Answers = dict[str, object]


def assess_answers(answers: Answers, as_of: dt.date) -> Assessment:
    return assess(default_ruleset(), Profile.model_validate(answers).facts(), as_of)


def needed_facts(assessment: Assessment) -> set[str]:
    """Facts that in-force ``possible`` matches still miss (expired clauses need nothing)."""
    needed: set[str] = set()
    for match in assessment.matches:
        if match.status == "possible":
            needed.update(match.missing)
    return needed


def leaves(node: object):
    """Every leaf of a condition tree."""
    if isinstance(node, Leaf):
        yield node
    elif isinstance(node, AllOf | AnyOf):
        for part in node.all if isinstance(node, AllOf) else node.any:
            yield from leaves(part)
    elif isinstance(node, NotOf):
        yield from leaves(node.not_)


def activities_still_relevant(answers: Answers, as_of: dt.date | None = None) -> tuple[str, ...]:
    """The activity ids read by rules that are still open once the other answers are known."""
    without = {k: v for k, v in answers.items() if k != "activities"}
    assessment = assess_answers(without, as_of or dt.date.today())
    relevant: set[str] = set()
    for match in assessment.matches:
        if match.status == "possible" and "activities" in match.missing:
            for leaf in leaves(match.rule.conditions):
                if leaf.fact == "activities":
                    relevant.update([leaf.value] if isinstance(leaf.value, str) else leaf.value)  # type: ignore[arg-type]
    return tuple(a for a in ACTIVITIES if a in relevant)


def thresholds_in_range(assessment: Assessment, fact: str, low: float, high: float) -> list[tuple[str, float]]:
    """The thresholds on ``fact`` (``(op, value)``) that undecided rules test inside ``(low, high)``:
    what a range straddles, so the ask-back can name the figure that matters."""
    found: dict[tuple[str, float], None] = {}
    for match in assessment.matches:
        if match.status != "possible" or fact not in match.missing:
            continue
        for leaf in leaves(match.rule.conditions):
            if leaf.fact == fact and leaf.op in ("gt", "gte", "lt", "lte") and isinstance(leaf.value, int | float) \
                    and low <= leaf.value <= high:
                found[(leaf.op, float(leaf.value))] = None
        formula = match.rule.formula
        if getattr(formula, "kind", None) == "tiers" and getattr(formula, "base", None) == fact:
            for tier in formula.tiers:  # type: ignore[attr-defined]
                if low < tier.min <= high:
                    found[("gte", float(tier.min))] = None
    return sorted(found, key=lambda item: item[1])
