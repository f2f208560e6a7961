"""YAML transcripts of whole conversations, like Rasa's test stories.

Each file in ``transcripts/`` holds a list of stories::

    - name: …
      locale: zh-CN            # optional
      steps:
        - asks: district       # the field the question on screen fills (checked before speaking)
          say: 渝中
          then_says: […]       # optional: texts that must appear in the reply
        - say: 返回            # a step without ``asks`` does not check the question
      result:                  # optional: checked on the final turn
        done: true
        total_max_award_cny: 500000
        matches: {YZ2025-2.1: {status: eligible, max_award_cny: 500000}}
        absent: [CQ2025-8]
        answers: {revenue_cny: 120000000}   # values kept in the state
        questions_asked: 8     # distinct questions answered or skipped
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dialogs.conversation import start, step
from dialogs.state import DialogState
from tests.yaml_params import yaml_params

STORIES = Path(__file__).parent / "transcripts"
AS_OF = dt.date(2026, 11, 24)


@pytest.mark.parametrize("story", yaml_params(STORIES))
def test_transcript(story: dict) -> None:
    state, turn = start(story.get("locale", "zh-CN"), as_of=AS_OF)
    for number, item in enumerate(story["steps"], start=1):
        if "asks" in item:
            asked = turn.expects.field if turn.expects else None
            assert asked == item["asks"], f"step {number}: expected question {item['asks']}, got {asked}: {turn.messages}"
        state, turn = step(DialogState.model_validate_json(state.to_json()), str(item["say"]))
        text = "\n".join(turn.messages)
        for needle in item.get("then_says", []):
            assert str(needle) in text, f"step {number} ({item['say']!r}): {needle!r} not in {text!r}"
        for needle in item.get("never_says", []):
            assert str(needle) not in text, f"step {number}: {needle!r} in {text!r}"
    expected = story.get("result") or {}
    if "done" in expected:
        assert turn.done is expected["done"]
    if expected.get("done"):
        assessment = turn.assessment
        if "total_max_award_cny" in expected:
            assert assessment["total_max_award_cny"] == expected["total_max_award_cny"]
        matches = {m["rule_id"]: m for m in assessment["matches"]}
        for rule_id, fields in (expected.get("matches") or {}).items():
            assert rule_id in matches, f"{rule_id} not in {sorted(matches)}"
            for key, value in fields.items():
                assert matches[rule_id][key] == value, (rule_id, key, matches[rule_id][key])
        for rule_id in expected.get("absent") or []:
            assert rule_id not in matches
    for key, value in (expected.get("answers") or {}).items():
        assert state.answers.get(key) == value, (key, state.answers.get(key))
    if "questions_asked" in expected:
        assert len(set(state.history)) == expected["questions_asked"], state.history
    for key in expected.get("skipped") or []:
        assert key in state.skipped
