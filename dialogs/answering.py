"""Reading one answer to the question on screen, and what it leads to.

The parsers (``dialogs.parse``) say what the text means; this module decides what to do with it,
never picking a value for the user: an exact answer is recorded and echoed back; a range is
recorded as a range (the rules decide with it, and the dialog asks back only when it matters);
a reading that could be wrong is shown back for a yes (``confirm``); several figures or several
fitting options become a numbered shortlist, and a number in the next reply picks from it.

Pure: state in, :class:`Reply` out. ``dialogs.conversation`` turns a reply into the next turn.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any

from dialogs.flow import Ask, saved_answer
from dialogs.parse import (
    Ambiguous,
    Approx,
    ChoiceOption,
    Confirm,
    Invalid,
    Ok,
    Outcome,
    Partial,
    Several,
    Unknown,
    mentioned_options,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_integer,
    parse_multi,
)
from dialogs.questions import Doubt, Reject, check_answer, options_for
from dialogs.relevance import assess_answers, thresholds_in_range
from dialogs.render import option_label, option_synonyms
from dialogs.state import DialogState, PendingConfirm, Shortlist
from locales import LOCALES, catalog
from locales.text import normalize_text
from rules.ranges import FigureRange

#: this year's figure → last year's, filled together from "去年1.2亿，前年1亿"
PREVIOUS_YEAR = {"revenue_cny": "revenue_prev_cny", "rnd_expense_cny": "rnd_expense_prev_cny"}
_NUMERAL = re.compile(r"[0-9零〇一二两三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟]")


@dataclass
class Reply:
    """What an answer leads to. ``record``: values to store (fact key → value, in order);
    ``messages``: message keys with params to say first; ``reask``: put the same question again;
    ``unknown``: the user does not know it; ``keep``: keep the saved answer (an explicit skip)."""

    record: list[tuple[str, Any]] = field(default_factory=list)
    messages: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    reask: bool = False
    unknown: bool = False
    keep: bool = False
    confirmed: bool = False  # the value was confirmed by the user: no doubt check again


def range_value(outcome: Approx) -> dict[str, Any]:
    """A parsed range as the profile stores it (CONTRACT §6 ``answers``: an object)."""
    return FigureRange(low=outcome.low or 0, high=outcome.high, low_inclusive=outcome.low_inclusive if outcome.low
                       else True, high_inclusive=outcome.high_inclusive, wording=outcome.wording,
                       anchor=outcome.anchor).model_dump()


def is_range(value: object) -> bool:
    return isinstance(value, FigureRange | dict)


def choice_options(ask: Ask, state: DialogState) -> list[ChoiceOption]:
    question = ask.question
    other = "en" if state.locale != "en" else "zh-CN"
    return [ChoiceOption(o, (option_label(question, o, state.locale), option_label(question, o, other)),
                         option_synonyms(question, o))
            for o in options_for(question, state.answers, state.as_of)]


@functools.cache
def _words_in_both_locales(key: str) -> frozenset[str]:
    """A word list of ``dialog.yaml`` (``dialog.skip_words``…), both languages together, normalised."""
    return frozenset(normalize_text(word) for locale in LOCALES for word in catalog(locale).get(key, []))


def is_confirmation(text: str) -> bool:
    """An unmistakable yes (``是``, ``确定``, ``yes``): what a destructive action needs."""
    return normalize_text(text).strip(" 。.!！~") in _words_in_both_locales("dialog.confirm_words")


def is_explicit_skip(text: str) -> bool:
    """``跳过`` / ``skip``: move on, keeping a saved answer (``不知道`` replaces it with unknown)."""
    return normalize_text(text).strip(" 。.!！") in _words_in_both_locales("dialog.skip_words")


def parse_for(ask: Ask, state: DialogState, text: str) -> Outcome:
    kind = ask.question.kind
    if kind == "amount":
        return parse_amount(text, default_unit=ask.question.default_unit)
    if kind == "integer":
        return parse_integer(text)
    if kind == "bool":
        return parse_bool(text)
    options = choice_options(ask, state)
    if kind == "multi":
        if len(options) == 1 and isinstance(said := parse_bool(text), Ok):  # "其中哪些是新的？" with one: 是
            return Ok([options[0].id] if said.value else [])
        return parse_multi(text, options) if options else Ok([])
    outcome = parse_choice(text, options)
    if isinstance(outcome, Invalid):  # "我们在渝中区注册的" names one option inside a sentence
        named = mentioned_options(text, options)
        if len(named) == 1:
            return Ok(named[0])
    return outcome


def read_answer(state: DialogState, ask: Ask, text: str) -> Reply:
    """What the text means for the question on screen, follow-ups (confirm, shortlist) first."""
    pending = state.confirm if state.confirm and state.confirm.key == ask.key else None
    state.confirm = None
    if pending is not None:
        said = parse_bool(text) if not _NUMERAL.search(text) else None
        if is_confirmation(text) or (isinstance(said, Ok) and said.value):
            return Reply(record=[(ask.key, pending.value)], confirmed=True)
        if isinstance(said, Ok):
            return Reply(reask=True, messages=[("dialog.confirm_declined", {})])
    shortlist = state.shortlist if state.shortlist and state.shortlist.key == ask.key else None
    state.shortlist = None
    if shortlist is not None:
        picked = pick_from_shortlist(shortlist, text)
        if picked is not None:
            if ask.question.kind == "multi":
                return Reply(record=[(ask.key, list(dict.fromkeys([*shortlist.keep, *picked])))])
            return Reply(record=[(ask.key, picked[0])])
    if is_explicit_skip(text) and saved_answer(state, ask.key) is not None:
        return Reply(keep=True)
    if ask.refine:
        reply = _read_refinement(state, ask, text)
        if reply is not None:
            return reply
    outcome = parse_for(ask, state, text)
    if shortlist is not None and shortlist.keep and isinstance(outcome, Ok) and ask.question.kind == "multi":
        outcome = Ok(list(dict.fromkeys([*shortlist.keep, *outcome.value])))  # the titles already understood
    return _from_outcome(state, ask, text, outcome)


def _from_outcome(state: DialogState, ask: Ask, text: str, outcome: Outcome) -> Reply:
    if isinstance(outcome, Ok):
        return Reply(record=[(ask.key, outcome.value)])
    if isinstance(outcome, Unknown):
        return Reply(unknown=True)
    if isinstance(outcome, Invalid):
        return Reply(reask=True, messages=[(outcome.key, dict(outcome.params))])
    if isinstance(outcome, Approx):
        return Reply(record=[(ask.key, range_value(outcome))])
    if isinstance(outcome, Confirm):
        state.confirm = PendingConfirm(key=ask.key, value=outcome.value, reason=outcome.reason, text=text[:30])
        return Reply()
    if isinstance(outcome, Several):
        return _several(state, ask, outcome)
    if isinstance(outcome, Ambiguous):
        items = list(outcome.candidates)
        state.shortlist = Shortlist(purpose="answer", key=ask.key, items=items, keep=list(outcome.chosen))
        reply = Reply()
        if outcome.unrecognised:
            reply.messages.append(("dialog.unrecognised", {"parts": outcome.unrecognised}))
        return reply
    assert isinstance(outcome, Partial)
    return Reply(record=[(ask.key, list(outcome.values))],
                 messages=[("dialog.unrecognised", {"parts": outcome.unrecognised})])


def _several(state: DialogState, ask: Ask, outcome: Several) -> Reply:
    """Two figures: this year and last year when last year's is asked next, else ask which."""
    previous = PREVIOUS_YEAR.get(ask.key)
    values = list(dict.fromkeys(outcome.values))
    if previous and len(values) == 2 and state.answers.get(previous) is None:
        return Reply(record=[(ask.key, values[0]), (previous, values[1])])
    state.shortlist = Shortlist(purpose="answer", key=ask.key, items=values)
    return Reply()


