"""Parsers for the free-text answers an enterprise owner types, in Chinese or English.

Every parser is a pure function of the text (and, for choices, the options) and returns
one of three outcomes:

* ``Ok(value)`` – the answer was understood;
* ``Unknown()`` – the user does not know or skips the question (``不清楚``, ``skip``, ``?``);
* ``Invalid(key, params)`` – not understood; ``key`` is a message under ``parsing.`` in
  ``locales/*/parsing.yaml`` and ``params`` fill its ``{placeholders}``. The message says
  what was not understood and shows an accepted example::

      outcome = parse_amount(text)
      if isinstance(outcome, Invalid):
          reply(t(locale, outcome.key, **outcome.params))

The parsers never raise on any text. Numbers are read by ``dialogs.numerals``.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Generic, TypeAlias, TypeVar

from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import LCSseq

from dialogs.numerals import NotANumberError, NumberTooLargeError, read_numbers
from locales.text import normalize_text, without_punctuation

__all__ = [
    "MESSAGE_PARAMS",
    "ChoiceOption",
    "Invalid",
    "Ok",
    "Outcome",
    "Unknown",
    "is_skip",
    "normalize_text",
    "parse_amount",
    "parse_bool",
    "parse_choice",
    "parse_integer",
    "parse_multi",
]

ValueT = TypeVar("ValueT")


# --------------------------------------------------------------------------- outcomes


@dataclass(frozen=True, slots=True)
class Ok(Generic[ValueT]):
    """The answer, understood."""

    value: ValueT


@dataclass(frozen=True, slots=True)
class Unknown:
    """The user does not know, or skips the question."""


@dataclass(frozen=True, slots=True)
class Invalid:
    """Not understood: ``t(locale, key, **params)`` tells the user why, with an example."""

    key: str
    params: Mapping[str, str] = field(default_factory=dict)


Outcome: TypeAlias = Ok[ValueT] | Unknown | Invalid

# Every message key a parser may return, with the placeholders its text uses. The locale
# files must define exactly these (tests/dialogs/test_parsing.py checks both locales).
MESSAGE_PARAMS: dict[str, frozenset[str]] = {
    "parsing.amount.empty": frozenset(),
    "parsing.amount.not_understood": frozenset({"text"}),
    "parsing.amount.negative": frozenset({"text"}),
    "parsing.amount.too_large": frozenset({"text"}),
    "parsing.amount.several_numbers": frozenset({"text"}),
    "parsing.integer.empty": frozenset(),
    "parsing.integer.not_understood": frozenset({"text"}),
    "parsing.integer.negative": frozenset({"text"}),
    "parsing.integer.not_whole": frozenset({"text"}),
    "parsing.integer.too_large": frozenset({"text"}),
    "parsing.integer.several_numbers": frozenset({"text"}),
    "parsing.bool.empty": frozenset(),
    "parsing.bool.not_understood": frozenset({"text"}),
    "parsing.choice.empty": frozenset({"examples"}),
    "parsing.choice.not_understood": frozenset({"text", "examples"}),
    "parsing.choice.ambiguous": frozenset({"text", "candidates"}),
    "parsing.choice.out_of_range": frozenset({"text", "count"}),
    "parsing.multi.empty": frozenset({"examples"}),
    "parsing.multi.not_understood": frozenset({"text", "examples"}),
    "parsing.multi.ambiguous": frozenset({"text", "candidates"}),
    "parsing.multi.out_of_range": frozenset({"text", "count"}),
}

_QUOTED_TEXT_LIMIT = 30
_MAX_INPUT_CHARS = 500  # longer answers are not answers; refuse before any work


def _invalid(key: str, **params: object) -> Invalid:
    assert MESSAGE_PARAMS[key] == params.keys(), key
    return Invalid(key, {name: str(value) for name, value in params.items()})


def _quoted(text: str) -> str:
    """The user's text as shown back in a message: one line, at most ~30 characters."""
    shown = " ".join(text.split())
    if len(shown) > _QUOTED_TEXT_LIMIT:
        return shown[: _QUOTED_TEXT_LIMIT - 1] + "…"
    return shown


# --------------------------------------------------------------------------- normalising

_without_punctuation = without_punctuation


_TRAILING_PARTICLES = re.compile(r"(?<=.)[啊呀哦噢呢吧嘛啦哈咯喔哟嘞了]+$")
_LEADING_FILLERS = re.compile(r"^(?:(?:嗯|恩|呃|额|哦|噢|唔|我们|我)\s?|(?:um|uh|er|well|i|we)\s)(?=.)")


