"""Which option(s) an answer names: single choice, multi choice, and options named inside a sentence.

An option is matched by its number (``2``, ``第2个``), its id, a label in any locale, a synonym
(the option's own, plus ``words.synonyms.<id>`` in ``locales/*/words.yaml``: ``高企``, ``国高新``,
``HNTE``), always exactly first; then by being named inside the answer (``我们在渝中区``, ``we're in
yuzhong``); only then by a fuzzy match (typos, ``鸿蒙证书``). An answer that fits several options
about equally is :class:`~dialogs.parse.outcomes.Ambiguous` (``专精特新``), never all of them.
A list keeps what it names and returns the parts that name nothing
(:class:`~dialogs.parse.outcomes.Partial`: ``高企, ISO27001``), never sinking the whole list.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

from rapidfuzz import fuzz, process, utils
from rapidfuzz.distance import LCSseq

from dialogs.parse.messages import MAX_INPUT_CHARS, invalid, quoted
from dialogs.parse.numerals import read_numbers
from dialogs.parse.outcomes import Ambiguous, Invalid, Ok, Outcome, Partial, Unknown
from dialogs.parse.words import alternation, answer_word, is_skip_cleaned, synonyms, word_set, words
from locales.text import normalize_text

__all__ = ["ChoiceOption", "mentioned_options", "parse_choice", "parse_multi"]


@dataclass(frozen=True, slots=True)
class ChoiceOption:
    """One answer to a choice question.

    ``labels`` are the display labels in every locale; ``labels[0]`` is the one quoted in messages,
    so put the user's locale first. ``synonyms`` are further words that select the option
    (abbreviations, old names); ``words.synonyms.<id>`` in the locales adds more.
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
_MIN_FUZZY_CHARS = 2
_MIN_MENTION_CHARS = {True: 3, False: 2}  # a key named inside a sentence: Latin ≥ 3 letters, Chinese ≥ 2
_EXAMPLE_COUNT = 3
_MAX_CANDIDATES_SHOWN = 5
_NONE_SYMBOLS = re.compile(r"^[-—–_/]+$")
_OPTION_NUMBER = re.compile(
    r"^(?:第|选|选项|option|no\.?|#)?\s*[(\[]?([0-9]{1,6}|[零一二两三四五六七八九十]{1,6})[)\]]?"
    r"\s*(?:个选项|个|项|条|号|\.|、)?$"
)
_STRONG_SEPARATORS = re.compile(r"[,;/、|，；\n]")
_SPACE_SEPARATORS = re.compile(r"\s+")
_EDGE_PUNCTUATION = re.compile(r"^[\s,;:!?。，；：！？、]+|[\s.,;:!?。，；：！？、]+$")
_CHINESE_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_OTHER_THAN_CHINESE = re.compile(r"[^\s\u3400-\u9fff\uf900-\ufaff]")
_SPACES = re.compile(r"\s+")


@functools.cache
def _weak_separators() -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{alternation(words('list_joiners'))})\s*")


@functools.cache
def _generic_words() -> re.Pattern[str]:
    return re.compile(alternation(words("generic")))


def _keep_case(text: str) -> str:
    """NFKC and single spaces, case kept: the form unrecognised parts are quoted back in."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def _match_key(text: str) -> str:
    """The form labels and answers are compared in: no punctuation, lower case, single spaces, English
    words without their endings (listing / listed → list, agents → agent)."""
    return " ".join(_ENGLISH_ENDING.sub("", word) for word in utils.default_process(normalize_text(text)).split())


_ENGLISH_ENDING = re.compile(r"(?<=[a-z]{3})(?:ing|ed|es|(?<!s)s)$")


def _compact(key: str) -> str:
    return key.replace(" ", "")


def _without_generic_words(key: str) -> str:
    return " ".join(_generic_words().sub(" ", key).split())


# --------------------------------------------------------------------------- the options, indexed


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

    Fuzzy search compares an answer only with keys in its own script (Chinese answers with keys
    holding Chinese, others with keys holding anything else): a Chinese answer never resembles an
    English label, and halving the keys halves the time.
    """

    options: tuple[ChoiceOption, ...]
    exact: Mapping[str, int]  # compact key of an id, label or synonym → option position
    loose: Mapping[str, tuple[int, ...]]  # the same without generic words (企业, certificate)
    mention: re.Pattern[str] | None  # any key, to find inside a sentence
    mention_owner: Mapping[str, int]
    chinese: _KeySet
    other: _KeySet

    def examples(self) -> str:
        return " / ".join(option.display_label for option in self.options[:_EXAMPLE_COUNT])

    def labels(self, positions: Sequence[int]) -> str:
        shown = positions[:_MAX_CANDIDATES_SHOWN]
        return " / ".join(self.options[position].display_label for position in shown)

    def ids(self, positions: Iterable[int]) -> tuple[str, ...]:
        return tuple(self.options[position].id for position in sorted(set(positions)))


