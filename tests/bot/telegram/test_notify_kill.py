"""``awardbot notify`` killed with SIGKILL halfway, then run again: every owner gets each notice once.

Child processes (tests/bot/telegram/notify_child.py) run the real notify against the emulator and
a SQLite or Redis store. The first is killed right after Telegram accepted its third message, before
marking it sent; the rerun sends the rest, and reports the third as unconfirmed instead of sending
it again (the never-twice choice, README "Change notices"). Two runs started at once send nothing twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis

from bot.store import Store, open_store
from bot.subscribing import subscription_for
from dialogs.state import DialogState

from ..telegram_emulator import EmulatorUser, TelegramEmulator
from .test_notices import FIRM, changed_ruleset

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[3]
AS_OF = dt.date(2026, 11, 24)
OWNERS = 5


REDIS_DATABASES = itertools.count(1)
"""Each Redis test gets a database of its own (the child processes use the default key prefix)."""


@pytest.fixture(params=["sqlite", "redis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kill.db'}"
    url = request.getfixturevalue("redis_server").url.rsplit("/", 1)[0] + f"/{next(REDIS_DATABASES) % 16}"
    redis.Redis.from_url(url).flushdb()
    return url


def run_child(env: dict[str, str], kill_after: int) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "tests.bot.telegram.notify_child", AS_OF.isoformat(),
                             str(kill_after)], cwd=PROJECT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


async def finished(child: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = await asyncio.to_thread(child.communicate, timeout=120)
    return child.returncode, out


async def subscribed_owners(stack: AsyncExitStack, emulator: TelegramEmulator, token: str,
                            store: Store) -> list[EmulatorUser]:
    users = []
    for index in range(OWNERS):
        user = await stack.enter_async_context(emulator.user(token, user_id=300001 + index))
        state = DialogState(locale="en", answers=dict(FIRM), done=True, as_of=AS_OF)  # type: ignore[arg-type]
        await store.save_subscription(subscription_for(f"tg:{user.user_id}", user.user_id, state))
        users.append(user)
    return users


def child_env(url: str, emulator: TelegramEmulator, token: str, rules: Path, lease: float) -> dict[str, str]:
    env = {**os.environ, "AWARDBOT_STORE": url, "TELEGRAM_BOT_TOKEN": token,
           "AWARDBOT_TELEGRAM_BASE_URL": emulator.base_url, "AWARDBOT_RULES_DIR": str(rules),
           "AWARDBOT_NOTIFY_CLAIM_LEASE_SECONDS": str(lease), "PYTHONPATH": str(PROJECT)}
    return env


async def notices_received(users: list[EmulatorUser]) -> list[int]:
    return [sum("Amount changed" in m.plain_text for m in await user.bot_messages_history()) for user in users]


@dataclass
class Owners:
    """Subscribed emulator users on the test's store, and the environment of a child ``notify`` run."""

    store: Store
    users: list[EmulatorUser]
    env: Callable[[float], dict[str, str]]  # claim lease (seconds) -> the child's environment


@pytest.fixture
async def owners(store_url: str, telegram_emulator: TelegramEmulator, emulator_bot_token: str,
                 tmp_path: Path) -> AsyncIterator[Owners]:
    rules = changed_ruleset(tmp_path)
    async with AsyncExitStack() as stack:
        store = open_store(store_url)
        stack.push_async_callback(store.close)
        users = await subscribed_owners(stack, telegram_emulator, emulator_bot_token, store)
        yield Owners(store, users, lambda lease: child_env(store_url, telegram_emulator, emulator_bot_token,
                                                           rules, lease))


async def test_sigkill_mid_run_then_rerun_sends_each_notice_once(owners: Owners) -> None:
    store, users = owners.store, owners.users
    code, out = await finished(run_child(owners.env(900), kill_after=3))
    assert code == -signal.SIGKILL, out
    assert await notices_received(users) == [1, 1, 1, 0, 0]
    states = sorted(n.state for n in await store.list_notices())
    assert states == ["claimed", "sent", "sent"]  # the third: accepted by Telegram, never marked

    code, out = await finished(run_child(owners.env(0.001), kill_after=0))
    assert code == 3, out  # some notices are unconfirmed
    assert "Unconfirmed: notice" in out and "2 sent" in out and "1 unconfirmed" in out
    await asyncio.sleep(0.3)
    assert await notices_received(users) == [1] * OWNERS  # each notice once: none lost, none twice
    assert sorted(n.state for n in await store.list_notices()) == ["sent"] * 4 + ["unconfirmed"]

    code, out = await finished(run_child(owners.env(0.001), kill_after=0))
    assert code == 0 and "0 with changes" in out, out
    assert await notices_received(users) == [1] * OWNERS


async def test_two_runs_at_once_send_nothing_twice(owners: Owners) -> None:
    env = owners.env(900)
    results = await asyncio.gather(finished(run_child(env, 0)), finished(run_child(env, 0)))
    assert [code for code, _ in results] == [0, 0], results
    await asyncio.sleep(0.3)
    assert await notices_received(owners.users) == [1] * OWNERS
