"""Yes or no, as owners answer it: ``是的``, ``有的``, ``建了``, ``没办过``, ``yes we did``, ``No.``, ``✓``.

An answer is read as yes or no when it is one of the words of ``words.yes`` / ``words.no``
(``locales/*/words.yaml``), when it *starts* with one and a reason follows (``是的，我们主要做软件``,
``不是，我们做制造业``, ``yes we did``), or when it reports a thing done (``建了``, ``办过``: yes) or not
done (``没办过``, ``还没建``: no). A lone ``x`` is not read as no (it may be a tick, a typo or a test);
the cross symbols ``✗ × ❌`` are. Anything else is ``Invalid``, never a guess.
"""

from __future__ import annotations

import functools
import re

from dialogs.parse.messages import invalid, quoted
from dialogs.parse.outcomes import Ok, Outcome, Unknown
from dialogs.parse.words import answer_word, is_skip_cleaned, word_set, words
from locales.text import normalize_text, without_punctuation

__all__ = ["parse_bool"]

_CLAUSE_END = re.compile(r"[,，.。;；:：!！?？、\n]|\s[-—]\s|\s(?:but|because|as|since)\s|但|因为|不过|可是|所以")
_CHINESE = re.compile(r"^[\u3400-\u9fff]+$")
_MAX_DONE_VERB_CHARS = 4  # 建了, 申请了, 建立过: a short verb and its ending


def parse_bool(text: str) -> Outcome[bool]:
    """Yes or no: ``是的``, ``有``, ``yes``, ``1`` → True; ``没有``, ``不是``, ``nope``, ``0`` → False."""
    cleaned = normalize_text(text)
    if not cleaned:
        return invalid("parsing.bool.empty")
    if is_skip_cleaned(cleaned):
        return Unknown()
    answer = _bool_value(cleaned)
    if answer is None:
        return invalid("parsing.bool.not_understood", text=quoted(text))
    return Ok(answer)


def _bool_value(cleaned: str) -> bool | None:
    if cleaned in words("yes_symbols"):
        return True
    if cleaned in words("no_symbols"):
        return False
    whole = _word_value(cleaned)
    if whole is not None:
        return whole
    first_clause = _CLAUSE_END.split(cleaned, maxsplit=1)[0].strip()
    if first_clause and first_clause != cleaned:  # 是的，我们主要做软件
        value = _word_value(first_clause)
        if value is not None:
            return value
    return _leading_word_value(first_clause or cleaned)


def _word_value(text: str) -> bool | None:
    """The value of an answer that is one yes/no word (up to fillers, particles) or a done/not-done verb."""
    for word in dict.fromkeys((without_punctuation(text), answer_word(text))):
        if word in word_set("yes"):
            return True
        if word in word_set("no"):
            return False
    return _done_value(without_punctuation(text).replace(" ", ""))


def _done_value(word: str) -> bool | None:
    """``建了`` / ``办过`` → yes; ``没办过`` / ``还没建`` / ``未建立`` → no; anything else → None."""
    if not _CHINESE.match(word) or len(word) > _MAX_DONE_VERB_CHARS + 2:
        return None
    negation = _negations().match(word)
    if negation is not None:
        rest = word[negation.end():]
        return False if 0 < len(rest) <= _MAX_DONE_VERB_CHARS + 1 else None
    ending = _done_endings().search(word)
    if ending is not None and 0 < ending.start() <= _MAX_DONE_VERB_CHARS and not word.startswith("不"):
        return True
    return None


def _leading_word_value(clause: str) -> bool | None:
    """``yes we did``, ``no we haven't``: an English answer whose first word says yes or no."""
    first = without_punctuation(clause).split(" ", 1)[0] if clause else ""
    if not first.isascii() or first == clause:
        return None
    if first in word_set("yes"):
        return True
    if first in word_set("no"):
        return False
    return None


@functools.cache
def _negations() -> re.Pattern[str]:
    chinese = [re.escape(word) for word in words("negations") if not word.isascii()]
    return re.compile(rf"^(?:{'|'.join(chinese)})")


@functools.cache
def _done_endings() -> re.Pattern[str]:
    chinese = [re.escape(word) for word in words("done_endings") if not word.isascii()]
    return re.compile(rf"(?:{'|'.join(chinese)})$")
