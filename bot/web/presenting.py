"""Turn a dialog :class:`Turn` or an assessment into what the web shows: turn JSON, amounts, chart.

Pure functions; every string comes from ``locales/`` and every amount from
:func:`locales.formatting.format_cny`, so the widget, the report and the chat text agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.session_record import result_start
from bot.web.schemas import Formatted, TurnOut
from dialogs.result_view import ResultView
from dialogs.turn import Turn
from locales import t
from locales.formatting import format_cny


def award_text(match: dict[str, Any], locale: str) -> str:
    """``300 万元``, ``loan of up to CNY 2,000,000 (not in the total)`` or ``amount not fixed``."""
    if match.get("max_award_cny") is not None:
        return format_cny(match["max_award_cny"], locale)
    if match.get("loan_limit_cny"):
        return t(locale, "web.amounts.loan", amount=format_cny(match["loan_limit_cny"], locale))
    return t(locale, "web.amounts.not_fixed")


def total_text(assessment: dict[str, Any], locale: str) -> str:
    return format_cny(assessment.get("total_max_award_cny") or 0, locale)


def turn_out(session_id: str, turn: Turn, history: list[dict[str, Any]] | None = None) -> TurnOut:
    """The contract's turn JSON for a web session, with the additive display helpers (and the
    transcript before it, for a reload)."""
    formatted = None
    if turn.assessment is not None:
        formatted = Formatted(total=total_text(turn.assessment, turn.locale),
                              matches=[award_text(m, turn.locale) for m in turn.assessment.get("matches", [])])
    return TurnOut(session_id=session_id, messages=turn.messages, expects=turn.expects, done=turn.done,
                   assessment=turn.assessment, turn=turn.turn, progress=turn.progress, locale=turn.locale,
                   result_messages_from=result_start(turn), formatted=formatted, result=turn.result,
                   history=history)


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One row of the report's bar chart: an award with an amount, its bar as a share of the largest."""

    title: str
    amount: str
    percent: float  # of the largest amount: the bar's length
    counted: bool  # False: the same item as a higher award (drawn lighter, not in the total)


def award_chart(view: ResultView) -> list[ChartBar]:
    """The awards with an amount, counted ones and those yielding to a higher one, largest first."""
    rows = [(item, section.id == "awards") for section in view.sections if section.id in ("awards", "yielded")
            for item in section.items if item.amount_cny]
    rows.sort(key=lambda row: -(row[0].amount_cny or 0))
    largest = max((item.amount_cny or 0 for item, _ in rows), default=0) or 1
    return [ChartBar(title=item.title, amount=item.amount_text, percent=max(1.0, 100 * (item.amount_cny or 0) / largest),
                     counted=counted) for item, counted in rows]
