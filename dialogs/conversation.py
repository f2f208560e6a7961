"""The conversation as a pure function: (state, user text) -> (new state, turn).

No I/O and no channel imports: Telegram, the web widget and the terminal all call
:func:`start`, :func:`step` and :func:`current_turn` and only translate the :class:`Turn`.
Every typed answer is echoed back ("记下了：营业收入 1.2 亿元"); an answer that cannot be read,
or that must be confirmed, leaves every earlier answer in place. Commands (back, restart, summary,
change, skip, help, language, result) work in both languages and never lose an answer: back shows
the saved answer, skip keeps it, only a new answer or an explicit "don't know" replaces it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from dialogs.answering import (
    ChoiceOption,
    Reply,
    doubt_of,
    is_confirmation,
    is_range,
    pick_from_shortlist,
    read_answer,
)
from dialogs.commands import Command, parse_command
from dialogs.first_message import facts_in_first_message
from dialogs.flow import EVENTS_MORE, Ask, ask_for_key, event_index_of, next_ask, saved_answer
from dialogs.parse import Ambiguous, Ok, parse_choice
from dialogs.questions import PROFILE_QUESTIONS, QUESTIONS, YEARLY_FIELDS, Question
from dialogs.relevance import assess_answers, needed_facts
from dialogs.render import (
    answer_text,
    confirm_text,
    expects_for,
    fact_title,
    noted_text,
    progress_text,
    question_text,
    shortlist_text,
    summary_text,
    yes_no_options,
)
from dialogs.result_change import change_text, snapshot
from dialogs.result_text import summary_text as result_summary
from dialogs.result_view import build_result_view
from dialogs.state import DialogState, Shortlist
from dialogs.turn import Expects, Progress, Turn
from locales import LOCALES, catalog, t
from rules.engine import Assessment
from rules.loader import default_ruleset
from rules.profile import Profile
from rules.report import assessment_json

OFFER_RESULT_AFTER_UNKNOWNS = 3


def start(locale: str = "zh-CN", as_of: dt.date | None = None) -> tuple[DialogState, Turn]:
    state = DialogState(locale=locale if locale in LOCALES else "zh-CN", as_of=as_of)
    state, turn = _advance(state, [t(state.locale, "dialog.welcome")])
    return state, _finish(state, turn)


def start_refresh(answers: dict[str, Any], locale: str = "zh-CN",
                  as_of: dt.date | None = None) -> tuple[DialogState, Turn]:
    """Start again from earlier answers (a yearly refresh): every answer is kept, and each yearly
    figure among them (:data:`dialogs.questions.YEARLY_FIELDS`) is asked again first, its old value
    shown; "skip" keeps it, a new answer replaces it — an old figure is never silently taken as this
    year's. Answers the profile no longer accepts are dropped (asked again like any unknown)."""
    kept: dict[str, Any] = {}
    for key, value in answers.items():
        if key in PROFILE_QUESTIONS:
            try:
                Profile.model_validate({key: value})
            except ValidationError:
                continue
            kept[key] = value
    state = DialogState(locale=locale if locale in LOCALES else "zh-CN", as_of=as_of, answers=kept,
                        history=list(kept), recheck=[key for key in YEARLY_FIELDS if key in kept])
    state, turn = _advance(state, [t(state.locale, "dialog.refresh_welcome")])
    return state, _finish(state, turn)


def _finish(state: DialogState, turn: Turn) -> Turn:
    """Every turn carries its number and the answers so far (CONTRACT §6); its messages are kept, so
    a reload or a retried send shows exactly what was answered (the echo included)."""
    turn.turn = state.turn
    turn.answers = answers_for_contract(state)
    state.shown_messages = list(turn.messages)
    return turn


def current_turn(state: DialogState, as_sent: bool = False) -> Turn:
    """The turn on screen again, without changing anything: the question or result alone (a channel
    showing it again), or ``as_sent``: exactly the last reply, echo included (a page reload, or the
    answer to a retried send whose reply was lost)."""
    state = state.copied()
    notice = [t(state.locale, state.notice)] if state.notice else []
    turn = _turn_on_screen(state, notice)
    if as_sent and state.shown_messages and not notice:
        turn.messages = list(state.shown_messages)
    return _finish(state, turn)


