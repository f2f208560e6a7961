"""The conversation service on a real store: messages at once are applied one after the other."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from bot.conversation_service import ConversationService
from bot.store import open_store


@pytest.fixture(params=["sqlite", "redis"])
async def service(request, tmp_path: Path):
    if request.param == "sqlite":
        store = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    else:
        server = request.getfixturevalue("redis_server")
        store = open_store(server.url, key_prefix=f"svc-{uuid.uuid4().hex[:8]}:")
    yield ConversationService(store)
    await store.close()


async def test_fifty_messages_at_once_are_applied_one_after_the_other(service: ConversationService) -> None:
    key = "web:concurrent"
    await service.start(key, "zh-CN")
    await service.reply(key, "渝中区", channel="web")
    turns = await asyncio.gather(*(service.reply(key, "跳过", channel="web") for _ in range(50)))
    state = await service.state(key)
    asked = [turn.progress.step for turn in turns if not turn.done]
    # each skip saw the state the previous one left: no two replies were computed from the same state
    assert len(asked) == len(set(asked))
    finished = sum(1 for turn in turns if turn.done and turn.assessment and "评估已完成" not in turn.messages[0])
    assert len(state.skipped) == len(asked) + finished
    assert state.answers == {"district": "渝中区"}
    conversation = await service.store.get(key)
    assert conversation.version == 1 + 1 + 50


async def test_a_finished_conversation_is_recorded_once_and_forget_removes_everything(
        service: ConversationService) -> None:
    key = "web:recorded"
    await service.start(key, "en")
    await service.reply(key, "outside Chongqing", channel="web")
    turn = await service.reply(key, "no", channel="web")  # hosted no event (YZ2025-9 looks at where, D1)
    assert turn.done
    await service.reply(key, "anything", channel="web")  # after the result: no second record
    records = [r for r in await service.store.list_records() if r.conversation_key == key]
    assert len(records) == 1
    assert records[0].channel == "web" and records[0].profile == {"district": "outside_chongqing", "events": []}
    assert records[0].result["total_max_award_cny"] == 0
    await service.forget(key)
    assert await service.store.get(key) is None
    assert [r for r in await service.store.list_records() if r.conversation_key == key] == []


async def test_a_message_for_a_missing_conversation_writes_nothing_when_creation_is_off(
        service: ConversationService) -> None:
    from bot.conversation_service import ConversationMissing

    with pytest.raises(ConversationMissing):
        await service.reply("web:gone", "渝中区", channel="web", create=False)
    assert await service.store.get("web:gone") is None


async def test_a_delivery_is_applied_once_even_at_once_and_after_the_numbering_restarts(
        service: ConversationService) -> None:
    key = "tg:deliveries"
    await service.start(key, "zh-CN", delivery=100)
    turns = await asyncio.gather(*(service.reply(key, "跳过", channel="telegram", delivery=101) for _ in range(5)))
    state = await service.state(key)
    assert state is not None and state.skipped == ["district"]
    assert {turn.turn for turn in turns} == {state.turn}  # the copies were answered with the current turn
    await service.reply(key, "重新开始", channel="telegram", delivery=102)
    await service.reply(key, "跳过", channel="telegram", delivery=101)  # a late redelivery from before the restart
    state = await service.state(key)
    assert state is not None and state.skipped == []
    await service.reply(key, "跳过", channel="telegram", delivery=7)  # Telegram numbering restarted: applied
    state = await service.state(key)
    assert state is not None and state.skipped == ["district"]
