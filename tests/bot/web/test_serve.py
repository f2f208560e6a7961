"""``awardbot serve``: help, start, health, conversations across a restart, clean exit on signals;
and the Telegram bot running in the same process and loop as the web (against the emulator)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.cli import main
from bot.settings import Settings

from .support import TYPED_ANSWERS, ServeProcess, answer_for, free_port, serving


def test_serve_help_lists_every_setting(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--help"]) == 0
    text = capsys.readouterr().out
    for option in ("--host", "--port", "--webhook"):
        assert option in text
    for name in Settings.model_fields:
        env = "TELEGRAM_BOT_TOKEN" if name == "telegram_bot_token" else f"AWARDBOT_{name.upper()}"
        assert env in text, env


def test_serve_rejects_bad_settings_with_one_line(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWARDBOT_PORT", "not-a-port")
    assert main(["serve"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("awardbot: ") and "port" in err and len(err.strip().splitlines()) == 1


def test_serve_freezes_what_start_up_built_out_of_the_garbage_collectors_sight(tmp_path: Path) -> None:
    """After the lifespan started (rules and strings loaded), ``gc.freeze``; a fresh interpreter, so this
    test process's own objects are never frozen."""
    code = ("import asyncio, gc, sys\n"
            "from bot.serve_cli import build_app\n"
            "from bot.settings import Settings\n"
            "app = build_app(Settings(_env_file=None, data_dir=sys.argv[1]))\n"
            "async def main():\n"
            "    before = gc.get_freeze_count()\n"
            "    async with app.router.lifespan_context(app):\n"
            "        print(before, gc.get_freeze_count())\n"
            "asyncio.run(main())\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, timeout=60,
                          cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr
    before, frozen = map(int, done.stdout.split())
    assert before == 0 and frozen > 50_000  # the modules, the app, the rules


def _answer_a_few(client: httpx.Client, base: str, turn: dict, count: int) -> dict:
    for _ in range(count):
        response = client.post(f"{base}/api/sessions/{turn['session_id']}/messages",
                               json={"text": answer_for(turn["expects"])})
        assert response.status_code == 200
        turn = response.json()
    return turn


def test_serve_keeps_conversations_across_a_restart_and_exits_cleanly(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    server = ServeProcess(data_dir)
    with httpx.Client(timeout=10) as client:
        server.start()
        try:
            assert client.get(f"{server.base_url}/healthz").json() == {"status": "ok"}
            assert (data_dir / "awardbot.db").exists()  # default SQLite store, created on first run
            turn = client.post(f"{server.base_url}/api/sessions", json={"locale": "zh-CN"}).json()
            turn = _answer_a_few(client, server.base_url, turn, 6)
        finally:
            code = server.stop(signal.SIGTERM)
        assert code == 0, server.log()
        first_log = server.log()
        assert "closing the store" in first_log and "Traceback" not in first_log

        restarted = ServeProcess(data_dir, port=server.port, log_path=tmp_path / "second.log")
        restarted.start()
        try:
            again = client.get(f"{restarted.base_url}/api/sessions/{turn['session_id']}")
            assert again.status_code == 200 and {**again.json(), "history": None} == turn
            assert len(again.json()["history"]) >= 12  # the transcript survived the restart too
            final = turn
            for _ in range(60):
                if final["done"]:
                    break
                final = _answer_a_few(client, restarted.base_url, final, 1)
            assert final["done"] and final["assessment"]["total_max_award_cny"] == 16_020_000
        finally:
            code = restarted.stop(signal.SIGINT)
        assert code == 0, restarted.log()

    logs = first_log + restarted.log()
    assert "assessment recorded for web:#" in logs  # conversations are logged by a short hash ...
    assert turn["session_id"] not in logs and turn["session_id"][:12] not in logs  # ... never by their id
    for typed in ("1.2亿", "8000万", "16020000", "1,602"):  # ... nor what users typed, nor figures
        assert typed not in logs, typed
    assert TYPED_ANSWERS["revenue_cny"] not in logs


def test_serve_refuses_a_port_in_use(tmp_path: Path) -> None:
    with ServeProcess(tmp_path / "a") as first:
        second = ServeProcess(tmp_path / "b", port=first.port)
        code = second.launch().wait(30)
        assert code != 0
        assert "address already in use" in second.log().lower()
        assert first.process is not None and first.process.poll() is None


def test_an_unreachable_telegram_never_keeps_the_web_down(tmp_path: Path) -> None:
    closed_port = free_port()
    server = ServeProcess(tmp_path, env={"TELEGRAM_BOT_TOKEN": "123456:TESTtoken",
                                         "AWARDBOT_TELEGRAM_BASE_URL": f"http://127.0.0.1:{closed_port}/bot"})
    with server:
        assert httpx.post(f"{server.base_url}/api/sessions", json={}).status_code == 200
        for _ in range(100):
            if "the Telegram bot could not start" in server.log():
                break
            time.sleep(0.05)
        code = server.stop()
    assert code == 0
    log = server.log()
    assert "could not start" in log and "retrying in 5 s" in log
    assert "TESTtoken" not in log  # the token never reaches the log


@pytest.mark.e2e
async def test_serve_runs_the_telegram_bot_in_the_same_loop(
        tmp_path: Path, telegram_emulator, emulator_bot_token: str, emulator_bot_api_state, emulator_user) -> None:
    from bot.serve_cli import build_app

    from ..ptb_emulator_adapter import EmulatorCompatibleRequest

    settings = Settings(_env_file=None, TELEGRAM_BOT_TOKEN=emulator_bot_token,  # type: ignore[call-arg]
                        telegram_base_url=telegram_emulator.base_url, data_dir=tmp_path)
    app = build_app(settings, telegram_options={
        "request": EmulatorCompatibleRequest(emulator_bot_api_state),
        "get_updates_request": EmulatorCompatibleRequest(emulator_bot_api_state, connection_pool_size=4)})
    port = free_port()
    async with serving(app, port):
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as web:
            assert (await web.post("/api/sessions", json={"locale": "en"})).status_code == 200
        await emulator_user.send_command("/start")
        reply = await emulator_user.wait_for_bot_message(timeout=20)
        assert reply.plain_text
    assert app.state.service is None  # the lifespan closed the store after stopping Telegram
