"""The Telegram webhook on the web app itself: the settings, the secret, malformed bodies, size limit."""

from __future__ import annotations

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
