"""Retries are safe (CONTRACT §6): a send carrying the turn it answers is applied once."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from .support import EXPECTED_TOTAL_ZH, answer_for
from .test_sessions_api import MAX_TURNS, finish, start


async def send(client: httpx.AsyncClient, turn: dict[str, Any], text: str) -> dict[str, Any]:
    response = await client.post(f"/api/sessions/{turn['session_id']}/messages",
                                 json={"text": text, "turn": turn["turn"]})
    assert response.status_code == 200, response.text
    return response.json()


async def test_every_turn_carries_its_number(client: httpx.AsyncClient) -> None:
    first = await start(client)
    assert first["turn"] == 1
    second = await send(client, first, answer_for(first["expects"]))
    assert second["turn"] == 2
    again = await client.get(f"/api/sessions/{first['session_id']}")
    assert again.json()["turn"] == 2


async def test_a_duplicated_send_is_applied_once(client: httpx.AsyncClient) -> None:
    first = await start(client)
    answer = answer_for(first["expects"])
    applied = await send(client, first, answer)
    duplicate = await send(client, first, answer)  # the same send again: its response was lost
    assert duplicate == applied  # the current turn, not the answer applied to the next question


async def test_concurrent_duplicates_are_applied_once(client: httpx.AsyncClient) -> None:
    first = await start(client)
    second = await send(client, first, answer_for(first["expects"]))
    replies = await asyncio.gather(*(send(client, second, answer_for(second["expects"])) for _ in range(5)))
    assert {reply["turn"] for reply in replies} == {3}
    assert len({str(reply["expects"]) for reply in replies}) == 1


async def test_every_third_answer_sent_twice_still_ends_at_the_right_result(client: httpx.AsyncClient) -> None:
    """The issue's scenario: a client whose response is lost sends the same answer again."""
    expected, _ = await finish(client, await start(client))
    turn = await start(client)
    for count in range(MAX_TURNS):
        if turn["done"]:
            break
        answer = answer_for(turn["expects"])
        reply = await send(client, turn, answer)
        if count % 3 == 2:
            reply = await send(client, turn, answer)
        turn = reply
    assert turn["done"]
    assert turn["assessment"]["total_max_award_cny"] == expected["assessment"]["total_max_award_cny"]
    assert turn["formatted"]["total"] == EXPECTED_TOTAL_ZH
