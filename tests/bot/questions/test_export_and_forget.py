"""Questions are records like assessments, on SQLite and on Redis: exported by ``awardbot records export``
and ``GET /api/records`` (the records' shapes unchanged, the questions added) and removed with the
conversation (web DELETE, the service's forget used by Telegram /forget)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import redis

from bot.cli import main
from bot.conversation_service import ConversationService
from bot.questions.models import StaffAnswer, answered
from bot.questions.service import QuestionService
from bot.settings import Settings
from bot.store import open_store
from bot.web.main import create_app
from tests.local_redis import LocalRedisServer

from ..web.support import answer_for

STAFF_TOKEN = "staff-token-for-export-tests-0123456789"
RECORD_KEYS = {"count", "records"}


@pytest.fixture(params=["sqlite", "redis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'records.db'}"
    else:
        server: LocalRedisServer = request.getfixturevalue("redis_server")
        url = server.url.rsplit("/", 1)[0] + "/11"  # a database of its own: the CLI uses the default prefix
        redis.Redis.from_url(url).flushdb()
    monkeypatch.chdir(tmp_path)  # no developer .env
    for name in ("AWARDBOT_DATA_DIR", "AWARDBOT_DEFAULT_LOCALE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWARDBOT_STORE", url)
    yield url
    if request.param == "redis":
        redis.Redis.from_url(url).flushdb()


async def _finished_with_questions(url: str) -> None:
    """Two conversations to the result; one leaves a question with consent (answered), one without."""
    store = open_store(url)
    try:
        service = ConversationService(store)
        questions = QuestionService(service)
        for key in ("web:" + "a" * 40, "tg:42"):
            turn = await service.start(key, "zh-CN")
            while not turn.done:
                turn = await service.reply(key, answer_for(turn.expects.model_dump()), channel="web")
        mine, _ = await questions.leave("web:" + "a" * 40, "能申请算力券吗？", consent=True, channel="web",
                                        request_id="req-0001", locale="zh-CN")
        await questions.leave("tg:42", "研发费用怎么算", consent=False, channel="telegram", request_id="req-0002",
                              locale="zh-CN")
        await questions.answer(mine.id, "可以。", ["CQ2025-8"], "staff-0001", "zh-CN")
    finally:
        await store.close()


def test_records_export_adds_the_questions(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_finished_with_questions(store_url))
    assert main(["records", "export", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["count"] == 2 and len(data["records"]) == 2  # the records as before
    assert data["question_count"] == 2
    by_text = {q["text"]: q for q in data["questions"]}
    consented = by_text["能申请算力券吗？"]
    assert consented["answers"]["revenue_cny"] == 120_000_000 and consented["result"]["total_max_award_cny"] == 16_020_000
    assert consented["answer"]["citations"][0]["clause_id"] == "CQ2025-8"
    assert by_text["研发费用怎么算"]["answers"] is None and by_text["研发费用怎么算"]["result"] is None

    assert main(["records", "export"]) == 0  # the records' CSV, unchanged
    header = capsys.readouterr().out.splitlines()[0]
    assert header.startswith("id,created_at,channel,locale,conversation_key,ruleset_version")
    assert main(["records", "export", "--kind", "questions"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {(r["text"], r["status"], r["consent"], r["cited_clause_ids"]) for r in rows} == {
        ("能申请算力券吗？", "answered", "yes", "CQ2025-8"), ("研发费用怎么算", "open", "no", "")}


async def test_api_records_and_delete_on_both_back_ends(store_url: str, tmp_path: Path) -> None:
    store = open_store(store_url)
    settings = Settings(_env_file=None, data_dir=tmp_path, staff_token=STAFF_TOKEN, allowed_hosts="testserver",
                        rate_limits=False)
    staff = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(settings, store=store)),
                                     base_url="http://testserver") as client:
            session_id = (await client.post("/api/sessions", json={"locale": "zh-CN"})).json()["session_id"]
            await client.post(f"/api/sessions/{session_id}/messages", json={"text": "渝中区"})
            left = await client.post(f"/api/sessions/{session_id}/questions",
                                     json={"text": "能申请吗", "consent": True, "request_id": "req-0003"})
            assert left.status_code == 201
            data = (await client.get("/api/records", headers=staff)).json()
            assert set(data) >= RECORD_KEYS and [q["text"] for q in data["questions"]] == ["能申请吗"]
            csv_text = (await client.get("/api/records", params={"format": "csv", "kind": "questions"},
                                         headers=staff)).text
            assert "能申请吗" in csv_text
            assert (await client.delete(f"/api/sessions/{session_id}")).status_code == 204
            assert (await client.get("/api/records", headers=staff)).json()["questions"] == []
            assert await store.questions_of(f"web:{session_id}") == []  # type: ignore[attr-defined]
    finally:
        await store.close()


async def test_forget_removes_answered_questions_and_a_question_being_left(store_url: str) -> None:
    from bot.questions.asking import begin, pending_key

    store = open_store(store_url)
    try:
        service = ConversationService(store)
        await service.start("tg:7", "zh-CN")
        question, _ = await QuestionService(service).leave("tg:7", "问题", consent=True, channel="telegram",
                                                           request_id="req-0004", locale="zh-CN")
        await store.change_question(  # type: ignore[attr-defined]
            question.id, lambda q: answered(q, StaffAnswer(text="答", request_id="staff-0002")))
        await store.update(pending_key("tg:7"), lambda _old: (begin("another").to_json(), None))
        assert await service.forget("tg:7") >= 3
        assert await store.questions_of("tg:7") == []  # type: ignore[attr-defined]
        assert await store.get(pending_key("tg:7")) is None
        assert await store.list_questions() == []  # type: ignore[attr-defined]
    finally:
        await store.close()
