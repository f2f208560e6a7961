"""The conversation as a pure function: (state, user text) -> (new state, turn).

No I/O and no channel imports: Telegram, the web widget and the terminal all call
:func:`start`, :func:`step` and :func:`current_turn` and only translate the :class:`Turn`.
An answer that cannot be read leaves every earlier answer in place and re-asks with an
example; commands (back, restart, summary, change, skip, help, language) work in both languages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ValidationError

from dialogs.commands import Command, parse_command
from dialogs.flow import EVENTS_MORE, Ask, assess_answers, event_question, needed_facts, next_ask
from dialogs.parse import (
    Ambiguous,
    ChoiceOption,
    Invalid,
    Ok,
    Outcome,
    Unknown,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_integer,
    parse_multi,
)
from dialogs.questions import BY_ID, PROFILE_QUESTIONS, QUESTIONS, Question, options_for, validator_for
from dialogs.render import (
    expects_for,
    fact_title,
    option_label,
    option_synonyms,
    progress_text,
    question_text,
    summary_text,
)
from dialogs.result_change import change_text, snapshot
from dialogs.result_text import summary_text as result_summary
from dialogs.result_view import build_result_view
from dialogs.state import DialogState
from dialogs.turn import Progress, Turn
from locales import LOCALES, t
from locales.formatting import format_cny
from rules.engine import Assessment
from rules.loader import default_ruleset
from rules.profile import Profile
from rules.report import assessment_json


def start(locale: str = "zh-CN", as_of: dt.date | None = None) -> tuple[DialogState, Turn]:
    state = DialogState(locale=locale if locale in LOCALES else "zh-CN", as_of=as_of)
    state, turn = _advance(state, [t(state.locale, "dialog.welcome")])
    turn.turn = state.turn
    return state, turn


def current_turn(state: DialogState) -> Turn:
    """The turn on screen again (after a page reload or a bot restart), without changing anything."""
    turn = _current_turn(state)
    turn.turn = state.turn
    return turn


def _current_turn(state: DialogState) -> Turn:
    notice = [t(state.locale, state.notice)] if state.notice else []
    if state.done:
        return _result_turn(state, notice, show="full")
    ask = _pending_ask(state) or next_ask(state, _as_of(state))
    if ask is None:
        return _result_turn(state, notice, show="full")
    return _question_turn(state, ask, notice)


def step(state: DialogState, text: str) -> tuple[DialogState, Turn]:
    """Apply one message from the user; the new state is on the next turn number."""
    state = state.model_copy(deep=True)
    state.turn += 1
    state, turn = _step(state, text)
    turn.turn = state.turn
    return state, turn


def _step(state: DialogState, text: str) -> tuple[DialogState, Turn]:
    notice = [t(state.locale, state.notice)] if state.notice else []
    state.notice = None
    text = (text or "").strip()
    command = parse_command(text)
    if command is not None:
        return _command(state, command, notice)
    if state.done:
        return state, _result_turn(state, notice + [t(state.locale, "dialog.after_done")], show="none")
    ask = _pending_ask(state) or next_ask(state, _as_of(state))
    if ask is None:
        state.done = True
        return state, _result_turn(state, notice, show="reached")
    outcome = _asked_again_for_now(_parse(ask, state, text), ask, state, text)
    if isinstance(outcome, Invalid):
        return state, _question_turn(state, ask, notice + [t(state.locale, outcome.key, **outcome.params)])
    if isinstance(outcome, Unknown):
        _forget(state, ask.key)
        state.skipped.append(ask.key)
        state.history.append(ask.key)
        state.pending = None
        return _advance(state, notice + [t(state.locale, "dialog.skipped")])
    problem = _store(state, ask, outcome.value)
    if problem:
        return state, _question_turn(state, ask, notice + [problem])
    return _advance(state, notice)


# --- answering ------------------------------------------------------------------------------


def _as_of(state: DialogState) -> dt.date:
    return state.as_of or dt.date.today()


def _pending_ask(state: DialogState) -> Ask | None:
    key = state.pending
    if key is None:
        return None
    if key == EVENTS_MORE:
        return Ask(BY_ID[EVENTS_MORE])
    question = event_question(key)
    if question is not None:
        return Ask(question, int(key[len("events["):key.index("]")]))
    return Ask(PROFILE_QUESTIONS[key]) if key in PROFILE_QUESTIONS else None


def _choice_options(question: Question, state: DialogState) -> list[ChoiceOption]:
    other = "en" if state.locale != "en" else "zh-CN"
    return [ChoiceOption(o, (option_label(question, o, state.locale), option_label(question, o, other)),
                         option_synonyms(question, o))
            for o in options_for(question, state.answers, state.as_of)]


def _parse(ask: Ask, state: DialogState, text: str) -> Outcome:
    kind = ask.question.kind
    if kind == "amount":
        return parse_amount(text)
    if kind == "integer":
        return parse_integer(text)
    if kind == "bool":
        return parse_bool(text)
    options = _choice_options(ask.question, state)
    if kind == "multi":
        if not options:
            return Ok([])
        return parse_multi(text, options)
    return parse_choice(text, options)


def _asked_again_for_now(outcome: Outcome, ask: Ask, state: DialogState, text: str) -> Outcome:
    """Until the confirm / ask-back turns of issue 8 land: a range, a reading to confirm, several figures,
    several fitting options or a partly understood list is asked again, never stored as a guess."""
    if isinstance(outcome, Ok | Unknown | Invalid):
        return outcome
    kind = ask.question.kind
    if isinstance(outcome, Ambiguous):
        labels = " / ".join(option_label(ask.question, option, state.locale) for option in outcome.candidates)
        return Invalid(f"parsing.{kind}.ambiguous", {"text": outcome.text or text[:30], "candidates": labels})
    if kind in ("choice", "multi"):
        examples = " / ".join(option.display_label for option in _choice_options(ask.question, state)[:3])
        return Invalid(f"parsing.{kind}.not_understood", {"text": text[:30], "examples": examples})
    return Invalid(f"parsing.{kind}.not_understood", {"text": text[:30]})


def _store(state: DialogState, ask: Ask, value: Any) -> str | None:
    """Validate and record an answer; return a localised problem instead when it is not plausible."""
    question = ask.question
    validator = validator_for(question)
    problem = validator(value, state.answers) if validator else None
    if problem:
        key, params = problem
        return t(state.locale, key, **{k: _shown(k, v, state.locale) for k, v in params.items()})
    answers = _with_answer(state, ask, value)
    try:
        Profile.model_validate(answers)
    except ValidationError:
        return t(state.locale, "dialog.invalid.not_accepted")
    changed = ask.key in state.history and state.answers != answers
    state.answers = answers
    if ask.key in state.skipped:
        state.skipped.remove(ask.key)
    if question.scope == "events_more" or question.id == "events":
        state.events_done = not value
    if changed:
        _clear_dependents(state, question)
    state.history.append(ask.key)
    state.pending = None
    return None


def _shown(name: str, value: object, locale: str) -> str:
    """A validator's parameter in words: fields by their label, amounts the locale's way."""
    if name.endswith("field"):
        return fact_title(str(value), locale)
    return format_cny(value, locale) if isinstance(value, int | float) and value >= 10_000 else str(value)


def _with_answer(state: DialogState, ask: Ask, value: Any) -> dict[str, Any]:
    answers = {**state.answers}
    question = ask.question
    if question.scope == "profile" and question.id == "events":
        answers["events"] = [{}] if value else []
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
    """Remove one answer (for back, skip and stale follow-ups)."""
    if key == EVENTS_MORE:
        events = state.answers.get("events") or []
        if events and not events[-1] and not state.events_done:
            state.answers["events"] = events[:-1]
        state.events_done = False
    elif key.startswith("events["):
        index = int(key[len("events["):key.index("]")])
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
    if command.name == "restart":
        fresh = DialogState(locale=locale, as_of=state.as_of, turn=state.turn)
        return _advance(fresh, [t(locale, "dialog.restarted")])
    if command.name == "language":
        target = command.argument or ("en" if locale != "en" else "zh-CN")
        state.locale = target  # type: ignore[assignment]
        if state.done:  # the result again, in the new language
            return state, _result_turn(state, [t(target, "dialog.language_switched")], show="full")
        return state, current_turn_with(state, [t(target, "dialog.language_switched")])
    if command.name == "help":
        return state, current_turn_with(state, notice + [t(locale, "dialog.help")])
    if command.name == "summary":
        return state, current_turn_with(state, notice + [summary_text(state)])
    if command.name == "back":
        return _back(state, notice)
    return _change(state, command.argument, notice)


def current_turn_with(state: DialogState, messages: list[str]) -> Turn:
    """``messages``, then the question on screen again (after a result: the messages alone)."""
    if state.done:
        return _result_turn(state, messages, show="none")
    turn = current_turn(state)
    turn.messages = messages + turn.messages
    return turn


def _back(state: DialogState, notice: list[str]) -> tuple[DialogState, Turn]:
    if not state.history:
        return state, current_turn_with(state, notice + [t(state.locale, "dialog.nothing_to_undo")])
    key = state.history.pop()
    _forget(state, key)
    state.done = False
    state.pending = key
    return _advance(state, notice + [t(state.locale, "dialog.went_back")])


def _change(state: DialogState, what: str, notice: list[str]) -> tuple[DialogState, Turn]:
    answered = [k for k in dict.fromkeys(state.history) if k != EVENTS_MORE]
    if not what or not answered:
        return state, current_turn_with(state, notice + [summary_text(state)])
    options = [ChoiceOption(k, (fact_title(k, "zh-CN"), fact_title(k, "en"))) for k in answered]
    outcome = parse_choice(what, options)
    if not isinstance(outcome, Ok):
        return state, current_turn_with(state, notice + [t(state.locale, "dialog.change_unknown", text=what[:30]),
                                                         summary_text(state)])
    state.pending = outcome.value
    state.done = False
    return _advance(state, notice + [t(state.locale, "dialog.change_now", field=fact_title(outcome.value,
                                                                                              state.locale))])


# --- turns ----------------------------------------------------------------------------------


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
    return state, _question_turn(state, ask, messages, assessment)


def _question_turn(state: DialogState, ask: Ask, messages: list[str], assessment: Assessment | None = None) -> Turn:
    answered = len(set(state.history))
    assessment = assessment or assess_answers(state.answers, _as_of(state))
    remaining = len(needed_facts(assessment) - set(state.skipped))
    step_number = answered + 1
    total = answered + max(remaining, 1)
    prompt = progress_text(step_number, total, state.locale) + "\n" + question_text(ask, state)
    return Turn(messages=[*messages, prompt], expects=expects_for(ask, state), done=False,
                progress=Progress(step=step_number, total=max(total, step_number)), locale=state.locale)


def assessment_for(state: DialogState) -> dict:
    """The contract's assessment of the answers given (the same as ``awardbot assess`` on them)."""
    profile = state.profile()
    ruleset = default_ruleset()
    facts = profile.facts()
    from rules.engine import assess

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
