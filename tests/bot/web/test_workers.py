"""``awardbot serve --workers N``: several processes on one port sharing the store; one Telegram poller."""

from __future__ import annotations

import re
import signal
from pathlib import Path

import httpx

from bot.telegram_runner import Election

from .support import EXPECTED_TOTAL_ZH, ServeProcess, answer_for


def test_two_workers_share_one_port_and_the_store(tmp_path: Path) -> None:
    server = ServeProcess(tmp_path / "data", env={"AWARDBOT_WORKERS": "2"})
    server.start(timeout=60)
    try:
        with httpx.Client(base_url=server.base_url, timeout=30) as client:
            turn = client.post("/api/sessions", json={}).json()
            for _ in range(80):  # turns land on either worker; the store keeps one conversation
                if turn["done"]:
                    break
                turn = client.post(f"/api/sessions/{turn['session_id']}/messages",
                                   json={"text": answer_for(turn["expects"]), "turn": turn["turn"]}).json()
            assert turn["done"] and turn["formatted"]["total"] == EXPECTED_TOTAL_ZH
    finally:
        code = server.stop(signal.SIGTERM, timeout=40)
    log = server.log()
    assert "with 2 workers" in log
    assert len(set(re.findall(r"Started server process \[(\d+)\]", log))) == 2, log
    assert code == 0, log


def test_exactly_one_process_is_elected_for_telegram(tmp_path: Path) -> None:
    first, second = Election(tmp_path), Election(tmp_path)
    assert first.try_acquire()
    assert not second.try_acquire()
    assert first.try_acquire()  # holding it is idempotent
    first.release()  # (or its process died: the kernel releases the lock)
    assert second.try_acquire()
    second.release()


def test_idle_connections_outlive_common_client_and_proxy_timeouts() -> None:
    """uvicorn's 5 s keep-alive reset the load generator's reused connections at 1,000 users."""
    from bot.serve_cli import _uvicorn_config
    from bot.settings import Settings

    config = _uvicorn_config(Settings(_env_file=None), app=None)
    assert config.timeout_keep_alive > 60 and config.backlog >= 4096
