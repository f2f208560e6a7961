"""The "第 N 步，约 M 步" estimate never jumps back and forth: the total only shrinks (or grows to the step)."""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.conversation import start, step
from rules.profile import Profile
from tests.dialogs.answering import answer_for
from tests.strategies import profiles

AS_OF = dt.date(2026, 11, 24)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles, st.sampled_from(["zh-CN", "en"]), st.integers(0, 10**6))
def test_the_step_estimate_only_shrinks(profile: Profile, locale: str, seed: int) -> None:
    rng = random.Random(seed)
    facts = profile.facts()
    state, turn = start(locale, as_of=AS_OF)
    shown: list[tuple[int, int]] = []
    events_given: list = []
    for _ in range(80):
        if turn.done:
            break
        if turn.progress is not None:
            shown.append((turn.progress.step, turn.progress.total))
        state, turn = step(state, answer_for(turn, facts, events_given, rng))
    for (_, before), (step_number, after) in zip(shown, shown[1:], strict=False):
        assert after <= before or after == step_number, shown
