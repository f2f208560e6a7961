"""What is still worth asking: the assessment of the answers so far, and the facts it still needs.

Like docassemble asking only what its goal needs: after every answer the rules are assessed on
what is known; the facts that in-force ``possible`` matches still miss are the only ones worth
asking, and the activities worth offering are those read by rules still open. Both the question
table (``dialogs.questions``, for its option lists) and the flow (``dialogs.flow``) use this
module, which imports neither of them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import OrderedDict

from rules.engine import Assessment, assess
from rules.loader import default_ruleset
from rules.profile import ACTIVITIES, Profile
from rules.ranges import FigureRange, compare_figures
from rules.schema import iter_leaves

Answers = dict[str, object]


REMEMBERED_ASSESSMENTS = 512
_remembered: OrderedDict[tuple, Assessment] = OrderedDict()


def assess_answers(answers: Answers, as_of: dt.date) -> Assessment:
    """The assessment of ``answers`` on ``as_of`` (no near misses), remembered for the last few hundred
    answer sets: one turn asks for the same answers several times (the next question, its options,
    its wording), and conversations begin alike. The result is shared: callers only read it."""
    ruleset = default_ruleset()
    try:
        key = (ruleset.version, as_of, json.dumps(answers, sort_keys=True, ensure_ascii=False, default=repr))
    except (TypeError, ValueError):  # not JSON-like: not remembered
        return assess(ruleset, Profile.model_validate(answers).facts(), as_of, near_misses=False)
    found = _remembered.get(key)
    if found is None:
        found = _remembered[key] = assess(ruleset, Profile.model_validate(answers).facts(), as_of, near_misses=False)
        if len(_remembered) > REMEMBERED_ASSESSMENTS:
            _remembered.popitem(last=False)
    else:
        _remembered.move_to_end(key)
    return found


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
