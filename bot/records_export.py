"""Assessment records as the staff export them: CSV or JSON, and the ``since`` filter.

One shape for both ``GET /api/records`` and ``awardbot records export``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.store import AssessmentRecord

CSV_COLUMNS = (
    "id", "created_at", "channel", "locale", "conversation_key", "ruleset_version", "as_of",
    "total_max_award_cny", "eligible_rule_ids", "possible_rule_ids", "profile_json",
)


def parse_since(value: str) -> dt.datetime | None:
    """``2026-11-01`` (midnight UTC) or an ISO 8601 moment; None when it is neither."""
    try:
        if len(value) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(), tzinfo=dt.UTC)
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _rule_ids(record: AssessmentRecord, status: str) -> str:
    return " ".join(m["rule_id"] for m in record.result.get("matches", []) if m.get("status") == status)


def records_json_data(records: Iterable[AssessmentRecord]) -> dict[str, Any]:
    items = [record.model_dump(mode="json") for record in records]
    return {"count": len(items), "records": items}


def records_csv(records: Iterable[AssessmentRecord]) -> str:
    """One row per record; the full profile as a JSON cell, the rule ids space-separated."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for record in records:
        writer.writerow([
            record.id, record.created_at.isoformat(), record.channel, record.locale, record.conversation_key,
            record.ruleset_version, record.result.get("as_of", ""), record.result.get("total_max_award_cny", ""),
            _rule_ids(record, "eligible"), _rule_ids(record, "possible"),
            json.dumps(record.profile, ensure_ascii=False, sort_keys=True),
        ])
    return out.getvalue()
