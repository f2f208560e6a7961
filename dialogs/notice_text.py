"""The change notice in words: one phone screen unasked, the clauses' text on request. Pure.

:func:`notice_text` says what changed and why — each change with its clause (its title and citation:
document and article; owners never read internal rule ids) and the date that matters (window end, as-of date), the total before and after, and
why (the policy data changed, or only the date moved) — in at most :data:`NOTICE_LIMIT`
characters; changes that do not fit are counted ("and 2 more: see the details").
:func:`notice_details` gives each changed clause's verbatim excerpt, as the result's detail
buttons do. :func:`refresh_text` is the yearly "refresh last year's figures" prompt. Titles come
from the ruleset in the notice's language; a clause the rules no longer hold is named by
its citation.
"""

from __future__ import annotations

from dialogs.notices import Change, MatchDigest, ResultDigest
from locales import t, tn
from locales.formatting import format_cny
from rules.loader import Ruleset

NOTICE_LIMIT = 900
"""Characters of the notice sent unasked: one phone screen (as the result's summary)."""
DETAIL_LIMIT = 3500
"""Characters of the details message (Telegram allows 4,096)."""


def _title(ruleset: Ruleset, match: MatchDigest, locale: str) -> str:
    rule = ruleset.by_id.get(match.rule_id)
    return rule.title.get(locale) if rule is not None else t(locale, "notice.removed_title")


def _citation(match: MatchDigest) -> str:
    return f"{match.document}{match.article}"


def change_line(ruleset: Ruleset, change: Change, locale: str) -> str:
    """One change in one line."""
    match = change.after or change.before
    assert match is not None
    params = {"title": _title(ruleset, match, locale), "citation": _citation(match)}
    money = lambda value: format_cny(value, locale)  # noqa: E731
    if change.kind == "new_award":
        return t(locale, "notice.change.new_award", amount=money(match.amount), **params)
    if change.kind == "lost_award":
        reason = "gone" if change.after is None else change.after.status
        return t(locale, "notice.change.lost_award", now=t(locale, f"notice.now.{reason}"), **params)
    if change.kind == "expired":
        return t(locale, "notice.change.expired", date=match.window_to, **params)
    if change.kind == "amount":
        assert change.before is not None
        return t(locale, "notice.change.amount", old=money(change.before.amount), new=money(match.amount), **params)
    if change.kind == "closing":
        return t(locale, "notice.change.closing", date=match.window_to, days=change.days, **params)
    raise ValueError(f"not a notice change: {change.kind}")


def _why(old: ResultDigest, new: ResultDigest, locale: str) -> str:
    if old.ruleset_version != new.ruleset_version:
        return t(locale, "notice.why.rules", date=new.as_of)
    return t(locale, "notice.why.date", date=new.as_of)


def notice_text(ruleset: Ruleset, old: ResultDigest, new: ResultDigest, changes: list[Change], locale: str,
                limit: int = NOTICE_LIMIT, lines: list[str] | None = None) -> str:
    """The notice of ``changes`` (see the module docstring); ``changes`` must not be empty. ``lines``: the
    changes' lines (:func:`change_line`), when the caller worded them already."""
    if not changes:
        raise ValueError("a notice needs at least one change")
    head = [t(locale, "notice.title", date=new.as_of)]
    tail = []
    if old.total_cny != new.total_cny:
        tail.append(t(locale, "notice.total", old=format_cny(old.total_cny, locale),
                      new=format_cny(new.total_cny, locale)))
    tail += [_why(old, new, locale), t(locale, "notice.footer")]
    lines = lines if lines is not None else [change_line(ruleset, change, locale) for change in changes]
    shown = len(lines)
    while shown > 1 and len(_joined(head, lines[:shown], tail, len(lines) - shown, locale)) > limit:
        shown -= 1
    return _joined(head, lines[:shown], tail, len(lines) - shown, locale)


def _joined(head: list[str], lines: list[str], tail: list[str], hidden: int, locale: str) -> str:
    more = [tn(locale, "notice.more", hidden)] if hidden else []
    return "\n".join([*head, *lines, *more, "", *tail])


def notice_details(ruleset: Ruleset, changes: list[Change], locale: str, limit: int = DETAIL_LIMIT,
                   lines: list[str] | None = None) -> str:
    """Each changed clause once: its line (``lines``: the changes' lines, worded already), then the verbatim
    sentence that decides it (or that the rules no longer hold it)."""
    parts, seen = [], set()
    for index, change in enumerate(changes):
        match = change.after or change.before
        assert match is not None
        parts.append(lines[index] if lines is not None else change_line(ruleset, change, locale))
        if match.rule_id in seen:
            continue
        seen.add(match.rule_id)
        rule = ruleset.by_id.get(match.rule_id)
        if rule is None:
            parts.append(t(locale, "notice.details.removed_clause", citation=_citation(match)))
        else:
            parts.append(t(locale, "notice.details.quote", citation=_citation(match),
                           quote=rule.excerpt or rule.quote))
    text = "\n".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def refresh_text(year: int, locale: str) -> str:
    """The yearly prompt to refresh last year's figures (the button reopens the conversation)."""
    return t(locale, "notice.refresh.text", year=year, last_year=year - 1)
