"""Fixtures for the end-to-end tests of awardbot's Telegram channel (product code against the emulator).

* ``store`` / ``service``: a temporary SQLite store and the ConversationService on it.
* ``bot_settings``: Settings pointing the bot at the emulator.
* ``run_bot``: ``async with run_bot(service) as application:`` builds the product Application with
  :func:`bot.telegram.build_application` (emulator request adapters) and runs it with
  :func:`bot.telegram.start_telegram` / :func:`bot.telegram.stop_telegram`. Call it again for a
  restarted bot: all runs of a test share the Bot-API-side state, as a real Telegram would.
* ``chinese_user``: a second emulator user whose Telegram client is set to Chinese.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from bot.conversation_service import ConversationService
from bot.settings import Settings
from bot.store import Store
from bot.telegram import build_application, telegram_running

from ..ptb_emulator_adapter import EmulatorBotApiState, EmulatorCompatibleRequest
from ..telegram_emulator import EmulatorUser, TelegramEmulator

RunBot = Callable[..., contextlib.AbstractAsyncContextManager[Application]]


@pytest.fixture
def service(store: Store) -> ConversationService:
    return ConversationService(store)


@pytest.fixture
def bot_settings(telegram_emulator: TelegramEmulator, emulator_bot_token: str, tmp_path: Path) -> Settings:
    return Settings(_env_file=None, TELEGRAM_BOT_TOKEN=emulator_bot_token,  # type: ignore[call-arg]
                    telegram_base_url=telegram_emulator.base_url, data_dir=tmp_path)


@pytest.fixture
def run_bot(bot_settings: Settings, emulator_bot_api_state: EmulatorBotApiState) -> RunBot:
    @contextlib.asynccontextmanager
    async def running(service: ConversationService, settings: Settings | None = None,
                      **start_options: Any) -> AsyncIterator[Application]:
        application = build_application(
            settings or bot_settings, service,
            request=EmulatorCompatibleRequest(emulator_bot_api_state),
            get_updates_request=EmulatorCompatibleRequest(emulator_bot_api_state, connection_pool_size=4))
        async with telegram_running(application, settings or bot_settings, **start_options):
            yield application

    return running


@pytest.fixture
async def chinese_user(telegram_emulator: TelegramEmulator, emulator_bot_token: str) -> AsyncIterator[EmulatorUser]:
    async with telegram_emulator.user(emulator_bot_token, user_id=200002, language_code="zh-hans") as user:
        yield user
