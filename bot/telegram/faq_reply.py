"""``/faq <question>``: the best-matching policy clauses as short Telegram HTML messages.

Each result shows its title, the maximum amount, who benefits and the citation with the
verbatim quote (in an expandable block quote). Only ``clause_id``, ``title`` and ``citation``
are guaranteed by ``faq.faq_json``; the other fields are shown when present.
``faq`` is imported on first use, so the bot starts even while it is unavailable.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bot.telegram.render import MESSAGE_LIMIT, escape, pack, plain_parts
from locales import t
from locales.formatting import format_cny

FAQ_RESULT_LIMIT = 3
QUERY_ECHO_LENGTH = 60


async def search_faq(query: str, locale: str, limit: int = FAQ_RESULT_LIMIT) -> list[dict[str, Any]]:
    """The results of ``faq.faq_json`` (run in a worker thread: matching is CPU work)."""
    from faq import faq_json

    answer = await asyncio.to_thread(faq_json, query, limit=limit, locale=locale)
    return list(answer.get("results") or [])


def _with_quote(head: str, quote: str) -> list[str]:
    """``head`` and the verbatim ``quote`` in an expandable block quote (unformatted if too long)."""
    if not quote:
        return [head]
    quoted = f"{head}\n<blockquote expandable>{escape(quote)}</blockquote>"
    return [quoted] if len(quoted) <= MESSAGE_LIMIT else [head, *plain_parts(quote)]


def _clause_lines(result: dict[str, Any], locale: str) -> list[str]:
    """Amount, who benefits, validity and source of a clause (the fields that are present)."""
    lines: list[str] = []
    if "max_award_cny" in result:
        amount = result["max_award_cny"]
        lines.append(t(locale, "telegram.faq.amount", amount=format_cny(amount, locale))
                     if isinstance(amount, int | float) else t(locale, "telegram.faq.amount_open"))
    beneficiary = result.get("beneficiary")
    who = beneficiary.get("label") if isinstance(beneficiary, dict) else beneficiary
    if who:
        lines.append(t(locale, "telegram.faq.beneficiary", who=str(who)))
    window = result.get("effective")
    if result.get("in_force") is False and isinstance(window, dict):
        lines.append(t(locale, "telegram.faq.not_in_force", start=window.get("from") or "—",
                       end=window.get("to") or "—"))
    citation = result.get("citation") or {}
    lines.append(t(locale, "telegram.faq.source", document=str(citation.get("document") or ""),
                   article=str(citation.get("article") or "")))
    return lines


def _result_parts(number: int, result: dict[str, Any], locale: str) -> list[str]:
    """One result: bold title and clause id, then the Q&A answer, or the clause's facts and quote."""
    title = str(result.get("title") or result.get("clause_id") or "")
    head = f"<b>{number}. {escape(title)}</b>"  # owners read titles; the citation names document and article
    answer = result.get("answer")
    if isinstance(answer, str) and answer.strip():
        body = plain_parts(answer.strip())
        return [f"{head}\n{body[0]}", *body[1:]] if len(head) + len(body[0]) < MESSAGE_LIMIT else [head, *body]
    head += "".join(f"\n{escape(line)}" for line in _clause_lines(result, locale))
    quote = str((result.get("citation") or {}).get("quote") or "").strip()
    return _with_quote(head, quote)


def faq_messages(query: str, results: list[dict[str, Any]], locale: str) -> list[str]:
    """The HTML messages answering ``/faq query``."""
    shown_query = query[:QUERY_ECHO_LENGTH]
    if not results:
        return plain_parts(t(locale, "telegram.faq.none_found", query=shown_query))
    parts = [*plain_parts(t(locale, "telegram.faq.heading", query=shown_query))]
    for number, result in enumerate(results, start=1):
        parts += _result_parts(number, result, locale)
    return pack(parts)
