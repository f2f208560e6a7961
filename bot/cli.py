"""The ``awardbot`` command line: assess, faq, chat, serve, records, notify.

A thin edge: parse arguments, validate input, call the pure core, print. Heavy channel
modules (FastAPI, python-telegram-bot) are imported only by the subcommands that need them,
so ``awardbot assess`` starts fast. Invalid input exits 2 with one localised line on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence

from locales import LOCALES, normalize_locale

EXIT_INVALID_INPUT = 2


class InputError(Exception):
    """A user error to print as one line and exit 2."""


def parse_as_of(value: str | None, locale: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        from locales import t

        problem = t(locale, "input_error.problems.date", input=value)
        raise InputError(t(locale, "input_error.line", field="--as-of", problem=problem,
                           accepted=t(locale, "input_error.accepted.date"))) from None


def print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def cmd_assess(args: argparse.Namespace) -> int:
    from bot.profile_input import ProfileInputError, load_profile_file
    from locales.templates import render
    from rules.report import assess_profile

    as_of = parse_as_of(args.as_of, args.locale)
    try:
        profile = load_profile_file(args.profile, args.locale)
    except ProfileInputError as exc:
        raise InputError(str(exc)) from None
    result = assess_profile(profile, as_of=as_of, locale=args.locale)
    if args.format == "json":
        print_json(result)
    else:
        sys.stdout.write(render(args.locale, "assessment_table.txt.j2", a=result) + "\n")
    return 0


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--locale", default="zh-CN", type=normalize_locale,
                        help=f"language of the output: {' or '.join(LOCALES)} (default zh-CN)")


def build_parser(extra: Sequence[Callable[[argparse._SubParsersAction], None]] = ()) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="awardbot", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    assess = sub.add_parser("assess", help="assess an enterprise profile (JSON) against every clause")
    assess.add_argument("--profile", required=True, help="profile JSON file (CONTRACT §4)")
    assess.add_argument("--as-of", default=None, help="assessment date YYYY-MM-DD (default: today)")
    assess.add_argument("--format", choices=("json", "text"), default="json")
    _add_common(assess)
    assess.set_defaults(handler=cmd_assess)

    for register in extra:
        register(sub)
    return parser


def subcommand_registrars() -> list[Callable[[argparse._SubParsersAction], None]]:
    """Subcommands defined next to their channels; each module's ``register`` adds its parser."""
    registrars = []
    for module_name in ("bot.faq_cli", "bot.chat_cli", "bot.serve_cli", "bot.records_cli",
                        "bot.notify_cli"):
        try:
            module = __import__(module_name, fromlist=["register"])
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        registrars.append(module.register)
    return registrars


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser(subcommand_registrars())
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return int(exc.code or 0)
    try:
        return int(args.handler(args) or 0)
    except InputError as exc:
        sys.stderr.write(f"awardbot: {exc}\n")
        return EXIT_INVALID_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    from bot.cli import main as installed_main  # one module object, so handlers' InputError is caught

    sys.exit(installed_main())
