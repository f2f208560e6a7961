"""The dialog asks only what can still change the result, and reaches the result for typical firms."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
import yaml

from dialogs.conversation import start, step
from dialogs.state import DialogState
from rules.engine import assess
from rules.loader import default_ruleset
from rules.profile import Profile
from tests.dialogs.answering import answer_for

AS_OF = dt.date(2026, 11, 24)
TYPICAL = yaml.safe_load((Path(__file__).parent / "typical_profiles.yaml").read_text(encoding="utf-8"))
AMOUNTS = ["0", "1万", "100万", "2000万", "20000001", "5000万", "1亿", "10亿", "100亿", "1000亿"]
COUNTS = ["0", "1", "51", "100", "201", "501", "5001", "10001", "20000"]


def alternatives(state: DialogState, turn) -> list[str]:
    expects = turn.expects
    if expects.kind == "amount":
        return AMOUNTS
    if expects.kind == "integer":
        return COUNTS
    if expects.kind == "multi":
        return ["无", ",".join(o.id for o in expects.options)] + [o.id for o in expects.options]
    return [o.id for o in expects.options]


def outlook(state: DialogState) -> tuple:
    result = assess(default_ruleset(), state.facts(), AS_OF)
    return tuple(sorted((m.rule.rule_id, m.event_index, m.status, m.amount.value)
                        for m in result.matches if m.status in ("eligible", "possible")))


@pytest.mark.parametrize("case", TYPICAL, ids=[c["name"] for c in TYPICAL])
def test_every_question_asked_could_change_the_result(case: dict) -> None:
    facts = Profile.model_validate(case["profile"]).facts()
    state, turn = start("zh-CN", as_of=AS_OF)
    rng, events_given = random.Random(0), []
    while not turn.done:
        outcomes = set()
        for text in alternatives(state, turn):
            after, _ = step(state, text)
            if after.pending != state.pending or after.done:  # the answer was accepted
                outcomes.add(outlook(after))
        assert len(outcomes) >= 2, f"{turn.expects.field}: no answer changes the result"
        state, turn = step(state, answer_for(turn, facts, events_given, rng))
    assert len(set(state.history)) <= 27  # 25 before issue 11 added 新入驻 (newly_settled) and 信息化投资


def test_no_prior_headcount_question_far_below_5000_staff() -> None:
    facts = Profile.model_validate(TYPICAL[0]["profile"]).facts()
    state, turn = start("zh-CN", as_of=AS_OF)
    rng, events_given, asked = random.Random(0), [], []
    while not turn.done:
        asked.append(turn.expects.field)
        state, turn = step(state, answer_for(turn, facts, events_given, rng))
    assert "software_staff" in asked and "software_staff_prev_max" not in asked
    assert not any(field.startswith("events[") for field in asked)  # no event hosted: no event details
