"""The chat API (CONTRACT §6) through httpx against the app on a temporary SQLite store."""

from __future__ import annotations

import contextlib
import html
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.conversation_service import FORGOTTEN_STATE
from bot.store import Store
from bot.web.deps import session_key
from bot.web.main import STATIC_DIR
from locales import t

from .support import EXPECTED_TOTAL_ZH, answer_for, check_turn_shape

MAX_TURNS = 80


async def start(client: httpx.AsyncClient, locale: str = "zh-CN") -> dict[str, Any]:
    response = await client.post("/api/sessions", json={"locale": locale})
    assert response.status_code == 200, response.text
    return response.json()


async def say(client: httpx.AsyncClient, session_id: str, text: str) -> dict[str, Any]:
    response = await client.post(f"/api/sessions/{session_id}/messages", json={"text": text})
    assert response.status_code == 200, response.text
    return response.json()


async def finish(client: httpx.AsyncClient, turn: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Answer every question from the script; returns the final turn and the fields asked."""
    asked = []
    for _ in range(MAX_TURNS):
        check_turn_shape(turn)
        if turn["done"]:
            return turn, asked
        asked.append(turn["expects"]["field"])
        turn = await say(client, turn["session_id"], answer_for(turn["expects"]))
    raise AssertionError(f"no result after {MAX_TURNS} answers; last turn {turn}")


async def test_a_whole_conversation_reaches_the_assessment(client: httpx.AsyncClient) -> None:
    first = await start(client)
    assert first["done"] is False and first["locale"] == "zh-CN"
    assert first["expects"]["field"] == "district"
    assert first["progress"]["step"] == 1
    final, asked = await finish(client, first)

    assert {"certifications", "revenue_cny", "events"} <= set(asked)
    assessment = final["assessment"]
    assert {"as_of", "ruleset_version", "matches", "total_max_award_cny"} <= set(assessment)
    assert assessment["total_max_award_cny"] == 16_020_000
    eligible = [m for m in assessment["matches"] if m["status"] == "eligible"]
    assert eligible and all({"clause_id", "rule_id", "citation", "reasons", "missing"} <= set(m) for m in eligible)
    # additive helpers for the widget: where the text rendering starts, and formatted amounts
    assert final["formatted"]["total"] == EXPECTED_TOTAL_ZH
    assert len(final["formatted"]["matches"]) == len(assessment["matches"])
    start_of_result = final["result_messages_from"]
    assert isinstance(start_of_result, int)
    assert EXPECTED_TOTAL_ZH in final["messages"][start_of_result]


async def test_multi_choice_takes_ids_labels_or_none(client: httpx.AsyncClient) -> None:
    turn = await start(client)
    turn = await say(client, turn["session_id"], "渝中区")
    turn = await say(client, turn["session_id"], "yes")
    assert turn["expects"]["kind"] == "multi" and turn["expects"]["field"] == "certifications"
    labels = [o["label"] for o in turn["expects"]["options"][:2]]
    after_labels = await say(client, turn["session_id"], "，".join(labels))
    assert after_labels["expects"]["field"] == "new_certifications"
    assert {o["label"] for o in after_labels["expects"]["options"]} == set(labels)

    other = await start(client, "en")
    other = await say(client, other["session_id"], "Yuzhong")
    other = await say(client, other["session_id"], "yes")
    after_none = await say(client, other["session_id"], "none")
    assert after_none["expects"]["field"] != "certifications"
    assert after_none["expects"]["field"] != "new_certifications"  # nothing held, nothing new


async def test_get_returns_the_turn_on_screen_again(client: httpx.AsyncClient) -> None:
    turn = await start(client)
    for _ in range(4):
        turn = await say(client, turn["session_id"], answer_for(turn["expects"]))
    again = await client.get(f"/api/sessions/{turn['session_id']}")
    assert again.status_code == 200
    assert {**again.json(), "history": None} == turn  # plus the transcript before it (test_session_history)
    twice = await client.get(f"/api/sessions/{turn['session_id']}")
    assert twice.json() == again.json()


async def test_session_ids_are_long_random_and_stored_under_web_keys_from_the_first_message(
        client: httpx.AsyncClient, store: Store) -> None:
    ids = {(await start(client))["session_id"] for _ in range(5)}
    assert len(ids) == 5
    for session_id in ids:
        assert len(session_id) >= 32  # token_urlsafe(24): 192 bits, plus the signature
        assert await store.get(f"web:{session_id}") is None  # a burst of new sessions writes nothing
        assert (await client.get(f"/api/sessions/{session_id}")).json()["turn"] == 1  # yet it reloads
        await say(client, session_id, "渝中区")
        assert await store.get(f"web:{session_id}") is not None


async def test_a_forged_signature_is_not_a_session(client: httpx.AsyncClient) -> None:
    session_id = (await start(client))["session_id"]
    forged = session_id[:-1] + ("A" if session_id[-1] != "A" else "B")
    assert (await client.get(f"/api/sessions/{forged}")).status_code == 404
    assert (await client.post(f"/api/sessions/{forged}/messages", json={"text": "渝中区"})).status_code == 404


async def test_without_a_body_the_default_locale_is_used(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/sessions")
    assert response.status_code == 200
    assert response.json()["locale"] == "zh-CN"


async def test_language_command_switches_the_conversation(client: httpx.AsyncClient) -> None:
    turn = await start(client)
    switched = await say(client, turn["session_id"], "English")
    assert switched["locale"] == "en"
    assert switched["expects"]["field"] == "district"
    assert any("English" in m for m in switched["messages"])
    back = await say(client, turn["session_id"], "中文")
    assert back["locale"] == "zh-CN"


@pytest.mark.parametrize(("body", "field", "zh_problem", "en_problem"), [
    ({"text": ""}, "text", "不能为空", "must not be empty"),
    ({"text": "   "}, "text", "不能为空", "must not be empty"),
    ({"text": "x" * 2001}, "text", "2000", "2000"),
    ({"text": 12}, "text", "应为文本", "must be text"),
    ({"text": None}, "text", "应为文本", "must be text"),
    ({}, "text", "缺少", "required"),
    ({"txt": "hello"}, "text", "缺少", "required"),
])
async def test_bad_messages_are_422_with_a_localised_line_naming_the_field(
        client: httpx.AsyncClient, body: dict, field: str, zh_problem: str, en_problem: str) -> None:
    session_id = (await start(client))["session_id"]
    for language, problem in (("zh-CN", zh_problem), ("en-US,en;q=0.9", en_problem)):
        response = await client.post(f"/api/sessions/{session_id}/messages", json=body,
                                     headers={"Accept-Language": language})
        assert response.status_code == 422
        data = response.json()
        assert f"“{field}”" in data["message"] and problem in data["message"], data
        assert data["detail"][0]["field"] == field
        assert "Traceback" not in response.text


@pytest.mark.parametrize(("content", "problem"), [
    ("{not json", "不是有效的 JSON"),
    ("[1, 2]", "JSON 对象"),
    ('"text"', "JSON 对象"),
])
async def test_a_body_that_is_not_a_json_object_is_422(client: httpx.AsyncClient, content: str, problem: str) -> None:
    session_id = (await start(client))["session_id"]
    response = await client.post(f"/api/sessions/{session_id}/messages", content=content,
                                 headers={"Content-Type": "application/json", "Accept-Language": "zh-CN"})
    assert response.status_code == 422
    assert problem in response.json()["message"]


@pytest.mark.parametrize("body", [{"locale": "fr"}, {"locale": "zh"}, {"locale": 1}])
async def test_an_unknown_locale_is_422(client: httpx.AsyncClient, body: dict) -> None:
    response = await client.post("/api/sessions", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.json()["message"] == "Invalid “locale”: it must be zh-CN or en"


@pytest.mark.parametrize(("method", "suffix"), [
    ("GET", ""), ("POST", "/messages"), ("DELETE", ""), ("GET", "/report"),
])
async def test_an_unknown_session_is_404_with_a_localised_message(
        client: httpx.AsyncClient, method: str, suffix: str) -> None:
    for session_id in ("A" * 32, "short", "x" * 40):
        kwargs: dict[str, Any] = {"json": {"text": "hi"}} if method == "POST" else {}
        zh = await client.request(method, f"/api/sessions/{session_id}{suffix}", **kwargs,
                                  headers={"Accept-Language": "zh-CN"})
        en = await client.request(method, f"/api/sessions/{session_id}{suffix}", **kwargs,
                                  headers={"Accept-Language": "en"})
        assert zh.status_code == en.status_code == 404
        assert "找不到这个会话" in zh.json()["message"]
        assert "not found" in en.json()["message"]


async def test_posting_to_an_unknown_session_does_not_create_it(client: httpx.AsyncClient, store: Store) -> None:
    session_id = "B" * 32
    await client.post(f"/api/sessions/{session_id}/messages", json={"text": "渝中区"})
    assert await store.get(session_key(session_id)) is None


def raw_state(db_path: Path, key: str) -> str | None:
    """The conversation's state as physically stored in the SQLite file, bypassing the store."""
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        row = db.execute("SELECT state_json FROM conversations WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def raw_rows(db_path: Path, key: str) -> tuple[int, int]:
    """Conversation and record rows physically in the SQLite file for ``key``, bypassing the store."""
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        conversations = db.execute("SELECT count(*) FROM conversations WHERE key = ?", (key,)).fetchone()[0]
        records = db.execute("SELECT count(*) FROM records WHERE conversation_key = ?", (key,)).fetchone()[0]
    return conversations, records


async def test_delete_forgets_the_conversation_and_its_records(
        client: httpx.AsyncClient, store: Store, db_path: Path) -> None:
    final, _ = await finish(client, await start(client))
    session_id = final["session_id"]
    key = session_key(session_id)
    assert [r for r in await store.list_records() if r.conversation_key == key]
    assert raw_rows(db_path, key) == (1, 1)

    response = await client.delete(f"/api/sessions/{session_id}")
    assert response.status_code == 204 and response.content == b""
    assert not [r for r in await store.list_records() if r.conversation_key == key]
    assert raw_rows(db_path, key) == (1, 0)
    assert raw_state(db_path, key) == FORGOTTEN_STATE  # nothing of the answers, only that they were forgotten
    # the id is still validly signed, yet the session is gone: every use of it is "not found"
    for method, path, body in (("GET", "", None), ("POST", "/messages", {"text": "渝中区"}),
                               ("POST", "/messages", {"text": "1", "turn": 1}), ("GET", "/report", None)):
        gone = await client.request(method, f"/api/sessions/{session_id}{path}", json=body)
        assert gone.status_code == 404, (method, path)
        assert gone.json()["message"] == t("zh-CN", "web.errors.session_not_found")
    assert raw_state(db_path, key) == FORGOTTEN_STATE
    assert (await client.delete(f"/api/sessions/{session_id}")).status_code == 204  # deleting again is harmless
    assert raw_state(db_path, key) == FORGOTTEN_STATE


async def test_a_session_forgotten_before_its_first_message_is_gone_too(client: httpx.AsyncClient) -> None:
    session_id = (await start(client))["session_id"]
    assert (await client.delete(f"/api/sessions/{session_id}")).status_code == 204
    assert (await client.get(f"/api/sessions/{session_id}")).status_code == 404
    assert (await client.post(f"/api/sessions/{session_id}/messages", json={"text": "渝中区"})).status_code == 404


async def test_deleting_an_id_never_issued_is_404_and_writes_nothing(
        client: httpx.AsyncClient, db_path: Path) -> None:
    unknown = "A" * 43
    assert (await client.delete(f"/api/sessions/{unknown}")).status_code == 404
    assert raw_rows(db_path, session_key(unknown)) == (0, 0)


async def test_the_report_is_printable_html_with_total_citations_and_a_chart(client: httpx.AsyncClient) -> None:
    final, _ = await finish(client, await start(client))
    response = await client.get(f"/api/sessions/{final['session_id']}/report")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = html.unescape(response.text)
    assert EXPECTED_TOTAL_ZH in page
    assert "<svg" in page and "<rect" in page
    assert "/static/report.css" in page and "<style" not in page and "onclick" not in page  # CSP: no inline CSS/JS
    assert "@media print" in (STATIC_DIR / "report.css").read_text(encoding="utf-8")
    for section in final["result"]["sections"]:  # the sections every channel shows, as grouped
        assert section["title"] in page
        for item in section["items"]:
            assert item["title"] in page and all(line in page for line in item["lines"])
            if item["citation"]:
                assert item["citation"]["document"] in page and item["citation"]["excerpt"] in page
    assert "。；" not in page and "。;" not in page  # caveats are lines of their own, never joined
    assert "年度申报指南" in page  # the disclaimer

    english = await client.get(f"/api/sessions/{final['session_id']}/report", params={"locale": "en"})
    assert "CNY 16,020,000" in english.text and "Policy award assessment" in english.text


async def test_a_report_before_the_end_says_it_is_provisional(client: httpx.AsyncClient) -> None:
    turn = await start(client)
    turn = await say(client, turn["session_id"], "渝中区")
    response = await client.get(f"/api/sessions/{turn['session_id']}/report")
    assert response.status_code == 200
    assert "评估尚未完成" in response.text
