"""``awardbot records export`` and ``awardbot records diff`` on a SQLite store named by the settings."""

from __future__ import annotations

import asyncio
import copy
import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.conversation_service import ConversationService
from bot.store import AssessmentRecord, open_store
from dialogs.turn import Turn

from .support import answer_for


async def _converse(url: str, keys: list[str], locale: str = "zh-CN") -> None:
    store = open_store(url)
    try:
        service = ConversationService(store)
        for key in keys:
            turn: Turn = await service.start(key, locale)
            while not turn.done:
                turn = await service.reply(key, answer_for(turn.expects.model_dump()), channel="web")
    finally:
        await store.close()


async def _add(url: str, record: AssessmentRecord) -> None:
    store = open_store(url)
    try:
        await store.add_record(record)
    finally:
        await store.close()


async def _records(url: str) -> list[AssessmentRecord]:
    store = open_store(url)
    try:
        return await store.list_records()
    finally:
        await store.close()


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'records.db'}"
    monkeypatch.chdir(tmp_path)  # no developer .env
    for name in ("AWARDBOT_DATA_DIR", "AWARDBOT_DEFAULT_LOCALE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWARDBOT_STORE", url)
    return url


def test_export_json_and_csv(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_converse(store_url, ["web:a" * 8, "telegram:42"]))
    assert main(["records", "export", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["count"] == 2
    assert [r["conversation_key"] for r in data["records"]] == ["telegram:42", "web:a" * 8]
    assert data["records"][0]["result"]["total_max_award_cny"] == 16_020_000

    assert main(["records", "export"]) == 0  # csv by default
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 2 and rows[0]["conversation_key"] == "telegram:42"
    assert json.loads(rows[0]["profile_json"])["revenue_cny"] == 120_000_000

    assert main(["records", "export", "--since", "2999-01-01", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 0
    today = dt.date.today().isoformat()
    assert main(["records", "export", "--since", today, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["count"] == 2


def test_export_rejects_a_bad_date(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["records", "export", "--since", "last week", "--locale", "en"]) == 2
    err = capsys.readouterr().err
    assert "last week" in err and "YYYY-MM-DD" in err


def test_diff_says_unchanged_when_the_rules_give_the_same_result(
        store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_converse(store_url, ["web:same"]))
    assert main(["records", "diff", "--locale", "en"]) == 0
    out = capsys.readouterr().out
    assert "web:same" in out and "no change" in out
    assert "1 record, 0 changed." in out


def test_diff_lists_every_kind_of_change(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    asyncio.run(_converse(store_url, ["web:base"]))
    stored = asyncio.run(_records(store_url))[0]
    old = copy.deepcopy(stored.result)
    old["ruleset_version"] = "0ld0ld0ld0ld0ld0"
    old["total_max_award_cny"] = 15_000_000
    dropped = old["matches"].pop(0)  # today's rules add it
    old["matches"].append({**copy.deepcopy(old["matches"][0]), "rule_id": "YZ2025-99", "clause_id": "YZ2025-99",
                           "status": "eligible", "max_award_cny": 10_000})  # today's rules no longer have it
    changed_status = old["matches"][1]
    changed_status["status"] = "possible"
    changed_amount = old["matches"][2]
    changed_amount["max_award_cny"] = 1
    tampered = AssessmentRecord(conversation_key="web:old", channel="web", locale="en",
                                ruleset_version="0ld0ld0ld0ld0ld0", profile=stored.profile, result=old)
    asyncio.run(_add(store_url, tampered))
    unreadable = AssessmentRecord(conversation_key="telegram:7", channel="telegram", locale="en",
                                  ruleset_version="x", profile={"revenue_cny": "lots"}, result={"matches": []})
    asyncio.run(_add(store_url, unreadable))

    assert main(["records", "diff", "--locale", "en"]) == 0
    out = capsys.readouterr().out
    section = out.split("web:old")[1].split("Record ")[0]
    assert f"rules version: 0ld0ld0ld0ld0ld0 → {stored.ruleset_version}" in section
    assert "total: CNY 15,000,000 → CNY 16,020,000" in section
    assert f"new: {dropped['rule_id']} (eligible" in section
    assert "no longer matches: YZ2025-99 (was eligible, CNY 10,000)" in section
    assert f"{changed_status['rule_id']}: status possible → eligible" in section
    assert f"{changed_amount['rule_id']}: amount CNY 1 →" in section
    assert "cannot be read by today's rules" in out.split("telegram:7")[1]
    assert "3 records, 2 changed." in out

    assert main(["records", "diff", "--limit", "1"]) == 0
    assert "共 1 条记录" in capsys.readouterr().out


def test_diff_of_an_empty_store(store_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["records", "diff", "--locale", "en"]) == 0
    assert "No assessment records." in capsys.readouterr().out
