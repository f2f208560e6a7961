"""Redis keys and scripts of :class:`bot.store.subscriptions.SubscriptionStore`, mixed into RedisStore.

Keys, under the store's prefix:

- ``sub:<conversation key>``: hash {chat_id, body (JSON), last_sent (JSON), refreshed_year};
  ``subs``: sorted set of subscribed conversation keys (all score 0: read in key order, counted by ZCARD);
- ``ntc:<id>``: hash per outbox notice (its fields; ``advance_last_sent`` / ``advance_refresh_year``
  hold what the subscription becomes once it is sent); ``ntcs:by-sub:<key>``: the subscription's
  notice ids; ``ntcs:by-time``: every notice id scored by creation time;
- ``lnk:<token>``: hash {conversation_key, expires_at, used_at}, kept a week past its expiry (so a
  late click hears "used" / "expired"); ``lnks:by-conv:<key>``: the conversation's tokens.

Claiming, finishing, taking a token and forgetting are Lua scripts, atomic on the server: a claim
is "state is pending and the subscription exists → claimed", so of two concurrent runs one wins.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any, Literal

from bot.store.subscriptions import LinkTake, OutboxNotice, Subscription, SubscriptionStore

TOKEN_KEPT_AFTER_EXPIRY_MS = 7 * 24 * 3600 * 1000

# KEYS[1] notice hash. ARGV: key prefix, claimer, now.
_CLAIM_LUA = """
if redis.call('HGET', KEYS[1], 'state') ~= 'pending' then return 0 end
local sub = ARGV[1] .. 'sub:' .. redis.call('HGET', KEYS[1], 'subscription_key')
if redis.call('EXISTS', sub) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'state', 'claimed', 'claimed_by', ARGV[2], 'claimed_at', ARGV[3])
return 1
"""

# KEYS[1] notice hash. ARGV: claimer.
_RELEASE_LUA = """
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed' or redis.call('HGET', KEYS[1], 'claimed_by') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'state', 'pending')
redis.call('HDEL', KEYS[1], 'claimed_by', 'claimed_at')
return 1
"""

# KEYS[1] notice hash. ARGV: key prefix, claimer ('' = any), new state, now, message id ('' = none).
_FINISH_LUA = """
if redis.call('HGET', KEYS[1], 'state') ~= 'claimed' then return 0 end
if ARGV[2] ~= '' and redis.call('HGET', KEYS[1], 'claimed_by') ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'finished_at', ARGV[4])
if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'message_id', ARGV[5]) end
local sub = ARGV[1] .. 'sub:' .. redis.call('HGET', KEYS[1], 'subscription_key')
if redis.call('EXISTS', sub) == 1 then
  local last_sent = redis.call('HGET', KEYS[1], 'advance_last_sent')
  if last_sent then redis.call('HSET', sub, 'last_sent', last_sent) end
  local year = redis.call('HGET', KEYS[1], 'advance_refresh_year')
  if year then redis.call('HSET', sub, 'refreshed_year', year) end
end
return 1
"""

# KEYS[1] notice hash. ARGV: key prefix, id, subscription key, score, then field/value pairs.
_ADD_NOTICE_LUA = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
redis.call('SADD', ARGV[1] .. 'ntcs:by-sub:' .. ARGV[3], ARGV[2])
redis.call('ZADD', ARGV[1] .. 'ntcs:by-time', ARGV[4], ARGV[2])
return 1
"""

# ARGV: key prefix, conversation key, only-pending flag ('1': pending rows only), id to keep ('').
# Deletes the subscription's notices (all, or the pending ones but one); returns how many.
_DROP_NOTICES_LUA = """
local by_sub = ARGV[1] .. 'ntcs:by-sub:' .. ARGV[2]
local removed = 0
for _, id in ipairs(redis.call('SMEMBERS', by_sub)) do
  local notice = ARGV[1] .. 'ntc:' .. id
  if ARGV[3] ~= '1' or (redis.call('HGET', notice, 'state') == 'pending' and id ~= ARGV[4]) then
    removed = removed + redis.call('DEL', notice)
    redis.call('SREM', by_sub, id)
    redis.call('ZREM', ARGV[1] .. 'ntcs:by-time', id)
  end
end
return removed
"""

# ARGV: key prefix, conversation key. The subscription, its notices and the conversation's tokens.
_FORGET_LUA = """
local removed = redis.call('DEL', ARGV[1] .. 'sub:' .. ARGV[2])
redis.call('ZREM', ARGV[1] .. 'subs', ARGV[2])
local by_sub = ARGV[1] .. 'ntcs:by-sub:' .. ARGV[2]
for _, id in ipairs(redis.call('SMEMBERS', by_sub)) do
  removed = removed + redis.call('DEL', ARGV[1] .. 'ntc:' .. id)
  redis.call('ZREM', ARGV[1] .. 'ntcs:by-time', id)
end
redis.call('DEL', by_sub)
local by_conv = ARGV[1] .. 'lnks:by-conv:' .. ARGV[2]
for _, token in ipairs(redis.call('SMEMBERS', by_conv)) do
  removed = removed + redis.call('DEL', ARGV[1] .. 'lnk:' .. token)
end
redis.call('DEL', by_conv)
return removed
"""

