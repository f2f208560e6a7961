"""The Telegram webhook on the web app itself: the settings, the secret, malformed bodies, size limit."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from bot.serve_cli import build_app
from bot.settings import Settings
from bot.store import Store
from bot.telegram_runner import SECRET_HEADER, webhook_secret

from .support import free_port, serving

TOKEN = "123456:TESTtokenTESTtokenTESTtoken"
URL = "https://bot.example.com/telegram/hook-7f3a"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, allowed_hosts="testserver", rate_limits=False,
                    TELEGRAM_BOT_TOKEN=TOKEN, telegram_webhook_url=URL)  # type: ignore[call-arg]


@pytest.fixture
async def client(settings: Settings, store: Store):
    from telegram.ext import ApplicationBuilder

    app = build_app(settings)
    app.state.service = None  # not used: updates are only queued here
    app.state.telegram = ApplicationBuilder().token(TOKEN).updater(None).build()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        http.app = app  # type: ignore[attr-defined]
        yield http


def secret(settings: Settings) -> dict[str, str]:
    return {SECRET_HEADER: webhook_secret(settings), "Content-Type": "application/json"}


async def test_an_update_is_queued(client: httpx.AsyncClient, settings: Settings) -> None:
    update = {"update_id": 7, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                                          "text": "/start"}}
    response = await client.post("/telegram/hook-7f3a", json=update, headers=secret(settings))
    assert response.status_code == 200
    queued = client.app.state.telegram.update_queue.get_nowait()  # type: ignore[attr-defined]
    assert queued.update_id == 7 and queued.message.text == "/start"


async def test_without_the_secret_it_is_403(client: httpx.AsyncClient) -> None:
    for headers in ({}, {SECRET_HEADER: "wrong"}):
        assert (await client.post("/telegram/hook-7f3a", json={"update_id": 1}, headers=headers)).status_code == 403


@pytest.mark.parametrize("body", [b"{not json", b"{}", b"[]", b'{"update_id": "x"}', b"\xff\xfe",
                                  b'{"update_id": 1, "message": "x"}'])
async def test_a_malformed_update_is_400_and_logged_without_the_body(
        client: httpx.AsyncClient, settings: Settings, body: bytes, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    response = await client.post("/telegram/hook-7f3a", content=body, headers=secret(settings))
    assert response.status_code == 400
    assert "malformed update" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    if len(body) > 3:
        assert body.decode(errors="replace") not in caplog.text


async def test_a_huge_update_is_413(client: httpx.AsyncClient, settings: Settings) -> None:
    response = await client.post("/telegram/hook-7f3a", content=b'{"update_id": 1, "x": "' + b"y" * 70_000 + b'"}',
                                 headers=secret(settings))
    assert response.status_code == 413


def test_the_webhook_setting_is_documented_in_help_and_readme() -> None:
    out = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--help"], capture_output=True, text=True,
                         check=True).stdout
    assert "AWARDBOT_TELEGRAM_WEBHOOK_URL" in out and "same" in out and "--workers" in out
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    assert "AWARDBOT_TELEGRAM_WEBHOOK_URL" in readme and "--workers" in readme


@pytest.mark.e2e
async def test_in_webhook_mode_telegram_updates_arrive_on_the_web_port_once_each(
        tmp_path: Path, telegram_emulator, emulator_bot_token: str, emulator_bot_api_state, emulator_user) -> None:
    """The real PTB stack in webhook mode behind `awardbot serve`'s own port: the Bot API emulator delivers
    each update to the webhook path with the secret header (through the adapter's relay, as Telegram
    would); the bot answers; a redelivered update is answered again but not applied again, and a request
    without the secret is refused."""
    from ..ptb_emulator_adapter import EmulatorCompatibleRequest, webhook_relay

    recording = emulator_bot_api_state.for_bot(emulator_bot_token)
    app_port, relay_port = free_port(), free_port()
    recording.webhook_relay_url = f"http://127.0.0.1:{relay_port}/"
    hook_url = f"http://127.0.0.1:{app_port}/telegram/hook-e2e"
    settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=emulator_bot_token,  # type: ignore[call-arg]
                        telegram_base_url=telegram_emulator.base_url, telegram_webhook_url=hook_url,
                        data_dir=tmp_path, rate_limits=False)
    app = build_app(settings, telegram_options={
        "request": EmulatorCompatibleRequest(emulator_bot_api_state),
        "get_updates_request": EmulatorCompatibleRequest(emulator_bot_api_state, connection_pool_size=4)})
    async with serving(webhook_relay(recording), relay_port), serving(app, app_port):
        for _ in range(200):  # the elected worker registers the webhook once the bot has started
            if recording.webhook:
                break
            await asyncio.sleep(0.05)
        assert recording.webhook == {"url": hook_url, "secret_token": webhook_secret(settings)}

        await emulator_user.send_command("/start", language_code="zh-CN")
        first = await emulator_user.wait_for_bot_message(timeout=20)
        assert "区" in first.plain_text  # the first question: the district
        await emulator_user.send_message("渝中区")
        echoed = await emulator_user.wait_for_bot_message(timeout=20)
        assert "记下了" in echoed.plain_text and "渝中区" in echoed.plain_text

        answered = recording.relayed_updates[-1]
        assert answered["message"]["text"] == "渝中区"
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{app_port}", trust_env=False) as web:
            redelivered = await web.post("/telegram/hook-e2e", json=answered, headers=secret(settings))
            assert redelivered.status_code == 200
            forged = await web.post("/telegram/hook-e2e", json={**answered, "update_id": answered["update_id"] + 999})
            assert forged.status_code == 403
        again = await emulator_user.wait_for_bot_message(timeout=20)  # the redelivery is answered again...
        assert again.plain_text == echoed.plain_text and again.message_id != echoed.message_id
        await emulator_user.expect_no_bot_message(within=1.0)  # ...once, and the forgery not at all
        await emulator_user.send_message("是")  # ...and not applied: the question on screen is still the second
        assert "记下了：主营业务" in (await emulator_user.wait_for_bot_message(timeout=20)).plain_text