@functools.lru_cache(maxsize=128)
def _choice_index(options: tuple[ChoiceOption, ...]) -> _ChoiceIndex:
    exact: dict[str, int] = {}
    loose: dict[str, dict[int, None]] = {}
    keyed: list[tuple[str, int]] = []  # labels and synonyms; ids only match exactly
    extra = synonyms()
    for position, option in enumerate(options):
        exact.setdefault(_compact(_match_key(option.id)), position)
        for name in (*option.labels, *option.synonyms, *extra.get(option.id, ())):
            key = _match_key(name)
            if key:
                exact.setdefault(_compact(key), position)
                keyed.append((key, position))
                loose.setdefault(_compact(_without_generic_words(key)), {})[position] = None
    mention_owner: dict[str, int] = {}
    for key, position in keyed:
        if len(_compact(key)) >= _MIN_MENTION_CHARS[key.isascii()]:
            mention_owner.setdefault(key, position)
    mention = re.compile(alternation(mention_owner)) if mention_owner else None
    chinese = _KeySet.of([pair for pair in keyed if _CHINESE_CHAR.search(pair[0])])
    other = _KeySet.of([pair for pair in keyed if _OTHER_THAN_CHINESE.search(pair[0])])
    loose_positions = {key: tuple(owners) for key, owners in loose.items() if key}
    return _ChoiceIndex(options, exact, loose_positions, mention, mention_owner, chinese, other)


# --------------------------------------------------------------------------- resolving one part


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


def _resolve_exact(index: _ChoiceIndex, part: str) -> _Resolution | None:
    """An option number, id, label or synonym typed exactly (up to case, punctuation, 企业 / certificate)."""
    number = _option_number(part)
    if number is not None:
        if 1 <= number <= len(index.options):
            return _Match((number - 1,), 100.0)
        return _Miss("out_of_range", part)
    key = _match_key(part)
    position = index.exact.get(_compact(key))
    if position is not None:
        return _Match((position,), 100.0)
    owners = index.loose.get(_compact(_without_generic_words(key)), ())
    if len(owners) == 1:
        return _Match(owners, 99.0)
    return None


def _option_number(part: str) -> int | None:
    match = _OPTION_NUMBER.match(normalize_text(part))
    if match is None:
        return None
    if match.group(1).isascii():
        return int(match.group(1))
    try:
        values = read_numbers(match.group(1))
    except ValueError:
        return None
    return int(values[0]) if len(values) == 1 else None


def _mentions(index: _ChoiceIndex, text: str) -> tuple[int, ...]:
    """Options whose label or synonym stands inside ``text``, in the order named; a name inside a
    longer name found at the same place (渝中 in 渝中区) counts once, for the longer."""
    return _mentions_and_rest(index, text)[0]


def _mentions_and_rest(index: _ChoiceIndex, text: str) -> tuple[tuple[int, ...], str]:
    """:func:`_mentions`, and what is left of ``text`` (as a match key) without the names found."""
    key = _match_key(text)
    if index.mention is None:
        return (), key
    for spelled in (key, _compact(key)) if _CHINESE_CHAR.search(key) else (key,):
        found = [index.mention_owner[match.group()] for match in index.mention.finditer(spelled)]
        if found:
            return tuple(dict.fromkeys(found)), " ".join(index.mention.sub(" ", spelled).split())
    return (), key


@functools.cache
def _filler_words(*names: str) -> re.Pattern[str]:
    return re.compile(alternation(word for name in names for word in words(name)))


_CONNECTING = ("fillers", "lead_ins", "particles", "list_joiners", "tails")