# ARGV: key prefix, finished before (epoch seconds), batch. Notices created before the cut-off (a row is
# finished after it is created) that are sent or unconfirmed and finished before it; returns
# {removed, candidates looked at}.
_PURGE_LUA = """
local by_time = ARGV[1] .. 'ntcs:by-time'
local ids = redis.call('ZRANGEBYSCORE', by_time, '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local removed = 0
for _, id in ipairs(ids) do
  local notice = ARGV[1] .. 'ntc:' .. id
  local stored = redis.call('HMGET', notice, 'state', 'finished_at', 'subscription_key')
  if (stored[1] == 'sent' or stored[1] == 'unconfirmed') and tonumber(stored[2]) < tonumber(ARGV[2]) then
    redis.call('DEL', notice)
    redis.call('ZREM', by_time, id)
    redis.call('SREM', ARGV[1] .. 'ntcs:by-sub:' .. stored[3], id)
    removed = removed + 1
  elseif not stored[1] then
    redis.call('ZREM', by_time, id)
  end
end
return {removed, #ids}
"""
PURGE_BATCH = 1000

# KEYS[1] token hash. ARGV: now.
_TAKE_TOKEN_LUA = """
local stored = redis.call('HMGET', KEYS[1], 'conversation_key', 'expires_at', 'used_at')
if not stored[1] then return {'unknown', ''} end
if stored[3] then return {'used', ''} end
if tonumber(stored[2]) <= tonumber(ARGV[1]) then return {'expired', ''} end
redis.call('HSET', KEYS[1], 'used_at', ARGV[1])
return {'ok', stored[1]}
"""

_NOTICE_INTS = ("chat_id", "message_id")
_NOTICE_FLOATS = ("created_at", "claimed_at", "finished_at")


def _notice(stored: dict[str, str]) -> OutboxNotice:
    data: dict[str, Any] = {name: stored[name] for name in
                            ("id", "subscription_key", "kind", "state", "claimed_by") if name in stored}
    data["body"] = json.loads(stored["body"])
    for name in _NOTICE_INTS:
        if stored.get(name):
            data[name] = int(stored[name])
    for name in _NOTICE_FLOATS:
        if stored.get(name):
            data[name] = float(stored[name])
    return OutboxNotice.model_validate(data)


def _subscription(stored: dict[str, str]) -> Subscription:
    data = json.loads(stored["body"])
    data["last_sent"] = json.loads(stored["last_sent"])
    data["refreshed_year"] = int(stored["refreshed_year"]) if stored.get("refreshed_year") else None
    return Subscription.model_validate(data)


