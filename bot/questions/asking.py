"""The owner's side of leaving a question in a text channel (Telegram), as pure functions.

"转人工", "人工客服", "talk to a person", "human" … (``words.ask_person`` in ``locales/*/words.yaml``,
read in every language) or ``/ask`` start it at any point of the conversation; what follows the
words (``转人工：能申请算力券吗``) is the question. Then the owner says whether the answers and the
result may be attached (consent, asked plainly, yes/no). The dialog is never touched: its question
stays where it was, and is shown again when the question has been left (or the owner cancels).
The pending step is kept in the store next to the conversation (:func:`pending_key`).
"""

from __future__ import annotations

import functools
import re
import secrets
import time
from typing import Literal

from pydantic import BaseModel, ValidationError

from bot.questions.models import MAX_QUESTION_CHARS
from dialogs.parse.words import word_set, words
from locales.text import normalize_text, without_punctuation

PENDING_PREFIX = "ask:"
PENDING_TTL_SECONDS = 3600
"""A question left half-way longer ago than this is forgotten: the owner's words are answers again."""
_SEPARATORS = r"\s:：,，.。;；!！?？\-—、"
_LATIN_SEPARATORS = r":：,，;；!！?？\-—"


class PendingAsk(BaseModel):
    """A question being left: waiting for its ``text``, then for the owner's ``consent``."""

    stage: Literal["text", "consent"]
    request_id: str
    text: str = ""
    started_at: float

    def to_json(self) -> str:
        return self.model_dump_json()


def pending_key(conversation_key: str) -> str:
    return PENDING_PREFIX + conversation_key


def load_pending(text: str | None, now: float | None = None) -> PendingAsk | None:
    if not text:
        return None
    try:
        pending = PendingAsk.model_validate_json(text)
    except ValidationError:
        return None
    if (now if now is not None else time.time()) - pending.started_at > PENDING_TTL_SECONDS:
        return None
    return pending


def begin(text: str = "") -> PendingAsk:
    """A new question being left; with ``text`` (valid) it waits for consent, else for the text."""
    stage: Literal["text", "consent"] = "consent" if text and question_problem(text) is None else "text"
    return PendingAsk(stage=stage, request_id=secrets.token_hex(8), text=text if stage == "consent" else "",
                      started_at=time.time())


def ask_request(text: str) -> str | None:
    """The question that comes with a request for a person ('' when only the words were said);
    ``None`` when ``text`` does not ask for a person. After Latin words only punctuation separates
    the question ("human: …"), so an answer such as "human resources" stays an answer."""
    if without_punctuation(normalize_text(text).lstrip("/")) in word_set("ask_person"):
        return ""
    found = _request_with_question(words("ask_person")).match(text)
    return found.group(1).strip() if found else None


@functools.cache
def _request_with_question(request_words: tuple[str, ...]) -> re.Pattern[str]:
    """One of ``request_words`` (longest first: the alternation tries them in that order), separators,
    the question. Compiled once per word list: every message of every channel is read with it."""
    branches = (rf"{re.escape(word)}\s*[{_LATIN_SEPARATORS if word[:1].isascii() else _SEPARATORS}]+"
                for word in request_words)
    return re.compile(rf"\s*/?(?:{'|'.join(branches)})\s*(\S.*)", flags=re.S | re.I)


def is_cancel(text: str) -> bool:
    return without_punctuation(normalize_text(text).lstrip("/")) in word_set("ask_cancel")


def question_problem(text: str) -> str | None:
    """The locale key of what is wrong with a question's text (empty, too long); ``None``: fine."""
    stripped = text.strip()
    if not stripped:
        return "ask.empty"
    if len(stripped) > MAX_QUESTION_CHARS:
        return "ask.too_long"
    return None
