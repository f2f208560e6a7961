"""The staff FAQ's search index: every rule record and curated Q&A entry, normalised once per ruleset.

Each entry carries searchable fields in four weight classes — ``key`` (titles, synonyms, Q&A
questions and keywords), ``label`` (article, document number and key, responsible unit),
``summary`` (summaries, document titles) and ``text`` (verbatim quotes, Q&A summaries and
answers) — in both locales.
Curated synonyms and Q&A come from ``faq/data`` (:mod:`faq.curation`).

A query is normalised (NFKC, lower case, no punctuation) and split into terms: Chinese runs
(split at question words such as 怎么 / 如何, since Chinese has no spaces) are matched against
whole field strings with ``fuzz.partial_ratio`` (character alignment, robust to one wrong
character and to partial words); other words are matched against the index's vocabulary with
``fuzz.ratio`` (typos) and ``fuzz.partial_ratio`` (partial words). Each term's best field score
counts, rarer terms weigh more, and the entry's score (0–100) blends its best term with the
weighted mean of all terms — so an entry matching every term ranks first.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz, process

from faq.curation import QaEntry, qa_entries, synonyms
from locales.text import normalize_text
from rules.loader import Ruleset
from rules.schema import Rule, Window

FieldClass = Literal["key", "label", "summary", "text"]
FIELD_WEIGHTS: dict[FieldClass, float] = {"key": 1.0, "label": 0.85, "summary": 0.85, "text": 0.75}
#: Classes whose strings are short names: a term covering more of the string is more specific.
SPECIFIC_CLASSES = frozenset({"key", "label"})

MAX_QUERY_CHARS = 200  # longer input is cut: a pasted paragraph still finds its clause, in bounded time
MAX_TERMS = 12  # Chinese terms, and other words, each
CJK_CUTOFF = 60.0  # partial_ratio of a Chinese term; 3 characters with one wrong still pass
WORD_RATIO_CUTOFF = 80.0  # typo tolerance of a word
WORD_PARTIAL_CUTOFF = 90.0  # partial words: "harmony" in "openharmony"
MIN_INFIX_CHARS = 5  # a word found inside another (not at its start) must be at least this long
MATCHED = 60.0  # a term "matches" an entry at this score (for the terms' rarity)
KNOWN = 75.0  # a term no entry matches this well is a topic the texts do not cover
MIN_SCORE = 40.0  # results below this are noise: one weak term of several
CLOSEST_MIN_SCORE = 30.0  # an unanswered query's closest entries, offered as suggestions

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: A Chinese run with the digits around it ("5000人"), but not the digits of a word ("cq2022还").
_CJK_TERM = re.compile(rf"(?:(?<![^\W_{_CJK}])[0-9]+)?(?:[{_CJK}]+[0-9]*)+")
_WORD = re.compile(rf"[^\W_{_CJK}]+(?:&[^\W_{_CJK}]+)*")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_PUNCTUATION = re.compile(r"[^\w\s&]|_|(?<![^\W_])&|&(?![^\W_])")
_SPACES = re.compile(r"\s+")
#: Markup in a query is not what anyone asks about: tags, character references, script URLs.
_MARKUP = re.compile(r"<[^>]*>|&#?\w+;|\b(?:javascript|vbscript):", re.IGNORECASE)
#: Characters commonly typed for another: 算力劵 → 算力券.
_CONFUSABLES = str.maketrans({"劵": "券"})
#: Question words and particles that carry no topic; Chinese queries are split at them.
_ZH_FILLERS = re.compile(
    "怎么样|怎么办|怎么|如何|什么|哪些|哪个|哪里|多少钱|多少|是否|可以|能否|能不能|请问|有没有|有哪些|"
    "我们|我司|公司|一下|吗|呢|吧|啊|呀|了|的"
)
_EN_STOPWORDS = frozenset({
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "to", "of", "in", "on", "for", "and", "or",
    "with", "by", "at", "from", "as", "it", "its", "this", "that", "these", "those", "what", "which",
    "who", "whom", "whose", "how", "when", "where", "why", "do", "does", "did", "can", "could", "should",
    "would", "will", "may", "i", "we", "our", "my", "me", "you", "your", "there", "any", "about", "get",
    "much", "many", "if", "so", "than", "then", "into", "mean", "means", "meaning", "please", "tell", "know",
    "need", "want", "have", "has", "some", "us", "they", "them", "not", "no",
})


def normalize_query(text: str) -> str:
    """NFKC, lower case, known typos fixed, thousands separators dropped, punctuation → spaces."""
    text = normalize_text(text).translate(_CONFUSABLES)
    text = _THOUSANDS.sub("", text)
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", text)).strip()


def squash(normalized: str) -> str:
    """A normalised string without spaces: how Chinese terms are aligned with field text."""
    return normalized.replace(" ", "")


def query_terms(normalized: str) -> tuple[list[str], list[str]]:
    """Chinese terms (split at question words) and other words (without stop words)."""
    chinese: list[str] = []
    for run in _CJK_TERM.findall(normalized):
        chinese.extend(piece for piece in _ZH_FILLERS.split(run) if piece)
    rest = _CJK_TERM.sub(" ", normalized)
    # a number alone names no topic (it may still be part of a clause id, matched whole)
    words = [word for word in _WORD.findall(rest) if word not in _EN_STOPWORDS and not word.isdigit()]
    return list(dict.fromkeys(chinese))[:MAX_TERMS], list(dict.fromkeys(words))[:MAX_TERMS]


def field_words(normalized: str) -> list[str]:
    return _WORD.findall(_CJK_TERM.sub(" ", normalized))


# --------------------------------------------------------------------------- entries


@dataclass(frozen=True, slots=True)
class Source:
    """A text a Q&A entry cites: a rule, or a document provision."""

    clause_id: str
    document: str
    article: str
    quote: str


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """One searchable item: a rule record (``kind="clause"``) or a curated Q&A (``kind="qa"``)."""

    position: int
    kind: Literal["clause", "qa"]
    entry_id: str  # rule_id, or "qa:<id>"
    clause_id: str
    rule: Rule | None
    qa_id: str | None
    sources: tuple[Source, ...]
    fields: tuple[tuple[FieldClass, str], ...]
    window: Window | None = None  # a rule's effective window (its own, else its document's)

    def tie_rank(self, day: dt.date) -> tuple[int, int]:
        """Among equal scores: in force on ``day`` (Q&A always) first, government tasks last."""
        in_force = self.window is None or self.window.status_on(day) == "in_force"
        task = self.rule is not None and self.rule.benefit == "none"
        return (0 if in_force else 1, 1 if task else 0)


def resolve_source(ruleset: Ruleset, ref: str) -> Source | None:
    """A Q&A ``sources`` reference as a citation; ``None`` if the data no longer has it."""
    if "/" in ref:
        key, label = ref.split("/", 1)
        document = ruleset.documents.get(key)
        provision = next((p for p in document.provisions if p.label == label), None) if document else None
        if document is None or provision is None:
            return None
        return Source(key, document.number, provision.label, provision.quote)
    rule = ruleset.by_id.get(ref)
    if rule is None:
        return None
    return Source(rule.clause_id, ruleset.document_of(rule).number, rule.article, rule.quote)


def _rule_fields(ruleset: Ruleset, rule: Rule, curated: dict[str, tuple[str, ...]]) -> list[tuple[FieldClass, str]]:
    document = ruleset.document_of(rule)
    # a key naming a rule is that rule's; a clause id that is no rule's id covers all its rules
    terms = curated.get(rule.rule_id, ()) + (
        curated.get(rule.clause_id, ()) if rule.clause_id not in ruleset.by_id else ())
    fields: list[tuple[FieldClass, str]] = [("key", rule.title.zh), ("key", rule.title.en)]
    fields += [("key", term) for term in terms]
    fields += [("label", rule.article), ("label", document.number), ("label", document.key),
               ("label", rule.responsible_unit or "")]
    fields += [("summary", rule.summary.zh), ("summary", rule.summary.en),
               ("summary", document.title.zh), ("summary", document.title.en)]
    fields.append(("text", rule.quote))
    return fields


def _qa_fields(qa: QaEntry, sources: Sequence[Source]) -> list[tuple[FieldClass, str]]:
    fields: list[tuple[FieldClass, str]] = []
    for text in (qa.zh, qa.en):
        fields.append(("key", text.question))
        fields += [("key", word) for word in text.keywords]
        fields += [("text", text.summary), ("text", text.answer)]
    for source in sources:
        fields += [("label", source.document), ("label", source.article), ("text", source.quote)]
    return fields


def build_entries(ruleset: Ruleset) -> list[FaqEntry]:
    """Every rule (of all four documents, whoever benefits), then every curated Q&A entry."""
    curated = synonyms()
    entries = [
        FaqEntry(i, "clause", rule.rule_id, rule.clause_id, rule, None, (),
                 tuple(_rule_fields(ruleset, rule, curated)), ruleset.window_of(rule))
        for i, rule in enumerate(ruleset.rules)
    ]
    for qa_id, qa in qa_entries().items():
        sources = tuple(s for s in (resolve_source(ruleset, ref) for ref in qa.sources) if s is not None)
        if not sources:
            continue
        entries.append(FaqEntry(len(entries), "qa", f"qa:{qa_id}", sources[0].clause_id, None, qa_id,
                                sources, tuple(_qa_fields(qa, sources))))
    return entries


# --------------------------------------------------------------------------- index


@dataclass(frozen=True, slots=True)
class _Strings:
    """The distinct squashed strings of one field class, and the entries owning each."""

    field_class: FieldClass
    strings: list[str]
    owners: list[tuple[int, ...]]
    position: dict[str, int]


def _group(pairs: Iterable[tuple[str, int]]) -> tuple[list[str], list[tuple[int, ...]]]:
    owners: dict[str, dict[int, None]] = {}
    for text, position in pairs:
        if text:
            owners.setdefault(text, {})[position] = None
    return list(owners), [tuple(o) for o in owners.values()]


@dataclass(frozen=True, slots=True)
class FaqHit:
    """An entry's score for one query: ``score`` 0–100 ranks, ``evidence`` breaks ties."""

    entry: FaqEntry
    score: float
    evidence: float


