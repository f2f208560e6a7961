"""What one step of the dialog gives a channel to show (CONTRACT §6, without the session id)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from dialogs.result_view import ResultView


class Option(BaseModel):
    id: str
    label: str


class Expects(BaseModel):
    field: str  # the profile field the answer fills (``events[0].attendees`` for event details)
    kind: Literal["amount", "integer", "choice", "multi", "bool", "text"]
    options: list[Option] = Field(default_factory=list)


class Progress(BaseModel):
    step: int
    total: int


class Turn(BaseModel):
    messages: list[str]
    expects: Expects | None = None
    done: bool = False
    assessment: dict[str, Any] | None = None
    progress: Progress | None = None
    locale: Literal["zh-CN", "en"] = "zh-CN"
    turn: int = 1  # the turn's number (CONTRACT §6): a send answering an earlier turn is not applied again
    result: ResultView | None = None  # the assessment grouped for display (every channel shows these sections)
