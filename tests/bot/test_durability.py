"""Nothing answered is lost: to a SIGKILL of ``awardbot serve``, or across two servers on one Redis."""

from __future__ import annotations

import signal
from pathlib import Path

import httpx
import pytest

from tests.bot.web.support import EXPECTED_TOTAL_ZH, ServeProcess, answer_for

pytestmark = pytest.mark.e2e


def post(base_url: str, path: str, body: dict) -> dict:
    response = httpx.post(f"{base_url}{path}", json=body, timeout=10)
    assert response.status_code in (200, 201), response.text
    return response.json()


def test_a_conversation_survives_sigkill_and_continues_at_the_same_question(tmp_path: Path) -> None:
    server = ServeProcess(tmp_path / "data").start()
    try:
        turn = post(server.base_url, "/api/sessions", {"locale": "zh-CN"})
        session = turn["session_id"]
        for _ in range(4):
            turn = post(server.base_url, f"/api/sessions/{session}/messages", {"text": answer_for(turn["expects"])})
        on_screen = turn["expects"]["field"]
        assert server.stop(signal.SIGKILL) == -signal.SIGKILL
        server.start()
        again = httpx.get(f"{server.base_url}/api/sessions/{session}", timeout=10).json()
        assert again["expects"]["field"] == on_screen
        turn = again
        while not turn["done"]:
            turn = post(server.base_url, f"/api/sessions/{session}/messages", {"text": answer_for(turn["expects"])})
        assert EXPECTED_TOTAL_ZH in "\n".join(turn["messages"])
    finally:
        server.stop()


def test_two_servers_on_one_redis_serve_one_conversation_turn_by_turn(tmp_path: Path, redis_server) -> None:
    store = {"AWARDBOT_STORE": redis_server.url.rsplit("/", 1)[0] + "/3"}
    first = ServeProcess(tmp_path / "a", env=store).start()
    second = ServeProcess(tmp_path / "b", env=store).start()
    try:
        httpx.post(f"{first.base_url}/api/sessions", json={"locale": "zh-CN"})  # warm both
        turn = post(first.base_url, "/api/sessions", {"locale": "zh-CN"})
        session = turn["session_id"]
        servers = [second, first]
        turns = 0
        while not turn["done"]:
            server = servers[turns % 2]
            turn = post(server.base_url, f"/api/sessions/{session}/messages", {"text": answer_for(turn["expects"])})
            turns += 1
        assert turns > 4
        assert EXPECTED_TOTAL_ZH in "\n".join(turn["messages"])
        # the other server sees the same finished conversation
        other = httpx.get(f"{servers[turns % 2].base_url}/api/sessions/{session}", timeout=10).json()
        assert other["done"] and other["assessment"]["total_max_award_cny"] == turn["assessment"]["total_max_award_cny"]
    finally:
        first.stop()
        second.stop()