def _answer_word(cleaned: str) -> str:
    """The core of a one-word answer (normalised): no punctuation, fillers or sentence particles."""
    word = _without_punctuation(cleaned)
    word = _LEADING_FILLERS.sub("", word, count=1)
    return _TRAILING_PARTICLES.sub("", word)


# --------------------------------------------------------------------------- skip

_SKIP_WORDS = frozenset(
    {
        "不知道", "不清楚", "不确定", "跳过", "先跳过", "略过", "不晓得", "不记得", "记不清",
        "忘了", "不太清楚", "不太确定", "不太知道", "说不清", "不好说", "不详", "未知", "待定",
        "暂不清楚", "暂时不清楚", "还不确定", "不方便透露", "不方便说", "保密", "下一题",
        "skip", "unknown", "dont know", "do not know", "idk", "dunno", "not sure", "no idea",
        "na", "n a", "pass", "unsure", "not known", "prefer not to say",
    }
)  # fmt: skip
_QUESTION_MARKS_ONLY = re.compile(r"^[?？\s]+$")


def is_skip(text: str) -> bool:
    """Whether the user does not know or skips: ``不知道``, ``跳过``, ``dunno``, ``n/a``, ``?``."""
    return _is_skip_cleaned(normalize_text(text))


def _is_skip_cleaned(cleaned: str) -> bool:
    return bool(_QUESTION_MARKS_ONLY.match(cleaned)) or _answer_word(cleaned) in _SKIP_WORDS


# --------------------------------------------------------------------------- numbers

_HEDGE_WORDS = (
    "大约", "大概", "大致", "差不多", "将近", "接近", "左右", "上下", "以上", "超过", "至少",
    "多", "余", "约", "近", "approximately", "approx", "about", "around", "roughly", "nearly",
    "almost", "circa", "ca", "over", "more than", "at least", "some", "~", "≈",
)  # fmt: skip
_CURRENCY_WORDS = ("人民币", "块钱", "元", "块", "个", "rmb", "cny", "yuan", "¥")
_HEADCOUNT_WORDS = (
    "个人", "人", "名", "位", "个", "员工", "职工", "people", "persons", "person", "ppl",
    "staff", "employees", "employee", "heads", "headcount",
)  # fmt: skip


def _noise_pattern(words: Sequence[str]) -> re.Pattern[str]:
    """Any of ``words``; a Latin word only when not inside a longer Latin word."""
    ordered = sorted(words, key=len, reverse=True)
    alternatives = [
        rf"(?<![a-z]){re.escape(word)}(?![a-z])" if word.isascii() and word.isalpha() else re.escape(word)
        for word in ordered
    ]
    return re.compile("|".join(alternatives))


_AMOUNT_NOISE = _noise_pattern(_HEDGE_WORDS + _CURRENCY_WORDS)
_HEADCOUNT_NOISE = _noise_pattern(_HEDGE_WORDS + _HEADCOUNT_WORDS)
_EDGE_PUNCTUATION = re.compile(r"^[\s,;:!?。，；：！？、]+|[\s.,;:!?。，；：！？、]+$")

_AMOUNT_LIMIT = Decimal(10) ** 13
_HEADCOUNT_LIMIT = Decimal(10) ** 7


@dataclass(frozen=True, slots=True)
class _NumberRules:
    """What differs between reading an amount of yuan and a count of people."""

    kind: str
    noise: re.Pattern[str]
    limit: Decimal
    whole_only: bool


_AMOUNT_RULES = _NumberRules("amount", _AMOUNT_NOISE, _AMOUNT_LIMIT, whole_only=False)
_INTEGER_RULES = _NumberRules("integer", _HEADCOUNT_NOISE, _HEADCOUNT_LIMIT, whole_only=True)


def parse_amount(text: str) -> Outcome[int]:
    """An amount of money in whole yuan: ``1.2亿``, ``3000万左右``, ``RMB 12 million``, ``¥1,200,000``.

    A bare number is yuan. Errors: ``negative``, ``too_large`` (> 1e13), ``several_numbers``
    (``100 200``), ``not_understood``.
    """
    return _parse_number(text, _AMOUNT_RULES)


