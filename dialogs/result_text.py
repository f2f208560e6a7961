"""The result in words for chat channels: a short summary that fits one phone screen, and each detail.

Pure: a :class:`dialogs.result_view.ResultView` in, plain text out. The summary is what a chat
sends unasked (the total, one line per counted award, one line each for the possible and the
non-cash items); :func:`detail_text` is what a channel shows when the user asks for one part
(the basis of each award with only the sentence that decides it, the possible items with what
each still needs, the near misses, the other support).
"""

from __future__ import annotations

from dialogs.result_view import ResultView
from locales import t, tn

SUMMARY_LIMIT = 900
"""Characters of the first result message: one phone screen."""
DETAIL_LIMIT = 3500
"""Characters of one detail message (Telegram allows 4,096 after HTML escaping)."""
DETAILS = ("awards", "possible", "near_misses", "non_cash")
"""The parts a channel may show on request, in the order of their buttons."""


def summary_text(view: ResultView, locale: str, limit: int = SUMMARY_LIMIT) -> str:
    """The result on one screen: headline, total, counted awards (as many as fit), the other counts."""
    head = [view.headline, view.total_text]
    tail = []
    if view.count("possible"):
        tail.append(tn(locale, "result.summary.possible", view.count("possible")))
    if view.count("non_cash"):
        tail.append(tn(locale, "result.summary.non_cash", view.count("non_cash")))
    if not view.count("awards") and not tail:
        tail.append(t(locale, "result.summary.nothing"))
    tail.append(t(locale, "result.summary.how_to_change"))
    awards = view.section("awards")
    lines = [t(locale, "result.summary.award", title=item.title, amount=item.amount_text)
             for item in (awards.items if awards else [])]
    shown = len(lines)
    while shown and len(_joined(head, lines[:shown], tail, len(lines) - shown, locale)) > limit:
        shown -= 1
    return _joined(head, lines[:shown], tail, len(lines) - shown, locale)


def _joined(head: list[str], lines: list[str], tail: list[str], hidden: int, locale: str) -> str:
    more = [tn(locale, "result.summary.more_awards", hidden)] if hidden else []
    return "\n".join([*head, *lines, *more, "", *tail])


def detail_text(view: ResultView, part: str, locale: str, limit: int = DETAIL_LIMIT) -> str:
    """One part of the result, for a "details" button or command; empty when that part is empty."""
    section = view.section(part)
    if section is None:
        return ""
    blocks = []
    for item in section.items:
        if part == "awards":
            cite = item.citation
            lines = [t(locale, "result.summary.award", title=item.title, amount=item.amount_text)]
            if cite is not None:
                lines.append(t(locale, "result.lines.basis", document=cite.document, article=cite.article,
                               excerpt=cite.excerpt))
            if item.department:
                lines.append(t(locale, "result.lines.apply_to", unit=item.department))
        elif part == "near_misses":
            lines = [f"· {line}" if locale != "en" else f"- {line}" for line in item.lines[:1]]
        else:
            lines = [t(locale, "result.summary.award", title=item.title, amount=item.amount_text)]
            if item.needs:
                lines.append(t(locale, "result.lines.needs", facts=_list(item.needs, locale)))
        blocks.append("\n".join(lines))
    title = t(locale, f"result.detail.{part}_title")
    text = title
    for position, block in enumerate(blocks):
        more = tn(locale, "result.detail.more", len(blocks) - position)
        if len(text) + len(block) + len(more) + 4 > limit:
            return f"{text}\n\n{more}"
        text += "\n\n" + block
    return text


def _list(parts: list[str], locale: str) -> str:
    return (", " if locale == "en" else "、").join(parts)


def result_messages(view: ResultView, locale: str) -> list[str]:
    """What a chat sends unasked when a result is reached: the summary alone."""
    return [summary_text(view, locale)]
