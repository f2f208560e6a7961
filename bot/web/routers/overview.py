"""``GET /api/records/overview``: the staff overview of the stored assessments (bearer token only).

Figures per ISO week in Asia/Shanghai (``bot.records_overview``), the texts in the language asked for;
at most :data:`~bot.records_overview.MAX_OVERVIEW_RECORDS` records are read (the newest of the period),
and the answer says when the period holds more.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field

from bot.records_overview import (
    MAX_OVERVIEW_RECORDS,
    MAX_WEEKS,
    OVERVIEW_TIMEZONE,
    Overview,
    compute_overview,
    overview_period,
    weeks_between,
)
from bot.store.models import utc_now
from bot.web.deps import ServiceDep, require_staff
from bot.web.errors import error_responses, request_locale
from bot.web.rate_limits import limit_client
from rules.loader import default_ruleset

router = APIRouter(prefix="/api", tags=["staff"], dependencies=[Depends(limit_client), Depends(require_staff)],
                   responses=error_responses(401, 422, 429, 503))


class OverviewQuery(BaseModel):
    weeks: int | None = Field(None, ge=1, le=MAX_WEEKS,
                              description="the last N ISO weeks, the current one included (default 12)")
    since: dt.date | None = Field(None, description="instead of weeks: from this day (YYYY-MM-DD, Asia/Shanghai) "
                                                    f"to today, at most {MAX_WEEKS} weeks")
    locale: Literal["zh-CN", "en"] | None = Field(None, description="language of titles, amounts and notes "
                                                                    "(default: Accept-Language)")


def _invalid(field: str, kind: str, value: object, **context: Any) -> RequestValidationError:
    """A 422 naming ``field``; ``kind`` is a message under ``web.errors.problems``."""
    return RequestValidationError([{"type": kind, "loc": ("query", field), "msg": kind, "input": value,
                                    "ctx": context}])


@router.get("/records/overview", response_model=Overview, summary="Overview of the stored assessments (staff)")
async def records_overview(request: Request, response: Response, service: ServiceDep,
                           query: Annotated[OverviewQuery, Query()]) -> Overview:
    """Assessments per week, enterprises, estimated awards, the clauses most matched. Needs
    ``Authorization: Bearer <AWARDBOT_STAFF_TOKEN>``; ``notes`` say how each figure is counted."""
    now = utc_now()
    if query.since is not None:
        today = now.astimezone(OVERVIEW_TIMEZONE).date()
        if query.weeks is not None:
            raise _invalid("weeks", "weeks_with_since", query.weeks)
        if query.since > today:
            raise _invalid("since", "date_in_future", query.since.isoformat())
        if weeks_between(query.since, today) > MAX_WEEKS:
            raise _invalid("since", "too_many_weeks", query.since.isoformat(), limit=MAX_WEEKS)
    period = overview_period(now, weeks=query.weeks, since=query.since)
    summaries = await service.store.record_summaries(since=period.start, limit=MAX_OVERVIEW_RECORDS + 1)
    response.headers["Cache-Control"] = "no-store"
    return compute_overview(summaries, period, query.locale or request_locale(request), default_ruleset(),
                            record_limit=MAX_OVERVIEW_RECORDS)
