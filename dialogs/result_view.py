"""The result every channel shows, grouped on the server: :class:`ResultView` and its builder.

Pure: the contract's assessment JSON (``rules.report``) in, a pydantic view out, every string
from ``locales/``. Channels only lay it out (the web widget renders the sections as they are; the
Telegram bot and the terminal chat send :mod:`dialogs.result_text`'s short summary and show a
section when asked). Sections, in this order, each left out when empty:

* ``awards`` — eligible, with an amount, counted in the total (after 就高不重复);
* ``possible`` — could apply once a fact is known, largest first, each with what it still needs;
* ``non_cash`` — eligible but no amount to add: funds, loan pools, platform services, 一事一议,
  amounts the text leaves open. Never counted as "可申报 N 项";
* ``yielded`` — eligible, but the same item as a higher award at the same level;
* ``near_misses`` — one change away;
* ``expired`` — would apply but the clause is not in force on the assessment date;
* ``readings`` — how an ambiguous sentence behind an award was read.

``rule_id`` is for machines (buttons, tests, diffs) and is never part of a text.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from locales import t, tn
from locales.formatting import format_cny
from rules.explain import department_label
from rules.loader import default_ruleset
from rules.report import citation

SectionId = Literal["awards", "possible", "non_cash", "yielded", "near_misses", "expired", "readings"]
SECTION_ORDER: tuple[SectionId, ...] = ("awards", "possible", "non_cash", "yielded", "near_misses", "expired",
                                        "readings")
INACTIVE = ("expired", "not_yet_in_force")
NEAR_MISS_LIMIT = 5


class Citation(BaseModel):
    document: str
    article: str
    excerpt: str  # the sentence the award rests on (the tier's own sentence); the quote when none is stored
    quote: str  # the clause's whole verbatim text


class ResultItem(BaseModel):
    rule_id: str  # machine use only, never shown (a reading's id for ``readings`` items)
    title: str
    amount_cny: int | None = None
    amount_text: str = ""
    lines: list[str] = Field(default_factory=list)  # reasons, what it still needs, caveats, where to apply
    citation: Citation | None = None  # None only for ``readings`` items
    department: str | None = None  # where to apply, localised (also in ``lines``)
    needs: list[str] = Field(default_factory=list)  # ``possible``: the facts that would settle it (also in ``lines``)


class ResultSection(BaseModel):
    id: SectionId
    title: str  # localised, with its count
    items: list[ResultItem]


class ResultView(BaseModel):
    as_of: str
    total_cny: int
    total_text: str  # "合计最高 92 万元" / "Up to CNY 920,000 in total"
    headline: str
    sections: list[ResultSection]
    note: str = ""  # estimated maxima; the annual guide and the departments decide

    def section(self, section_id: str) -> ResultSection | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def count(self, section_id: str) -> int:
        found = self.section(section_id)
        return len(found.items) if found else 0


def _whole(value: float | None) -> int | None:
    return None if value is None else int(round(value))


def citation_of(citation: dict[str, Any]) -> Citation:
    quote = citation.get("quote", "")
    return Citation(document=citation.get("document", ""), article=citation.get("article", ""),
                    excerpt=citation.get("excerpt") or quote, quote=quote)


def amount_text(match: dict[str, Any], locale: str) -> str:
    """``300 万元``, ``贷款最高 600 万元`` or ``金额未定``."""
    if match.get("max_award_cny") is not None and match.get("benefit") != "loan":
        return format_cny(match["max_award_cny"], locale)
    limit = match.get("loan_limit_cny") or (match.get("max_award_cny") if match.get("benefit") == "loan" else None)
    if limit:
        return t(locale, "result.amounts.loan", amount=format_cny(limit, locale))
    return t(locale, "result.amounts.not_fixed")


def _joined(parts: list[str], locale: str) -> str:
    return ("; " if locale == "en" else "；").join(parts)


def _apply_to(match: dict[str, Any], locale: str) -> tuple[str | None, list[str]]:
    department = department_label(match.get("responsible_unit"), locale)
    return department, [t(locale, "result.lines.apply_to", unit=department)] if department else []


def _item(match: dict[str, Any], locale: str, lines: list[str]) -> ResultItem:
    department, apply_line = _apply_to(match, locale)
    return ResultItem(rule_id=match["rule_id"], title=match.get("title") or "", amount_cny=_whole(
        match.get("max_award_cny")), amount_text=amount_text(match, locale), lines=[*lines, *apply_line],
        citation=citation_of(match.get("citation") or {}), department=department)


def _award(match: dict[str, Any], locale: str) -> ResultItem:
    lines = [t(locale, "result.lines.reasons", reasons=_joined(match["reasons"], locale))] if match.get("reasons") else []
    lines += [t(locale, "result.lines.caveat", text=c) for c in match.get("caveats", [])]
    return _item(match, locale, lines)


def _possible(match: dict[str, Any], locale: str) -> ResultItem:
    separator = ", " if locale == "en" else "、"
    labels = list(dict.fromkeys(match.get("missing_labels") or []))
    lines = [t(locale, "result.lines.needs", facts=separator.join(labels))] if labels else []
    lines += [t(locale, "result.lines.caveat", text=c) for c in match.get("caveats", [])]
    item = _item(match, locale, lines)
    item.needs = labels
    return item


def _yielded(match: dict[str, Any], by_rule: dict[str, dict[str, Any]], locale: str) -> ResultItem:
    higher = by_rule.get(match.get("stacked_under") or "")
    note = t(locale, "stacking.yielded", other=higher.get("title")) if higher else match.get("stacking_note", "")
    return _item(match, locale, [note] if note else [])


def _expired(match: dict[str, Any], locale: str) -> ResultItem:
    return _item(match, locale, [match["status_note"]] if match.get("status_note") else [])


def _near_miss(near: dict[str, Any], locale: str) -> ResultItem:
    ruleset = default_ruleset()
    rule = ruleset.by_id.get(near["rule_id"])
    amount = near.get("max_award_cny")
    return ResultItem(
        rule_id=near["rule_id"], title=near.get("title") or "", amount_cny=_whole(amount),
        amount_text=format_cny(amount, locale) if amount is not None else t(locale, "result.amounts.not_fixed"),
        lines=[near["text"]] if near.get("text") else [],
        citation=citation_of(citation(ruleset, rule)) if rule is not None else None,
        department=department_label(rule.responsible_unit, locale) if rule is not None else None)


def _readings(counted: list[dict[str, Any]], locale: str) -> list[ResultItem]:
    used: dict[str, tuple[str, list[str]]] = {}
    for match in counted:
        for reading in match.get("readings", []):
            used.setdefault(reading["id"], (reading["text"], []))[1].append(match.get("title") or "")
    separator = ", " if locale == "en" else "、"
    return [ResultItem(rule_id=reading_id, title=text,
                       lines=[t(locale, "result.lines.reading_for", titles=separator.join(dict.fromkeys(titles)))])
            for reading_id, (text, titles) in used.items()]


def _by_amount(match: dict[str, Any]) -> tuple[bool, float]:
    amount = match.get("max_award_cny")
    return amount is None, -(amount or 0)


def build_result_view(assessment: dict[str, Any], locale: str | None = None) -> ResultView:
    """Group an assessment (CONTRACT §4 JSON with the additive fields) into the sections every channel shows."""
    locale = locale or assessment.get("locale") or "zh-CN"
    matches = assessment.get("matches", [])
    by_rule = {m["rule_id"]: m for m in matches}
    eligible = [m for m in matches if m["status"] == "eligible"]
    awards = sorted((m for m in eligible if m.get("counted_in_total")), key=_by_amount)
    yielded = [m for m in eligible if m.get("stacked_under")]
    non_cash = [m for m in eligible if not m.get("counted_in_total") and not m.get("stacked_under")]
    possible = sorted((m for m in matches if m["status"] == "possible"), key=_by_amount)
    expired = [m for m in matches if m["status"] in INACTIVE]
    items: dict[SectionId, list[ResultItem]] = {
        "awards": [_award(m, locale) for m in awards],
        "possible": [_possible(m, locale) for m in possible],
        "non_cash": [_award(m, locale) for m in non_cash],
        "yielded": [_yielded(m, by_rule, locale) for m in yielded],
        "near_misses": [_near_miss(n, locale) for n in assessment.get("near_misses", [])[:NEAR_MISS_LIMIT]],
        "expired": [_expired(m, locale) for m in expired],
        "readings": _readings([*awards, *non_cash], locale),
    }
    sections = [ResultSection(id=sid, title=tn(locale, f"result.sections.{sid}", len(items[sid])), items=items[sid])
                for sid in SECTION_ORDER if items[sid]]
    total = _whole(assessment.get("total_max_award_cny")) or 0
    return ResultView(
        as_of=assessment.get("as_of", ""), total_cny=total,
        total_text=t(locale, "result.total", amount=format_cny(total, locale)) if total
        else t(locale, "result.total_none"),
        headline=t(locale, "result.headline", as_of=assessment.get("as_of", "")), sections=sections,
        note=t(locale, "result.note"))
