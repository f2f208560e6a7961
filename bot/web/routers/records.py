"""``GET /api/records``: finished assessments (and the questions left for the help desk) for the staff,
as JSON or CSV (bearer token only)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from bot.questions.export import questions_csv, with_questions
from bot.records_export import parse_since, records_csv, records_json_data
from bot.web.deps import ServiceDep, require_staff
from bot.web.errors import error_responses
from bot.web.rate_limits import limit_client

router = APIRouter(prefix="/api", tags=["staff"], dependencies=[Depends(limit_client), Depends(require_staff)],
                   responses=error_responses(401, 422, 429, 503))

MAX_RECORDS = 100_000


@router.get("/records", summary="Export assessment records (staff)",
            responses={200: {"content": {"application/json": {}, "text/csv": {}}}})
async def list_records(
    service: ServiceDep,
    format: Annotated[Literal["json", "csv"], Query(description="json (default) or csv")] = "json",
    since: Annotated[str | None, Query(description="only records created on or after this date (YYYY-MM-DD) "
                                                   "or moment (ISO 8601)")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_RECORDS)] = 1000,
    kind: Annotated[Literal["assessments", "questions"], Query(
        description="CSV only: the assessment records (default) or the questions left for the help desk; "
                    "JSON has both (``records`` and ``questions``)")] = "assessments",
) -> Response:
    """Newest first. Needs ``Authorization: Bearer <AWARDBOT_STAFF_TOKEN>``."""
    start: dt.datetime | None = None
    if since:
        start = parse_since(since)
        if start is None:
            raise RequestValidationError([{"type": "date_parsing", "loc": ("query", "since"),
                                           "msg": "not a date", "input": since}])
    questions = await service.store.list_questions(since=start, limit=limit)  # type: ignore[attr-defined]
    if format == "csv" and kind == "questions":
        return Response(questions_csv(questions), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="awardbot-questions.csv"'})
    records = await service.store.list_records(since=start, limit=limit)
    if format == "csv":
        return Response(records_csv(records), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="awardbot-records.csv"'})
    return JSONResponse(with_questions(records_json_data(records), questions))