def _substantial_rest(rest: str, text: str) -> str:
    """What is left beside the names found, if it may be another answer: as the user typed it."""
    remaining = " ".join(_filler_words(*_CONNECTING).sub(" ", rest).split())
    if len(_compact(_filler_words("generic").sub("", remaining))) <= 1:
        return ""
    found = re.search(re.escape(remaining), _keep_case(text), re.IGNORECASE)
    return found.group() if found else remaining


def _resolve_fuzzy(index: _ChoiceIndex, part: str) -> _Resolution:
    """The option ``part`` resembles; several about equally → ambiguous."""
    query = _match_key(part)
    ranked = _ranked_options(index, query)
    if (shorter := _without_generic_words(query)) != query:
        # 专精特新企业: if the words that name nothing in particular are what tipped it, ask which
        ranked_shorter = _ranked_options(index, shorter)
        if not ranked or (len(_leaders(ranked_shorter)) > 1 and _leaders(ranked)[0] in _leaders(ranked_shorter)):
            ranked = ranked_shorter
    if not ranked:
        return _Miss("not_understood", part)
    leaders = _leaders(ranked)
    if len(leaders) == 1:
        return _Match(leaders, ranked[0][1])
    return _Miss("ambiguous", part, tuple(sorted(leaders)))


def _leaders(ranked: list[tuple[int, float]]) -> tuple[int, ...]:
    """The options scoring about as well as the best."""
    if not ranked:
        return ()
    best_score = ranked[0][1]
    return tuple(position for position, score in ranked if score >= best_score - _SAME_SCORE_MARGIN)


_MENTION_SCORE = 95.0


def _resolve_part(index: _ChoiceIndex, part: str, *, several: bool) -> _Resolution:
    """Exact, then named inside (one option; or several where ``several`` are allowed), then fuzzy."""
    exact = _resolve_exact(index, part)
    if exact is not None:
        return exact
    mentioned = _mentions(index, part)
    if len(mentioned) == 1 or (several and mentioned):
        return _Match(mentioned, _MENTION_SCORE)
    if mentioned:
        return _Miss("ambiguous", part, mentioned)
    resolution = _resolve_fuzzy(index, part)
    shorter = _leading_words().sub("", part)
    if isinstance(resolution, _Miss) and resolution.reason == "not_understood" and shorter and shorter != part:
        retried = _resolve_part(index, shorter, several=several)  # 做了AI智能体, we did digital twins
        return retried if isinstance(retried, _Match) or retried.reason == "ambiguous" else resolution
    return resolution


@functools.cache
def _leading_words() -> re.Pattern[str]:
    """Words before an answer that carry nothing (做了, 我们有, we did)."""
    return re.compile(rf"^(?:(?:{alternation(w for n in _CONNECTING for w in words(n))})\s*)+", re.IGNORECASE)


def _ranked_options(index: _ChoiceIndex, query: str) -> list[tuple[int, float]]:
    """Options scoring at least the cutoff, best first (ties in option order).

    An option scores its best key. Non-Chinese answers are scored with ``fuzz.WRatio`` (typos, shared
    words: genai filing, little giant); Chinese answers with WRatio's character passes
    (``_chinese_scores``: 小巨人, typos) and by the share of their characters found in order in the
    key (``_in_order_scores``: 鸿蒙证书, 北斗星企业).
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
            query, index.other.keys, scorer=fuzz.WRatio, processor=None, limit=None, score_cutoff=_FUZZY_CUTOFF
        )
        _keep_best(best, index.other, ((score, position) for _key, score, position in hits))
    return sorted(best.items(), key=lambda item: (-item[1], item[0]))


def _chinese_scores(key_set: _KeySet, compact_query: str) -> list[tuple[float, int]]:
    """``fuzz.WRatio`` without its word-token passes, which Chinese (no spaces) does not need.

    Whole-string ``fuzz.ratio``, or, where one string is at least 1.5x longer than the other,
    ``fuzz.partial_ratio`` scaled by 0.9 (0.6 beyond 8x) – WRatio's own weights, at a third of its cost.
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
        scores.append((score * _partial_weight(len(compact_query), len(key), contained=score == 100), position))
    return scores


def _partial_weight(query_length: int, key_length: int, *, contained: bool) -> float:
    """WRatio's weight of a partial match, except that a query wholly inside a slightly longer key counts
    as contained too (AI智能体 in AI智能体开发 is as good a match as in AI智能体与消费级硬件融合产品)."""
    length_ratio = max(query_length, key_length) / min(query_length, key_length)
    if length_ratio < 1.5 and not (contained and query_length < key_length):
        return 0.0
    return _PARTIAL_WEIGHT if length_ratio <= 8 else _FAR_PARTIAL_WEIGHT