def parse_integer(text: str) -> Outcome[int]:
    """A whole count ≥ 0, typically people: ``5,200人``, ``五千二百``, ``1.2万人``, ``about 5k``.

    Errors: ``negative``, ``not_whole`` (``5.5人``), ``too_large`` (> 10,000,000),
    ``several_numbers``, ``not_understood``.
    """
    return _parse_number(text, _INTEGER_RULES)


def _parse_number(text: str, rules: _NumberRules) -> Outcome[int]:
    cleaned = normalize_text(text)
    if not cleaned:
        return _invalid(f"parsing.{rules.kind}.empty")
    if _is_skip_cleaned(cleaned):
        return Unknown()
    if len(cleaned) > _MAX_INPUT_CHARS:
        return _invalid(f"parsing.{rules.kind}.not_understood", text=_quoted(text))
    return _number_outcome(_read_values(cleaned, rules), text, rules)


def _read_values(cleaned: str, rules: _NumberRules) -> list[Decimal] | str:
    """The numbers in the answer, or the name of the error that stops reading them."""
    core = _EDGE_PUNCTUATION.sub("", rules.noise.sub(" ", cleaned))
    try:
        values = read_numbers(core)
    except NumberTooLargeError:
        return "too_large"
    except NotANumberError:
        return "not_understood"
    return values or "not_understood"


def _number_outcome(values: list[Decimal] | str, text: str, rules: _NumberRules) -> Outcome[int]:
    error = values if isinstance(values, str) else _number_error(values, rules)
    if error or isinstance(values, str):
        return _invalid(f"parsing.{rules.kind}.{error}", text=_quoted(text))
    return Ok(int(values[0].quantize(Decimal(1), rounding=ROUND_HALF_UP)))


def _number_error(values: list[Decimal], rules: _NumberRules) -> str:
    """The error key for numbers that were read, or ``""`` when the first one is fine."""
    value = values[0]
    if any(other != value for other in values[1:]):
        return "several_numbers"  # equal restatements (1.2亿（120,000,000）) are fine
    if value < 0:
        return "negative"
    if value > rules.limit:
        return "too_large"
    if rules.whole_only and value != value.to_integral_value():
        return "not_whole"
    return ""


# --------------------------------------------------------------------------- yes / no

_TRUE_WORDS = frozenset(
    {
        "是", "是的", "是滴", "对", "对的", "对头", "有", "有的", "好", "好的", "嗯", "恩", "行",
        "可以", "要得", "当然", "当然是", "当然有", "肯定", "肯定是", "没错", "确实", "是有", "有过",
        "yes", "y", "yeah", "yea", "yep", "yup", "true", "sure", "ok", "okay", "t", "1",
        "correct", "right", "of course", "affirmative", "indeed", "yes we do", "yes i do",
    }
)  # fmt: skip
_FALSE_WORDS = frozenset(
    {
        "否", "不是", "没有", "没", "无", "不", "不对", "没得", "莫得", "没有的", "还没", "还没有",
        "暂无", "并没有", "不有", "不会", "没呢", "还没呢", "不要", "不行", "非",
        "no", "n", "false", "nope", "nah", "not", "0", "f", "none", "never", "not yet",
        "no we dont", "no i dont", "negative",
    }
)  # fmt: skip
_TRUE_SYMBOLS = frozenset({"√", "✓", "✔", "✅", "👍", "⭕", "○"})
_FALSE_SYMBOLS = frozenset({"×", "✗", "✘", "❌", "👎", "x"})


def parse_bool(text: str) -> Outcome[bool]:
    """Yes or no: ``是的``, ``有``, ``yes``, ``Y``, ``1`` → True; ``没有``, ``不是``, ``nope``, ``0`` → False."""
    cleaned = normalize_text(text)
    if not cleaned:
        return _invalid("parsing.bool.empty")
    if _is_skip_cleaned(cleaned):
        return Unknown()
    answer = _bool_value(cleaned)
    if answer is None:
        return _invalid("parsing.bool.not_understood", text=_quoted(text))
    return Ok(answer)


def _bool_value(cleaned: str) -> bool | None:
    if cleaned in _TRUE_SYMBOLS:
        return True
    if cleaned in _FALSE_SYMBOLS:
        return False
    word = _answer_word(cleaned)
    if word in _TRUE_WORDS:
        return True
    if word in _FALSE_WORDS:
        return False
    return None


# --------------------------------------------------------------------------- choices


