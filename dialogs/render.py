"""Words for the dialog: the question on screen, its options and the summary of the answers (the result:
:mod:`dialogs.result_view` and :mod:`dialogs.result_text`).

Pure: state in, text out, every string from ``locales/`` (messages and jinja2 templates).
"""

from __future__ import annotations

import datetime as dt

from dialogs.flow import Ask
from dialogs.questions import Question, options_for
from dialogs.state import DialogState
from dialogs.turn import Expects, Option
from locales import has, t
from locales.formatting import format_cny, format_count, format_figure
from rules.explain import district_label
from rules.ranges import FigureRange


def option_label(question: Question, option_id: str, locale: str) -> str:
    if question.option_catalog == "districts":
        return district_label(option_id, locale)
    return t(locale, f"{question.option_catalog}.{option_id}")


DISTRICT_SUFFIXES = ("土家族苗族自治县", "苗族土家族自治县", "土家族自治县", "自治县", "新区", "经开区", "区", "县")


def option_synonyms(question: Question, option_id: str) -> tuple[str, ...]:
    """Other ways people name an option: 渝中 for 渝中区, yuzhong for Yuzhong District."""
    if question.option_catalog != "districts":
        return ()
    short = option_id
    for suffix in DISTRICT_SUFFIXES:
        if short.endswith(suffix) and len(short) > len(suffix) + 1:
            short = short[: -len(suffix)]
            break
    english = district_label(option_id, "en").lower().replace(" district", "").replace(" county", "")
    return tuple(dict.fromkeys((short, english)))


def expects_for(ask: Ask, state: DialogState) -> Expects:
    question = ask.question
    field = ask.key if question.scope == "event" else question.field
    options = [Option(id=o, label=option_label(question, o, state.locale))
               for o in options_for(question, state.answers, state.as_of)]
    if question.kind == "bool":
        options = yes_no_options(state.locale)
    if state.shortlist is not None and state.shortlist.key == ask.key:  # only what the shortlist offers
        options = [Option(id=str(item), label=_item_label(ask, item, state)) for item in state.shortlist.items]
    return Expects(field=field, kind=question.kind, options=options)


def yes_no_options(locale: str) -> list[Option]:
    """The two buttons of a yes/no question or a confirmation."""
    return [Option(id="yes", label=t(locale, "common.answer_yes")), Option(id="no", label=t(locale, "common.answer_no"))]


def question_text(ask: Ask, state: DialogState, assessment=None) -> str:
    """The question; an ask-back when the figure was given as a range that matters; the saved
    answer beneath a question asked again (back, change), which "skip" keeps."""
    locale = state.locale
    text = refine_text(ask, state, assessment) if ask.refine else t(locale, f"dialog.ask_{ask.question.id}")
    if ask.event_index is not None:
        text = t(locale, "dialog.event_prefix", n=ask.event_index + 1) + text
    if not ask.refine and (ask.key in state.history or ask.key in state.skipped):
        text += "\n" + t(locale, "dialog.saved_answer", answer=answer_text(state, ask.key))
    return text


def refine_text(ask: Ask, state: DialogState, assessment=None) -> str:
    """"软件业务收入超过 2000 万元了吗？请给出具体数字": the threshold the range straddles, or the
    figure itself when it feeds an amount."""
    from dialogs.flow import saved_answer
    from dialogs.relevance import assess_answers, thresholds_in_range

    locale = state.locale
    figure = FigureRange.model_validate(saved_answer(state, ask.key))
    assessment = assessment or assess_answers(state.answers, state.as_of or dt.date.today())
    label = fact_title(ask.key, locale)
    said = format_figure(figure, locale, money=ask.question.kind == "amount")
    thresholds = thresholds_in_range(assessment, ask.key, figure)
    if thresholds:
        op, value = thresholds[0]
        shown = format_cny(value, locale) if ask.question.kind == "amount" else format_count(value, locale)
        return t(locale, f"dialog.refine.{op}", field=label, said=said, value=shown)
    return t(locale, "dialog.refine.exact", field=label, said=said)


def noted_text(state: DialogState, keys: list[str]) -> str:
    """"记下了：营业收入 1.2 亿元；上年营业收入 1 亿元" — every typed answer said back."""
    separator = "；" if state.locale != "en" else "; "
    items = separator.join(t(state.locale, "dialog.noted_item", field=fact_title(k, state.locale),
                             answer=answer_text(state, k)) for k in keys)
    return t(state.locale, "dialog.noted", items=items)