def _in_order_scores(key_set: _KeySet, compact_query: str) -> list[tuple[float, int]]:
    """``(score, key position)`` for keys holding nearly all the answer's characters, in order."""
    needed = math.ceil(len(compact_query) * _FUZZY_CUTOFF / _IN_ORDER_WEIGHT)
    hits = process.extract(
        compact_query, key_set.compact_keys, scorer=LCSseq.similarity, limit=None, score_cutoff=needed
    )
    return [(_in_order_score(common, len(compact_query)), position) for _key, common, position in hits]


def _in_order_score(common: int, length: int) -> float:
    """Every character found in order (科创板上市 in 在科创板成功上市) scores as a contained word does."""
    return _PARTIAL_WEIGHT * 100 if common == length else _IN_ORDER_WEIGHT * common / length


def _keep_best(best: dict[int, float], key_set: _KeySet, scored_keys: Iterable[tuple[float, int]]) -> None:
    for score, key_position in scored_keys:
        owner = key_set.owners[key_position]
        best[owner] = max(score, best.get(owner, 0.0))


# --------------------------------------------------------------------------- single choice


def parse_choice(text: str, options: Sequence[ChoiceOption]) -> Outcome[str]:
    """The id of the one option meant: its number, id, label or synonym; named in a sentence; or fuzzy.

    Several options fitting about equally → ``Ambiguous`` (their ids, in option order).
    """
    index = _choice_index(tuple(options))
    cleaned = normalize_text(text)
    if not cleaned:
        return invalid("parsing.choice.empty", examples=index.examples())
    if is_skip_cleaned(cleaned):
        return Unknown()
    if len(cleaned) > MAX_INPUT_CHARS:
        return invalid("parsing.choice.not_understood", text=quoted(text), examples=index.examples())
    part = _EDGE_PUNCTUATION.sub("", _keep_case(text)) or cleaned
    resolution = _resolve_part(index, part, several=False)
    if isinstance(resolution, _Miss):
        return _miss_outcome(index, _Miss(resolution.reason, text, resolution.candidates), "choice")
    return Ok(index.options[resolution.positions[0]].id)


def mentioned_options(text: str, options: Sequence[ChoiceOption]) -> tuple[str, ...]:
    """The options named inside a sentence, in the order named: ``渝中区的，想问下能拿什么补贴`` → ``('渝中区',)``.

    Only whole names count (a label, a synonym of at least two Chinese characters or three letters,
    Latin words not inside longer words); nothing fuzzy.
    """
    cleaned = normalize_text(text)
    if not cleaned or len(cleaned) > MAX_INPUT_CHARS:
        return ()
    index = _choice_index(tuple(options))
    return tuple(index.options[position].id for position in _mentions(index, cleaned))


def _miss_outcome(index: _ChoiceIndex, miss: _Miss, kind: str) -> Invalid | Ambiguous:
    shown = quoted(miss.part)
    if miss.reason == "ambiguous":
        return Ambiguous(index.ids(miss.candidates), shown)
    if miss.reason == "out_of_range":
        return invalid(f"parsing.{kind}.out_of_range", text=shown, count=len(index.options))
    return invalid(f"parsing.{kind}.not_understood", text=shown, examples=index.examples())


# --------------------------------------------------------------------------- multiple choice


@dataclass
class _ListReading:
    """What the parts of a list answer named."""

    chosen: list[int]
    misses: list[_Miss]


def parse_multi(text: str, options: Sequence[ChoiceOption]) -> Outcome[list[str]]:
    """The ids of every option meant, in option order; ``无`` / ``none`` / ``-`` → ``[]``.

    Answers may be separated by ``,`` ``、`` ``;`` ``/``, by ``和`` ``及`` ``and`` or by spaces. Parts that
    name nothing come back in ``Partial`` with the options understood; a part fitting several
    options (``专精特新``) makes the answer ``Ambiguous``, with ``chosen`` the options named clearly.
    """
    index = _choice_index(tuple(options))
    cleaned = normalize_text(text)
    if not cleaned:
        return invalid("parsing.multi.empty", examples=index.examples())
    if is_skip_cleaned(cleaned):
        return Unknown()
    if answer_word(cleaned) in word_set("none") or _NONE_SYMBOLS.match(cleaned):
        return Ok([])
    if len(cleaned) > MAX_INPUT_CHARS:
        return invalid("parsing.multi.not_understood", text=quoted(text), examples=index.examples())
    reading = _ListReading([], [])
    _read_list(index, _EDGE_PUNCTUATION.sub("", _keep_case(text)) or cleaned, reading)
    return _list_outcome(index, reading)


