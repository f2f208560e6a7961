"""Subscriptions, the notice outbox and link tokens, on SQLite and on Redis: counting, claiming once,
finishing advances the subscription, single-use tokens, and ``forget`` leaves nothing behind."""

from __future__ import annotations

import asyncio
import datetime as dt
import time

from bot.store import OutboxNotice, Subscription
from bot.store.base import Store
from tests.store.conftest import Backend


def subscription(key: str = "tg:42", **changes: object) -> Subscription:
    fields: dict[str, object] = {"key": key, "chat_id": int(key.split(":")[1]), "locale": "zh-CN",
                                 "answers": {"district": "渝中区", "revenue_cny": {"low": 2e7, "high": 3e7}},
                                 "answered_on": dt.date(2026, 3, 1), "last_sent": {"digest": "old"}}
    fields.update(changes)
    return Subscription.model_validate(fields)


def notice(notice_id: str = "n1", key: str = "tg:42", **body: object) -> OutboxNotice:
    return OutboxNotice(id=notice_id, subscription_key=key, chat_id=int(key.split(":")[1]), kind="changes",
                        body={"messages": ["变化"], "last_sent": {"digest": "new"}, **body}, created_at=1.0)


async def test_a_subscription_round_trips_and_is_counted(store: Store) -> None:
    assert await store.count_subscriptions() == 0
    await store.save_subscription(subscription("tg:1"))
    await store.save_subscription(subscription("tg:2", locale="en"))
    await store.save_subscription(subscription("tg:2", locale="en"))  # replaced, not added
    assert await store.count_subscriptions() == 2
    loaded = await store.get_subscription("tg:1")
    assert loaded == subscription("tg:1")
    assert [s.key async for s in store.iter_subscriptions(batch=1)] == ["tg:1", "tg:2"]
    assert await store.delete_subscription("tg:1") is True
    assert await store.delete_subscription("tg:1") is False
    assert await store.count_subscriptions() == 1


async def test_a_notice_is_added_once_and_claimed_by_one_run_only(store: Store) -> None:
    await store.save_subscription(subscription())
    assert await store.add_notice(notice()) is True
    assert await store.add_notice(notice()) is False
    claims = await asyncio.gather(*(store.claim_notice("n1", f"run-{i}", 2.0) for i in range(8)))
    assert claims.count(True) == 1
    winner = f"run-{claims.index(True)}"
    stored = await store.get_notice("n1")
    assert stored is not None and stored.state == "claimed" and stored.claimed_by == winner
    assert await store.finish_notice("n1", "someone-else", "sent", 3.0) is False
    assert await store.finish_notice("n1", winner, "sent", 3.0, message_id=77) is True
    assert await store.finish_notice("n1", winner, "sent", 3.0) is False  # once
    sent = await store.get_notice("n1")
    assert sent is not None and (sent.state, sent.message_id, sent.finished_at) == ("sent", 77, 3.0)
    after = await store.get_subscription("tg:42")
    assert after is not None and after.last_sent == {"digest": "new"}


async def test_a_released_claim_is_pending_again_and_refresh_year_advances(store: Store) -> None:
    await store.save_subscription(subscription())
    await store.add_notice(notice("r1", refresh_year=2027))
    assert await store.claim_notice("r1", "a", 1.0)
    assert await store.release_notice("r1", "b") is False
    assert await store.release_notice("r1", "a") is True
    assert (await store.get_notice("r1")).state == "pending"  # type: ignore[union-attr]
    assert await store.claim_notice("r1", "b", 2.0)
    assert await store.finish_notice("r1", None, "unconfirmed", 3.0)
    after = await store.get_subscription("tg:42")
    assert after is not None and after.refreshed_year == 2027 and after.last_sent == {"digest": "new"}


async def test_no_claim_without_the_subscription(store: Store) -> None:
    await store.add_notice(notice())
    assert await store.claim_notice("n1", "a", 1.0) is False


async def test_superseded_pending_notices_are_dropped(store: Store) -> None:
    await store.save_subscription(subscription())
    for notice_id in ("old", "claimed", "new"):
        await store.add_notice(notice(notice_id))
    await store.claim_notice("claimed", "a", 1.0)
    assert await store.drop_pending_notices("tg:42", keep="new") == 1
    assert sorted(n.id for n in await store.list_notices("tg:42")) == ["claimed", "new"]


async def test_a_link_token_works_once_and_expires(store: Store) -> None:
    now = time.time()  # Redis drops a token a week after its expiry: the times must be real ones
    await store.add_link_token("tok-a", "web:session", expires_at=now + 100)
    await store.add_link_token("tok-b", "web:session", expires_at=now + 100)
    first = await store.take_link_token("tok-a", now=now + 50)
    assert (first.status, first.conversation_key) == ("ok", "web:session")
    assert (await store.take_link_token("tok-a", now=now + 51)).status == "used"
    assert (await store.take_link_token("tok-b", now=now + 100)).status == "expired"
    assert (await store.take_link_token("nope", now=now)).status == "unknown"


async def test_forget_removes_subscription_notices_and_tokens(backend: Backend, store: Store) -> None:
    await store.save_subscription(subscription("tg:42"))
    await store.add_notice(notice("n1", "tg:42"))
    await store.add_link_token("tok", "tg:42", expires_at=2e9)
    await store.save_subscription(subscription("tg:43"))
    assert await store.forget("tg:42") == 3
    assert await store.get_subscription("tg:42") is None
    assert await store.get_notice("n1") is None
    assert (await store.take_link_token("tok", now=1.0)).status == "unknown"
    assert await store.count_subscriptions() == 1
    assert await store.list_notices() == []
    assert backend.raw_traces("tg:42") == []


async def test_old_finished_notices_are_purged_and_open_ones_never(store: Store) -> None:
    await store.save_subscription(subscription())
    for notice_id in ("sent-old", "unconfirmed-old", "sent-new", "claimed", "pending"):
        await store.add_notice(notice(notice_id))
    for notice_id, state, finished in (("sent-old", "sent", 10.0), ("unconfirmed-old", "unconfirmed", 20.0),
                                       ("sent-new", "sent", 500.0)):
        assert await store.claim_notice(notice_id, "run", 5.0)
        assert await store.finish_notice(notice_id, "run", state, finished)  # type: ignore[arg-type]
    assert await store.claim_notice("claimed", "run", 5.0)
    assert await store.purge_finished_notices(before=100.0) == 2
    assert sorted(n.id for n in await store.list_notices("tg:42")) == ["claimed", "pending", "sent-new"]
    assert await store.purge_finished_notices(before=100.0) == 0