@dataclass(frozen=True, slots=True)
class ChoiceOption:
    """One answer to a choice question.

    ``labels`` are the display labels in every locale; ``labels[0]`` is the one quoted
    in error messages, so put the user's locale first. ``synonyms`` are further words
    that should select the option (abbreviations, old names).
    """

    id: str
    labels: tuple[str, ...]
    synonyms: tuple[str, ...] = ()

    @property
    def display_label(self) -> str:
        return self.labels[0] if self.labels else self.id


_FUZZY_CUTOFF = 75.0  # WRatio; a contained word scores 90, a typo ~85-95, noise < 70
_PARTIAL_WEIGHT = 0.9  # a contained word, as fuzz.WRatio weighs it
_FAR_PARTIAL_WEIGHT = 0.6  # … in a key more than 8x longer
_IN_ORDER_WEIGHT = 85.0  # score of Chinese typed with gaps (鸿蒙证书 → 开源鸿蒙兼容性证书)
_MIN_IN_ORDER_CHARS = 3
_SAME_SCORE_MARGIN = 3.0  # options within this of the best matched "about equally well"
_GROUP_PENALTY = 5.0  # a word selecting several options is a weaker reading than one option
_MAX_GROUP = 3  # a word shared by more options than this is too vague to select them all
_MIN_FUZZY_CHARS = 2
_EXAMPLE_COUNT = 3
_MAX_CANDIDATES_SHOWN = 5
_NONE_WORDS = frozenset(
    {
        "无", "没有", "都没有", "都不是", "没", "暂无", "均无", "全无", "皆无", "没得", "莫得",
        "一个都没有", "以上都没有", "以上都不是", "以上皆无", "都没", "一个也没有", "否", "不是",
        "none", "no", "nothing", "nil", "neither", "none of them", "none of the above", "not any",
    }
)  # fmt: skip
# Words people add to a title that labels may lack (小巨人企业, 高新技术企业认定): dropped
# when the answer as typed matches nothing.
_GENERIC_WORDS = re.compile(
    r"企业|公司|称号|认定|资质|认证|证书|荣誉|(?<![a-z])(?:company|enterprise|title|certificate)(?![a-z])"
)
_NONE_SYMBOLS = re.compile(r"^[-—–_/]+$")
_OPTION_NUMBER = re.compile(
    r"^(?:第|选|选项|option|no\.?|#)?\s*[(\[]?([0-9]{1,6}|[零一二两三四五六七八九十]{1,6})[)\]]?"
    r"\s*(?:个选项|个|项|条|号|\.|、)?$"
)
_STRONG_SEPARATORS = re.compile(r"[,;/、|]")
_WEAK_SEPARATORS = re.compile(r"\s*(?:以及|和|及|与|跟|&|\+|(?<![a-z])and(?![a-z]))\s*")
_SPACE_SEPARATORS = re.compile(r"\s+")
_SEPARATOR_LEVELS = (_STRONG_SEPARATORS, _WEAK_SEPARATORS, _SPACE_SEPARATORS)


def _match_key(text: str) -> str:
    """The form labels and answers are compared in: no punctuation, lower case, single spaces."""
    return _match_key_of_cleaned(normalize_text(text))


def _match_key_of_cleaned(cleaned: str) -> str:
    return " ".join(utils.default_process(cleaned).split())


def _compact(key: str) -> str:
    return key.replace(" ", "")


