"""``awardbot notify [--dry-run] [--as-of DATE]``: send subscribers what changed (see :mod:`bot.notify_run`).

Settings come from the environment like ``awardbot serve`` (the same store, ``TELEGRAM_BOT_TOKEN``,
``AWARDBOT_RULES_DIR``, ``AWARDBOT_NOTIFY_REFRESH_AFTER`` …). Output: one line per notice sent,
unconfirmed, blocked or failed (``--dry-run``: each notice's text), then a summary line. Exit codes:
0 done; 1 some notices could not be sent (they stay pending: the next run retries them), Telegram
could not be reached, or a subscription's answers could not be read; 2 invalid input or settings (no
token without ``--dry-run``, an unreadable ``AWARDBOT_RULES_DIR``); 3 some notices are unconfirmed (a run died while sending them; not resent).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
from typing import TYPE_CHECKING

from locales import normalize_locale, t

if TYPE_CHECKING:
    from telegram.request import BaseRequest

    from bot.notify_run import RunReport
    from bot.settings import Settings


def _print(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


async def notify(settings: Settings, *, as_of: dt.date, dry_run: bool, locale: str,
                 request: BaseRequest | None = None) -> RunReport:
    """One run on ``settings``' store and rules; ``request`` replaces PTB's HTTP client (tests)."""
    from bot.notify_run import NotifyRun
    from bot.store import open_store
    from rules.loader import default_ruleset, load_ruleset

    ruleset = load_ruleset(settings.rules_dir) if settings.rules_dir else default_ruleset()
    store = open_store(settings.store_url, idle_ttl_seconds=settings.idle_ttl_seconds)
    try:
        run = NotifyRun(store, ruleset, as_of, refresh_after=settings.refresh_after,
                        claim_lease_seconds=settings.notify_claim_lease_seconds, locale=locale, out=_print,
                        keep_seconds=settings.notify_keep_days * 24 * 3600)
        if dry_run:
            report = await run.dry_run()
        else:
            from bot.telegram.notices import notice_bot, telegram_sender

            assert settings.telegram_bot_token is not None
            from telegram.error import TelegramError

            bot = notice_bot(settings.telegram_bot_token.get_secret_value(), settings.telegram_base_url, request)
            try:
                await bot.initialize()  # getMe: the token and the Bot API are checked before anything is claimed
            except TelegramError as exc:
                _print(t(locale, "notify.unreachable", error=f"{type(exc).__name__}: {exc}"[:200]))
                run.report.failed += 1
                report = run.report
            else:
                try:
                    report = await run.run(telegram_sender(bot))
                finally:
                    await bot.shutdown()
    finally:
        await store.close()
    _print(report.summary(locale))
    return report


def cmd_notify(args: argparse.Namespace) -> int:
    from bot.cli import InputError, parse_as_of
    from bot.records_cli import load_settings
    from rules.loader import RuleDataError

    settings = load_settings()
    locale = args.locale or settings.default_locale
    as_of = parse_as_of(args.as_of, locale) or dt.date.today()
    if not args.dry_run and settings.telegram_bot_token is None:
        raise InputError(t(locale, "notify.no_token"))
    try:
        return asyncio.run(notify(settings, as_of=as_of, dry_run=args.dry_run, locale=locale)).exit_code
    except (RuleDataError, OSError) as exc:  # AWARDBOT_RULES_DIR missing or malformed
        raise InputError(t(locale, "notify.bad_rules", problem=str(exc)[:300])) from None


def register(subparsers: argparse._SubParsersAction) -> None:
    locale = "en"  # like the rest of ``awardbot --help``
    parser = subparsers.add_parser("notify", help=t(locale, "notify.help"), description=t(locale, "notify.help"),
                                   epilog=__doc__.split("\n\n", 1)[1] if __doc__ else None,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dry-run", action="store_true", help=t(locale, "notify.dry_run_help"))
    parser.add_argument("--as-of", default=None, metavar="DATE", help=t(locale, "notify.as_of_help"))
    parser.add_argument("--locale", default=None, type=normalize_locale,
                        help="language of the output: zh-CN or en (default: AWARDBOT_DEFAULT_LOCALE)")
    parser.set_defaults(handler=cmd_notify)
