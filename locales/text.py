"""Text normalisation shared by every reader of user text (dialog parsers, commands, FAQ search).

The bottom of the import graph: it imports nothing of awardbot, so ``rules`` and ``dialogs``
can both use it without importing each other.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_APOSTROPHES = str.maketrans(dict.fromkeys("'’‘`´"))  # dropped: don't → dont
_PUNCTUATION = re.compile(r"[^\w\s]|_")  # punctuation, symbols, emoji


def normalize_text(text: str) -> str:
    """NFKC (full-width → ASCII), trimmed, runs of spaces collapsed to one, lower case."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()


def without_punctuation(text: str) -> str:
    """Letters, digits and single spaces only: ``“是的！”`` → ``是的``, ``n/a`` → ``n a``, ``don't`` → ``dont``."""
    return " ".join(_PUNCTUATION.sub(" ", text.translate(_APOSTROPHES)).split())


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal or a keyboard row: East Asian wide and full-width characters
    take two (``渝中区`` is 6), combining marks none."""
    return sum(0 if unicodedata.combining(char) else 2 if unicodedata.east_asian_width(char) in "WF" else 1
               for char in text)


def pad(text: object, width: int) -> str:
    """``text`` followed by spaces up to ``width`` display columns (never cut)."""
    text = str(text)
    return text + " " * max(0, width - display_width(text))


def align_columns(rows: list[list[str]], gap: int = 2) -> list[str]:
    """Rows of cells as lines whose columns line up by display width. A row's last cell is not padded
    and does not widen its column, so a shorter row can end in a long note."""
    if not rows:
        return []
    count = max(len(row) for row in rows)
    widths = [max((display_width(row[i]) for row in rows if i < len(row) - 1), default=0) for i in range(count)]
    lines = []
    for row in rows:
        cells = [pad(cell, widths[i] + gap) if i < len(row) - 1 else cell for i, cell in enumerate(row)]
        lines.append("".join(cells).rstrip())
    return lines
