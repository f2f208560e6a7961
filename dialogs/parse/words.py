"""The word lists the parsers read, from ``locales/*/words.yaml``, and the one-word core of an answer.

Every list is merged over all locales (an owner may type English in a Chinese conversation) and
normalised like the answers (``locales.text.normalize_text``). :func:`answer_word` strips what
carries nothing (punctuation, ``嗯``, ``um``, sentence particles) so ``“是的！”`` and ``嗯，是的`` read
as ``是``; :func:`is_skip` says whether the owner does not know.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from locales import LOCALES, catalog
from locales.text import normalize_text, without_punctuation

__all__ = ["answer_word", "is_skip", "is_skip_cleaned", "synonyms", "word_pattern", "word_set", "words"]


@functools.cache
def words(name: str) -> tuple[str, ...]:
    """The list ``words.<name>`` of every locale, normalised, longest first (so alternations prefer them)."""
    merged: dict[str, None] = {}
    for locale in LOCALES:
        for word in catalog(locale).get(f"words.{name}", []):
            normal = normalize_text(str(word))
            if normal:
                merged[normal] = None
    return tuple(sorted(merged, key=len, reverse=True))


@functools.cache
def word_set(name: str) -> frozenset[str]:
    """The list ``words.<name>`` as answer words (no punctuation), for whole-answer lookups."""
    return frozenset(filter(None, (without_punctuation(word) for word in words(name))))


def alternation(items: Iterable[str]) -> str:
    """A regex matching any of ``items``, the longest where several fit; a Latin word only when not
    inside a longer one. Built as a trie (营(?:收|业(?:收入|额))), which ``re`` searches far faster
    than a flat list of a hundred words."""
    unique = set(filter(None, items))
    latin = [word for word in unique if word[:1].isascii() and word[:1].isalpha()]
    other = [word for word in unique if not (word[:1].isascii() and word[:1].isalpha())]
    parts = [rf"(?<![a-z])(?:{_trie_pattern(latin)})(?![a-z])"] if latin else []
    return "|".join(parts + ([_trie_pattern(other)] if other else []))


def _trie_pattern(items: list[str]) -> str:
    trie: dict = {}
    for word in items:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:
    """The pattern of a trie node: its branches (each a character and what follows), optional where a word ends."""
    branches = [re.escape(char) + _node_pattern(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 and len(branches[0]) == 1 else f"(?:{'|'.join(branches)})"
    return f"{body}?" if "" in node else body


@functools.cache
def word_pattern(name: str) -> re.Pattern[str]:
    """Any word of ``words.<name>`` (see :func:`alternation`)."""
    return re.compile(alternation(words(name)) or r"(?!)")


@functools.cache
def synonyms() -> dict[str, tuple[str, ...]]:
    """``words.synonyms.<option id>`` of every locale: further names of an option (高企, 国高新, HNTE)."""
    found: dict[str, dict[str, None]] = {}
    for locale in LOCALES:
        for key, value in catalog(locale).items():
            if key.startswith("words.synonyms.") and isinstance(value, list):
                found.setdefault(key.removeprefix("words.synonyms."), {}).update(dict.fromkeys(map(str, value)))
    return {option_id: tuple(names) for option_id, names in found.items()}


@functools.cache
def _leading_fillers() -> re.Pattern[str]:
    chinese = [re.escape(word) for word in words("fillers") if not word.isascii()]
    latin = [re.escape(word) for word in words("fillers") if word.isascii()]
    return re.compile(rf"^(?:(?:{'|'.join(chinese) or '(?!)'})\s?|(?:{'|'.join(latin) or '(?!)'})\s)(?=.)")


@functools.cache
def _trailing_particles() -> re.Pattern[str]:
    chinese = [re.escape(word) for word in words("particles") if not word.isascii()]
    latin = [re.escape(word) for word in words("particles") if word.isascii()]
    return re.compile(rf"(?<=.)(?:(?:{'|'.join(chinese) or '(?!)'})+|\s(?:{'|'.join(latin) or '(?!)'}))$")


def answer_word(cleaned: str) -> str:
    """The core of a one-word answer (normalised): no punctuation, leading fillers or trailing particles."""
    word = without_punctuation(cleaned)
    for _ in range(3):  # 嗯 我们 没有啊: a few fillers, at most
        shorter = _leading_fillers().sub("", word, count=1)
        if shorter == word:
            break
        word = shorter
    return _trailing_particles().sub("", word)


_QUESTION_MARKS_ONLY = re.compile(r"^[?？\s]+$")


def is_skip(text: str) -> bool:
    """Whether the user does not know or skips: ``不知道``, ``跳过``, ``dunno``, ``n/a``, ``?``."""
    return is_skip_cleaned(normalize_text(text))


def is_skip_cleaned(cleaned: str, word: str | None = None) -> bool:
    """:func:`is_skip` of text already normalised (``word``: its :func:`answer_word`, if known)."""
    if _QUESTION_MARKS_ONLY.match(cleaned):
        return True
    skip = word_set("skip")
    return without_punctuation(cleaned) in skip or (word if word is not None else answer_word(cleaned)) in skip
