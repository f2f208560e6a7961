"""The Telegram bot inside ``awardbot serve``: run next to the web, in the same event loop and app.

:func:`telegram_alongside` is what ``awardbot serve`` hands :func:`bot.web.main.create_app` to run
while the web serves; it uses the Telegram channel's own helpers (:mod:`bot.telegram.app`).
Telegram being slow, unreachable or misconfigured never keeps the web down.

Updates come by long polling, or, when ``AWARDBOT_TELEGRAM_WEBHOOK_URL`` is set, by webhook on the
web app itself (same host and port): ``POST`` to that URL's path, with Telegram's secret-token
header. With several workers (``--workers``) exactly one polls and registers the webhook (the one
holding ``<data_dir>/telegram.lock``; another takes over if it dies); in webhook mode every worker
takes the updates the load balancer gives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from bot.settings import Settings
from bot.web.main import Background

log = logging.getLogger(__name__)

TELEGRAM_STOP_SECONDS = 15
TELEGRAM_RETRY_FIRST_SECONDS = 5
TELEGRAM_RETRY_MAX_SECONDS = 300
ELECTION_RETRY_SECONDS = 30
SECRET_HEADER = "x-telegram-bot-api-secret-token"


def webhook_secret(settings: Settings) -> str:
    """The secret Telegram sends with every webhook request: the configured one, else one derived
    from the bot token (the same in every worker and on every machine, unlike a random one)."""
    if settings.telegram_webhook_secret is not None:
        return settings.telegram_webhook_secret.get_secret_value()
    assert settings.telegram_bot_token is not None
    return hashlib.sha256(b"awardbot-webhook:" + settings.telegram_bot_token.get_secret_value().encode()).hexdigest()


def webhook_path(settings: Settings) -> str | None:
    return (urlsplit(settings.telegram_webhook_url).path or "/") if settings.telegram_webhook_url else None


class Election:
    """One process of a machine holds ``telegram.lock``; the kernel releases it when that process dies."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / "telegram.lock"
        self._fd: int | None = None

    def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def _malformed(body: bytes, error: Exception) -> JSONResponse:
    log.warning("Telegram webhook: malformed update (%d bytes, %s), answered 400", len(body), type(error).__name__)
    return JSONResponse({"detail": "bad update", "message": "bad update"}, status_code=400)


def install_webhook_route(app: FastAPI, settings: Settings) -> None:
    """``POST <path of AWARDBOT_TELEGRAM_WEBHOOK_URL>`` on the web app: updates from Telegram.

    403 without the secret header, 400 for a body that is not an update (logged by size, never
    the body), 503 while the bot is not running; 200 once the update is queued. The body limit of
    the app (``AWARDBOT_MAX_BODY_BYTES``) applies.
    """
    path = webhook_path(settings)
    if path is None:
        return
    expected = webhook_secret(settings).encode()

    async def telegram_webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("Telegram webhook: request without the right secret token refused")
            return JSONResponse({"detail": "forbidden", "message": "forbidden"}, status_code=403)
        body = await request.body()
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
        except ValueError as exc:
            return _malformed(body, exc)
        application = getattr(request.app.state, "telegram", None)
        if application is None:
            return JSONResponse({"detail": "starting", "message": "starting"}, status_code=503)
        try:
            from telegram import Update

            update = Update.de_json(data, application.bot)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            return _malformed(body, exc)
        await application.update_queue.put(update)
        return Response(status_code=200)

    app.add_api_route(path, telegram_webhook, methods=["POST"], include_in_schema=False)


async def _start(settings: Settings, application: Any, elected: bool) -> None:
    from bot.telegram.app import ALLOWED_UPDATES, BOOTSTRAP_RETRIES, start_telegram

    if not settings.telegram_webhook_url:
        await start_telegram(application, settings)
        return
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()  # handlers run; updates arrive through the web app's webhook route
    if elected:
        for attempt in range(BOOTSTRAP_RETRIES):
            try:
                await application.bot.set_webhook(settings.telegram_webhook_url, secret_token=webhook_secret(settings),
                                                  allowed_updates=ALLOWED_UPDATES)
                break
            except Exception:
                if attempt == BOOTSTRAP_RETRIES - 1:
                    raise
                await asyncio.sleep(1)
    log.info("Telegram bot @%s running (webhook at %s on this web app)", application.bot.username,
             webhook_path(settings))


async def run_telegram(settings: Settings, app: FastAPI, build_options: Mapping[str, Any],
                       stopping: asyncio.Event, election: Election) -> None:
    """Run the Telegram bot until ``stopping`` is set. Started next to the web, not before it: a
    slow or unreachable Telegram never keeps the web from serving; starting is retried with backoff."""
    try:
        from telegram.error import InvalidToken, TelegramError

        from bot.telegram.app import build_application, stop_telegram
    except ImportError as exc:
        log.error("TELEGRAM_BOT_TOKEN is set but the Telegram bot is not available (%s); web only", exc)
        return
    webhook = bool(settings.telegram_webhook_url)
    while not election.try_acquire() and not webhook:  # polling: only the elected worker runs the bot
        try:
            await asyncio.wait_for(stopping.wait(), ELECTION_RETRY_SECONDS)
            return
        except TimeoutError:
            continue
    delay = TELEGRAM_RETRY_FIRST_SECONDS
    application = None
    while True:
        try:
            application = build_application(settings, app.state.service, **build_options)
            await _start(settings, application, election.try_acquire())
            break
        except InvalidToken:
            log.critical("Telegram refused TELEGRAM_BOT_TOKEN: the Telegram bot is NOT running; "
                         "fix or unset the token")
            return
        except (TelegramError, OSError) as exc:
            log.error("the Telegram bot could not start (%s: %s); the web keeps running, retrying in %d s",
                      type(exc).__name__, exc, delay)
            if application is not None:
                with contextlib.suppress(Exception):
                    await stop_telegram(application)
        except Exception:
            log.exception("the Telegram bot could not start; the web keeps running without it")
            return
        try:
            await asyncio.wait_for(stopping.wait(), delay)
            return
        except TimeoutError:
            delay = min(2 * delay, TELEGRAM_RETRY_MAX_SECONDS)
    app.state.telegram = application
    try:
        await stopping.wait()
    finally:
        app.state.telegram = None
        await stop_telegram(application)
        log.info("Telegram bot stopped")


async def stop_telegram_task(task: asyncio.Task[None], stopping: asyncio.Event) -> None:
    """Tell :func:`run_telegram` to stop and wait for it (cancelled if it hangs)."""
    stopping.set()
    try:
        await asyncio.wait_for(task, TELEGRAM_STOP_SECONDS)
    except TimeoutError:  # still starting (retrying the Bot API): wait_for cancelled it
        log.warning("the Telegram bot did not stop within %d s; cancelled", TELEGRAM_STOP_SECONDS)
    except Exception:
        log.exception("the Telegram bot failed while stopping")


def telegram_alongside(settings: Settings, build_options: Mapping[str, Any] | None = None) -> Background:
    """For ``create_app(background=[…])``: the Telegram bot while the web serves (when a token is set)."""
    @contextlib.asynccontextmanager
    async def running(app: FastAPI) -> AsyncIterator[None]:
        if settings.telegram_bot_token is None:
            yield
            return
        stopping = asyncio.Event()
        election = Election(settings.data_dir)
        task = asyncio.create_task(run_telegram(settings, app, build_options or {}, stopping, election),
                                   name="telegram")
        try:
            yield
        finally:
            await stop_telegram_task(task, stopping)
            election.release()

    return running
