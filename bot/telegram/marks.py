"""Which messages of a chat carry live buttons, kept in the store so a bot restart keeps them bound.

A button press is acted on only when it comes from the message its keyboard was issued on: the
open question's message, the last result's message, or the confirmation message of /forget or
/restart. Those message ids are written here (under ``tgui:<chat id>``, next to the chat's
conversation ``tg:<chat id>``) right after the message is sent; /forget deletes them with the
conversation. Anything else a client sends (forged, stale, garbage) is not acted on.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, ValidationError

from bot.store import Store

MARKS_KEY_PREFIX = "tgui:"
Slot = Literal["question", "result", "confirm"]


class ChatMarks(BaseModel):
    question: int | None = None  # the message with the open question's keyboard
    result: int | None = None  # the message with the result's detail buttons
    confirm: int | None = None  # the message asking to confirm ``confirm_action``
    confirm_action: Literal["forget", "restart"] | None = None
    reports: list[str] = Field(default_factory=list)  # web-session copies made for printable reports


def marks_key(chat_id: int) -> str:
    return f"{MARKS_KEY_PREFIX}{chat_id}"


def _read(text: str | None) -> ChatMarks:
    if not text:
        return ChatMarks()
    try:
        return ChatMarks.model_validate_json(text)
    except ValidationError:
        return ChatMarks()


async def load_marks(store: Store, chat_id: int) -> ChatMarks:
    conversation = await store.get(marks_key(chat_id))
    return _read(conversation.state_json if conversation else None)


async def save_marks(store: Store, chat_id: int, **changes: object) -> ChatMarks:
    """Set some of the chat's marks (``question=…``, ``confirm=None`` …), atomically."""
    def change(old: str | None) -> tuple[str, ChatMarks]:
        marks = _read(old).model_copy(update=changes)
        return marks.model_dump_json(), marks

    _, marks = await store.update(marks_key(chat_id), change)
    return marks


async def forget_marks(store: Store, chat_id: int) -> None:
    await store.delete_conversation(marks_key(chat_id))