def confirm_text(state: DialogState, pending) -> str:
    """"您回复的是“1.2”，是 1.2 亿元吗？" — a reading shown back for a yes."""
    from dialogs.flow import ask_for_key

    ask = ask_for_key(state, pending.key)
    kind = ask.question.kind if ask else "amount"
    value = pending.value
    if isinstance(value, dict):
        shown = format_figure(FigureRange.model_validate(value), state.locale, money=kind == "amount")
    elif kind == "amount":
        shown = format_cny(value, state.locale)
    else:
        shown = format_count(value, state.locale)
    return t(state.locale, f"dialog.confirm.{pending.reason}", field=fact_title(pending.key, state.locale),
             value=shown, text=pending.text)


def shortlist_text(state: DialogState, key: str, items, labels=None) -> str:
    """A numbered shortlist; a number in the reply picks from it (not from the full list)."""
    from dialogs.flow import ask_for_key

    if labels is None:
        ask = ask_for_key(state, state.shortlist.key) if state.shortlist and state.shortlist.key else None
        labels = [_item_label(ask, item, state) for item in items]
    lines = "\n".join(f"{n}. {label}" for n, label in enumerate(labels, start=1))
    return t(state.locale, key, options=lines, count=len(labels))


def _item_label(ask, item, state: DialogState) -> str:
    if ask is None:
        return str(item)
    if ask.question.kind in ("choice", "multi"):
        return option_label(ask.question, str(item), state.locale)
    if ask.question.kind == "amount":
        return format_cny(item, state.locale)
    return format_count(item, state.locale)


def progress_text(step: int, total: int, locale: str) -> str:
    return t(locale, "dialog.progress", step=step, total=max(total, step))


def answer_text(state: DialogState, key: str) -> str:
    """An answer as the user would say it back."""
    from dialogs.flow import event_question
    from dialogs.questions import PROFILE_QUESTIONS

    locale = state.locale
    if key in state.skipped:
        return t(locale, "dialog.summary.unknown")
    question = event_question(key) or PROFILE_QUESTIONS.get(key)
    if key.startswith("events["):
        index = int(key[len("events["):key.index("]")])
        value = (state.answers.get("events") or [{}] * (index + 1))[index].get(question.field)  # type: ignore[union-attr]
    else:
        value = state.answers.get(key)
    if value is None or question is None:
        return t(locale, "dialog.summary.unknown")
    if key == "events":
        if not value:
            return t(locale, "common.answer_no")
        return t(locale, "dialog.summary.events", n=len(value))  # type: ignore[arg-type]
    if isinstance(value, dict | FigureRange):
        return format_figure(FigureRange.model_validate(value) if isinstance(value, dict) else value, locale,
                             money=question.kind == "amount")
    if question.kind == "amount":
        return format_cny(value, locale)  # type: ignore[arg-type]
    if question.kind == "integer":
        return format_count(value, locale)  # type: ignore[arg-type]
    if question.kind == "bool":
        return t(locale, "common.answer_yes" if value else "common.answer_no")
    if question.kind == "multi":
        labels = [option_label(question, v, locale) for v in value]  # type: ignore[union-attr]
        return ("、" if locale != "en" else ", ").join(labels) or t(locale, "dialog.summary.none")
    return option_label(question, str(value), locale)


def fact_title(key: str, locale: str) -> str:
    base = key.split(".")[-1] if key.startswith("events[") else key
    label = t(locale, f"facts.{base}") if has(locale, f"facts.{base}") else base
    if key.startswith("events["):
        index = int(key[len("events["):key.index("]")])
        return t(locale, "dialog.event_prefix", n=index + 1) + label
    return label


def summary_text(state: DialogState) -> str:
    keys = [k for k in dict.fromkeys(state.history) if k != "events_more"]
    if not keys:
        return t(state.locale, "dialog.summary.empty")
    lines = [t(state.locale, "dialog.summary.title")]
    lines += [f"· {fact_title(k, state.locale)}：{answer_text(state, k)}" if state.locale != "en"
              else f"· {fact_title(k, state.locale)}: {answer_text(state, k)}" for k in keys]
    lines.append(t(state.locale, "dialog.summary.how_to_change"))
    return "\n".join(lines)

