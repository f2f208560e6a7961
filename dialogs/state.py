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


class PendingConfirm(BaseModel):
    """A reading shown back for a yes before it is recorded (CONTRACT §6 ``confirm``)."""

    key: str  # the fact key it would fill
    value: Any  # in profile units; a range as its JSON object
    reason: str  # dialog.confirm.<reason>
    text: str = ""  # what the user typed, said back


class Shortlist(BaseModel):
    """Numbered choices on screen: a number in the next reply picks from these, not the full list."""

    purpose: Literal["answer", "change"]
    key: str | None = None  # the question it answers (purpose "answer")
    items: list[Any] = Field(default_factory=list)  # option ids, figures, or fact keys (purpose "change")
    keep: list[str] = Field(default_factory=list)  # multi-choice: options already understood


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
    trail: list[str] = Field(default_factory=list)  # question keys, each where it was last put on screen
    confirm: PendingConfirm | None = None  # a reading awaiting the user's yes
    shortlist: Shortlist | None = None  # numbered candidates on screen
    refine_declined: list[str] = Field(default_factory=list)  # ranges the user could not make exact
    unknown_streak: int = 0  # "don't know" answers in a row (three: offer the result now)
    progress_total: int | None = None  # the step estimate last shown (it only ever shrinks)
    restart_pending: bool = False  # "restart" awaits its confirmation
    shown_messages: list[str] = Field(default_factory=list)  # the last turn's messages, for a reload or a retry
    draft: dict[str, list[str]] = Field(default_factory=dict)  # multi-select toggles not yet submitted
    shown_result: ResultSnapshot | None = None  # the result last shown, so a change answers with what moved
    recheck: list[str] = Field(default_factory=list)  # answered facts to ask again first (a yearly refresh:
    # last year's figures), each showing its saved answer, which "skip" keeps
    deliveries: list[int] = Field(default_factory=list)  # the channel's ids of the last messages applied
    # (Telegram's update_id), so a redelivered one is not applied again; a set, not a maximum, as
    # Telegram may restart its numbering after a quiet week

    def delivered(self, delivery: int | None) -> None:
        """Remember that the channel's message ``delivery`` was applied."""
        if delivery is not None:
            self.deliveries = [*self.deliveries, delivery][-DELIVERIES_KEPT:]

    def copied(self) -> DialogState:
        """A copy to change: every container copied, the immutable parts shared (a whole deep copy
        costs a tenth of a turn)."""
        answers = {key: [dict(event) for event in value] if key == "events" and isinstance(value, list)
                   else list(value) if isinstance(value, list) else dict(value) if isinstance(value, dict)
                   else value for key, value in self.answers.items()}
        return self.model_copy(update={
            "answers": answers, "skipped": list(self.skipped), "history": list(self.history),
            "trail": list(self.trail), "refine_declined": list(self.refine_declined), "recheck": list(self.recheck),
            "shown_messages": list(self.shown_messages), "deliveries": list(self.deliveries),
            "draft": {key: list(value) for key, value in self.draft.items()}})

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


def json_object(text: str | None) -> dict[str, Any] | None:
    """``text`` as a JSON object; ``None`` when it is empty, not JSON, or not an object."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return None
    return data if isinstance(data, dict) else None


def load_state(text: str | None) -> DialogState | None:
    """Read stored state, migrating older versions; ``None`` when there is none or it is unreadable.

    Answers that no longer validate (a field renamed or removed) are dropped one by one, so the
    rest survive.
    """
    return state_from_data(json_object(text))


def state_from_data(data: dict[str, Any] | None) -> DialogState | None:
    """:func:`load_state` on JSON already parsed (``data`` is changed)."""
    if data is None:
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
    try:  # the usual case, in one validation: every answer still valid (the checks are per field)
        Profile.model_validate(answers)
        kept = dict(answers)
    except ValidationError:
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