def pick_from_shortlist(shortlist: Shortlist, text: str) -> list[Any] | None:
    """``2`` → the second item; ``1,2`` / ``1和2`` → both (multi); anything else: None."""
    cleaned = normalize_text(text)
    numbers = re.findall(r"\d+", cleaned)
    if not numbers or re.sub(r"[\d\s,，、和及与&and第个项号.。]", "", cleaned):
        return None
    picked = []
    for number in numbers:
        index = int(number) - 1
        if not 0 <= index < len(shortlist.items):
            return None
        picked.append(shortlist.items[index])
    return picked


def _read_refinement(state: DialogState, ask: Ask, text: str) -> Reply | None:
    """An ask-back about a range: a figure replaces it; yes/no narrows it at the threshold named."""
    current = FigureRange.model_validate(saved_answer(state, ask.key))
    if _NUMERAL.search(text):
        return None  # a figure: read as a new answer
    said = parse_bool(text)
    if not isinstance(said, Ok):
        return None
    assessment = assess_answers(state.answers, state.as_of or dt.date.today())
    thresholds = thresholds_in_range(assessment, ask.key, current)
    if not thresholds:
        return None
    op, value = thresholds[0]
    above = said.value if op in ("gt", "gte") else not said.value
    strict_above = op in ("gt", "lte")  # "more than X" (gt) or "not at most X" (lte): above excludes X
    narrowed = current.narrowed_above(value, inclusive=not strict_above) if above \
        else current.narrowed_below(value, inclusive=strict_above)
    if narrowed is None:
        return Reply(reask=True, messages=[("dialog.refine_contradicts", {})])
    return Reply(record=[(ask.key, narrowed.model_dump())])


def doubt_of(state: DialogState, key: str, value: Any, question, confirmed: bool) -> tuple[str, dict] | None:
    """A validator's objection: a rejection message, or (when not yet confirmed) a confirmation."""
    check = check_answer(question, FigureRange.model_validate(value) if isinstance(value, dict) else value,
                         state.answers)
    if isinstance(check, Reject):
        return check.key, dict(check.params)
    if isinstance(check, Doubt) and not confirmed:
        state.confirm = PendingConfirm(key=key, value=value, reason=check.reason)
        return "", {}
    return None
