"""The yearly refresh, pure: a conversation started from earlier answers asks each yearly figure again,
showing the old value; "skip" keeps it, a new answer replaces it, "don't know" clears it; nothing else is asked
again, and an old figure is never silently kept without being asked."""

from __future__ import annotations

import datetime as dt

from dialogs.conversation import start_refresh, step
from dialogs.questions import YEARLY_FIELDS
from locales import t

DAY = dt.date(2027, 6, 2)
OLD = {"district": "渝中区", "is_software_enterprise": True, "revenue_cny": 120_000_000,
       "revenue_prev_cny": 100_000_000, "software_staff": 300, "certifications": ["municipal_specialized_sme"]}


def test_each_yearly_figure_is_asked_again_first_with_its_old_value() -> None:
    state, turn = start_refresh(OLD, "zh-CN", DAY)
    assert turn.messages[0] == t("zh-CN", "dialog.refresh_welcome")
    assert state.recheck == ["revenue_cny", "revenue_prev_cny", "software_staff"]
    assert turn.expects is not None and turn.expects.field == "revenue_cny"
    assert "1.2 亿元" in turn.messages[-1]  # the old value, shown
    assert state.answers == OLD  # nothing lost


def test_skip_keeps_a_new_answer_replaces_and_dont_know_clears() -> None:
    state, _ = start_refresh(OLD, "en", DAY)
    state, turn = step(state, "skip")
    assert state.answers["revenue_cny"] == 120_000_000 and turn.expects.field == "revenue_prev_cny"  # type: ignore[union-attr]
    state, turn = step(state, "110 million")
    assert state.answers["revenue_prev_cny"] == 110_000_000 and turn.expects.field == "software_staff"  # type: ignore[union-attr]
    state, turn = step(state, "don't know")
    assert "software_staff" not in state.answers and state.recheck == []
    assert turn.expects is None or turn.expects.field not in ("district", "is_software_enterprise", "certifications")


def test_only_yearly_figures_are_rechecked_and_unknown_answers_are_dropped() -> None:
    state, _ = start_refresh({**OLD, "revenue_cny": "not a figure", "no_such_field": 1}, "zh-CN", DAY)
    assert "revenue_cny" not in state.answers and "no_such_field" not in state.answers
    assert set(state.recheck) <= set(YEARLY_FIELDS)
    assert "district" not in state.recheck and "certifications" not in state.recheck
