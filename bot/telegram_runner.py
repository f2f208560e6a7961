"""The Telegram bot inside ``awardbot serve``: run next to the web in the same event loop.

:func:`run_telegram` is started as a task by the web app's lifespan and uses the Telegram
channel's own helpers (:mod:`bot.telegram.app`); :func:`stop_telegram_task` stops it before the
store is closed. Telegram being slow, unreachable or misconfigured never keeps the web down.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

from bot.conversation_service import ConversationService
from bot.settings import Settings

log = logging.getLogger(__name__)

TELEGRAM_STOP_SECONDS = 15
TELEGRAM_RETRY_FIRST_SECONDS = 5
TELEGRAM_RETRY_MAX_SECONDS = 300


async def run_telegram(settings: Settings, service: ConversationService, build_options: Mapping[str, Any],
                       stopping: asyncio.Event) -> None:
    """Run the Telegram bot until ``stopping`` is set. Started next to the web, not before it: a
    slow or unreachable Telegram never keeps the web from serving; starting is retried with backoff."""
    try:
        from telegram.error import InvalidToken, TelegramError

        from bot.telegram.app import build_application, start_telegram, stop_telegram
    except ImportError as exc:
        log.error("TELEGRAM_BOT_TOKEN is set but the Telegram bot is not available (%s); web only", exc)
        return
    delay = TELEGRAM_RETRY_FIRST_SECONDS
    while True:
        try:
            application = build_application(settings, service, **build_options)
            await start_telegram(application, settings)
            break
        except InvalidToken:
            log.critical("Telegram refused TELEGRAM_BOT_TOKEN: the Telegram bot is NOT running; "
                         "fix or unset the token")
            return
        except (TelegramError, OSError) as exc:
            log.error("the Telegram bot could not start (%s: %s); the web keeps running, retrying in %d s",
                      type(exc).__name__, exc, delay)
        except Exception:
            log.exception("the Telegram bot could not start; the web keeps running without it")
            return
        try:
            await asyncio.wait_for(stopping.wait(), delay)
            return
        except TimeoutError:
            delay = min(2 * delay, TELEGRAM_RETRY_MAX_SECONDS)
    try:
        await stopping.wait()
    finally:
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