class FaqIndex:
    """Precomputed normalised strings of every entry; ``search`` scores a query against them."""

    def __init__(self, entries: Sequence[FaqEntry]) -> None:
        self.entries = list(entries)
        normalized = [(entry.position, cls, normalize_query(text)) for entry in self.entries
                      for cls, text in entry.fields]
        self._strings: list[_Strings] = []
        for field_class in FIELD_WEIGHTS:
            strings, owners = _group((squash(text), position) for position, cls, text in normalized
                                     if cls == field_class)
            self._strings.append(_Strings(field_class, strings, owners, {t: i for i, t in enumerate(strings)}))
        word_weights: dict[str, dict[int, float]] = {}
        for position, cls, text in normalized:
            for word in field_words(text):
                per_entry = word_weights.setdefault(word, {})
                per_entry[position] = max(per_entry.get(position, 0.0), FIELD_WEIGHTS[cls])
        self._words = list(word_weights)
        self._word_owners = [word_weights[w] for w in self._words]
        self._word_position = {w: i for i, w in enumerate(self._words)}
        self._identifiers: dict[str, list[int]] = {}
        for entry in self.entries:
            for ident in {entry.entry_id, entry.clause_id} if entry.kind == "clause" else {entry.entry_id}:
                self._identifiers.setdefault(normalize_query(ident), []).append(entry.position)

    # -- one term ------------------------------------------------------------------

    def _chinese_term(self, term: str, best: dict[int, float], evidence: dict[int, float]) -> None:
        term_length = len(term)
        for strings in self._strings:
            weight = FIELD_WEIGHTS[strings.field_class]
            if term_length < 2:  # one character: only a field that is exactly it, e.g. the article （八）
                index = strings.position.get(term)
                if index is not None:
                    _record(best, evidence, strings.owners[index], 100.0 * weight)
                continue
            hits = process.extract(term, strings.strings, scorer=fuzz.partial_ratio,
                                   score_cutoff=CJK_CUTOFF, limit=None)
            for text, raw, index in hits:
                if len(text) < term_length:  # the field is inside the term: how much of it it covers
                    if len(text) < 2:
                        continue
                    raw *= 0.5 + 0.5 * len(text) / term_length
                elif strings.field_class in SPECIFIC_CLASSES:
                    raw *= 0.9 + 0.1 * term_length / len(text)
                _record(best, evidence, strings.owners[index], raw * weight)

    def _word_term(self, word: str, best: dict[int, float], evidence: dict[int, float]) -> None:
        scored: dict[int, float] = {}  # vocabulary index → similarity
        exact = self._word_position.get(word)
        if exact is not None:
            scored[exact] = 100.0
        if len(word) > 3 and not word.isdigit():
            for _, raw, index in process.extract(word, self._words, scorer=fuzz.ratio,
                                                 score_cutoff=WORD_RATIO_CUTOFF, limit=None):
                other = self._words[index]
                # a typo keeps the first letter and a word's length: "refund" is not "fund", "visa" not "via"
                if not other.isdigit() and other[0] == word[0] and len(other) > 3:
                    scored[index] = max(scored.get(index, 0.0), raw)
            for other, raw, index in process.extract(word, self._words, scorer=fuzz.partial_ratio,
                                                     score_cutoff=WORD_PARTIAL_CUTOFF, limit=None):
                if len(other) >= len(word):  # a partial word: "paten" → "patent", "harmony" → "openharmony"
                    if not other.startswith(word[:3]) and len(word) < MIN_INFIX_CHARS:
                        continue  # "rent" is not "current"
                    raw *= 0.85 + 0.15 * len(word) / len(other)
                elif len(other) >= 4 and not other.isdigit() and word.startswith(other):  # "patents" → "patent"
                    raw *= len(other) / len(word)
                else:
                    continue
                scored[index] = max(scored.get(index, 0.0), raw)
        for index, similarity in scored.items():
            for position, weight in self._word_owners[index].items():
                _record(best, evidence, (position,), similarity * weight)

    # -- a query -------------------------------------------------------------------

    def search(self, query: str, as_of: dt.date | None = None) -> list[FaqHit]:
        """Every entry answering ``query``, best first; ``[]`` when the query names a topic no text covers.

        Equal scores: entries in force on ``as_of`` (default today) before the others, support
        before government tasks, then the one with more matching fields, then index order.
        """
        hits, answered = self._scored(query, as_of)
        return [hit for hit in hits if hit.score >= MIN_SCORE] if answered else []

    def closest(self, query: str, limit: int, as_of: dt.date | None = None) -> list[FaqHit]:
        """The entries nearest to a query ``search`` does not answer: suggestions, not answers."""
        hits, _ = self._scored(query, as_of)
        return [hit for hit in hits if hit.score >= CLOSEST_MIN_SCORE][:limit]

    def _scored(self, query: str, as_of: dt.date | None) -> tuple[list[FaqHit], bool]:
        """Every entry any term touches, best first, and whether the query is answered.

        It is answered when it names an entry exactly (a clause or rule id), or when it has terms and
        each of them (of two characters or more) matches some entry well (``KNOWN``): a query with a word no text knows — "ISO",
        "xyzzy", "餐饮" — asks about something the policies do not cover, however well its other
        words match. Numbers and markup alone are no terms.
        """
        normalized = normalize_query(_MARKUP.sub(" ", query[:MAX_QUERY_CHARS]))
        if not normalized:
            return [], False
        chinese, words = query_terms(normalized)
        per_term: list[dict[int, float]] = []
        evidence: dict[int, float] = {}
        for term in chinese:
            best: dict[int, float] = {}
            self._chinese_term(term, best, evidence)
            per_term.append(best)
        for word in words:
            best = {}
            self._word_term(word, best, evidence)
            per_term.append(best)
        scores = _combine(per_term, len(self.entries)) if per_term else {}
        known = [max(term.values(), default=0.0) >= KNOWN for term in per_term]
        topics = [is_known for term, is_known in zip([*chinese, *words], known, strict=True) if len(term) > 1]
        answered = any(known) and all(topics)  # one character ("年", "件") is too short to name a topic
        for position in self._identifiers.get(normalized, ()):
            scores[position] = 100.0
            answered = True
        matches = [FaqHit(self.entries[p], round(min(s, 100.0), 1), evidence.get(p, 0.0))
                   for p, s in scores.items()]
        day = as_of or dt.date.today()
        matches.sort(key=lambda m: (-m.score, m.entry.tie_rank(day), -m.evidence, m.entry.position))
        return matches, answered


