"""Request and response bodies of the chat API (CONTRACT §6), validated at the edge by pydantic."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from dialogs.result_view import ResultView
from dialogs.turn import Expects, Progress

MAX_MESSAGE_CHARS = 2000

MessageText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_MESSAGE_CHARS)]


class NewSession(BaseModel):
    """``POST /api/sessions``: the language of the conversation (default: the server's)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"locale": "zh-CN"}]})

    locale: Literal["zh-CN", "en"] | None = None


class UserMessage(BaseModel):
    """``POST /api/sessions/{id}/messages``: one answer or command, as the user typed or clicked it."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"text": "1.2亿"}]})

    text: MessageText = Field(description="an answer (option ids or labels, several joined by commas), "
                                          "or a command such as 跳过 / skip, 返回 / back, English / 中文")
    turn: int | None = Field(None, ge=1, le=1_000_000,
                             description="the number of the turn this answers; a send for a turn the "
                                         "conversation has already left is not applied again (safe retries)")


class Formatted(BaseModel):
    """Amounts of a finished assessment as the conversation's locale writes them (additive)."""

    total: str
    matches: list[str]


class HistoryEntry(BaseModel):
    """One bubble of the conversation before the current turn (``GET /api/sessions/{id}`` only)."""

    role: Literal["bot", "user", "result"] = Field(
        description="bot message, the user's answer as shown (option labels), or a result (text: its total)")
    text: str
    lang: Literal["zh-CN", "en"] = Field(description="the language the entry is written in")
    turn: int = Field(description="the turn it belongs to (a user entry: the turn it answered)")


class AskPerson(BaseModel):
    """The owner asked for a person ("转人工", "talk to a person"): nothing was applied to the conversation."""

    text: str = Field(description="what came with the words: the question, if any ('' when only the words)")


class TurnOut(BaseModel):
    """A turn of the conversation: the contract's fields first, then additive ones."""

    session_id: str
    messages: list[str]
    expects: Expects | None
    done: bool
    assessment: dict[str, Any] | None
    turn: int = Field(description="the turn's number (1, 2, …); send it back with the answer")
    answers: dict[str, Any] = Field(default_factory=dict, description=(
        "the facts collected so far as a CONTRACT §4 profile: a skipped fact is null, a figure known "
        "only as a range (\"2000多万\") an object {low, high, low_inclusive, high_inclusive, wording, anchor}"))
    progress: Progress | None = None
    locale: Literal["zh-CN", "en"] = "zh-CN"
    result_messages_from: int | None = Field(
        None, description="index in messages where the text rendering of the assessment starts "
                          "(for clients that show the assessment as cards instead)")
    formatted: Formatted | None = Field(None, description="amounts of the assessment, formatted for the locale")
    result: ResultView | None = Field(None, description="the assessment grouped into the sections every channel "
                                                        "shows (awards, possible, non-cash, …), in the locale")
    history: list[HistoryEntry] | None = Field(
        None, description="GET only: what was shown and said before this turn, oldest first (bounded), "
                          "so a reloaded page shows the whole conversation")
    ask_person: AskPerson | None = Field(
        None, description="the message asked for a person (“转人工”): it was not applied, the question on screen "
                          "is the same; leave the question with POST /api/sessions/{id}/questions")


class WidgetStrings(BaseModel):
    """``GET /api/i18n/{locale}``: the widget's UI strings (``web.widget.*`` without the prefix)."""

    locale: Literal["zh-CN", "en"]
    messages: dict[str, str]


class Health(BaseModel):
    status: Literal["ok"]
