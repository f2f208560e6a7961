"""Words for the dialog: the question on screen, its options and the summary of the answers (the result:
:mod:`dialogs.result_view` and :mod:`dialogs.result_text`).

Pure: state in, text out, every string from ``locales/`` (messages and jinja2 templates).
"""

from __future__ import annotations

from dialogs.flow import Ask
from dialogs.questions import Question, options_for
from dialogs.state import DialogState
from dialogs.turn import Expects, Option
from locales import has, t
from locales.formatting import format_cny, format_count
from rules.explain import district_label


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
        options = [Option(id="yes", label=t(state.locale, "common.answer_yes")),
                   Option(id="no", label=t(state.locale, "common.answer_no"))]
    return Expects(field=field, kind=question.kind, options=options)


def question_text(ask: Ask, state: DialogState) -> str:
    text = t(state.locale, f"dialog.ask_{ask.question.id}")
    if ask.event_index is not None:
        text = t(state.locale, "dialog.event_prefix", n=ask.event_index + 1) + text
    return text


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
        return t(locale, "dialog.summary.events", n=len(value))  # type: ignore[arg-type]
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