def step(state: DialogState, text: str) -> tuple[DialogState, Turn]:
    """Apply one message from the user; the new state is on the next turn number."""
    state = state.copied()
    state.turn += 1
    state, turn = _step(state, (text or "").strip())
    return state, _finish(state, turn)


def restart(state: DialogState) -> tuple[DialogState, Turn]:
    """Start over at once: for a channel whose own confirmation the user has already pressed."""
    state = state.copied()
    state.turn += 1
    state, turn = _restart(state)
    return state, _finish(state, turn)


def answers_for_contract(state: DialogState) -> dict[str, Any]:
    """The answers as a CONTRACT §4 profile: ranges as objects, a skipped fact as ``null``."""
    answers: dict[str, Any] = {}
    for key, value in state.answers.items():
        answers[key] = [dict(event) for event in value] if key == "events" else value
    for key in state.skipped:
        if key in PROFILE_QUESTIONS and key != "events":
            answers.setdefault(key, None)
        elif key.startswith("events[") and key != EVENTS_MORE:
            events = answers.get("events") or []
            index = event_index_of(key)
            if index < len(events):
                events[index].setdefault(key.split(".", 1)[1], None)
    return answers


def _step(state: DialogState, text: str) -> tuple[DialogState, Turn]:
    notice = [t(state.locale, state.notice)] if state.notice else []
    state.notice = None
    command = parse_command(text)
    if state.restart_pending:
        state.restart_pending = False
        if command is None and is_confirmation(text):
            return _restart(state)
        if command is None:
            return state, _turn_on_screen(state, notice + [t(state.locale, "dialog.restart_cancelled")])
    if command is None and state.shortlist is not None and state.shortlist.purpose == "change":
        shortlist, state.shortlist = state.shortlist, None
        picked = pick_from_shortlist(shortlist, text)
        if picked:
            return _go_to(state, picked[0], notice)
    if command is not None:
        return _command(state, command, notice)
    if state.done:
        return state, _result_turn(state, notice + [t(state.locale, "dialog.after_done")], show="none")
    ask = _pending_ask(state) or next_ask(state, _as_of(state))
    if ask is None:
        state.done = True
        return state, _result_turn(state, notice, show="reached")
    if not state.history and not state.skipped:
        found = facts_in_first_message(text, state)
        if found:
            return _apply(state, ask, Reply(record=found), notice)
    return _apply(state, ask, read_answer(state, ask, text), notice)


# --- applying an answer ---------------------------------------------------------------------


def _as_of(state: DialogState) -> dt.date:
    return state.as_of or dt.date.today()


def _pending_ask(state: DialogState) -> Ask | None:
    return ask_for_key(state, state.pending) if state.pending else None


def _apply(state: DialogState, ask: Ask, reply: Reply, notice: list[str]) -> tuple[DialogState, Turn]:
    said = [_message(state, key, params) for key, params in reply.messages]
    if state.confirm is not None:
        return state, _confirm_turn(state, ask, notice + said)
    if reply.reask or (not reply.record and not reply.unknown and not reply.keep):
        return state, _question_turn(state, ask, notice + said)
    if ask.key in state.recheck and (reply.keep or reply.unknown):
        state.recheck.remove(ask.key)
    if reply.keep:
        state.pending = None
        state.unknown_streak = 0
        return _advance(state, notice + said + [t(state.locale, "dialog.kept", answer=answer_text(state, ask.key))])
    if reply.unknown:
        _forget(state, ask.key)
        state.skipped.append(ask.key)
        state.history.append(ask.key)
        state.pending = None
        state.unknown_streak += 1
        offer = [t(state.locale, "dialog.offer_result")] if state.unknown_streak == OFFER_RESULT_AFTER_UNKNOWNS else []
        return _advance(state, notice + said + [t(state.locale, "dialog.skipped")] + offer)
    noted: list[str] = []
    for key, value in reply.record:
        target = ask_for_key(state, key) or ask
        if ask.refine and key == ask.key and value == saved_answer(state, key):
            state.refine_declined.append(key)  # the same range again: it cannot be made more exact
        problem = doubt_of(state, key, value, target.question, reply.confirmed)
        problem_text = None if problem is not None else _store(state, target, value)
        if problem is not None or problem_text:
            # what was recorded before this figure is said back too ("去年1.2亿，前年5000元")
            state.pending = target.key
            lead = notice + said + ([noted_text(state, noted)] if noted else [])
            if problem is not None and not problem[0]:  # to be confirmed first
                return state, _confirm_turn(state, target, lead)
            return state, _question_turn(state, target, lead + [problem_text or _message(state, *problem)])
        noted.append(key)
    state.unknown_streak = 0
    return _advance(state, notice + said + [noted_text(state, noted)])


