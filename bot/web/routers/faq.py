"""``GET /api/faq``: exactly what ``awardbot faq --format json`` prints (CONTRACT §5)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query

from bot.web.errors import ApiError, error_responses
from bot.web.rate_limits import limit_client

router = APIRouter(prefix="/api", tags=["faq"], dependencies=[Depends(limit_client)],
                   responses=error_responses(422, 429, 503))

MAX_QUERY_CHARS = 200
MAX_RESULTS = 50


@router.get("/faq", summary="Search the policy clauses and Q&A")
def faq(
    q: Annotated[str, Query(max_length=MAX_QUERY_CHARS, description="question or keywords, Chinese or English")] = "",
    limit: Annotated[int, Query(ge=1, le=MAX_RESULTS, description="at most this many results")] = 5,
    locale: Annotated[Literal["zh-CN", "en"], Query(description="language of titles and answers")] = "zh-CN",
) -> dict[str, Any]:
    """``{"results": [{"clause_id", "title", "score", "citation", …}]}``, best first.

    A plain ``def``: the fuzzy search is CPU work, so FastAPI runs it on its thread pool.
    """
    try:
        from faq import faq_json
    except ImportError:
        raise ApiError(503, "web.errors.faq_unavailable") from None
    return faq_json(q, limit=limit, locale=locale)
