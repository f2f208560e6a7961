"""The transcript a reload shows again: ``GET /api/sessions/{id}`` → ``history`` (and bot.session_record)."""

from __future__ import annotations

import json

import httpx

from bot.session_record import MAX_ENTRIES, SessionRecord, load_record
from bot.store import Store
from bot.web.deps import session_key
from dialogs.conversation import start as start_dialog
from dialogs.conversation import step

from .support import EXPECTED_TOTAL_ZH, answer_for
from .test_sessions_api import finish, say, start


async def history_of(client: httpx.AsyncClient, session_id: str) -> tuple[dict, list[dict]]:
    response = await client.get(f"/api/sessions/{session_id}")
    assert response.status_code == 200
    data = response.json()
    return data, data["history"]


async def test_history_holds_every_earlier_turn_and_answer_in_order(client: httpx.AsyncClient) -> None:
    first = await start(client)
    session_id = first["session_id"]
    shown: list[tuple[str, str]] = [("bot", m) for m in first["messages"]]
    turn = first
    district = next(o["label"] for o in turn["expects"]["options"] if o["id"] == "渝中区")
    turn = await say(client, session_id, "渝中区")
    shown.append(("user", district))
    for _ in range(3):
        shown += [("bot", m) for m in turn["messages"]]
        turn = await say(client, session_id, "跳过")
        shown.append(("user", "跳过"))
    now, history = await history_of(client, session_id)
    assert [(e["role"], e["text"]) for e in history] == shown
    assert all(e["lang"] == "zh-CN" for e in history)
    assert [e["turn"] for e in history] == sorted(e["turn"] for e in history)
    assert now["expects"] == turn["expects"]  # the turn on screen is shown from the turn itself, not history


async def test_option_ids_are_shown_as_their_labels(client: httpx.AsyncClient) -> None:
    turn = await start(client)
    session_id = turn["session_id"]
    while turn["expects"]["field"] != "certifications":
        turn = await say(client, session_id, answer_for(turn["expects"]))
    labels = {o["id"]: o["label"] for o in turn["expects"]["options"]}
    await say(client, session_id, "national_key_software,high_tech_enterprise")
    _, history = await history_of(client, session_id)
    assert history[-1]["role"] == "user"
    assert history[-1]["text"] == f"{labels['national_key_software']}、{labels['high_tech_enterprise']}"


async def test_a_finished_conversation_keeps_its_result_as_one_entry(client: httpx.AsyncClient) -> None:
    done, _ = await finish(client, await start(client))
    again = await say(client, done["session_id"], "English")  # the result again, in English
    _, history = await history_of(client, done["session_id"])
    results = [e for e in history if e["role"] == "result"]
    assert [(e["text"], e["lang"]) for e in results] == [(done["result"]["total_text"], "zh-CN")]
    assert EXPECTED_TOTAL_ZH in results[0]["text"]
    assert history[-1] == {"role": "user", "text": "English", "lang": "en", "turn": done["turn"]}
    assert not any(e["role"] == "bot" and e["text"] in done["messages"][done["result_messages_from"]:]
                   for e in history)  # the text rendering of the result is not kept twice
    assert again["locale"] == "en"


async def test_the_transcript_is_stored_with_the_dialog_state_in_one_record(
        client: httpx.AsyncClient, store: Store) -> None:
    turn = await start(client)
    await say(client, turn["session_id"], "渝中区")
    stored = await store.get(session_key(turn["session_id"]))
    data = json.loads(stored.state_json)
    assert data["session_record"] == 1 and data["dialog"]["answers"] and data["transcript"]


def test_a_bare_dialog_state_stored_before_transcripts_still_reads() -> None:
    state, _ = start_dialog("en")
    record = load_record(state.to_json())
    assert record is not None and record.dialog == state and record.transcript == [] and record.history() == []
    assert load_record("{not json") is None and load_record(None) is None


def test_the_transcript_is_bounded_and_a_damaged_entry_is_dropped_alone() -> None:
    state, turn = start_dialog("zh-CN")
    record = SessionRecord(dialog=state).showing(turn)
    for _ in range(MAX_ENTRIES):
        state, turn = step(state, "跳过")
        record = record.said("跳过").model_copy(update={"dialog": state}).showing(turn)
        if state.done:
            break
    assert len(record.transcript) <= MAX_ENTRIES
    data = json.loads(record.to_json())
    data["transcript"][0] = {"role": "nobody"}
    again = load_record(json.dumps(data))
    assert again is not None and len(again.transcript) == len(record.transcript) - 1
