"""Turn a dialog :class:`Turn` or an assessment into what the web shows: turn JSON, amounts, chart.

Pure functions; every string comes from ``locales/`` and every amount from
:func:`locales.formatting.format_cny`, so the widget, the report and the chat text agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.web.schemas import Formatted, TurnOut
from dialogs.result_text import result_messages
from dialogs.turn import Turn
from locales import t
from locales.formatting import format_cny

INACTIVE_STATUSES = ("expired", "not_yet_in_force")


def award_text(match: dict[str, Any], locale: str) -> str:
    """``300 万元``, ``loan of up to CNY 2,000,000 (not in the total)`` or ``amount not fixed``."""
    if match.get("max_award_cny") is not None:
        return format_cny(match["max_award_cny"], locale)
    if match.get("loan_limit_cny"):
        return t(locale, "web.amounts.loan", amount=format_cny(match["loan_limit_cny"], locale))
    return t(locale, "web.amounts.not_fixed")


def total_text(assessment: dict[str, Any], locale: str) -> str:
    return format_cny(assessment.get("total_max_award_cny") or 0, locale)


def _result_start(turn: Turn) -> int | None:
    """Where the text rendering of the assessment starts in ``turn.messages`` (None: not there)."""
    if not turn.done or turn.result is None:
        return None
    rendered = result_messages(turn.result, turn.locale)
    count = len(rendered)
    if count and turn.messages[-count:] == rendered:
        return len(turn.messages) - count
    return None


def turn_out(session_id: str, turn: Turn) -> TurnOut:
    """The contract's turn JSON for a web session, with the additive display helpers."""
    formatted = None
    if turn.assessment is not None:
        formatted = Formatted(total=total_text(turn.assessment, turn.locale),
                              matches=[award_text(m, turn.locale) for m in turn.assessment.get("matches", [])])
    return TurnOut(session_id=session_id, messages=turn.messages, expects=turn.expects, done=turn.done,
                   assessment=turn.assessment, turn=turn.turn, progress=turn.progress, locale=turn.locale,
                   result_messages_from=_result_start(turn), formatted=formatted, result=turn.result)


def grouped_matches(assessment: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The matches by section: eligible, possible, inactive (expired or not yet in force)."""
    matches = assessment.get("matches", [])
    return {
        "eligible": [m for m in matches if m["status"] == "eligible"],
        "possible": [m for m in matches if m["status"] == "possible"],
        "inactive": [m for m in matches if m["status"] in INACTIVE_STATUSES],
    }


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One row of the report's horizontal bar chart (SVG user units)."""

    y: float
    width: float
    label: str  # the award's title, shortened to fit
    title: str  # the whole title (the bar's tooltip)
    amount: str
    counted: bool


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    label_width: int
    bar_area: int
    row_height: int
    bars: list[ChartBar]


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def award_chart(assessment: dict[str, Any], locale: str) -> Chart:
    """Bars for the eligible awards with a fixed amount, largest first; bars left out of the total
    (same item as a higher award) are drawn lighter."""
    awards = [m for m in grouped_matches(assessment)["eligible"]
              if m.get("max_award_cny") and m.get("benefit") != "loan"]
    awards.sort(key=lambda m: -m["max_award_cny"])
    label_width, bar_area, row_height = 300, 330, 30
    largest = max((m["max_award_cny"] for m in awards), default=1)
    label_chars = 22 if locale != "en" else 42
    bars = [
        ChartBar(y=index * row_height + 6, width=max(2.0, bar_area * m["max_award_cny"] / largest),
                 label=_shorten(m.get("title") or m["rule_id"], label_chars), title=m.get("title") or m["rule_id"],
                 amount=format_cny(m["max_award_cny"], locale), counted=bool(m.get("counted_in_total")))
        for index, m in enumerate(awards)
    ]
    return Chart(width=label_width + bar_area + 130, height=max(1, len(bars)) * row_height + 12,
                 label_width=label_width, bar_area=bar_area, row_height=row_height, bars=bars)