def _message(state: DialogState, key: str, params: dict[str, Any]) -> str:
    shown = {}
    for name, value in params.items():
        if name.endswith("field"):
            shown[name] = fact_title(str(value), state.locale)
        elif name == "parts":
            shown[name] = ("、" if state.locale != "en" else ", ").join(value)
        elif name == "bound":
            shown[name] = answer_text(state, str(params.get("bound_field")))
        else:
            shown[name] = value
    return t(state.locale, key, **shown)


def _store(state: DialogState, ask: Ask, value: Any) -> str | None:
    """Record a checked answer; a localised problem instead when the profile refuses it."""
    question = ask.question
    answers = _with_answer(state, ask, value)
    touched = "events" if question.scope != "profile" or question.id == "events" else question.field
    try:  # the profile's validators are per field: the field this answer fills is enough
        Profile.model_validate({touched: answers.get(touched)})
    except ValidationError:
        return t(state.locale, "dialog.invalid.not_accepted")
    changed = ask.key in state.history and saved_answer(state, ask.key) != saved_answer(
        state.model_copy(update={"answers": answers}), ask.key)
    state.answers = answers
    state.draft.pop(ask.key, None)  # the toggles were submitted
    if ask.key in state.skipped:
        state.skipped.remove(ask.key)
    if not is_range(value) and ask.key in state.refine_declined:
        state.refine_declined.remove(ask.key)
    if question.scope == "events_more" or question.id == "events":
        state.events_done = not value
    if changed:
        _clear_dependents(state, question)
    state.history.append(ask.key)
    if ask.key in state.recheck:
        state.recheck.remove(ask.key)
    state.pending = None
    return None


def _with_answer(state: DialogState, ask: Ask, value: Any) -> dict[str, Any]:
    answers = {**state.answers}
    question = ask.question
    if question.scope == "profile" and question.id == "events":
        answers["events"] = (state.answers.get("events") or [{}]) if value else []
    elif question.scope == "events_more":
        answers["events"] = [*(answers.get("events") or []), {}] if value else answers.get("events") or []
    elif question.scope == "event":
        events = [dict(e) for e in answers.get("events") or []]
        events[ask.event_index][question.field] = value  # type: ignore[index]
        answers["events"] = events
    else:
        answers[question.field] = value
    return answers


def _forget(state: DialogState, key: str) -> None:
    """Remove one answer (for "don't know" and stale follow-ups)."""
    if key == EVENTS_MORE:
        events = state.answers.get("events") or []
        if events and not events[-1] and not state.events_done:
            state.answers["events"] = events[:-1]
        state.events_done = False
    elif key.startswith("events["):
        index = event_index_of(key)
        events = [dict(e) for e in state.answers.get("events") or []]
        if index < len(events):
            events[index].pop(key.split(".", 1)[1], None)
            state.answers["events"] = events
    else:
        state.answers.pop(key, None)
        if key == "events":
            state.events_done = False
    if key in state.skipped:
        state.skipped.remove(key)


