"""Fixtures for end-to-end tests of Telegram bots against the ``telegram-test-api`` emulator.

* ``telegram_emulator`` (session): the emulator server on a free loopback port; runs ``npm ci``
  first when ``node_modules/telegram-test-api`` is missing; skips (loudly) only without ``node``.
* ``emulator_bot_token``: a fresh token per test, so tests sharing the emulator stay apart.
* ``emulator_bot_api_state``: the adapter's shared Bot-API-side state for this test (unconfirmed
  updates, ``setMyCommands``, callback answers ...); every Application of the test shares it.
* ``emulator_application_builder``: ``() -> ApplicationBuilder`` wired to the emulator.
* ``emulator_user``: an :class:`EmulatorUser` (user id 100001, private chat, ``en``) for the token.
"""

from __future__ import annotations

import secrets
import warnings
from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from telegram.ext import ApplicationBuilder

from .ptb_emulator_adapter import EmulatorBotApiState, make_emulator_application_builder
from .telegram_emulator import EmulatorUser, TelegramEmulator, ensure_emulator_installed, find_node_executable


@pytest.fixture(scope="session")
def telegram_emulator() -> Iterator[TelegramEmulator]:
    """The telegram-test-api server, started once per test session."""
    if find_node_executable() is None:
        reason = (
            "!!! NODE.JS IS NOT INSTALLED: the Telegram end-to-end tests against telegram-test-api "
            "are SKIPPED. Install `node` and `npm` (then `npm ci`) to run them. !!!"
        )
        warnings.warn(reason, stacklevel=1)
        pytest.skip(reason)
    ensure_emulator_installed()
    with TelegramEmulator() as emulator:
        yield emulator


@pytest.fixture
def emulator_bot_token() -> str:
    """A bot token of the real shape ``<bot id>:<secret>``, unique to this test."""
    return f"{secrets.randbelow(9 * 10**9) + 10**9}:TEST{secrets.token_hex(16)}"


@pytest.fixture
def emulator_bot_api_state() -> EmulatorBotApiState:
    """Bot-API-side state shared by all emulator adapters (and Applications) of this test."""
    return EmulatorBotApiState()


@pytest.fixture
def emulator_application_builder(
    telegram_emulator: TelegramEmulator, emulator_bot_token: str, emulator_bot_api_state: EmulatorBotApiState
) -> Callable[[], ApplicationBuilder]:
    """Factory of ApplicationBuilders for the test's bot; call it again for a restarted bot."""

    def make_builder() -> ApplicationBuilder:
        return make_emulator_application_builder(
            base_url=telegram_emulator.base_url,
            base_file_url=telegram_emulator.base_file_url,
            bot_token=emulator_bot_token,
            state=emulator_bot_api_state,
        )

    return make_builder


@pytest.fixture
async def emulator_user(
    telegram_emulator: TelegramEmulator, emulator_bot_token: str
) -> AsyncIterator[EmulatorUser]:
    """A Telegram user in a private chat with the test's bot."""
    async with telegram_emulator.user(emulator_bot_token) as user:
        yield user
