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
