"""Records the conversation store keeps: conversation state and finished assessments.

Conversation state is opaque JSON text to the store; only the dialogue layer parses it.
"""

from __future__ import annotations

import functools
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Channel = Literal["web", "telegram", "cli"]


@dataclass(frozen=True, slots=True)
class Conversation:
    """One conversation as stored: ``version`` grows by one on every write (1 on creation)."""

    key: str
    version: int
    state_json: str
    updated_at: float


@dataclass(frozen=True, slots=True)
class CasToken:
    """What a compare-and-set write checks: the stored version and the conversation's incarnation.

    The incarnation is a random id given to a conversation when it is created, so that a write
    prepared against a conversation that was deleted (or expired) and created again in the
    meantime is refused even though the version numbers start over.
    """

    version: int
    incarnation: str


def new_incarnation() -> str:
    """A fresh random incarnation id."""
    return uuid.uuid4().hex


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive datetime is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class AssessmentRecord(BaseModel):
    """A finished assessment, kept for the staff. ``created_at`` serialises as UTC ISO 8601."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(default_factory=lambda: uuid.uuid4().hex, min_length=1)
    conversation_key: str = Field(min_length=1)
    created_at: datetime = Field(default_factory=utc_now)
    channel: Channel
    locale: str
    ruleset_version: str
    profile: dict[str, Any]
    result: dict[str, Any]

    @field_validator("created_at")
    @classmethod
    def _created_at_in_utc(cls, value: datetime) -> datetime:
        return as_utc(value)


COUNTED_STATUSES = ("eligible", "possible")
"""The match statuses a record summary keeps (expired and not-yet-in-force matches are not counted)."""


@functools.lru_cache(maxsize=4096)
def counted_match(clause_id: str, rule_id: str, status: str) -> tuple[str, str, str]:
    """One shared tuple per (clause, rule, status): thousands of summaries hold references, not copies."""
    return clause_id, rule_id, status


@dataclass(frozen=True, slots=True)
class RecordSummary:
    """What the staff overview counts of one assessment record, a few hundred bytes instead of the
    record's ~70 KB: its conversation, time, total, and each eligible or possible match as
    ``(clause_id, rule_id, status)``."""

    conversation_key: str
    created_at: datetime
    total_max_award_cny: float
    matches: tuple[tuple[str, str, str], ...]

    @classmethod
    def of(cls, conversation_key: str, created_at: datetime, result: dict[str, Any]) -> RecordSummary:
        """From a record's ``result`` (the contract's assessment JSON); a missing total counts as 0."""
        matches = tuple(
            counted_match(str(match.get("clause_id", "")), str(match.get("rule_id", "")), str(match["status"]))
            for match in result.get("matches") or () if match.get("status") in COUNTED_STATUSES)
        return cls(conversation_key, as_utc(created_at), float(result.get("total_max_award_cny") or 0), matches)

    @classmethod
    def of_record(cls, record: AssessmentRecord) -> RecordSummary:
        return cls.of(record.conversation_key, record.created_at, record.result)

    def counted_json(self) -> str:
        """What the store keeps next to the record (the conversation and time are kept anyway)."""
        return json.dumps({"total": self.total_max_award_cny, "matches": self.matches}, ensure_ascii=False)

    @classmethod
    def from_counted_json(cls, conversation_key: str, created_at: datetime, text: str) -> RecordSummary:
        counted = json.loads(text)
        return cls(conversation_key, as_utc(created_at), float(counted["total"]),
                   tuple(counted_match(str(c), str(r), str(s)) for c, r, s in counted["matches"]))
