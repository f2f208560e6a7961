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


APPROXIMATE_AMOUNTS = ["约{n}元", "{n}元左右", "大概{n}元", "超过{below}元", "不到{above}元", "{n}元以下",
                      "{n}元以上", "{below}到{above}元"]
APPROXIMATE_COUNTS = ["{n}人左右", "约{n}人", "超过{below}人", "不到{above}人", "{n}以上", "{below}-{above}人"]


def approximate_forms(value: float, rng: random.Random, amount: bool) -> str:
    """A phrasing of ``value`` as a range that contains it (左右, 超过, 不到, 以上, …)."""
    n = int(value)
    if n <= 1:
        return str(n)
    form = rng.choice(APPROXIMATE_AMOUNTS if amount else APPROXIMATE_COUNTS)
    return form.format(n=n, below=max(n // 2, 1) if n > 2 else 1, above=n * 2)


def answer_for(turn: Turn, facts: dict, events_given: list, rng: random.Random,
               approximate: set[str] | None = None) -> str:
    """The text a user who knows ``facts`` would type for the question on screen. With
    ``approximate`` (a set), figures are first given as ranges (the set records which), and exactly
    when the dialog asks back about one."""
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
    if approximate is not None and expects.kind in ("amount", "integer") and field not in approximate:
        approximate.add(field)
        return approximate_forms(value, rng, amount=expects.kind == "amount")
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


def converse(facts: dict, locale: str, as_of: dt.date, seed: int = 0, limit: int = 80,
             approximate: bool = False) -> tuple[DialogState, Turn]:
    """Run a whole conversation answering from ``facts``; returns the final state and turn."""
    rng = random.Random(seed)
    state, turn = start(locale, as_of=as_of)
    events_given: list = []
    given_as_range: set[str] | None = set() if approximate else None
    for _ in range(limit):
        if turn.done:
            return state, turn
        state, turn = step(state, answer_for(turn, facts, events_given, rng, given_as_range))
    raise AssertionError(f"no result after {limit} answers: {turn.messages}")
