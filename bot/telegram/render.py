"""Dialog turns as Telegram HTML messages: every dialog or user string escaped, under the size limit.

Telegram parses ``parse_mode=HTML`` text, so a ``<`` or ``&`` typed by the user (and echoed
back by the dialog) would break the message or inject markup. Everything that did not come
from this module's own tags goes through :func:`escape`. Messages are packed greedily into
as few Telegram messages as fit under :data:`MESSAGE_LIMIT`; a single over-long text is cut
at line breaks (or, failing that, anywhere) before it is escaped, so no entity or tag is cut.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from dialogs.turn import Turn

TELEGRAM_MESSAGE_LIMIT = 4096
MESSAGE_LIMIT = 4000
"""Packing limit, a little under Telegram's, so an answer can be appended to a question later."""
PART_SEPARATOR = "\n\n"


def escape(text: str) -> str:
    """``text`` safe inside Telegram HTML (``<``, ``>``, ``&``; quotes need no escaping there)."""
    return html.escape(text, quote=False)


def split_plain(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Cut plain ``text`` into pieces whose *escaped* form is at most ``limit`` characters."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if len(escape(candidate)) <= limit:
            current = candidate
            continue
        if current:
            pieces.append(current)
        current = ""
        while len(escape(line)) > limit:
            head, line = _cut(line, limit)
            pieces.append(head)
        current = line
    if current or not pieces:
        pieces.append(current)
    return pieces


def _cut(line: str, limit: int) -> tuple[str, str]:
    """The longest head of ``line`` whose escaped form fits ``limit``, and the rest."""
    size = 0
    for position, char in enumerate(line):
        size += len(escape(char))
        if size > limit:
            return line[:position], line[position:]
    return line, ""


def pack(parts: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """Join HTML parts (each at most ``limit`` long) into as few messages as fit ``limit``."""
    messages: list[str] = []
    for part in parts:
        if messages and len(messages[-1]) + len(PART_SEPARATOR) + len(part) <= limit:
            messages[-1] += PART_SEPARATOR + part
        else:
            messages.append(part)
    return messages


def plain_parts(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Plain ``text`` as escaped HTML parts, each at most ``limit`` long."""
    return [escape(piece) for piece in split_plain(text, limit)]


def question_part(text: str) -> str:
    """The question message: its first line (the step counter) in italics, the question in bold."""
    counter, _, question = text.partition("\n")
    if not question:
        return f"<b>{escape(counter)}</b>"
    return f"<i>{escape(counter)}</i>\n<b>{escape(question)}</b>"


def turn_messages(turn: Turn, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The HTML messages to send for ``turn``; a question comes last."""
    parts: list[str] = []
    for position, text in enumerate(turn.messages):
        is_question = turn.expects is not None and position == len(turn.messages) - 1
        formatted = question_part(text) if is_question else ""
        if formatted and len(formatted) <= limit:
            parts.append(formatted)
        else:
            parts.extend(plain_parts(text, limit))
    return pack(parts, limit)


def with_answer(message_html: str, answer_html: str, limit: int = TELEGRAM_MESSAGE_LIMIT) -> str | None:
    """A question message with the chosen answer appended, or ``None`` if that would be too long."""
    text = f"{message_html}{PART_SEPARATOR}{answer_html}"
    return text if len(text) <= limit else None
