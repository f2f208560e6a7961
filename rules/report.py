"""The assessment as CONTRACT §4 JSON (plus additive fields), and the one entry point for channels.

``assess_profile`` is what the CLI, the dialog and the web API call: validated profile in,
JSON-ready dict out. The contract's fields come first and are never renamed; extra fields
(title, level, stacking notes, near misses …) only add to them.
"""

from __future__ import annotations

import datetime as dt

from locales import t
from rules.engine import Assessment, Match, assess
from rules.explain import fact_label, match_reasons, near_miss_text
from rules.loader import Ruleset, default_ruleset
from rules.profile import Profile
from rules.ranges import FigureRange
from rules.schema import Rule, Tier


def json_number(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def citation(ruleset: Ruleset, match_rule) -> dict[str, str]:
    document = ruleset.document_of(match_rule)
    return {"document": document.number, "article": match_rule.article, "quote": match_rule.quote}


def match_citation(ruleset: Ruleset, rule: Rule, tier: Tier | None) -> dict[str, str]:
    """The citation of a match, plus ``excerpt``: the span of the quote that decides the award —
    the deciding tier's, else the rule's, else the whole quote."""
    excerpt = (tier.excerpt if tier is not None else None) or rule.excerpt or rule.quote
    return {**citation(ruleset, rule), "excerpt": excerpt}


def window_dict(ruleset: Ruleset, rule) -> dict[str, str | None]:
    window = ruleset.window_of(rule)
    return {"from": window.start.isoformat() if window.start else None,
            "to": window.end.isoformat() if window.end else None}


def _status_note(ruleset: Ruleset, match: Match, locale: str) -> str | None:
    window = window_dict(ruleset, match.rule)
    if match.status == "expired":
        return t(locale, "expired", start=window["from"], end=window["to"])
    if match.status == "not_yet_in_force":
        return t(locale, "not_yet_in_force", start=window["from"])
    return None


def match_json(ruleset: Ruleset, match: Match, facts: dict, locale: str) -> dict:
    rule = match.rule
    out = {
        "clause_id": rule.clause_id,
        "rule_id": rule.rule_id,
        "status": match.status,
        "max_award_cny": json_number(match.amount.value),
        "benefit": rule.benefit,
        "citation": match_citation(ruleset, rule, match.amount.tier),
        "reasons": match_reasons(ruleset, match, facts, locale),
        "missing": list(match.missing),
        # additive fields
        "title": rule.title.get(locale),
        "summary": rule.summary.get(locale),
        "level": match.level,
        "responsible_unit": rule.responsible_unit,
        "effective": window_dict(ruleset, rule),
        "counted_in_total": match.counted and match.amount.value is not None and rule.benefit != "loan",
        "stacked_under": match.stacked_under,
        "event_index": match.event_index,
        "caveats": [t(locale, f"caveats.{key}") for key in rule.caveats],
        "readings": [{"id": rid, "text": t(locale, f"readings.{rid}")} for rid in rule.readings],
        "missing_labels": [fact_label(m.split(".")[-1] if m.startswith("events[") else m, locale)
                           for m in match.missing],
    }
    if match.stacked_under:
        other = ruleset.by_id[match.stacked_under].title.get(locale)
        out["stacking_note"] = t(locale, "stacking.yielded", other=other)
    note = _status_note(ruleset, match, locale)
    if note:
        out["status_note"] = note
    limit = getattr(rule.formula, "limit_cny", None)
    if limit:
        out["loan_limit_cny"] = json_number(limit)
    return out


def assessment_json(ruleset: Ruleset, assessment: Assessment, facts: dict, locale: str) -> dict:
    return {
        "as_of": assessment.as_of.isoformat(),
        "ruleset_version": assessment.ruleset_version,
        "matches": [match_json(ruleset, m, facts, locale) for m in assessment.matches],
        "total_max_award_cny": json_number(assessment.total_max_award_cny),
        # additive fields
        "locale": locale,
        "near_misses": [
            {
                "rule_id": n.rule.rule_id,
                "clause_id": n.rule.clause_id,
                "title": n.rule.title.get(locale),
                "kind": n.kind,
                "fact": n.fact,
                "needed": json_number(n.needed) if isinstance(n.needed, float) else n.needed,
                "current": json_number(n.current) if isinstance(n.current, float) else
                n.current.model_dump() if isinstance(n.current, FigureRange) else n.current,
                "gap": json_number(n.gap),
                "max_award_cny": json_number(n.max_award_cny),
                "event_index": n.event_index,
                "text": near_miss_text(ruleset, n, locale),
            }
            for n in assessment.near_misses
        ],
    }


def assess_profile(profile: Profile, as_of: dt.date | None = None, locale: str = "zh-CN",
                   ruleset: Ruleset | None = None) -> dict:
    """Assess a validated profile on ``as_of`` (default: the profile's ``as_of``, else today)."""
    ruleset = ruleset or default_ruleset()
    day = as_of or profile.as_of or dt.date.today()
    facts = profile.facts()
    return assessment_json(ruleset, assess(ruleset, facts, day), facts, locale)