_CHINESE_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_OTHER_THAN_CHINESE = re.compile(r"[^\s\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True, slots=True)
class _KeySet:
    """Match keys of labels and synonyms in one script, for fuzzy search."""

    keys: tuple[str, ...]
    compact_keys: tuple[str, ...]  # the same without spaces, for Chinese typed with gaps
    owners: tuple[int, ...]  # option position of each key

    @classmethod
    def of(cls, keyed: Sequence[tuple[str, int]]) -> _KeySet:
        keys = tuple(key for key, _ in keyed)
        return cls(keys, tuple(_compact(key) for key in keys), tuple(owner for _, owner in keyed))


@dataclass(frozen=True, slots=True)
class _ChoiceIndex:
    """The options of one question, prepared for matching.

    Fuzzy search compares an answer only with keys in its own script (Chinese answers
    with keys holding Chinese, others with keys holding anything else): a Chinese
    answer never resembles an English label, and halving the keys halves the time.
    """

    options: tuple[ChoiceOption, ...]
    exact: Mapping[str, int]  # compact key of an id, label or synonym → option position
    chinese: _KeySet
    other: _KeySet

    def key_sets_for(self, query: str) -> list[_KeySet]:
        sets = [self.chinese] if _CHINESE_CHAR.search(query) else []
        return sets + [self.other] if _OTHER_THAN_CHINESE.search(query) else sets

    def examples(self) -> str:
        return " / ".join(option.display_label for option in self.options[:_EXAMPLE_COUNT])

    def labels(self, positions: Sequence[int]) -> str:
        shown = positions[:_MAX_CANDIDATES_SHOWN]
        return " / ".join(self.options[position].display_label for position in shown)


@functools.lru_cache(maxsize=128)
def _choice_index(options: tuple[ChoiceOption, ...]) -> _ChoiceIndex:
    exact: dict[str, int] = {}
    keyed: list[tuple[str, int]] = []  # labels and synonyms; ids only match exactly
    for position, option in enumerate(options):
        exact.setdefault(_compact(_match_key(option.id)), position)
        for name in (*option.labels, *option.synonyms):
            key = _match_key(name)
            if key:
                exact.setdefault(_compact(key), position)
                keyed.append((key, position))
    chinese = _KeySet.of([pair for pair in keyed if _CHINESE_CHAR.search(pair[0])])
    other = _KeySet.of([pair for pair in keyed if _OTHER_THAN_CHINESE.search(pair[0])])
    return _ChoiceIndex(options, exact, chinese, other)


@dataclass(frozen=True, slots=True)
class _Match:
    """Options selected by (part of) an answer, and how sure we are (0-100)."""

    positions: tuple[int, ...]
    score: float


@dataclass(frozen=True, slots=True)
class _Miss:
    """Why a part of an answer selects nothing."""

    reason: str  # "not_understood" | "ambiguous" | "out_of_range"
    part: str
    candidates: tuple[int, ...] = ()


_Resolution: TypeAlias = _Match | _Miss


def parse_choice(text: str, options: Sequence[ChoiceOption]) -> Outcome[str]:
    """The id of the one option meant: its id, number (``2``, ``第2个``), label, synonym, or a fuzzy match."""
    index = _choice_index(tuple(options))
    cleaned = normalize_text(text)
    if not cleaned:
        return _invalid("parsing.choice.empty", examples=index.examples())
    if _is_skip_cleaned(cleaned):
        return Unknown()
    resolution = _resolve_single(index, cleaned, text)
    if isinstance(resolution, _Miss):
        return _miss_outcome(index, resolution, "choice")
    return Ok(index.options[resolution.positions[0]].id)


def parse_multi(text: str, options: Sequence[ChoiceOption]) -> Outcome[list[str]]:
    """The ids of every option meant, in option order; ``无`` / ``none`` / ``-`` → ``[]``.

    Answers may be separated by ``,`` ``、`` ``;`` ``/`` ``和`` ``及`` ``and`` or spaces.
    A word several options share equally (``专精特新``) selects all of them. If any part
    is not understood, nothing is selected and the part is named.
    """
    index = _choice_index(tuple(options))
    cleaned = normalize_text(text)
    if not cleaned:
        return _invalid("parsing.multi.empty", examples=index.examples())
    if _is_skip_cleaned(cleaned):
        return Unknown()
    if _answer_word(cleaned) in _NONE_WORDS or _NONE_SYMBOLS.match(cleaned):
        return Ok([])
    if len(cleaned) > _MAX_INPUT_CHARS:
        return _miss_outcome(index, _Miss("not_understood", text), "multi")
    resolution = _resolve_segment(index, _strip_edges(cleaned), level=0)
    if isinstance(resolution, _Miss):
        return _miss_outcome(index, resolution, "multi")
    chosen = set(resolution.positions)
    return Ok([option.id for position, option in enumerate(index.options) if position in chosen])


def _strip_edges(cleaned: str) -> str:
    return _EDGE_PUNCTUATION.sub("", cleaned) or cleaned


def _resolve_single(index: _ChoiceIndex, cleaned: str, text: str) -> _Resolution:
    if len(cleaned) > _MAX_INPUT_CHARS:
        return _Miss("not_understood", text)
    part = _strip_edges(cleaned)
    resolution = _resolve_exact(index, part) or _resolve_fuzzy(index, part, allow_group=False)
    if isinstance(resolution, _Miss):
        return _Miss(resolution.reason, text, resolution.candidates)  # quote what the user typed
    return resolution


def _miss_outcome(index: _ChoiceIndex, miss: _Miss, kind: str) -> Invalid:
    shown = _quoted(miss.part)
    if miss.reason == "ambiguous":
        return _invalid(f"parsing.{kind}.ambiguous", text=shown, candidates=index.labels(miss.candidates))
    if miss.reason == "out_of_range":
        return _invalid(f"parsing.{kind}.out_of_range", text=shown, count=len(index.options))
    return _invalid(f"parsing.{kind}.not_understood", text=shown, examples=index.examples())


def _resolve_exact(index: _ChoiceIndex, part: str) -> _Resolution | None:
    """An option number, id, label or synonym typed exactly (up to case and punctuation)."""
    number = _option_number(part)
    if number is not None:
        if 1 <= number <= len(index.options):
            return _Match((number - 1,), 100.0)
        return _Miss("out_of_range", part)
    position = index.exact.get(_compact(_match_key_of_cleaned(part)))
    return _Match((position,), 100.0) if position is not None else None


def _option_number(part: str) -> int | None:
    match = _OPTION_NUMBER.match(part)
    if match is None:
        return None
    if match.group(1).isascii():
        return int(match.group(1))
    try:
        values = read_numbers(match.group(1))
    except ValueError:
        return None
    return int(values[0]) if len(values) == 1 else None


def _resolve_fuzzy(index: _ChoiceIndex, part: str, *, allow_group: bool) -> _Resolution:
    """The option(s) ``part`` resembles; ``allow_group``: a word several options share selects all."""
    query = _match_key_of_cleaned(part)
    ranked = _ranked_options(index, query)
    if not ranked and (shorter := _without_generic_words(query)) != query:
        ranked = _ranked_options(index, shorter)
    if not ranked:
        return _Miss("not_understood", part)
    best_score = ranked[0][1]
    leaders = tuple(position for position, score in ranked if score >= best_score - _SAME_SCORE_MARGIN)
    if len(leaders) == 1:
        return _Match(leaders, best_score)
    if allow_group and len(leaders) <= _MAX_GROUP and _all_contain_word(index, leaders, query):
        return _Match(leaders, best_score - _GROUP_PENALTY)
    return _Miss("ambiguous", part, leaders)


def _without_generic_words(query: str) -> str:
    return " ".join(_GENERIC_WORDS.sub(" ", query).split())


def _ranked_options(index: _ChoiceIndex, query: str) -> list[tuple[int, float]]:
    """Options scoring at least the cutoff, best first (ties in option order).

    An option scores its best key. Non-Chinese answers are scored with ``fuzz.WRatio``
    (typos, shared words: genai filing, little giant); Chinese answers with WRatio's
    character passes (``_chinese_scores``: 小巨人, typos) and by the share of their
    characters found in order in the key (``_in_order_scores``: 鸿蒙证书, 北斗星企业).
    """
    compact_query = _compact(query)
    if len(compact_query) < _MIN_FUZZY_CHARS:
        return []
    best: dict[int, float] = {}
    if _CHINESE_CHAR.search(query):
        _keep_best(best, index.chinese, _chinese_scores(index.chinese, compact_query))
        if len(compact_query) >= _MIN_IN_ORDER_CHARS and not _OTHER_THAN_CHINESE.search(compact_query):
            _keep_best(best, index.chinese, _in_order_scores(index.chinese, compact_query))
    if _OTHER_THAN_CHINESE.search(query):
        hits = process.extract(
            query,
            index.other.keys,
            scorer=fuzz.WRatio,
            processor=None,
            limit=None,
            score_cutoff=_FUZZY_CUTOFF,
        )
        _keep_best(best, index.other, ((score, position) for _key, score, position in hits))
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))