def _read_list(index: _ChoiceIndex, segment: str, reading: _ListReading) -> None:
    """Split at ``,`` ``、`` … then at ``和`` / ``and``; each item is read on its own.

    An item naming options inside a sentence (``我们有高企``) selects them; words left beside the
    names that may be another answer (``高企 ISO27001``) are named back, never dropped.
    """
    for item in _parts(_STRONG_SEPARATORS, segment):
        exact = _resolve_exact(index, item)
        if exact is not None:
            _record(reading, exact)
            continue
        joined = _parts(_weak_separators(), item)
        if len(joined) > 1 and all(_resolve_exact(index, piece) is not None for piece in joined):
            for piece in joined:
                _record(reading, _resolve_exact(index, piece))  # type: ignore[arg-type]
            continue
        if _read_mentions(index, item, reading):
            continue
        whole = _resolve_spaced(index, item)
        if isinstance(whole, _Match) or len(joined) == 1:
            _record(reading, whole)
            continue
        for piece in joined:  # 小巨人和ISO27001: keep what is named, name the rest
            if not _read_mentions(index, piece, reading):
                _record(reading, _resolve_spaced(index, piece))


def _read_mentions(index: _ChoiceIndex, item: str, reading: _ListReading) -> bool:
    """Record the options named inside ``item``, and what else it says; False if it names none."""
    mentioned, rest = _mentions_and_rest(index, item)
    if not mentioned:
        return False
    reading.chosen.extend(mentioned)
    leftover = _substantial_rest(rest, item)
    if leftover:
        for piece in _parts(_weak_separators(), leftover):
            _record(reading, _resolve_spaced(index, piece))
    return True


def _resolve_spaced(index: _ChoiceIndex, item: str) -> _Resolution:
    """One item, or its space-separated words when each names an option (``小巨人 北斗星``)."""
    whole = _resolve_part(index, item, several=True)
    words_of_item = _parts(_SPACE_SEPARATORS, item)
    if len(words_of_item) < 2 or (isinstance(whole, _Match) and whole.score >= 95.0):
        return whole
    pieces = [_resolve_part(index, piece, several=False) for piece in words_of_item]
    if all(isinstance(piece, _Match) for piece in pieces):
        split_score = min(piece.score for piece in pieces)  # type: ignore[union-attr]
        if not isinstance(whole, _Match) or split_score > whole.score:
            positions = [position for piece in pieces for position in piece.positions]  # type: ignore[union-attr]
            return _Match(tuple(dict.fromkeys(positions)), split_score)
    return whole


def _parts(separators: re.Pattern[str], segment: str) -> list[str]:
    return [part.strip() for part in separators.split(segment) if part.strip()]


def _record(reading: _ListReading, resolution: _Resolution | None) -> None:
    if isinstance(resolution, _Match):
        reading.chosen.extend(resolution.positions)
    elif resolution is not None:
        reading.misses.append(resolution)


def _list_outcome(index: _ChoiceIndex, reading: _ListReading) -> Outcome[list[str]]:
    chosen = index.ids(reading.chosen)
    for miss in reading.misses:
        if miss.reason == "out_of_range":
            return _miss_outcome(index, miss, "multi")  # type: ignore[return-value]
    unknown = tuple(dict.fromkeys(miss.part for miss in reading.misses if miss.reason == "not_understood"))
    ambiguous = [miss for miss in reading.misses if miss.reason == "ambiguous"]
    if ambiguous:
        first = ambiguous[0]
        return Ambiguous(index.ids(first.candidates), quoted(first.part), chosen, unknown)
    if unknown and not chosen:
        return invalid("parsing.multi.not_understood", text=quoted(unknown[0]), examples=index.examples())
    if unknown:
        return Partial(chosen, unknown)
    return Ok(list(chosen))
