"""The staff FAQ search: a pure, synchronous search over every rule record and the curated Q&A.

    >>> from faq import search_faq, faq_json
    >>> search_faq("算力券", limit=1)[0].entry.clause_id
    'CQ2025-8'
    >>> faq_json("compute voucher", 3, "en")["results"][0]["clause_id"]
    'CQ2025-8'

``faq_json`` is what ``awardbot faq`` and ``GET /api/faq`` print: CONTRACT §5 —
``{"results": [{"clause_id", "title", "score", "citation": {"document", "article", "quote"}}]}`` —
plus the additive ``suggestions`` (topics to search next when nothing answers the query, never
results) and additive fields per result (rule id, kind, summary, amount, benefit, beneficiary, level,
window, in force today, responsible unit; for Q&A the answer and every cited text). How
matching works is described in :mod:`faq.index`.
"""

from __future__ import annotations

import datetime as dt

from faq.curation import qa_entries, suggested_topics
from faq.index import FaqEntry, FaqHit, Source, index_for
from locales import normalize_locale, t
from rules.loader import Ruleset, default_ruleset
from rules.report import citation, json_number, window_dict
from rules.schema import Rule

__all__ = ["FaqHit", "MAX_LIMIT", "faq_json", "hit_json", "max_award_cny", "search_faq", "suggestions"]

MAX_LIMIT = 50
MAX_SUGGESTIONS = 3


def search_faq(query: str, limit: int = 5, locale: str = "zh-CN", ruleset: Ruleset | None = None, *,
               as_of: dt.date | None = None) -> list[FaqHit]:
    """The ``limit`` best entries for ``query`` (Chinese or English), best first; ``[]`` if none match.

    Scores are 0–100. Both languages are always searched; ``locale`` only matters for output.
    Among equal scores, entries in force on ``as_of`` (default today) come first.
    """
    if not isinstance(query, str) or limit < 1:
        return []
    return index_for(ruleset or default_ruleset()).search(query, as_of)[: min(limit, MAX_LIMIT)]


def max_award_cny(rule: Rule) -> float | None:
    """The largest amount the text names for one claim: fixed, cap, top tier, per item; else ``None``."""
    formula = rule.formula
    if formula.kind == "fixed":
        return formula.amount
    if formula.kind == "tiers":
        return max(tier.amount for tier in formula.tiers)
    if formula.kind == "per_unit":
        return formula.cap or formula.amount_per_unit
    return getattr(formula, "cap", None)


def _source_json(source: Source) -> dict[str, str]:
    return {"clause_id": source.clause_id, "document": source.document, "article": source.article,
            "quote": source.quote}


def _clause_json(ruleset: Ruleset, rule: Rule, score: float, locale: str, today: dt.date) -> dict:
    window = ruleset.window_of(rule)
    document = ruleset.document_of(rule)
    out = {
        "clause_id": rule.clause_id,
        "title": rule.title.get(locale),
        "score": json_number(score),
        "citation": citation(ruleset, rule),
        # additive fields
        "rule_id": rule.rule_id,
        "kind": "clause",
        "summary": rule.summary.get(locale),
        "max_award_cny": json_number(max_award_cny(rule)),
        "award_basis": rule.formula.kind,
        "benefit": rule.benefit,
        "beneficiary": {"id": rule.beneficiary, "label": t(locale, f"beneficiaries.{rule.beneficiary}")},
        "level": document.level,
        "document_key": document.key,
        "document_title": document.title.get(locale),
        "effective": window_dict(ruleset, rule),
        "in_force": window.status_on(today) == "in_force",
        "window_status": window.status_on(today),
        "responsible_unit": rule.responsible_unit,
        "answer": None,
    }
    loan_limit = getattr(rule.formula, "limit_cny", None)
    if loan_limit:
        out["loan_limit_cny"] = json_number(loan_limit)
    return out


def _qa_json(entry: FaqEntry, score: float, locale: str) -> dict:
    text = qa_entries()[entry.qa_id or ""].text(locale)
    primary = entry.sources[0]
    return {
        "clause_id": primary.clause_id,
        "title": text.question,
        "score": json_number(score),
        "citation": {"document": primary.document, "article": primary.article, "quote": primary.quote},
        # additive fields
        "rule_id": entry.entry_id,
        "kind": "qa",
        "summary": text.summary,
        "max_award_cny": None,
        "award_basis": None,
        "benefit": None,
        "beneficiary": None,
        "level": None,
        "document_key": None,
        "document_title": None,
        "effective": None,
        "in_force": None,
        "window_status": None,
        "responsible_unit": None,
        "answer": text.answer,
        "citations": [_source_json(source) for source in entry.sources],
    }


def hit_json(hit: FaqHit, locale: str = "zh-CN", ruleset: Ruleset | None = None,
             today: dt.date | None = None) -> dict:
    """One result as JSON: the contract's keys first, then the additive ones."""
    ruleset = ruleset or default_ruleset()
    if hit.entry.rule is not None:
        return _clause_json(ruleset, hit.entry.rule, hit.score, locale, today or dt.date.today())
    return _qa_json(hit.entry, hit.score, locale)


def faq_json(query: str, limit: int = 5, locale: str = "zh-CN", *, ruleset: Ruleset | None = None,
             as_of: dt.date | None = None) -> dict:
    """CONTRACT §5: ``{"results": [...]}``, best first; ``in_force`` is judged on ``as_of`` (default today)."""
    locale = normalize_locale(locale)
    ruleset = ruleset or default_ruleset()
    today = as_of or dt.date.today()
    hits = search_faq(query, limit=limit, locale=locale, ruleset=ruleset, as_of=today)
    results = [hit_json(hit, locale, ruleset, today) for hit in hits]
    no_answer = not results and isinstance(query, str) and bool(query.strip()) and limit >= 1
    return {"results": results,
            "suggestions": suggestions(query, locale, ruleset, today) if no_answer else []}


def _entry_title(entry: FaqEntry, locale: str) -> str:
    if entry.rule is not None:
        return entry.rule.title.get(locale)
    return qa_entries()[entry.qa_id or ""].text(locale).question


def suggestions(query: str, locale: str = "zh-CN", ruleset: Ruleset | None = None,
                as_of: dt.date | None = None) -> list[dict[str, str]]:
    """For a query nothing answers: the closest topics, else the curated ones — to search next, never
    answers. Each is ``{"query": <what to search>, "title": <what to show>}``."""
    locale = normalize_locale(locale)
    closest = index_for(ruleset or default_ruleset()).closest(query, MAX_SUGGESTIONS, as_of)
    titles = [_entry_title(hit.entry, locale) for hit in closest] or list(suggested_topics(locale))
    return [{"query": title, "title": title} for title in dict.fromkeys(titles)][:MAX_SUGGESTIONS]
