"""``awardbot records``: the staff's view of finished assessments kept in the store.

``awardbot records export [--format csv|json] [--since DATE]`` prints the records (newest first);
``awardbot records diff [--limit N]`` reruns every stored profile on today's rules and prints what
changed against the stored result. The store is the one ``awardbot serve`` uses (settings from
the environment). The CSV/JSON shapes are those of ``GET /api/records`` (:mod:`bot.records_export`).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from bot.records_export import parse_since, records_csv, records_json_data
from locales import normalize_locale, t, tn

if TYPE_CHECKING:
    from bot.questions.models import OwnerQuestion
    from bot.settings import Settings
    from bot.store import AssessmentRecord


# --- diff -------------------------------------------------------------------------------------


def _amount(value: float | None, locale: str) -> str:
    from locales.formatting import format_cny

    return format_cny(value, locale)


def diff_lines(old: dict[str, Any], new: dict[str, Any], locale: str) -> list[str]:
    """What changed from the stored assessment ``old`` to the fresh one ``new`` (empty: nothing), in
    the staff's words; the differences are :func:`dialogs.notices.compare`'s, the one diff of results."""
    from dialogs.notices import compare, digest_of_json

    before, after = digest_of_json(old), digest_of_json(new)
    lines = []
    for change in compare(before, after):
        was, now = change.before, change.after
        if change.kind == "ruleset":
            lines.append(t(locale, "web.records.ruleset", old=old.get("ruleset_version"),
                           new=new.get("ruleset_version")))
        elif change.kind == "total":
            lines.append(t(locale, "web.records.total", old=_amount(old.get("total_max_award_cny"), locale),
                           new=_amount(new.get("total_max_award_cny"), locale)))
        elif change.kind == "added" and now is not None:
            lines.append(t(locale, "web.records.added", rule=change.key, status=now.status,
                           amount=_amount(now.amount, locale)))
        elif change.kind == "removed" and was is not None:
            lines.append(t(locale, "web.records.removed", rule=change.key, status=was.status,
                           amount=_amount(was.amount, locale)))
        elif change.kind == "status" and was is not None and now is not None:
            lines.append(t(locale, "web.records.status_changed", rule=change.key, old=was.status, new=now.status))
        elif change.kind == "amount" and was is not None and now is not None:
            lines.append(t(locale, "web.records.amount_changed", rule=change.key,
                           old=_amount(was.amount, locale), new=_amount(now.amount, locale)))
    return lines


def rerun(record: AssessmentRecord, as_of: dt.date) -> dict[str, Any]:
    """The record's profile assessed again on ``as_of`` with the rules installed now."""
    from rules.profile import Profile
    from rules.report import assess_profile

    profile = Profile.model_validate(record.profile)
    return assess_profile(profile, as_of=as_of, locale=record.locale)


def diff_report(records: list[AssessmentRecord], as_of: dt.date, locale: str) -> str:
    from pydantic import ValidationError

    if not records:
        return t(locale, "web.records.no_records")
    out, changed = [], 0
    for record in records:
        out.append(t(locale, "web.records.record", id=record.id, created_at=record.created_at.isoformat(),
                     channel=record.channel, key=record.conversation_key))
        try:
            lines = diff_lines(record.result, rerun(record, as_of), locale)
        except ValidationError as exc:
            lines = [t(locale, "web.records.unreadable", problem=exc.errors()[0].get("msg", ""))]
        changed += bool(lines)
        out.extend(lines or [t(locale, "web.records.unchanged")])
    out.append(tn(locale, "web.records.summary", len(records), changed=changed))
    return "\n".join(out)


# --- the command ------------------------------------------------------------------------------


def load_settings() -> Settings:
    """The settings from the environment; invalid ones exit 2 with one localised line."""
    from pydantic import ValidationError

    from bot.cli import InputError
    from bot.settings import Settings

    try:
        return Settings()
    except ValidationError as exc:
        error = exc.errors()[0]
        problem = f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
        locale = normalize_locale(os.environ.get("AWARDBOT_DEFAULT_LOCALE"))
        raise InputError(t(locale, "web.serve.bad_settings", problem=problem)) from None


async def _load(settings: Settings, since: dt.datetime | None, limit: int) -> list[AssessmentRecord]:
    from bot.store import open_store

    store = open_store(settings.store_url, idle_ttl_seconds=settings.idle_ttl_seconds)
    try:
        return await store.list_records(since=since, limit=limit)
    finally:
        await store.close()


async def _load_questions(settings: Settings, since: dt.datetime | None, limit: int) -> list[OwnerQuestion]:
    from bot.store import open_store

    store = open_store(settings.store_url, idle_ttl_seconds=settings.idle_ttl_seconds)
    try:
        return await store.list_questions(since=since, limit=limit)  # type: ignore[attr-defined]
    finally:
        await store.close()


def cmd_export(args: argparse.Namespace) -> int:
    from bot.cli import InputError

    settings = load_settings()
    locale = args.locale or settings.default_locale
    since = None
    if args.since:
        since = parse_since(args.since)
        if since is None:
            raise InputError(t(locale, "web.records.bad_since", value=args.since))
    from bot.questions.export import questions_csv, with_questions

    json_out = args.format == "json"
    records = asyncio.run(_load(settings, since, args.limit)) if json_out or args.kind == "assessments" else []
    questions = asyncio.run(_load_questions(settings, since, args.limit)) if json_out or args.kind == "questions" \
        else []
    if args.format == "json":
        data = with_questions(records_json_data(records), questions)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif args.kind == "questions":
        sys.stdout.write(questions_csv(questions))
    else:
        sys.stdout.write(records_csv(records))
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    settings = load_settings()
    locale = args.locale or settings.default_locale
    records = asyncio.run(_load(settings, None, args.limit))
    sys.stdout.write(diff_report(records, dt.date.today(), locale) + "\n")
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def register(subparsers: argparse._SubParsersAction) -> None:
    locale = "en"  # like the rest of ``awardbot --help``
    records = subparsers.add_parser("records", help=t(locale, "web.records.help"),
                                    description=t(locale, "web.records.help"))
    actions = records.add_subparsers(dest="records_command", required=True)

    export = actions.add_parser("export", help=t(locale, "web.records.export_help"))
    export.add_argument("--format", choices=("csv", "json"), default="csv", help=t(locale, "web.records.format_help"))
    export.add_argument("--since", default=None, metavar="DATE", help=t(locale, "web.records.since_help"))
    export.add_argument("--limit", type=_positive, default=100_000, help=t(locale, "web.records.limit_help"))
    export.add_argument("--kind", choices=("assessments", "questions"), default="assessments",
                        help=t(locale, "web.records.kind_help"))
    export.set_defaults(handler=cmd_export)

    diff = actions.add_parser("diff", help=t(locale, "web.records.diff_help"))
    diff.add_argument("--limit", type=_positive, default=1000, help=t(locale, "web.records.limit_help"))
    diff.set_defaults(handler=cmd_diff)

    for parser in (export, diff):
        parser.add_argument("--locale", default=None, type=normalize_locale,
                            help="zh-CN or en (default: AWARDBOT_DEFAULT_LOCALE)")
