"""What moved between two results: "合计 92 万元 → 42 万元；不再符合：营业收入分档扶持".

Pure. A :class:`ResultSnapshot` is the little a conversation keeps of the result it last showed
(the total, the counted awards and their amounts, the number of possible items); after a change
leads to a result again, :func:`change_text` says what moved instead of resending everything.
Titles are looked up by rule id in the language of the new result, so a snapshot taken in
another language still reads right.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from dialogs.result_view import ResultView
from locales import t
from locales.formatting import format_cny
from rules.loader import default_ruleset


class ResultSnapshot(BaseModel):
    total_cny: int = 0
    awards: dict[str, int | None] = Field(default_factory=dict)  # rule id -> amount, counted awards only
    possible: int = 0


def snapshot(view: ResultView) -> ResultSnapshot:
    awards = view.section("awards")
    return ResultSnapshot(total_cny=view.total_cny, possible=view.count("possible"),
                          awards={item.rule_id: item.amount_cny for item in (awards.items if awards else [])})


def _title(rule_id: str, locale: str) -> str:
    rule = default_ruleset().by_id.get(rule_id)
    return rule.title.get(locale) if rule is not None else ""


def change_lines(before: ResultSnapshot, after: ResultSnapshot, locale: str) -> list[str]:
    """Each thing that moved, in words; empty when nothing did."""
    money = lambda value: format_cny(value, locale)  # noqa: E731
    separator = ", " if locale == "en" else "、"
    lines = []
    if before.total_cny != after.total_cny:
        lines.append(t(locale, "result.change.total", old=money(before.total_cny), new=money(after.total_cny)))
    removed = [rule_id for rule_id in before.awards if rule_id not in after.awards]
    added = [rule_id for rule_id in after.awards if rule_id not in before.awards]
    if removed:
        lines.append(t(locale, "result.change.removed", titles=separator.join(_title(r, locale) for r in removed)))
    if added:
        lines.append(t(locale, "result.change.added", titles=separator.join(_title(r, locale) for r in added)))
    for rule_id, amount in after.awards.items():
        old = before.awards.get(rule_id, amount)
        if rule_id in before.awards and old != amount:
            lines.append(t(locale, "result.change.amount", title=_title(rule_id, locale), old=money(old),
                           new=money(amount)))
    if before.possible != after.possible:
        lines.append(t(locale, "result.change.possible", old=before.possible, new=after.possible))
    if lines and before.total_cny == after.total_cny:
        lines.insert(0, t(locale, "result.change.same_total", amount=money(after.total_cny)))
    return lines


def change_text(before: ResultSnapshot, view: ResultView, locale: str) -> str:
    """The answer to a change that led to a result again."""
    lines = change_lines(before, snapshot(view), locale)
    if not lines:
        return t(locale, "result.change.unchanged", amount=format_cny(view.total_cny, locale))
    return ("; " if locale == "en" else "；").join(lines)
