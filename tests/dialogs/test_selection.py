"""Multi-select toggles are kept in the dialog state, so none is lost between two presses."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from dialogs.conversation import start, step
from dialogs.selection import selection, toggle_option

AS_OF = dt.date(2026, 11, 24)
TITLES = ["national_key_software", "beidouxing", "high_tech_enterprise", "qimingxing"]


def _at_titles():
    state, _ = start("zh-CN", as_of=AS_OF)
    for answer in ("渝中区", "是"):
        state, _ = step(state, answer)
    assert state.pending == "certifications"
    return state


def test_two_presses_both_count() -> None:
    state = _at_titles()
    state, _ = toggle_option(state, "certifications", "beidouxing")
    state, selected = toggle_option(state, "certifications", "high_tech_enterprise")
    assert selected == ["beidouxing", "high_tech_enterprise"]


def test_a_press_on_an_old_keyboard_changes_nothing() -> None:
    state = _at_titles()
    state, selected = toggle_option(state, "revenue_cny", "beidouxing")
    assert selected == [] and selection(state, "certifications") == []


def test_the_submitted_selection_is_recorded_and_the_draft_cleared() -> None:
    state = _at_titles()
    state, _ = toggle_option(state, "certifications", "beidouxing")
    state, _ = step(state, ",".join(selection(state, "certifications")))
    assert state.answers["certifications"] == ["beidouxing"]
    assert state.draft == {}


AT_TITLES = _at_titles()


@settings(deadline=None, max_examples=50)
@given(st.lists(st.sampled_from(TITLES), max_size=12))
def test_the_selection_is_the_options_pressed_an_odd_number_of_times(presses: list[str]) -> None:
    state = AT_TITLES
    for option in presses:
        state, selected = toggle_option(state, "certifications", option)
    odd = {option for option in TITLES if presses.count(option) % 2}
    assert set(selection(state, "certifications")) == odd
