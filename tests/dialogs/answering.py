"""Answer the dialog's questions from a known profile, in the free-text forms people type."""

from __future__ import annotations

import datetime as dt
import random

from dialogs.conversation import start, step
from dialogs.state import DialogState
from dialogs.turn import Turn
from locales.formatting import format_cny

SKIP_WORDS = ["跳过", "不知道", "skip"]


def amount_forms(value: float, rng: random.Random) -> str:
    n = int(value)
    forms = [str(n), f"{n:,}", f"RMB {n}", format_cny(n, "zh-CN").replace(" ", "")]
    if n % 10_000 == 0:
        forms.append(f"{n // 10_000}万")
    if n % 100_000_000 == 0 and n:
        forms.append(f"{n // 100_000_000}亿")
    return rng.choice(forms)


def integer_forms(value: int, rng: random.Random) -> str:
    return rng.choice([str(value), f"{value:,}人", f"{value:,}"])


def answer_for(turn: Turn, facts: dict, events_given: list, rng: random.Random) -> str:
    """The text a user who knows ``facts`` would type for the question on screen."""
    expects = turn.expects
    field = expects.field
    if field.startswith("events["):
        index = int(field[len("events["):field.index("]")])
        value = facts["events"][index].get(field.split(".", 1)[1])
    elif field == "events":
        wanted = facts.get("events")
        if wanted is None:
            return rng.choice(SKIP_WORDS)
        more = len(events_given) < len(wanted)
        if more:
            events_given.append(1)
        return rng.choice(["是", "yes", "有"]) if more else rng.choice(["否", "no", "没有"])
    else:
        value = facts.get(field)
    if value is None:
        return rng.choice(SKIP_WORDS)
    if expects.kind == "confirm":  # a reading shown back: yes when it is the figure meant, else the unit spelled out
        if expects.value == value:
            return rng.choice(["是", "yes", "对"])
        return f"{int(value)}元" if isinstance(value, int | float) and not field.endswith(("staff", "attendees",
                                                                                          "teams", "patents",
                                                                                          "served", "prev_max"))\
            else f"{int(value)}"
    if expects.kind == "amount":
        return amount_forms(value, rng)
    if expects.kind == "integer":
        return integer_forms(value, rng)
    if expects.kind == "bool":
        return rng.choice(["是", "yes", "对", "y"]) if value else rng.choice(["否", "no", "不是", "n"])
    if expects.kind == "multi":
        offered = {o.id for o in expects.options}
        chosen = [v for v in value if v in offered]
        if not chosen:
            return rng.choice(["无", "none", "没有"])
        return rng.choice(["、", ", ", ","]).join(chosen)
    return str(value)  # choice: the option id


def converse(facts: dict, locale: str, as_of: dt.date, seed: int = 0, limit: int = 80) -> tuple[DialogState, Turn]:
    """Run a whole conversation answering from ``facts``; returns the final state and turn."""
    rng = random.Random(seed)
    state, turn = start(locale, as_of=as_of)
    events_given: list = []
    for _ in range(limit):
        if turn.done:
            return state, turn
        state, turn = step(state, answer_for(turn, facts, events_given, rng))
    raise AssertionError(f"no result after {limit} answers: {turn.messages}")