def _clear_dependents(state: DialogState, changed: Question) -> None:
    for question in QUESTIONS:
        if changed.id in question.depends_on:
            _forget(state, question.field)
            state.history = [k for k in state.history if k != question.field]
    if changed.id == "events":
        state.history = [k for k in state.history if not k.startswith("events[") and k != EVENTS_MORE]


# --- commands -------------------------------------------------------------------------------


def _command(state: DialogState, command: Command, notice: list[str]) -> tuple[DialogState, Turn]:
    locale = state.locale
    state.confirm = None
    if command.name != "change":
        state.shortlist = None
    if command.name == "restart":
        state.restart_pending = True
        return state, Turn(messages=[*notice, t(locale, "dialog.restart_confirm")],
                           expects=Expects(field="restart", kind="confirm", value=True, options=yes_no_options(locale)),
                           locale=locale)
    if command.name == "language":
        target = command.argument or ("en" if locale != "en" else "zh-CN")
        state.locale = target  # type: ignore[assignment]
        if state.done:
            return state, _result_turn(state, [t(target, "dialog.language_switched")], show="full")
        return state, _turn_on_screen(state, [t(target, "dialog.language_switched")])
    if command.name == "help":
        return state, _turn_on_screen(state, notice + [t(locale, "dialog.help")], with_result=False)
    if command.name == "summary":
        return state, _turn_on_screen(state, notice + [summary_text(state)], with_result=False)
    if command.name == "result":
        state.done = True
        state.pending = None
        return state, _result_turn(state, notice, show="reached")
    if command.name == "back":
        return _back(state, notice)
    return _change(state, command.argument, notice)


def _restart(state: DialogState) -> tuple[DialogState, Turn]:
    fresh = DialogState(locale=state.locale, as_of=state.as_of, turn=state.turn)
    return _advance(fresh, [t(state.locale, "dialog.restarted")])


def _back(state: DialogState, notice: list[str]) -> tuple[DialogState, Turn]:
    """To the question put before the one on screen, showing its saved answer; nothing is erased."""
    trail = list(state.trail)
    if not state.done and trail and trail[-1] == state.pending:
        trail.pop()
    if not trail:
        return state, _turn_on_screen(state, notice + [t(state.locale, "dialog.nothing_to_undo")])
    state.trail = trail
    state.done = False
    state.pending = trail[-1]
    return _advance(state, notice + [t(state.locale, "dialog.went_back")])


def _change_options() -> list[ChoiceOption]:
    options = []
    for question in QUESTIONS:
        if question.scope != "profile":
            continue
        words = tuple(w for locale in LOCALES for w in catalog(locale).get(f"dialog.fact_words.{question.field}", []))
        options.append(ChoiceOption(question.field, (fact_title(question.field, "zh-CN"),
                                                     fact_title(question.field, "en")), words))
    return options


def _change(state: DialogState, what: str, notice: list[str]) -> tuple[DialogState, Turn]:
    if not what:
        return state, _turn_on_screen(state, notice + [summary_text(state)], with_result=False)
    answered_events = [k for k in dict.fromkeys(state.history) if k.startswith("events[")]
    options = _change_options()
    if answered_events:
        options += [ChoiceOption(k, (fact_title(k, "zh-CN"), fact_title(k, "en"))) for k in answered_events]
    outcome = parse_choice(what, options)
    if isinstance(outcome, Ambiguous):
        state.shortlist = Shortlist(purpose="change", items=list(outcome.candidates))
        return state, Turn(messages=[*notice, shortlist_text(state, "dialog.change_which", outcome.candidates,
                                                             [fact_title(k, state.locale) for k in outcome.candidates])],
                           expects=None, done=state.done, locale=state.locale)
    if not isinstance(outcome, Ok):
        return state, _turn_on_screen(state, notice + [t(state.locale, "dialog.change_unknown", text=what[:30]),
                                                       summary_text(state)], with_result=False)
    return _go_to(state, outcome.value, notice)


