"""Build the awardbot Telegram Application and run it inside an asyncio loop someone else owns.

``awardbot serve`` calls :func:`build_application`, then :func:`start_telegram` on its own
running loop (next to the web server) and :func:`stop_telegram` on shutdown; tests pass a
``request`` that talks to an emulator. Updates come by long polling, or by webhook when
``settings.telegram_webhook_url`` is set: PTB then listens on ``webhook_listen:webhook_port``
(behind the HTTPS proxy the URL points to), registers the URL with the secret token and
rejects every request whose ``X-Telegram-Bot-Api-Secret-Token`` header does not match.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest

from bot.conversation_service import ConversationService
from bot.settings import Settings
from bot.telegram.concurrency import PerChatUpdateProcessor
from bot.telegram.handlers import register_handlers
from bot.telegram.menu import publish_command_menus

log = logging.getLogger(__name__)

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
LONG_POLL_SECONDS = 30
"""``getUpdates`` long-poll timeout; PTB adds it to the read timeout of that request."""
CONNECT_TIMEOUT_SECONDS = 10.0
READ_TIMEOUT_SECONDS = 15.0
WRITE_TIMEOUT_SECONDS = 15.0
POOL_TIMEOUT_SECONDS = 5.0
CONNECTION_POOL_SIZE = 32
BOOTSTRAP_RETRIES = 5
"""Retries of deleteWebhook/setWebhook at start; the polling loop itself retries for ever."""
FLOOD_RETRIES = 3
"""How often the rate limiter retries a request Telegram refused with RetryAfter."""
MAX_CONCURRENT_UPDATES = 64
DEFAULT_WEBHOOK_LISTEN = "127.0.0.1"
DEFAULT_WEBHOOK_PORT = 8443


def _file_base_url(base_url: str) -> str | None:
    """``https://host/bot`` → ``https://host/file/bot`` (the Bot API's file URL next to it)."""
    stripped = base_url.rstrip("/")
    return stripped[: -len("/bot")] + "/file/bot" if stripped.endswith("/bot") else None


def build_application(settings: Settings, service: ConversationService, *, request: BaseRequest | None = None,
                      get_updates_request: BaseRequest | None = None) -> Application:
    """The Telegram Application of awardbot: handlers, rate limiter, error handler, command menu.

    ``request`` / ``get_updates_request`` replace PTB's HTTP clients (their timeouts are then
    theirs); ``settings.telegram_base_url`` points the bot at another Bot API server.
    """
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    builder = ApplicationBuilder().token(settings.telegram_bot_token.get_secret_value())
    if settings.telegram_base_url:
        builder = builder.base_url(settings.telegram_base_url)
        file_url = _file_base_url(settings.telegram_base_url)
        if file_url:
            builder = builder.base_file_url(file_url)
    if request is not None:
        builder = builder.request(request)
    else:
        builder = (builder.connection_pool_size(CONNECTION_POOL_SIZE).connect_timeout(CONNECT_TIMEOUT_SECONDS)
                   .read_timeout(READ_TIMEOUT_SECONDS).write_timeout(WRITE_TIMEOUT_SECONDS)
                   .pool_timeout(POOL_TIMEOUT_SECONDS))
    if get_updates_request is not None:
        builder = builder.get_updates_request(get_updates_request)
    else:
        builder = (builder.get_updates_connect_timeout(CONNECT_TIMEOUT_SECONDS)
                   .get_updates_read_timeout(READ_TIMEOUT_SECONDS)
                   .get_updates_pool_timeout(POOL_TIMEOUT_SECONDS))
    default_locale = settings.default_locale

    async def post_init(application: Application) -> None:
        await publish_command_menus(application.bot, default_locale)

    application = (builder.rate_limiter(AIORateLimiter(max_retries=FLOOD_RETRIES))
                   .concurrent_updates(PerChatUpdateProcessor(MAX_CONCURRENT_UPDATES))
                   .post_init(post_init)
                   .build())
    register_handlers(application, service, settings.public_base_url)
    return application


def _log_polling_error(error: TelegramError) -> None:
    """Polling errors are retried by PTB; say so without a traceback per attempt."""
    if isinstance(error, NetworkError):
        log.warning("Telegram polling: network error (%s), retrying", error)
    else:
        log.error("Telegram polling failed: %s: %s", type(error).__name__, error)


def _webhook_secret(settings: Settings) -> str:
    if settings.telegram_webhook_secret is not None:
        return settings.telegram_webhook_secret.get_secret_value()
    log.warning("AWARDBOT_TELEGRAM_WEBHOOK_SECRET is not set: using a random secret for this run")
    return secrets.token_urlsafe(32)


async def start_telegram(application: Application, settings: Settings, *, webhook_listen: str | None = None,
                         webhook_port: int | None = None) -> None:
    """Initialise ``application`` and start receiving updates (long polling, or webhook) in this loop.

    Mirrors ``Application.run_polling`` / ``run_webhook`` without owning the loop. On failure
    everything started is stopped again before the exception propagates.
    """
    updater = application.updater
    if updater is None:
        raise ValueError("the Application has no Updater")
    try:
        await application.initialize()
        if application.post_init is not None:
            await application.post_init(application)
        if settings.telegram_webhook_url:
            await updater.start_webhook(
                listen=webhook_listen or DEFAULT_WEBHOOK_LISTEN, port=webhook_port or DEFAULT_WEBHOOK_PORT,
                url_path=urlsplit(settings.telegram_webhook_url).path.lstrip("/"),
                webhook_url=settings.telegram_webhook_url, secret_token=_webhook_secret(settings),
                allowed_updates=ALLOWED_UPDATES, bootstrap_retries=BOOTSTRAP_RETRIES)
            mode = "webhook"
        else:
            await updater.start_polling(timeout=LONG_POLL_SECONDS, allowed_updates=ALLOWED_UPDATES,
                                        bootstrap_retries=BOOTSTRAP_RETRIES, error_callback=_log_polling_error)
            mode = "long polling"
        await application.start()
    except BaseException:
        try:
            await stop_telegram(application)
        except Exception as cleanup_error:  # keep the original failure visible
            log.warning("cleaning up after a failed Telegram start failed too: %s", type(cleanup_error).__name__)
        raise
    log.info("Telegram bot @%s running (%s)", application.bot.username, mode)


async def stop_telegram(application: Application) -> None:
    """Stop receiving updates, finish the running handlers and shut ``application`` down; idempotent."""
    updater = application.updater
    if updater is not None and updater.running:
        await updater.stop()
    if application.running:
        await application.stop()
        if application.post_stop is not None:
            await application.post_stop(application)
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


@contextlib.asynccontextmanager
async def telegram_running(application: Application, settings: Settings, **options: Any) -> AsyncIterator[Application]:
    """``async with telegram_running(app, settings):`` — :func:`start_telegram` … :func:`stop_telegram`."""
    await start_telegram(application, settings, **options)
    try:
        yield application
    finally:
        await stop_telegram(application)
