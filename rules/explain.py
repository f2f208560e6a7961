"""Put the engine's findings into words, in the profile's own terms, in zh-CN or en.

"营业收入 12 亿元，比上年（10 亿元）增长" — reasons come from the conditions that held and
the formula that set the amount; near misses say what one change would bring.
"""

from __future__ import annotations

import re

from locales import has, t
from locales.formatting import format_cny, format_count, format_figure, format_percent
from rules.conditions import Facts, evaluate, lookup
from rules.engine import Match, NearMiss
from rules.formulas import eval_expr
from rules.loader import Ruleset
from rules.ranges import FigureRange
from rules.schema import Capped, Fixed, Leaf, Percentage, PerUnit, Sum, Tiers, Unspecified

ID_CATALOGS = {
    "certifications": "certifications",
    "new_certifications": "certifications",
    "activities": "activities",
    "event.kind": "event_kinds",
    "event.level": "event_levels",
    "platform_level": "platform_levels",
}


def fact_label(fact: str, locale: str) -> str:
    return t(locale, f"facts.{fact.removeprefix('event.')}")


def district_label(district: str, locale: str) -> str:
    key = f"districts.{district}"
    return t(locale, key) if has(locale, key) else district


def department_label(unit: str | None, locale: str) -> str | None:
    """A responsible unit (责任单位) in ``locale``: each department of "市经济信息委、市大数据发展局" by its name."""
    if not unit:
        return None
    if locale != "en":
        return unit
    parts = [part.strip() for part in re.split(r"[、，,]", unit) if part.strip()]
    return "; ".join(t(locale, f"departments.{part}") if has(locale, f"departments.{part}") else part
                     for part in parts)


def value_label(ruleset: Ruleset, fact: str, value: object, locale: str) -> str:
    """A fact's value as the user would say it: amounts in 万元/亿元, ids by their names."""
    if isinstance(value, list | tuple | set):
        return "、".join(value_label(ruleset, fact, v, locale) for v in value) if locale != "en" else ", ".join(
            value_label(ruleset, fact, v, locale) for v in value)
    catalog = ID_CATALOGS.get(fact)
    if catalog and isinstance(value, str):
        return t(locale, f"{catalog}.{value}")
    info = ruleset.facts.get(fact.removeprefix("event."))
    unit = info.unit if info else None
    if isinstance(value, FigureRange):
        return format_figure(value, locale, money=unit == "cny")
    if unit == "district" and isinstance(value, str):
        return district_label(value, locale)
    if unit == "cny" and isinstance(value, int | float):
        return format_cny(value, locale)
    if unit == "bool" and isinstance(value, bool):
        return t(locale, "common.answer_yes" if value else "common.answer_no")
    if isinstance(value, int | float):
        return format_count(value, locale)
    return str(value)


def leaf_reason(ruleset: Ruleset, leaf: Leaf, facts: Facts, event: Facts | None, locale: str) -> str:
    actual = lookup(leaf.fact, facts, event)
    label = fact_label(leaf.fact, locale)
    if leaf.fact == "district" and leaf.op == "eq":
        return t(locale, "reason.in_district", district=district_label(str(actual), locale))
    if leaf.fact == "district":
        return t(locale, "reason.in_chongqing", district=district_label(str(actual), locale))
    if leaf.op == "is":
        return t(locale, "reason.flag_true" if leaf.value else "reason.flag_false", label=label)
    if leaf.op == "gt_fact":
        other = lookup(leaf.value, facts, event)  # type: ignore[arg-type]
        return t(locale, "reason.grew", label=label, actual=value_label(ruleset, leaf.fact, actual, locale),
                 other=value_label(ruleset, leaf.fact, other, locale))
    if leaf.op in ("gte", "gt", "lt", "lte"):
        return t(locale, f"reason.{leaf.op}", label=label,
                 actual=value_label(ruleset, leaf.fact, actual, locale),
                 value=value_label(ruleset, leaf.fact, leaf.value, locale))
    if leaf.op in ("has", "has_any"):
        wanted = [leaf.value] if leaf.op == "has" else list(leaf.value)  # type: ignore[arg-type]
        held = set(actual or ()) | set(facts.get("new_certifications") or ()) if leaf.fact == "certifications" \
            else set(actual or ())
        return t(locale, "reason.has", label=label,
                 values=value_label(ruleset, leaf.fact, [w for w in wanted if w in held], locale))
    return t(locale, "reason.choice", label=label, value=value_label(ruleset, leaf.fact, actual, locale))


