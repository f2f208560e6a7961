"""Rate limits: 429 with Retry-After and a localised message; held in Redis across instances."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest

from bot.settings import Settings
from bot.store import open_store
from bot.web.main import create_app


@asynccontextmanager
async def instance(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """One app with its own store connection and limiter (as one process would have)."""
    store = open_store(settings.store_url)
    app = create_app(settings, store=store)
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
            yield http
    finally:
        await app.state.rate_limiter.close()
        await store.close()


def limited(tmp_path: Path, **overrides: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, allowed_hosts="testserver", **overrides)


async def test_a_burst_of_new_sessions_is_429_with_retry_after_in_the_request_language(tmp_path: Path) -> None:
    async with instance(limited(tmp_path, rate_limit_new_sessions="3/minute")) as client:
        for _ in range(3):
            assert (await client.post("/api/sessions", json={})).status_code == 200
        refused = await client.post("/api/sessions", json={}, headers={"Accept-Language": "en"})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["retry-after"]) <= 60
        assert set(refused.json()) == {"detail", "message"}
        assert f"wait {refused.headers['retry-after']} seconds" in refused.json()["message"]
        zh = await client.post("/api/sessions", json={}, headers={"Accept-Language": "zh-CN"})
        assert zh.status_code == 429 and "请求过于频繁" in zh.json()["message"]


async def test_messages_are_limited_per_conversation_not_per_person_typing(tmp_path: Path) -> None:
    async with instance(limited(tmp_path, rate_limit_session="4/minute")) as client:
        first = (await client.post("/api/sessions", json={})).json()
        other = (await client.post("/api/sessions", json={})).json()
        for _ in range(4):
            assert (await client.post(f"/api/sessions/{first['session_id']}/messages",
                                      json={"text": "跳过"})).status_code == 200
        assert (await client.post(f"/api/sessions/{first['session_id']}/messages",
                                  json={"text": "跳过"})).status_code == 429
        assert (await client.post(f"/api/sessions/{other['session_id']}/messages",
                                  json={"text": "跳过"})).status_code == 200


async def test_the_defaults_let_a_quick_typist_finish_a_conversation(tmp_path: Path) -> None:
    from .support import answer_for

    async with instance(limited(tmp_path)) as client:
        turn = (await client.post("/api/sessions", json={})).json()
        for _ in range(80):
            if turn["done"]:
                break
            response = await client.post(f"/api/sessions/{turn['session_id']}/messages",
                                         json={"text": answer_for(turn["expects"]), "turn": turn["turn"]})
            assert response.status_code == 200, response.text
            turn = response.json()
        assert turn["done"]


async def test_rate_limits_off_turns_them_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWARDBOT_RATE_LIMITS", "off")
    settings = Settings(_env_file=None, data_dir=tmp_path, allowed_hosts="testserver", rate_limit_new_sessions="1/minute")
    assert settings.rate_limits is False
    async with instance(settings) as client:
        for _ in range(5):
            assert (await client.post("/api/sessions", json={})).status_code == 200


@pytest.mark.e2e
async def test_limits_hold_across_two_instances_on_one_redis(tmp_path: Path, redis_server) -> None:
    url = redis_server.url.rsplit("/", 1)[0] + "/5"
    settings = limited(tmp_path, store=url, rate_limit_new_sessions="4/minute")
    async with instance(settings) as first, instance(settings) as second:
        statuses = [(await (first if i % 2 else second).post("/api/sessions", json={})).status_code
                    for i in range(6)]
    assert statuses == [200, 200, 200, 200, 429, 429]  # each instance alone would have allowed 4


async def test_a_message_is_checked_limit_first_then_session_then_body_and_counted_once(tmp_path: Path) -> None:
    """The message route's one dependency checks in the order the separate ones did: the client's limit
    (429), the session id (404), then the body (422); each request counts once against the client."""
    async with instance(limited(tmp_path, rate_limit_client="5/minute")) as client:
        session_id = (await client.post("/api/sessions", json={})).json()["session_id"]  # 1
        assert (await client.post("/api/sessions/short/messages", json={"text": 3})).status_code == 404  # 2
        assert (await client.post(f"/api/sessions/{session_id}/messages", json={"text": 3})).status_code == 422  # 3
        assert (await client.post(f"/api/sessions/{session_id}/messages", json={"text": "跳过"})).status_code == 200
        assert (await client.get(f"/api/sessions/{session_id}")).status_code == 200  # 5
        refused = await client.post("/api/sessions/short/messages", json={"text": 3})
        assert refused.status_code == 429 and "retry-after" in refused.headers