def _chinese_scores(key_set: _KeySet, compact_query: str) -> list[tuple[float, int]]:
    """``fuzz.WRatio`` without its word-token passes, which Chinese (no spaces) does not need.

    Whole-string ``fuzz.ratio``, or, where one string is at least 1.5x longer than the
    other, ``fuzz.partial_ratio`` scaled by 0.9 (0.6 beyond 8x) – WRatio's own weights,
    at a third of its cost.
    """
    whole = process.extract(
        compact_query, key_set.compact_keys, scorer=fuzz.ratio, limit=None, score_cutoff=_FUZZY_CUTOFF
    )
    partial = process.extract(
        compact_query,
        key_set.compact_keys,
        scorer=fuzz.partial_ratio,
        limit=None,
        score_cutoff=_FUZZY_CUTOFF / _PARTIAL_WEIGHT,
    )
    scores = [(score, position) for _key, score, position in whole]
    for key, score, position in partial:
        scores.append((score * _partial_weight(len(compact_query), len(key)), position))
    return scores


def _partial_weight(query_length: int, key_length: int) -> float:
    length_ratio = max(query_length, key_length) / min(query_length, key_length)
    if length_ratio < 1.5:
        return 0.0
    return _PARTIAL_WEIGHT if length_ratio <= 8 else _FAR_PARTIAL_WEIGHT


