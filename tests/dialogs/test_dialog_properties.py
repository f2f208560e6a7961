"""Property tests of the dialog: never raises, never loses an answer, ends in the engine's result."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dialogs.commands import parse_command
from dialogs.conversation import current_turn, restart, start, step
from dialogs.questions import BY_ID, PROFILE_QUESTIONS, QUESTIONS
from dialogs.selection import toggle_option
from dialogs.state import DialogState
from rules.engine import assess
from rules.loader import default_ruleset
from rules.profile import Profile
from rules.report import assess_profile
from tests.dialogs.answering import converse
from tests.strategies import profiles

AS_OF = dt.date(2026, 11, 24)
TYPICAL = ["渝中区", "江北", "是", "否", "无", "1.2亿", "3000万", "5200", "跳过", "返回", "摘要", "help",
           "English", "中文", "修改 营业收入", "重新开始", "北斗星、小巨人", "none", "yes", "0", "-5", "abc"]
texts = st.one_of(st.text(max_size=40), st.sampled_from(TYPICAL))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["zh-CN", "en"]), st.lists(texts, max_size=25))
def test_any_messages_never_raise_and_keep_state_valid_json(locale: str, messages: list[str]) -> None:
    state, turn = start(locale, as_of=AS_OF)
    for text in messages:
        before = dict(state.answers)
        pending = state.pending
        restarting = state.restart_pending  # then a yes clears everything, as asked
        state, turn = step(DialogState.model_validate_json(state.to_json()), text)
        json.loads(state.to_json())
        state.profile()  # the answers always form a valid profile
        assert turn.messages
        if parse_command(text) is None and not restarting:
            # an ordinary answer can only add to the answers or change the question on screen
            kept = {k: v for k, v in before.items() if k != pending and k != "new_certifications"
                    and not (pending or "").startswith("events") and k != "events" and k != "blockchain_invention_patents"}
            for key, value in kept.items():
                assert state.answers.get(key) == value, (text, key)


def facts_a_user_can_answer(profile: Profile) -> dict:
    """The profile's facts as a user answering the dialog gives them."""
    facts = profile.facts()
    # The dialog never asks a fact only because it bounds another (titles held bound the new ones,
    # revenue bounds software revenue): a user who knows the whole is taken to know the part too.
    if facts.get("certifications") is not None:
        facts.setdefault("new_certifications", [])
    for part, whole in default_ruleset().fact_bounds.items():
        if facts.get(whole) is not None and facts.get(part) is None:
            facts[part] = 0
    # A follow-up whose parent is unknown is not asked (which titles are new, when the titles are
    # not known; blockchain patents, when the patent count is not known).
    for question in QUESTIONS:
        for parent in question.depends_on:
            if facts.get(BY_ID[parent].field) is None:
                facts.pop(question.field, None)
    return facts


def _in_force(facts: dict) -> tuple:
    result = assess(default_ruleset(), facts, AS_OF)
    return (sorted((m.rule.rule_id, m.event_index, m.status, m.amount.value, m.counted)
                   for m in result.matches if m.status in ("eligible", "possible")),
            result.total_max_award_cny)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles, st.sampled_from(["zh-CN", "en"]), st.integers(0, 10**6))
def test_a_finished_conversation_gives_the_engines_result(profile: Profile, locale: str, seed: int) -> None:
    facts = facts_a_user_can_answer(profile)
    state, turn = converse(facts, locale, AS_OF, seed)
    # exactly `awardbot assess` on the profile the answers form
    assert turn.assessment == assess_profile(state.profile(), AS_OF, locale)
    # and the same in-force result as the whole profile: nothing that mattered went unasked
    assert _in_force(state.facts()) == _in_force(facts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles, st.integers(0, 10**6))
def test_approximate_figures_end_at_the_exact_result_or_are_asked_back(profile: Profile, seed: int) -> None:
    """Every figure is first given as a range containing it (左右, 超过, 不到, 以上…) and exactly only
    when the dialog asks back: the result is the exact profile's, so a range never decided
    anything its figure would not, and every range that mattered was asked back."""
    facts = facts_a_user_can_answer(profile)
    state, turn = converse(facts, "zh-CN", AS_OF, seed, limit=120, approximate=True)
    exact = _in_force(facts)
    got = _in_force(state.facts())
    assert got == exact


COMMANDS_AND_ANSWERS = ["渝中区", "江北区", "是", "否", "无", "1.2亿", "3000万", "2000多万", "5200", "跳过", "不知道",
                        "返回", "back", "摘要", "help", "English", "中文", "修改 营业收入", "修改 区县",
                        "change revenue", "重新开始", "否", "1", "2", "北斗星、小巨人", "专精特新", "none", "yes",
                        "0", "1.2", "查看结果", "abc"]


def _recorded(state: DialogState) -> dict:
    flat = {k: v for k, v in state.answers.items() if k != "events"}
    for index, event in enumerate(state.answers.get("events") or []):
        flat.update({f"events[{index}].{k}": v for k, v in event.items()})
    return flat


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["zh-CN", "en"]), st.lists(st.sampled_from(COMMANDS_AND_ANSWERS), max_size=30))
def test_commands_never_change_a_recorded_answer(locale: str, messages: list[str]) -> None:
    """Back, skip, summary, change, help, language and result never change a recorded answer; only a
    new answer to that question does (and then only its follow-ups are cleared), or a confirmed restart."""
    state, _ = start(locale, as_of=AS_OF)
    for text in messages:
        before, pending = _recorded(state), state.pending
        restarting = state.restart_pending
        answering = parse_command(text) is None and not (state.shortlist and state.shortlist.purpose == "change")
        state, _ = step(DialogState.model_validate_json(state.to_json()), text)
        if restarting and state.answers == {}:
            continue  # a confirmed restart clears everything, as asked
        after = _recorded(state)
        for key, value in before.items():
            if after.get(key) == value:
                continue
            question = PROFILE_QUESTIONS.get(key)
            follow_up = question is not None and any(BY_ID[p].field == pending for p in question.depends_on)
            event_detail = key.startswith("events[") and pending in ("events", "events_more")
            assert answering and (key == pending or follow_up or event_detail), (text, key, value, after.get(key))


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["zh-CN", "en"]), st.lists(texts, max_size=25))
def test_the_dialog_never_changes_the_state_it_is_given(locale: str, messages: list[str]) -> None:
    """Every function that takes a state copies it before changing anything: the conversation service
    hands them the state it remembers from the turn before (bot.session_record.RecentRecords)."""
    state, turn = start(locale, as_of=AS_OF)
    for text in messages:
        before = state.model_dump()
        current_turn(state)
        current_turn(state, as_sent=True)
        restart(state)
        if state.pending and turn.expects and turn.expects.options:
            toggle_option(state, state.pending, turn.expects.options[0].id)
        following, turn = step(state, text)
        assert state.model_dump() == before, text
        state = following