class RedisSubscriptions(SubscriptionStore):
    """The Redis implementation; needs the host's ``_redis`` client and ``key_prefix``."""

    def _register_subscription_scripts(self) -> None:
        register = self._redis.register_script
        self._claim_script = register(_CLAIM_LUA)
        self._release_script = register(_RELEASE_LUA)
        self._finish_script = register(_FINISH_LUA)
        self._add_notice_script = register(_ADD_NOTICE_LUA)
        self._drop_notices_script = register(_DROP_NOTICES_LUA)
        self._forget_subscription_script = register(_FORGET_LUA)
        self._take_token_script = register(_TAKE_TOKEN_LUA)
        self._purge_script = register(_PURGE_LUA)

    async def _forget_subscription_keys(self, conversation_key: str) -> int:
        return int(await self._forget_subscription_script(args=[self.key_prefix, conversation_key]))

    # -- subscriptions -------------------------------------------------------------------------

    async def count_subscriptions(self) -> int:
        return int(await self._redis.zcard(f"{self.key_prefix}subs"))

    async def save_subscription(self, subscription: Subscription) -> None:
        body = subscription.model_dump_json(exclude={"last_sent", "refreshed_year"})
        fields = {"chat_id": str(subscription.chat_id), "body": body,
                  "last_sent": json.dumps(subscription.last_sent, ensure_ascii=False),
                  "refreshed_year": "" if subscription.refreshed_year is None else str(subscription.refreshed_year)}
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(f"{self.key_prefix}sub:{subscription.key}", mapping=fields)
            pipe.zadd(f"{self.key_prefix}subs", {subscription.key: 0})
            await pipe.execute()

    async def get_subscription(self, key: str) -> Subscription | None:
        stored = await self._redis.hgetall(f"{self.key_prefix}sub:{key}")
        return _subscription(stored) if stored else None

    async def delete_subscription(self, key: str) -> bool:
        existed = await self._redis.exists(f"{self.key_prefix}sub:{key}")
        await self._forget_subscription_script(args=[self.key_prefix, key])
        return bool(existed)

    async def iter_subscriptions(self, batch: int = 500) -> AsyncIterator[Subscription]:
        lowest = "-"
        while True:
            keys = await self._redis.zrangebylex(f"{self.key_prefix}subs", lowest, "+", start=0, num=batch)
            if not keys:
                return
            async with self._redis.pipeline(transaction=False) as pipe:
                for key in keys:
                    pipe.hgetall(f"{self.key_prefix}sub:{key}")
                stored = await pipe.execute()
            for item in stored:
                if item:  # unsubscribed between the two reads
                    yield _subscription(item)
            if len(keys) < batch:
                return
            lowest = "(" + keys[-1]

    # -- outbox --------------------------------------------------------------------------------

    async def add_notice(self, notice: OutboxNotice) -> bool:
        fields = {"id": notice.id, "subscription_key": notice.subscription_key, "chat_id": str(notice.chat_id),
                  "kind": notice.kind, "body": json.dumps(notice.body, ensure_ascii=False), "state": "pending",
                  "created_at": repr(notice.created_at)}
        if "last_sent" in notice.body:
            fields["advance_last_sent"] = json.dumps(notice.body["last_sent"], ensure_ascii=False)
        if "refresh_year" in notice.body:
            fields["advance_refresh_year"] = str(notice.body["refresh_year"])
        pairs = [part for item in fields.items() for part in item]
        added = await self._add_notice_script(
            keys=[f"{self.key_prefix}ntc:{notice.id}"],
            args=[self.key_prefix, notice.id, notice.subscription_key, repr(notice.created_at), *pairs])
        return int(added) == 1

    async def get_notice(self, notice_id: str) -> OutboxNotice | None:
        stored = await self._redis.hgetall(f"{self.key_prefix}ntc:{notice_id}")
        return _notice(stored) if stored else None

    async def list_notices(self, subscription_key: str | None = None) -> list[OutboxNotice]:
        if subscription_key is None:
            ids = await self._redis.zrange(f"{self.key_prefix}ntcs:by-time", 0, -1)
        else:
            ids = sorted(await self._redis.smembers(f"{self.key_prefix}ntcs:by-sub:{subscription_key}"))
        async with self._redis.pipeline(transaction=False) as pipe:
            for notice_id in ids:
                pipe.hgetall(f"{self.key_prefix}ntc:{notice_id}")
            stored = await pipe.execute()
        notices = [_notice(item) for item in stored if item]
        return sorted(notices, key=lambda notice: (notice.created_at, notice.id))

    async def claim_notice(self, notice_id: str, claimer: str, now: float) -> bool:
        claimed = await self._claim_script(keys=[f"{self.key_prefix}ntc:{notice_id}"],
                                           args=[self.key_prefix, claimer, repr(now)])
        return int(claimed) == 1

    async def release_notice(self, notice_id: str, claimer: str) -> bool:
        return int(await self._release_script(keys=[f"{self.key_prefix}ntc:{notice_id}"], args=[claimer])) == 1

    async def finish_notice(self, notice_id: str, claimer: str | None, state: Literal["sent", "unconfirmed"],
                            now: float, message_id: int | None = None) -> bool:
        finished = await self._finish_script(
            keys=[f"{self.key_prefix}ntc:{notice_id}"],
            args=[self.key_prefix, claimer or "", state, repr(now), "" if message_id is None else str(message_id)])
        return int(finished) == 1

    async def drop_pending_notices(self, subscription_key: str, keep: str | None = None) -> int:
        return int(await self._drop_notices_script(args=[self.key_prefix, subscription_key, "1", keep or ""]))

    async def purge_finished_notices(self, before: float) -> int:
        """In batches; rows still pending or claimed are looked at again by every batch, so the loop stops
        when a batch removes nothing."""
        total = 0
        while True:
            removed, looked_at = await self._purge_script(args=[self.key_prefix, repr(before), PURGE_BATCH])
            total += int(removed)
            if int(looked_at) < PURGE_BATCH or int(removed) == 0:
                return total

    # -- link tokens ---------------------------------------------------------------------------

    async def add_link_token(self, token: str, conversation_key: str, expires_at: float) -> None:
        name = f"{self.key_prefix}lnk:{token}"
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(name, mapping={"conversation_key": conversation_key, "expires_at": repr(expires_at)})
            pipe.pexpireat(name, int(expires_at * 1000) + TOKEN_KEPT_AFTER_EXPIRY_MS)
            pipe.sadd(f"{self.key_prefix}lnks:by-conv:{conversation_key}", token)
            await pipe.execute()

    async def take_link_token(self, token: str, now: float) -> LinkTake:
        status, key = await self._take_token_script(keys=[f"{self.key_prefix}lnk:{token}"], args=[repr(now)])
        return LinkTake(status=status, conversation_key=key or None)