def _in_order_scores(key_set: _KeySet, compact_query: str) -> list[tuple[float, int]]:
    """``(score, key position)`` for keys holding nearly all the answer's characters, in order."""
    needed = math.ceil(len(compact_query) * _FUZZY_CUTOFF / _IN_ORDER_WEIGHT)
    hits = process.extract(
        compact_query, key_set.compact_keys, scorer=LCSseq.similarity, limit=None, score_cutoff=needed
    )
    return [(_IN_ORDER_WEIGHT * common / len(compact_query), position) for _key, common, position in hits]


def _keep_best(best: dict[int, float], key_set: _KeySet, scored_keys: Iterable[tuple[float, int]]) -> None:
    for score, key_position in scored_keys:
        owner = key_set.owners[key_position]
        best[owner] = max(score, best.get(owner, 0.0))


def _has_latin_or_digit(text: str) -> bool:
    return re.search(r"[a-z0-9]", text) is not None


def _all_contain_word(index: _ChoiceIndex, positions: Sequence[int], query: str) -> bool:
    keyed = [
        (key, owner)
        for key_set in index.key_sets_for(query)
        for key, owner in zip(key_set.keys, key_set.owners, strict=True)
    ]
    return all(
        any(owner == position and _contains_word(key, query) for key, owner in keyed)
        for position in positions
    )


def _contains_word(key: str, query: str) -> bool:
    """``query`` occurs in ``key`` as whole Latin words; Chinese has no word breaks to respect."""
    if not _has_latin_or_digit(query):
        return _compact(query) in _compact(key)
    return re.search(rf"(?<![a-z0-9]){re.escape(query)}(?![a-z0-9])", key) is not None


def _resolve_segment(index: _ChoiceIndex, segment: str, level: int) -> _Resolution:
    """Resolve one segment of a multi answer, splitting it at ever weaker separators.

    The whole segment typed exactly wins. Otherwise it is split at the strongest separator
    it holds (``,`` ``、`` ``;`` ``/``, then ``和`` / ``and``, then spaces) and each part is
    resolved the same way. A list split at ``,`` ``、`` … stands or falls with each item.
    Below that a fuzzy match of the whole segment wins unless every part matches better,
    so ``Generative AI model filing`` stays one answer while ``小巨人 北斗星`` is two.
    """
    exact = _resolve_exact(index, segment)
    if exact is not None:
        return exact
    level, parts = _split_at_next_level(segment, level)
    if not parts:
        return _resolve_fuzzy(index, segment, allow_group=True)
    split = _resolve_parts(index, parts, level + 1)
    if level == 0:
        return split  # an explicit list: every item must be understood on its own
    whole = _resolve_fuzzy(index, segment, allow_group=True)
    if isinstance(whole, _Match) and not (isinstance(split, _Match) and split.score > whole.score):
        return whole
    return split


def _split_at_next_level(segment: str, level: int) -> tuple[int, list[str]]:
    """The first separator level, from ``level`` on, that splits ``segment`` in two or more."""
    for current in range(level, len(_SEPARATOR_LEVELS)):
        parts = [part.strip() for part in _SEPARATOR_LEVELS[current].split(segment)]
        parts = [part for part in parts if part]
        if len(parts) > 1:
            return current, parts
    return len(_SEPARATOR_LEVELS), []


def _resolve_parts(index: _ChoiceIndex, parts: Sequence[str], level: int) -> _Resolution:
    positions: list[int] = []
    score = 100.0
    for part in parts:
        resolution = _resolve_segment(index, part, level)
        if isinstance(resolution, _Miss):
            return resolution
        positions.extend(resolution.positions)
        score = min(score, resolution.score)
    return _Match(tuple(dict.fromkeys(positions)), score)