def formula_reason(ruleset: Ruleset, match: Match, facts: Facts, event: Facts | None, locale: str) -> str | None:
    formula = match.rule.formula
    amount = match.amount
    money = lambda v: format_cny(v, locale)  # noqa: E731
    if isinstance(formula, Unspecified):
        if formula.limit_cny:
            return t(locale, "reason.loan_limit", limit=money(formula.limit_cny))
        return t(locale, "reason.unspecified")
    if amount.missing:
        return None
    if isinstance(formula, Fixed):
        return t(locale, "reason.fixed", amount=money(formula.amount))
    if isinstance(formula, Capped):
        if formula.floor is not None:
            return t(locale, "reason.capped_range", floor=money(formula.floor), cap=money(formula.cap))
        return t(locale, "reason.capped", cap=money(formula.cap))
    if isinstance(formula, Tiers) and amount.tier is not None:
        tier = amount.tier
        if tier.max is None:
            return t(locale, "reason.tier_top", lower=money(tier.min), amount=money(tier.amount))
        return t(locale, "reason.tier", lower=money(tier.min), upper=money(tier.max), amount=money(tier.amount))
    if isinstance(formula, Percentage):
        base = eval_expr(formula.base, facts, event, match.event_index, [])
        if base is None and isinstance(formula.base, str):  # known as a range, and capped throughout it
            base_text = value_label(ruleset, formula.base, lookup(formula.base, facts, event), locale)
            params = {"base": base_text, "rate": format_percent(formula.rate), "result": money(amount.value)}
            return t(locale, "reason.percentage_capped", cap=money(formula.cap), **params)
        raw = base * formula.rate  # type: ignore[operator]
        params = {"base": money(base), "rate": format_percent(formula.rate), "result": money(raw)}
        if formula.cap is not None and raw > formula.cap:
            return t(locale, "reason.percentage_over_cap", cap=money(formula.cap), **params)
        if formula.cap is not None:
            return t(locale, "reason.percentage_capped", cap=money(formula.cap), **params)
        return t(locale, "reason.percentage", **params)
    if isinstance(formula, PerUnit):
        count = eval_expr(formula.count, facts, event, match.event_index, [])
        return t(locale, "reason.per_unit", count=format_count(count, locale), unit=money(formula.amount_per_unit),
                 result=money(amount.value))
    if isinstance(formula, Sum):
        parts = []
        for part in formula.parts:
            if isinstance(part, Percentage):
                base = eval_expr(part.base, facts, event, match.event_index, [])
                parts.append(t(locale, "reason.sum_part", base=money(base), rate=format_percent(part.rate)))
        return t(locale, "reason.sum", parts=" + ".join(parts), result=money(amount.value))
    return None


def match_reasons(ruleset: Ruleset, match: Match, facts: Facts, locale: str) -> list[str]:
    event = None
    reasons = []
    if match.event_index is not None:
        event = facts["events"][match.event_index]  # type: ignore[index]
        reasons.append(t(locale, "reason.event", n=match.event_index + 1))
    held = evaluate(match.rule.conditions, facts, event, match.event_index).held  # type: ignore[arg-type]
    reasons.extend(leaf_reason(ruleset, leaf, facts, event, locale) for leaf in held)
    formula_text = formula_reason(ruleset, match, facts, event, locale)
    if formula_text:
        reasons.append(formula_text)
    return reasons


def near_miss_text(ruleset: Ruleset, near: NearMiss, locale: str) -> str:
    title = near.rule.title.get(locale)
    amount = (t(locale, "near_miss.amount", amount=format_cny(near.max_award_cny, locale))
              if near.max_award_cny is not None else t(locale, "near_miss.amount_unknown"))
    label = fact_label(near.fact, locale)
    if near.kind in ("threshold", "next_tier"):
        ranged = "_from_range" if isinstance(near.current, FigureRange) else ""  # no exact gap to name
        return t(locale, f"near_miss.{near.kind}{ranged}", label=label, title=title,
                 gap=value_label(ruleset, near.fact, near.gap, locale),
                 needed=value_label(ruleset, near.fact, near.needed, locale),
                 amount=format_cny(near.max_award_cny, locale) if near.kind == "next_tier" else amount)
    if near.kind == "title":
        return t(locale, "near_miss.title", value=value_label(ruleset, near.fact, near.needed, locale),
                 title=title, amount=amount)
    return t(locale, "near_miss.flag", label=label, title=title, amount=amount)
