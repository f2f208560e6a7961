"""Dialog state round-trips through JSON, and older stored states load with every answer kept."""

from __future__ import annotations

import datetime as dt
import json

from dialogs.conversation import current_turn, start, step
from dialogs.state import SCHEMA_VERSION, DialogState, load_state

AS_OF = dt.date(2026, 11, 24)


def test_state_round_trips_through_json() -> None:
    state, _ = start("en", as_of=AS_OF)
    for text in ("渝中区", "yes", "none", "1.2亿"):
        state, _ = step(state, text)
    again = load_state(state.to_json())
    assert again == state


def test_a_version_1_state_is_migrated_with_a_message_and_no_answer_lost() -> None:
    old = json.dumps({"schema_version": 1, "locale": "zh-CN", "profile": {"district": "渝中区", "revenue_cny": 1.2e8},
                      "unknown": ["revenue_prev_cny"], "history": ["district", "revenue_cny", "revenue_prev_cny"],
                      "pending": "revenue_prev_cny"})
    state = load_state(old)
    assert state.schema_version == SCHEMA_VERSION
    assert state.answers == {"district": "渝中区", "revenue_cny": 1.2e8}
    assert state.skipped == ["revenue_prev_cny"]
    turn = current_turn(state.model_copy(update={"as_of": AS_OF}))
    assert "问卷已更新，已保留您的答案" in turn.messages[0]


def test_an_answer_that_no_longer_validates_is_dropped_and_the_rest_kept() -> None:
    stored = json.dumps({"schema_version": SCHEMA_VERSION, "answers": {"district": "渝中区", "retired_field": 3,
                                                                       "activities": ["retired_activity"]}})
    state = load_state(stored)
    assert state.answers == {"district": "渝中区"}
    assert state.notice == "dialog.migrated"


def test_unreadable_state_is_treated_as_no_state() -> None:
    assert load_state("{not json") is None
    assert load_state("[]") is None
    assert load_state(None) is None
    assert isinstance(load_state("{}"), DialogState)
