"""``awardbot serve``: run the product — API, widget and staff page on ``127.0.0.1:8000`` by
default, and the Telegram bot too when ``TELEGRAM_BOT_TOKEN`` is set (its webhook, if any, on the
same app and port).

One worker: uvicorn runs programmatically, ``uvicorn.Server`` in an ``asyncio.Runner`` on uvicorn's
loop factory (uvloop). The FastAPI lifespan opens the store and starts the Telegram bot in the same
loop; on SIGINT/SIGTERM uvicorn drains the requests, then the lifespan stops Telegram and closes
the store, and the command exits 0. ``--workers N``: uvicorn's process supervisor runs N such
workers on one listening socket, sharing the store (SQLite in WAL mode on one machine, Redis
across machines); the Telegram bot polls in exactly one of them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import signal
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from locales import normalize_locale, t

if TYPE_CHECKING:
    import uvicorn
    from fastapi import FastAPI

    from bot.settings import Settings

log = logging.getLogger("bot.serve")

QUIET_LOGGERS = ("httpx", "httpcore", "telegram", "apscheduler")
"""At INFO these log every request URL, and Bot API URLs contain the bot token."""
GRACEFUL_SHUTDOWN_SECONDS = 10
KEEP_ALIVE_SECONDS = 75
"""How long an idle keep-alive connection stays open. uvicorn's 5 s closes connections that a
client (or a proxy's pool) is about to reuse: at 1,000 connections the load generator saw those
closes as connection resets on its next POST. Longer than common client and proxy idle timeouts
(nginx keeps upstream connections 60 s), so the client, not the server, closes first."""
BACKLOG = 4096
"""Pending connections the kernel queues (uvicorn's default 2048 is below a 1,000-user burst on
several listeners; the kernel caps it at net.core.somaxconn)."""


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
                                                 ("telegram_webhook_url", args.webhook),
                                                 ("workers", args.workers)) if value is not None}
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        error = exc.errors()[0]
        problem = f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}"
        raise InputError(t(normalize_locale(os.environ.get("AWARDBOT_DEFAULT_LOCALE")), "web.serve.bad_settings",
                           problem=problem)) from None


@contextlib.asynccontextmanager
async def startup_frozen(_app: FastAPI) -> AsyncIterator[None]:
    """For ``create_app(background=[…])``, last: once started, with the rules, questions and strings
    loaded, everything built so far leaves the garbage collector's sight (``gc.freeze``), so its
    full collections walk only what requests make (about 7 % of a chat turn's CPU otherwise)."""
    from dialogs.conversation import start
    from locales import LOCALES

    for locale in LOCALES:
        start(locale)
    gc.freeze()
    log.debug("%d objects built at start-up frozen", gc.get_freeze_count())
    yield


def build_app(settings: Settings, telegram_options: dict | None = None) -> FastAPI:
    """The web app with the Telegram bot alongside (and its webhook route when configured)."""
    from bot.questions.delivery import answers_alongside
    from bot.telegram_runner import install_webhook_route, telegram_alongside
    from bot.web.main import create_app

    app = create_app(settings, background=[telegram_alongside(settings, telegram_options),
                                           answers_alongside(settings), startup_frozen])
    install_webhook_route(app, settings)
    return app


def worker_app() -> FastAPI:
    """The app factory each worker process calls (``--workers`` > 1); settings from the environment,
    where :func:`cmd_serve` put the command line's overrides."""
    from bot.settings import Settings

    settings = Settings()
    configure_logging(settings.log_level)
    return build_app(settings)


def worker_count(settings: Settings) -> int:
    return settings.workers or os.cpu_count() or 1


def _uvicorn_config(settings: Settings, app: object, **options: object) -> uvicorn.Config:
    import uvicorn

    return uvicorn.Config(
        app, host=settings.host, port=settings.port, log_config=None, log_level=settings.log_level.lower(),
        access_log=settings.log_level.upper() == "DEBUG", lifespan="on", server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS, proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips, backlog=BACKLOG, timeout_keep_alive=KEEP_ALIVE_SECONDS,
        **options,
    )


def build_server(settings: Settings) -> uvicorn.Server:
    """uvicorn serving the app; the app's lifespan opens the store and starts Telegram."""
    import uvicorn

    return uvicorn.Server(_uvicorn_config(settings, build_app(settings)))


def _serve_workers(settings: Settings, workers: int) -> int:
    """N worker processes on one socket (uvicorn's supervisor restarts a worker that dies)."""
    from uvicorn.supervisors import Multiprocess

    for name, value in (("HOST", settings.host), ("PORT", settings.port), ("WORKERS", workers),
                        ("TELEGRAM_WEBHOOK_URL", settings.telegram_webhook_url)):
        if value is not None:
            os.environ[f"AWARDBOT_{name}"] = str(value)
    config = _uvicorn_config(settings, "bot.serve_cli:worker_app", factory=True, workers=workers)
    sock = config.bind_socket()
    log.info("serving on http://%s:%d with %d workers (widget /static/widget.js, staff page /staff, "
             "API docs /docs)", settings.host, settings.port, workers)
    Multiprocess(config, sockets=[sock]).run()
    log.info("stopped")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import asyncio

    settings = load_settings(args)
    configure_logging(settings.log_level)
    workers = worker_count(settings)
    if workers > 1:
        return _serve_workers(settings, workers)
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
    epilog = f"{t(locale, 'web.serve.notes')}\n\n{t(locale, 'web.serve.settings_title')}\n{settings_help()}"
    parser = subparsers.add_parser(
        "serve", help=t(locale, "web.serve.description"), description=t(locale, "web.serve.description"),
        epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default=None, help=t(locale, "web.serve.host_help"))
    parser.add_argument("--port", type=int, default=None, help=t(locale, "web.serve.port_help"))
    parser.add_argument("--webhook", default=None, metavar="URL", help=t(locale, "web.serve.webhook_help"))
    parser.add_argument("--workers", type=int, default=None, metavar="N", help=t(locale, "web.serve.workers_help"))
    parser.set_defaults(handler=cmd_serve)
