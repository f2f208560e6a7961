"""``awardbot faq "QUERY"``: the staff FAQ search on the command line (CONTRACT §5).

    awardbot faq "算力券" [--limit N] [--format json|text] [--locale zh-CN|en]

JSON (the default) is ``faq.faq_json``; text is a readable list with title, score, amount,
who benefits, window, responsible unit and the verbatim quote. An empty query or a bad ``--limit``
exits 2 with one localised line on stderr.
"""

from __future__ import annotations

import argparse
import sys

from bot.cli import InputError, print_json
from locales import LOCALES, normalize_locale


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``faq`` subcommand to ``awardbot``."""
    parser = subparsers.add_parser("faq", help="search the policy clauses and curated Q&A (staff FAQ)")
    parser.add_argument("query", help="what to look for, in Chinese or English (typos are fine)")
    parser.add_argument("--limit", default="5", help="how many results at most (default 5)")
    parser.add_argument("--format", choices=("json", "text"), default="json")
    parser.add_argument("--locale", default="zh-CN", type=normalize_locale,
                        help=f"language of the output: {' or '.join(LOCALES)} (default zh-CN)")
    parser.set_defaults(handler=cmd_faq)


def _parse_limit(value: str, locale: str, maximum: int) -> int:
    from locales import t

    try:
        limit = int(value.strip())
    except ValueError:
        limit = 0
    if not 1 <= limit <= maximum:
        raise InputError(t(locale, "faq.ui.bad_limit", maximum=maximum, input=value))
    return limit


def cmd_faq(args: argparse.Namespace) -> int:
    from faq import MAX_LIMIT, faq_json
    from locales import t

    if not args.query.strip():
        raise InputError(t(args.locale, "faq.ui.empty_query"))
    limit = _parse_limit(args.limit, args.locale, MAX_LIMIT)
    result = faq_json(args.query, limit, args.locale)
    if args.format == "json":
        print_json(result)
    else:
        sys.stdout.write(render_text(args.query, result["results"], args.locale, result["suggestions"]))
    return 0


def _window_text(effective: dict, locale: str) -> str:
    from locales import t

    if effective["to"]:
        return t(locale, "window.bounded", start=effective["from"], end=effective["to"])
    return t(locale, "window.open_end", start=effective["from"])


def _amount_line(result: dict, locale: str) -> str:
    from locales import t
    from locales.formatting import format_cny

    amount = result["max_award_cny"]
    if amount is None:
        return t(locale, "faq.ui.amount_none")
    key = "faq.ui.amount_per_unit" if result["award_basis"] == "per_unit" else "faq.ui.amount"
    return t(locale, key, amount=format_cny(amount, locale))


def _result_lines(number: int, result: dict, locale: str) -> list[str]:
    from locales import t
    from locales.formatting import format_cny

    citation = result["citation"]
    score = t(locale, "faq.ui.score", score=result["score"])
    if result["kind"] == "qa":
        lines = [f"{number}. [{t(locale, 'faq.ui.qa_marker')}] {result['title']}  ({score})",
                 t(locale, "faq.ui.answer", answer=result["answer"])]
        lines += [t(locale, "faq.ui.source", document=source["document"], article=source["article"],
                    quote=source["quote"]) for source in result["citations"]]
        return lines
    status = t(locale, "faq.ui.in_force" if result["in_force"] else "faq.ui.not_in_force")
    facts = [_amount_line(result, locale)]
    if result.get("loan_limit_cny"):
        facts.append(t(locale, "faq.ui.loan_limit", amount=format_cny(result["loan_limit_cny"], locale)))
    facts.append(t(locale, "faq.ui.beneficiary", label=result["beneficiary"]["label"]))
    facts.append(f"{t(locale, 'faq.ui.window', window=_window_text(result['effective'], locale))} ({status})")
    if result["responsible_unit"]:
        facts.append(t(locale, "faq.ui.responsible_unit", unit=result["responsible_unit"]))
    return [
        f"{number}. [{result['rule_id']}] {result['title']}  ({score})",
        " · ".join(facts),
        t(locale, "faq.ui.quote", document=citation["document"], article=citation["article"],
          quote=citation["quote"]),
    ]


def render_text(query: str, results: list[dict], locale: str, suggestions: list[dict] | None = None) -> str:
    """The results as a numbered, readable list; or a line saying nothing matched and one of suggestions."""
    from locales import t

    if not results:
        lines = [t(locale, "faq.ui.no_results", query=query.strip())]
        if suggestions:
            quoted = ("、" if locale != "en" else ", ").join(f"“{s['query']}”" for s in suggestions)
            lines.append(t(locale, "faq.ui.suggestions", topics=quoted))
        return "\n".join(lines) + "\n"
    lines = [t(locale, "faq.ui.header", query=query.strip(), count=len(results))]
    for number, result in enumerate(results, 1):
        lines.append("")
        for i, line in enumerate(_result_lines(number, result, locale)):
            lines.append(("   " if i else "") + line.replace("\n", "\n   "))
    return "\n".join(lines) + "\n"
