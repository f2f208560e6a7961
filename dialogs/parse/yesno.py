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
from dialogs.parse.words import alternation, answer_word, is_skip_cleaned, word_set, words
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
    clauses = [clause.strip() for clause in _CLAUSE_END.split(cleaned) if clause.strip()]
    if not clauses:
        return None
    value = _word_value(clauses[0]) if len(clauses) > 1 else None  # 是的，我们主要做软件
    if value is None:
        value = _leading_value(clauses[0])
    later = {_word_value(clause) or _leading_value(clause) for clause in clauses[1:]} - {None}
    if value is not None and later - {value}:
        return None  # yes, not yet: it says both
    return value


def _word_value(text: str) -> bool | None:
    """The value of an answer that is one yes/no word (up to fillers, particles) or a done/not-done verb."""
    for word in dict.fromkeys((without_punctuation(text), answer_word(text))):
        if word in word_set("yes"):
            return True
        if word in word_set("no"):
            return False
    return _done_value(without_punctuation(text).replace(" ", ""))


def _done_value(word: str, *, followed: bool = False) -> bool | None:
    """``建了`` / ``办过`` → yes; ``没办过`` / ``还没建`` / ``未建立`` → no; anything else → None.

    ``followed``: the verb may be followed by more (``建立了研发准备金制度``, ``办了两场``)."""
    if not _CHINESE.match(word) or (len(word) > _MAX_DONE_VERB_CHARS + 2 and not followed):
        return None
    negation = _negations().match(word)
    if negation is not None:
        rest = word[negation.end():]
        return False if 0 < len(rest) <= _MAX_DONE_VERB_CHARS + 1 else None
    if word.startswith("不") or _negation_inside(word):
        return None
    ending = _done_endings().search(word) if not followed else _done_inside().search(word)
    if ending is not None and 0 < ending.start() <= _MAX_DONE_VERB_CHARS:
        return True
    return None


@functools.cache
def _done_inside() -> re.Pattern[str]:
    chinese = [re.escape(word) for word in words("done_endings") if not word.isascii()]
    return re.compile(rf"(?:{'|'.join(chinese)})")


def _leading_value(clause: str) -> bool | None:
    """An answer that starts by saying yes or no and goes on: ``yes we did``, ``no we haven't``,
    ``有研发准备金制度``, ``没有举办过``. Read only when it holds no doubt (``可能``, ``maybe``) and does not
    say both (``Y/N``, ``yes, not yet``, ``有没有``)."""
    words_of = without_punctuation(clause)
    if not words_of or _hedges().search(words_of):
        return None
    tokens = set(words_of.split())
    says_no = bool(tokens & _single_words("no")) or _negation_inside(words_of)
    for form in dict.fromkeys((words_of, answer_word(words_of))):  # 我们是软件企业: without 我们 too
        if _leads("no_leads").match(form):
            return False
        first = form.split(" ", 1)[0]
        if _leads("yes_leads").match(form) or (first.isascii() and first in word_set("yes")):
            return None if says_no else True
    return _done_value(answer_word(words_of).replace(" ", ""), followed=True)


def _negation_inside(text: str) -> bool:
    """A Chinese negation anywhere (有没有, 是不是): the answer does not plainly say yes."""
    return any(not word.isascii() and word in text for word in words("negations")) or "不" in text


@functools.cache
def _single_words(name: str) -> frozenset[str]:
    return frozenset(word for word in word_set(name) if " " not in word)


@functools.cache
def _leads(name: str) -> re.Pattern[str]:
    """Words that start an answer, followed by more (a Latin one by a space)."""
    chinese = [re.escape(word) for word in words(name) if not word.isascii()]
    latin = [re.escape(word) for word in words(name) if word.isascii()]
    return re.compile(rf"^(?:(?:{'|'.join(chinese) or '(?!)'})(?=.)|(?:{'|'.join(latin) or '(?!)'})(?= .))")


@functools.cache
def _hedges() -> re.Pattern[str]:
    return re.compile(alternation(words("hedges")))


@functools.cache
def _negations() -> re.Pattern[str]:
    chinese = [re.escape(word) for word in words("negations") if not word.isascii()]
    return re.compile(rf"^(?:{'|'.join(chinese)})")


@functools.cache
def _done_endings() -> re.Pattern[str]:
    chinese = [re.escape(word) for word in words("done_endings") if not word.isascii()]
    return re.compile(rf"(?:{'|'.join(chinese)})$")
