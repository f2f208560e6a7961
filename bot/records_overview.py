"""The staff overview of stored assessments: per ISO week, the clauses most matched, estimated awards.

Pure: record summaries (:class:`bot.store.models.RecordSummary`) and a period in, figures out, the
texts a person reads (titles, amounts, week labels) already in the page's language.

How things are counted (the page says the same, ``web.overview.counting_note``):

- Weeks are ISO weeks (Monday to Sunday) in :data:`OVERVIEW_TIMEZONE`, Asia/Shanghai (UTC+8), where
  the owners live; weeks with no assessment are shown with zeros.
- *Assessments* counts every stored assessment, repeats of one conversation included.
- *Enterprises* counts distinct conversations (one enterprise in two conversations counts twice).
- The estimated awards and the clauses count each conversation once: its latest assessment of the
  week (weekly figures) or of the period (totals, clauses). So weekly amounts can add up to more than
  the period's total when a conversation was assessed in several weeks.
- A clause is counted once per conversation: *eligible* when any of its rules is eligible, else
  *possible* when any is possible. Expired and not-yet-in-force matches are not counted. Clauses are
  ranked by conversations counted, then eligible, then in the documents' order (CQ2025-2 before -11).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from bot.store.models import RecordSummary
from locales import t
from locales.formatting import format_cny
from rules.loader import Ruleset
from rules.report import json_number

OVERVIEW_TIMEZONE = ZoneInfo("Asia/Shanghai")
DEFAULT_WEEKS = 12
MAX_WEEKS = 52
TOP_CLAUSES = 10
MAX_OVERVIEW_RECORDS = 20_000
"""At most this many records (the newest of the period) are read for one overview; when the period
holds more, the overview says so and marks the weeks it could not read whole."""


@dataclass(frozen=True, slots=True)
class Period:
    """The weeks shown: ``start`` (aware) is the first counted moment, ``week_starts`` the Mondays
    of the weeks shown, oldest first; ``now`` ends the last week."""

    start: dt.datetime
    week_starts: tuple[dt.date, ...]
    now: dt.datetime


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=OVERVIEW_TIMEZONE)


def weeks_between(first: dt.date, last: dt.date) -> int:
    """How many ISO weeks the days ``first`` to ``last`` touch."""
    return (monday_of(last) - monday_of(first)).days // 7 + 1


def overview_period(now: dt.datetime, weeks: int | None = None, since: dt.date | None = None) -> Period:
    """The last ``weeks`` ISO weeks up to ``now`` (the current one included), or the weeks from the
    day ``since`` (counted from its midnight in Shanghai) up to ``now``. The caller checks the limits."""
    today = now.astimezone(OVERVIEW_TIMEZONE).date()
    if since is not None:
        first_monday, start = monday_of(since), local_midnight(since)
    else:
        first_monday = monday_of(today) - dt.timedelta(weeks=(weeks or DEFAULT_WEEKS) - 1)
        start = local_midnight(first_monday)
    count = weeks_between(first_monday, today)
    return Period(start=start, week_starts=tuple(first_monday + dt.timedelta(weeks=i) for i in range(count)),
                  now=now)


class WeekFigures(BaseModel):
    week: str = Field(description="ISO week, e.g. 2026-W48")
    start: dt.date = Field(description="first day counted (a Monday, or the period's first day)")
    end: dt.date = Field(description="the week's Sunday")
    label: str
    short_label: str = Field(description="for the chart's axis")
    assessments: int
    conversations: int
    total_max_award_cny: int | float
    total_max_award_text: str
    complete: bool = Field(description="false: some of the week's records were beyond the record limit")


class RuleFigures(BaseModel):
    rule_id: str
    title: str
    eligible: int
    possible: int


class ClauseFigures(BaseModel):
    clause_id: str
    title: str = Field(description="the titles of its rules that were matched, most matched first")
    eligible: int = Field(description="conversations for which a rule of the clause is eligible")
    possible: int = Field(description="conversations for which one is possible and none eligible")
    rules: list[RuleFigures]


class Overview(BaseModel):
    locale: str
    timezone: str
    period_start: dt.date
    period_end: dt.date
    weeks: list[WeekFigures]
    assessments: int
    conversations: int
    total_max_award_cny: int | float
    total_max_award_text: str
    clauses: list[ClauseFigures]
    records_read: int
    record_limit: int
    truncated: bool = Field(description="the period holds more records than the limit: older weeks are incomplete")
    complete_since: dt.datetime | None = Field(description="when truncated: figures are whole from this moment on")
    notes: list[str] = Field(description="how the figures are counted, in the page's language")


@dataclass
class _Latest:
    created_at: dt.datetime
    summary: RecordSummary


def _keep_latest(latest: dict, key: object, summary: RecordSummary) -> None:
    seen = latest.get(key)
    if seen is None or summary.created_at > seen.created_at:
        latest[key] = _Latest(summary.created_at, summary)


def natural_key(clause_id: str) -> tuple[tuple[int, int | str], ...]:
    """``CQ2025-2`` before ``CQ2025-11``: numbers compared as numbers."""
    return tuple((0, int(part)) if part.isdigit() else (1, part) for part in re.split(r"(\d+)", clause_id) if part)


def rule_title(ruleset: Ruleset, rule_id: str, locale: str) -> str:
    rule = ruleset.by_id.get(rule_id)
    return rule.title.get(locale) if rule is not None else t(locale, "web.overview.rule_not_in_rules", rule_id=rule_id)


def _clause_figures(latest: Iterable[RecordSummary], ruleset: Ruleset, locale: str, top: int) -> list[ClauseFigures]:
    clause_counts: dict[str, Counter[str]] = {}
    rule_counts: dict[str, dict[str, Counter[str]]] = {}
    for summary in latest:
        by_clause: dict[str, str] = {}
        for clause_id, rule_id, status in _strongest_per_rule(summary.matches):
            rule_counts.setdefault(clause_id, {}).setdefault(rule_id, Counter())[status] += 1
            if by_clause.get(clause_id) != "eligible":
                by_clause[clause_id] = status
        for clause_id, status in by_clause.items():
            clause_counts.setdefault(clause_id, Counter())[status] += 1
    ranked = sorted(clause_counts.items(), key=lambda item: (
        -(item[1]["eligible"] + item[1]["possible"]), -item[1]["eligible"], natural_key(item[0])))
    out = []
    for clause_id, counts in ranked[:top]:
        rules = sorted(rule_counts[clause_id].items(),
                       key=lambda item: (-(item[1]["eligible"] + item[1]["possible"]), natural_key(item[0])))
        rule_rows = [RuleFigures(rule_id=rule_id, title=rule_title(ruleset, rule_id, locale),
                                 eligible=c["eligible"], possible=c["possible"]) for rule_id, c in rules]
        title = t(locale, "web.overview.title_separator").join(dict.fromkeys(row.title for row in rule_rows))
        out.append(ClauseFigures(clause_id=clause_id, title=title, eligible=counts["eligible"],
                                 possible=counts["possible"], rules=rule_rows))
    return out


def _strongest_per_rule(matches: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """One entry per rule (a rule matched once per event may appear several times): eligible wins."""
    status: dict[tuple[str, str], str] = {}
    for clause_id, rule_id, match_status in matches:
        if status.get((clause_id, rule_id)) != "eligible":
            status[(clause_id, rule_id)] = match_status
    return [(clause_id, rule_id, s) for (clause_id, rule_id), s in status.items()]


def _amount(value: float) -> int | float:
    return json_number(value) or 0


def compute_overview(summaries: Iterable[RecordSummary], period: Period, locale: str, ruleset: Ruleset, *,
                     record_limit: int = MAX_OVERVIEW_RECORDS, top: int = TOP_CLAUSES) -> Overview:
    """The overview of ``summaries`` (any order) over ``period``; records outside it are ignored.
    ``record_limit``: the most records read; the caller asks the store for one more, so that more
    than ``record_limit`` read means the period holds records that were not read (``truncated``)."""
    index_of = {monday: i for i, monday in enumerate(period.week_starts)}
    counts = [0] * len(period.week_starts)
    week_latest: dict[tuple[int, str], _Latest] = {}
    period_latest: dict[str, _Latest] = {}
    read = 0
    oldest: dt.datetime | None = None
    for summary in summaries:
        read += 1
        oldest = summary.created_at if oldest is None else min(oldest, summary.created_at)
        if summary.created_at < period.start:
            continue
        week = index_of.get(monday_of(summary.created_at.astimezone(OVERVIEW_TIMEZONE).date()))
        if week is None:  # after the current week (a clock ahead): not in the period
            continue
        counts[week] += 1
        _keep_latest(week_latest, (week, summary.conversation_key), summary)
        _keep_latest(period_latest, summary.conversation_key, summary)
    truncated = read > record_limit
    week_totals = [0.0] * len(period.week_starts)
    week_conversations = [0] * len(period.week_starts)
    for (week, _), latest in week_latest.items():
        week_totals[week] += latest.summary.total_max_award_cny
        week_conversations[week] += 1
    total = sum(latest.summary.total_max_award_cny for latest in period_latest.values())
    weeks = []
    for i, monday in enumerate(period.week_starts):
        year, number, _ = monday.isocalendar()
        start = period.start.date() if i == 0 else monday
        weeks.append(WeekFigures(
            week=f"{year}-W{number:02d}", start=start, end=monday + dt.timedelta(days=6),
            label=t(locale, "web.overview.week_label", year=year, week=number, start=start.isoformat(),
                    end=(monday + dt.timedelta(days=6)).isoformat()),
            short_label=t(locale, "web.overview.week_short", week=number),
            assessments=counts[i], conversations=week_conversations[i],
            total_max_award_cny=_amount(week_totals[i]), total_max_award_text=format_cny(week_totals[i], locale),
            complete=not truncated or (oldest is not None and local_midnight(monday) > oldest)))
    notes = [t(locale, "web.overview.timezone_note"), t(locale, "web.overview.counting_note"),
             t(locale, "web.overview.amount_note")]
    if truncated:
        notes.append(t(locale, "web.overview.truncated_note", limit=f"{record_limit:,}"))
    return Overview(
        locale=locale, timezone=str(OVERVIEW_TIMEZONE), period_start=period.start.date(),
        period_end=period.now.astimezone(OVERVIEW_TIMEZONE).date(), weeks=weeks,
        assessments=sum(counts), conversations=len(period_latest),
        total_max_award_cny=_amount(total), total_max_award_text=format_cny(total, locale),
        clauses=_clause_figures((latest.summary for latest in period_latest.values()), ruleset, locale, top),
        records_read=read, record_limit=record_limit, truncated=truncated,
        complete_since=oldest if truncated else None, notes=notes)