def _record(best: dict[int, float], evidence: dict[int, float], owners: Iterable[int], score: float) -> None:
    for position in owners:
        if score > best.get(position, 0.0):
            best[position] = score
        evidence[position] = evidence.get(position, 0.0) + score


def _combine(per_term: Sequence[dict[int, float]], entry_count: int) -> dict[int, float]:
    """Half the entry's best term, half the mean over all terms weighted by rarity (IDF)."""
    rarity = [math.log(1 + entry_count / (1 + sum(1 for s in term.values() if s >= MATCHED)))
              for term in per_term]
    total_rarity = sum(rarity)
    candidates = {position for term in per_term for position in term}
    combined: dict[int, float] = {}
    for position in candidates:
        scores = [term.get(position, 0.0) for term in per_term]
        mean = sum(w * s for w, s in zip(rarity, scores, strict=True)) / total_rarity
        combined[position] = 0.5 * max(scores) + 0.5 * mean
    return combined


_INDEXES: dict[str, FaqIndex] = {}


def index_for(ruleset: Ruleset) -> FaqIndex:
    """The index of ``ruleset``, built once per ``ruleset.version``."""
    index = _INDEXES.get(ruleset.version)
    if index is None:
        index = _INDEXES[ruleset.version] = FaqIndex(build_entries(ruleset))
    return index

