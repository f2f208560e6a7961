"""The conversation's state: a pydantic model that round-trips through JSON, so any store holds it.

State written by an older version of the dialog is migrated on load (:func:`load_state`), never
rejected: the user keeps every answer and is told the questionnaire was updated.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dialogs.result_change import ResultSnapshot
from rules.profile import Profile

SCHEMA_VERSION = 2


DELIVERIES_KEPT = 16


class DialogState(BaseModel):
    """Everything the dialog knows about one conversation."""

    model_config = ConfigDict(extra="ignore")

    schema_version: int = SCHEMA_VERSION
    locale: Literal["zh-CN", "en"] = "zh-CN"
    answers: dict[str, Any] = Field(default_factory=dict)  # profile field -> validated value
    skipped: list[str] = Field(default_factory=list)  # fact keys the user said they don't know
    history: list[str] = Field(default_factory=list)  # fact keys in the order they were answered
    pending: str | None = None  # fact key of the question on screen ("events_more" for the loop)
    events_done: bool = False  # the user said there are no more events
    done: bool = False
    as_of: dt.date | None = None  # assessment date; None: the day of each turn
    notice: str | None = None  # a message key to show once (e.g. after a migration)
    turn: int = 1  # the number of the turn on screen (CONTRACT §6): 1 at the start, +1 per message applied
    shown_result: ResultSnapshot | None = None  # the result last shown, so a change answers with what moved
    deliveries: list[int] = Field(default_factory=list)  # the channel's ids of the last messages applied
    # (Telegram's update_id), so a redelivered one is not applied again; a set, not a maximum, as
    # Telegram may restart its numbering after a quiet week

    def delivered(self, delivery: int | None) -> None:
        """Remember that the channel's message ``delivery`` was applied."""
        if delivery is not None:
            self.deliveries = [*self.deliveries, delivery][-DELIVERIES_KEPT:]

    def profile(self) -> Profile:
        """The answers as a validated profile (answers are validated when given, so this holds)."""
        return Profile.model_validate(self.answers)

    def facts(self) -> dict[str, object]:
        return self.profile().facts()

    def to_json(self) -> str:
        return self.model_dump_json()


def _migrate_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 1 kept answers in ``profile`` and the skipped facts in ``unknown``."""
    data = dict(data)
    data["answers"] = data.pop("profile", None) or data.get("answers") or {}
    data["skipped"] = data.pop("unknown", None) or data.get("skipped") or []
    return data


MIGRATIONS = {1: _migrate_v1}


def load_state(text: str | None) -> DialogState | None:
    """Read stored state, migrating older versions; ``None`` when there is none or it is unreadable.

    Answers that no longer validate (a field renamed or removed) are dropped one by one, so the
    rest survive.
    """
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(data, dict):
        return None
    version = data.get("schema_version", 1)
    migrated = False
    while isinstance(version, int) and version < SCHEMA_VERSION and version in MIGRATIONS:
        data = MIGRATIONS[version](data)
        version += 1
        migrated = True
    data["schema_version"] = SCHEMA_VERSION
    answers = data.get("answers") if isinstance(data.get("answers"), dict) else {}
    kept: dict[str, Any] = {}
    for key, value in answers.items():
        try:
            Profile.model_validate({**kept, key: value})
        except ValidationError:
            migrated = True
            continue
        kept[key] = value
    data["answers"] = kept
    try:
        state = DialogState.model_validate(data)
    except ValidationError:
        state = DialogState(answers=kept, locale=data.get("locale") if data.get("locale") in ("zh-CN", "en")
                            else "zh-CN")
        migrated = True
    if migrated:
        state.notice = "dialog.migrated"
        state.pending = None  # the next question is chosen afresh
        state.done = False
    return state
