"""One ``awardbot notify`` run on SQLite and on Redis, with a recording sender in place of Telegram (the
Telegram end-to-end tests are in tests/bot/telegram/test_notices.py): exactly the difference, once;
dry runs write nothing; dead claims are reported, never resent; blocked chats are unsubscribed;
refused sends are retried; two runs at once send nothing twice; the yearly refresh prompt."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.notify_run import EXIT_OK, EXIT_SOME_FAILED, EXIT_UNCONFIRMED, ChatBlocked, NotifyRun, SendRefused
from bot.store import OutboxNotice, Store, open_store
from bot.subscribing import subscription_for
from dialogs.notices import ResultDigest
from dialogs.state import DialogState
from rules.loader import default_ruleset

BEFORE = dt.date(2025, 11, 1)  # CQ2022 in force
AFTER = dt.date(2026, 1, 5)  # CQ2022 expired on 2025-12-31
TITLED_FIRM = {"district": "渝中区", "is_software_enterprise": True, "revenue_cny": 120_000_000,
               "revenue_prev_cny": 100_000_000, "software_revenue_cny": 110_000_000,
               "software_revenue_prev_max_cny": 90_000_000, "certifications": ["municipal_specialized_sme"],
               "new_certifications": ["municipal_specialized_sme"]}


@pytest.fixture(params=["sqlite", "redis"])
async def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    if request.param == "sqlite":
        opened = open_store(f"sqlite:///{tmp_path / 'notify.db'}")
    else:
        opened = open_store(request.getfixturevalue("redis_server").url, key_prefix=f"t-{uuid.uuid4().hex[:8]}:")
    yield opened
    await opened.close()


class Recorder:
    """Stands in for Telegram: records what it accepted; may fail for chosen chats."""

    def __init__(self, fail: dict[int, Exception] | None = None, delay: float = 0.0) -> None:
        self.sent: list[OutboxNotice] = []
        self.fail = fail or {}
        self.delay = delay

    async def __call__(self, notice: OutboxNotice) -> int:
        await asyncio.sleep(self.delay)
        if notice.chat_id in self.fail:
            raise self.fail[notice.chat_id]
        self.sent.append(notice)
        return 1000 + len(self.sent)


async def subscribe_firm(store: Store, chat_id: int, as_of: dt.date = BEFORE, locale: str = "zh-CN") -> None:
    state = DialogState(locale=locale, answers=dict(TITLED_FIRM), done=True, as_of=as_of)  # type: ignore[arg-type]
    await store.save_subscription(subscription_for(f"tg:{chat_id}", chat_id, state))


def new_run(store: Store, as_of: dt.date, out: list[str] | None = None, lease: float = 900) -> NotifyRun:
    lines = out if out is not None else []
    return NotifyRun(store, default_ruleset(), as_of, refresh_after=(6, 1), claim_lease_seconds=lease,
                     locale="en", out=lines.append)


async def test_a_run_sends_exactly_the_difference_once(any_store: Store) -> None:
    await subscribe_firm(any_store, 1)
    await subscribe_firm(any_store, 2, as_of=AFTER)  # subscribed after the change: nothing to tell
    sender = Recorder()
    report = await new_run(any_store, AFTER).run(sender)
    assert (report.subscribers, report.changed, report.sent, report.exit_code) == (2, 1, 1, EXIT_OK)
    [notice] = sender.sent
    assert notice.chat_id == 1 and notice.kind == "changes"
    assert all(change.startswith("expired CQ2022-") for change in notice.body["changes"])
    assert "渝府办〔2022〕21号" in notice.body["messages"][0] and "2025-12-31" in notice.body["messages"][0]
    stored = await any_store.get_notice(notice.id)
    assert stored is not None and stored.state == "sent" and stored.message_id == 1001
    subscription = await any_store.get_subscription("tg:1")
    assert subscription is not None
    assert ResultDigest.model_validate(subscription.last_sent).as_of == AFTER
    again = Recorder()
    assert (await new_run(any_store, AFTER).run(again)).sent == 0 and again.sent == []


async def test_a_dry_run_prints_the_notices_and_writes_nothing(any_store: Store) -> None:
    await subscribe_firm(any_store, 1)
    before = await any_store.get_subscription("tg:1")
    lines: list[str] = []
    report = await new_run(any_store, AFTER, lines).dry_run()
    assert report.changed == 1 and report.sent == 0
    text = "\n".join(lines)
    assert "Would send to chat 1" in text and "已过期" in text and "渝府办〔2022〕21号" in text
    assert await any_store.list_notices() == []
    assert await any_store.get_subscription("tg:1") == before


async def test_a_blocked_chat_is_unsubscribed(any_store: Store) -> None:
    await subscribe_firm(any_store, 1)
    await subscribe_firm(any_store, 2)
    sender = Recorder(fail={1: ChatBlocked("Forbidden: bot was blocked by the user")})
    report = await new_run(any_store, AFTER).run(sender)
    assert (report.blocked, report.sent) == (1, 1)
    assert await any_store.get_subscription("tg:1") is None and await any_store.count_subscriptions() == 1
    assert [n.chat_id for n in sender.sent] == [2]


async def test_a_refused_send_stays_pending_and_the_next_run_sends_it(any_store: Store) -> None:
    await subscribe_firm(any_store, 1)
    report = await new_run(any_store, AFTER).run(Recorder(fail={1: SendRefused("connection refused")}))
    assert (report.failed, report.exit_code) == (1, EXIT_SOME_FAILED)
    [pending] = await any_store.list_notices("tg:1")
    assert pending.state == "pending"
    sender = Recorder()
    assert (await new_run(any_store, AFTER).run(sender)).sent == 1
    assert [n.id for n in sender.sent] == [pending.id]


async def test_a_claim_left_by_a_dead_run_is_reported_unconfirmed_and_never_resent(any_store: Store) -> None:
    await subscribe_firm(any_store, 1)
    await new_run(any_store, AFTER).run(Recorder(fail={1: SendRefused("x")}))
    [notice] = await any_store.list_notices("tg:1")
    assert await any_store.claim_notice(notice.id, "run-that-died", now=1.0)  # long ago
    lines: list[str] = []
    sender = Recorder()
    report = await new_run(any_store, AFTER, lines).run(sender)
    assert (report.unconfirmed, report.sent, report.exit_code) == (1, 0, EXIT_UNCONFIRMED)
    assert sender.sent == [] and any("Unconfirmed" in line and notice.id in line for line in lines)
    assert (await any_store.get_notice(notice.id)).state == "unconfirmed"  # type: ignore[union-attr]
    subscription = await any_store.get_subscription("tg:1")
    assert ResultDigest.model_validate(subscription.last_sent).as_of == AFTER  # type: ignore[union-attr]


async def test_a_claim_within_its_lease_is_left_to_its_run(any_store: Store) -> None:
    await subscribe_firm(any_store, 1)
    await new_run(any_store, AFTER).run(Recorder(fail={1: SendRefused("x")}))
    [notice] = await any_store.list_notices("tg:1")
    assert await any_store.claim_notice(notice.id, "run-still-sending", now=time.time())
    lines: list[str] = []
    report = await new_run(any_store, AFTER, lines).run(Recorder())
    assert (report.sent, report.unconfirmed) == (0, 0)
    assert any("being sent by another run" in line for line in lines)


async def test_two_runs_at_once_send_each_notice_once(any_store: Store) -> None:
    for chat_id in range(1, 9):
        await subscribe_firm(any_store, chat_id)
    first, second = Recorder(delay=0.01), Recorder(delay=0.01)
    await asyncio.gather(new_run(any_store, AFTER).run(first), new_run(any_store, AFTER).run(second))
    sent = sorted(n.chat_id for n in first.sent + second.sent)
    assert sent == list(range(1, 9))


async def test_the_yearly_refresh_prompt_is_sent_once(any_store: Store) -> None:
    await subscribe_firm(any_store, 1, as_of=AFTER)
    assert (await new_run(any_store, dt.date(2026, 5, 31)).run(Recorder())).refresh == 0
    sender = Recorder()
    report = await new_run(any_store, dt.date(2026, 6, 2)).run(sender)
    assert report.refresh == 1 and [n.kind for n in sender.sent] == ["refresh"]
    assert "2025" in sender.sent[0].body["messages"][0]
    assert (await any_store.get_subscription("tg:1")).refreshed_year == 2026  # type: ignore[union-attr]
    assert (await new_run(any_store, dt.date(2026, 6, 3)).run(Recorder())).refresh == 0


def test_the_cli_dry_run_and_a_missing_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    db = tmp_path / "cli.db"
    monkeypatch.setenv("AWARDBOT_STORE", f"sqlite:///{db}")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env

    async def seed() -> None:
        async with open_store(f"sqlite:///{db}") as store:
            await subscribe_firm(store, 7)

    asyncio.run(seed())
    assert main(["notify", "--dry-run", "--as-of", "2026-01-05", "--locale", "en"]) == 0
    out = capsys.readouterr().out
    assert "Would send to chat 7" in out and "1 with changes" in out and "0 sent" in out
    assert main(["notify", "--as-of", "2026-01-05", "--locale", "en"]) == 2
    assert "TELEGRAM_BOT_TOKEN" in capsys.readouterr().err
    assert main(["notify", "--dry-run", "--as-of", "2026-13-01"]) == 2


def test_the_cli_refuses_an_unreadable_rules_directory_and_an_unreachable_telegram(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setenv("AWARDBOT_STORE", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("AWARDBOT_RULES_DIR", str(tmp_path / "no-such-rules"))
    assert main(["notify", "--dry-run", "--locale", "en"]) == 2
    assert "rules directory cannot be read" in capsys.readouterr().err
    monkeypatch.delenv("AWARDBOT_RULES_DIR")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:TEST")
    monkeypatch.setenv("AWARDBOT_TELEGRAM_BASE_URL", "http://127.0.0.1:9/bot")  # nothing listens on port 9
    assert main(["notify", "--locale", "en"]) == 1
    assert "Telegram cannot be reached" in capsys.readouterr().out