def _go_to(state: DialogState, key: str, notice: list[str]) -> tuple[DialogState, Turn]:
    state.pending = key
    state.done = False
    return _advance(state, notice + [t(state.locale, "dialog.change_now", field=fact_title(key, state.locale))])


# --- turns ----------------------------------------------------------------------------------


def _turn_on_screen(state: DialogState, messages: list[str], with_result: bool = True) -> Turn:
    """``messages``, then what is on screen again: the confirmation, the question, or the result."""
    show = "full" if with_result else "none"
    if state.done:
        return _result_turn(state, messages, show=show)
    ask = _pending_ask(state) or next_ask(state, _as_of(state))
    if ask is None:
        return _result_turn(state, messages, show=show)
    if state.confirm is not None:
        return _confirm_turn(state, ask, messages)
    return _question_turn(state, ask, messages)


def _advance(state: DialogState, messages: list[str]) -> tuple[DialogState, Turn]:
    """Put the next question (or the result) after an answer or command."""
    assessment = assess_answers(state.answers, _as_of(state))
    ask = _pending_ask(state) or next_ask(state, _as_of(state), assessment)
    if ask is None:
        state.done = True
        state.pending = None
        return state, _result_turn(state, messages, show="reached")
    state.done = False
    state.pending = ask.key
    if not state.trail or state.trail[-1] != ask.key:  # each question once, where it was last put
        state.trail = [key for key in state.trail if key != ask.key] + [ask.key]
    return state, _question_turn(state, ask, messages, assessment)


def _question_turn(state: DialogState, ask: Ask, messages: list[str], assessment: Assessment | None = None) -> Turn:
    assessment = assessment or assess_answers(state.answers, _as_of(state))
    answered = len(set(state.history))
    remaining = len(needed_facts(assessment) - set(state.skipped) - set(state.refine_declined))
    step_number = answered + 1
    total = max(answered + max(remaining, 1), step_number)
    if state.progress_total is not None:
        total = max(min(total, state.progress_total), step_number)  # the estimate only ever shrinks
    state.progress_total = total
    prompt = progress_text(step_number, total, state.locale) + "\n" + question_text(ask, state, assessment)
    if state.shortlist is not None and state.shortlist.key == ask.key:
        prompt = shortlist_text(state, "dialog.which_one", state.shortlist.items)
    expects = expects_for(ask, state)
    return Turn(messages=[*messages, prompt], expects=expects, done=False,
                progress=Progress(step=step_number, total=total), locale=state.locale)


def _confirm_turn(state: DialogState, ask: Ask, messages: list[str]) -> Turn:
    pending = state.confirm
    assert pending is not None
    field = ask.key if ask.question.scope == "event" else ask.question.field
    return Turn(messages=[*messages, confirm_text(state, pending)],
                expects=Expects(field=field, kind="confirm", value=pending.value, options=yes_no_options(state.locale)),
                done=False, locale=state.locale)


def assessment_for(state: DialogState) -> dict:
    """The contract's assessment of the answers given (the same as ``awardbot assess`` on them)."""
    from rules.engine import assess

    ruleset = default_ruleset()
    facts = state.profile().facts()
    return assessment_json(ruleset, assess(ruleset, facts, _as_of(state)), facts, state.locale)


def _result_turn(state: DialogState, messages: list[str], show: str) -> Turn:
    """The result turn. ``show``: ``full`` (the summary), ``none`` (only ``messages``; the result is
    on screen already) or ``reached`` (after answers: the summary, or what moved since the result
    last shown, which ``state`` then remembers)."""
    assessment = assessment_for(state)
    view = build_result_view(assessment, state.locale)
    shown: list[str] = []
    if show == "reached" and state.shown_result is not None:
        shown = [change_text(state.shown_result, view, state.locale)]
    elif show in ("full", "reached"):
        shown = [result_summary(view, state.locale)]
    if show == "reached":
        state.shown_result = snapshot(view)
    return Turn(messages=[*messages, *shown], expects=None, done=True, assessment=assessment, locale=state.locale,
                result=view)
