"""``awardbot serve``: run the product in one process — API, widget and staff page on
``127.0.0.1:8000`` by default, and the Telegram bot too when ``TELEGRAM_BOT_TOKEN`` is set.

uvicorn runs programmatically: ``uvicorn.Server`` in an ``asyncio.Runner`` on uvicorn's loop factory
(uvloop). The FastAPI lifespan opens the store and starts the Telegram bot in the same loop; on
SIGINT/SIGTERM uvicorn drains the requests, then the lifespan stops Telegram and closes the store,
and the command exits 0.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
from typing import TYPE_CHECKING

from locales import normalize_locale, t

if TYPE_CHECKING:
    import uvicorn

    from bot.settings import Settings

log = logging.getLogger("bot.serve")

QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler")
"""At INFO these log every request URL, and Bot API URLs contain the bot token."""
GRACEFUL_SHUTDOWN_SECONDS = 10


def configure_logging(level: str) -> None:
    numeric = logging.getLevelName(level.upper())
    logging.basicConfig(level=numeric if isinstance(numeric, int) else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))


def load_settings(args: argparse.Namespace) -> Settings:
    """Settings from the environment / ``.env`` with the command line's overrides."""
    from pydantic import ValidationError

    from bot.cli import InputError
    from bot.settings import Settings

    overrides = {name: value for name, value in (("host", args.host), ("port", args.port),
                                                 ("telegram_webhook_url", args.webhook)) if value is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        problem = f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
        raise InputError(t(normalize_locale(os.environ.get("AWARDBOT_DEFAULT_LOCALE")), "web.serve.bad_settings",
                           problem=problem)) from None


def build_server(settings: Settings) -> uvicorn.Server:
    """uvicorn serving the app; the app's lifespan opens the store and starts Telegram."""
    import uvicorn

    from bot.web.main import create_app

    app = create_app(settings, with_telegram=True)
    config = uvicorn.Config(
        app, host=settings.host, port=settings.port, log_config=None, log_level=settings.log_level.lower(),
        access_log=settings.log_level.upper() == "DEBUG", lifespan="on", server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    return uvicorn.Server(config)


def cmd_serve(args: argparse.Namespace) -> int:
    import asyncio

    settings = load_settings(args)
    configure_logging(settings.log_level)
    server = build_server(settings)
    received: list[int] = []

    def remember(signum: int, _frame: object) -> None:
        received.append(signum)

    # uvicorn restores the previous handlers after its graceful shutdown and re-raises the signal
    # it caught; with these in place that is a no-op instead of killing the process mid-exit.
    previous = {sig: signal.signal(sig, remember) for sig in (signal.SIGINT, signal.SIGTERM)}
    log.info("serving on http://%s:%d (widget /static/widget.js, staff page /staff, API docs /docs)",
             settings.host, settings.port)
    try:
        # uvicorn's loop factory: uvloop when installed (uvicorn[standard]), as ``uvicorn.run`` does
        with asyncio.Runner(loop_factory=server.config.get_loop_factory()) as runner:
            runner.run(server.serve())
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not server.started:
        return 1  # the port was taken or the lifespan failed; uvicorn logged why
    log.info("stopped%s", f" ({signal.Signals(received[-1]).name})" if received else "")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    from bot.settings import settings_help

    locale = "en"  # like the rest of ``awardbot --help``
    epilog = f"{t(locale, 'web.serve.settings_title')}\n{settings_help()}"
    parser = subparsers.add_parser(
        "serve", help=t(locale, "web.serve.description"), description=t(locale, "web.serve.description"),
        epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=None, help=t(locale, "web.serve.host_help"))
    parser.add_argument("--port", type=int, default=None, help=t(locale, "web.serve.port_help"))
    parser.add_argument("--webhook", default=None, metavar="URL", help=t(locale, "web.serve.webhook_help"))
    parser.set_defaults(handler=cmd_serve)
