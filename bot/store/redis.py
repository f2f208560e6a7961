"""Redis back end (``redis.asyncio``), shared by any number of bot processes.

Keys, under a configurable prefix (default ``awardbot:``):

- ``conv:<key>``: hash {version, incarnation, state, updated_at}; its TTL (the idle expiry) is
  refreshed on every write. The compare-and-set write is one Lua script, atomic on the server.
- ``rec:<id>``: hash per assessment record (profile and result as JSON text; ``summary_*``: its summary).
- ``recs:by-time``: sorted set of record ids scored by creation time (epoch seconds).
- ``recs:by-conv:<conversation key>``: set of the conversation's record ids, for ``forget``.
- subscriptions, the notice outbox and link tokens: see :mod:`bot.store.redis_subscriptions`.

Records have no TTL: they are the staff's records and outlive expired conversations.
"""

from __future__ import annotations

import json
import logging
import secrets
from datetime import UTC, datetime

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from bot.store.base import (
    DEFAULT_IDLE_TTL_SECONDS,
    DEFAULT_MAX_ATTEMPTS,
    Snapshot,
    Store,
    StoreConflict,
    key_for_log,
)
from bot.store.models import AssessmentRecord, CasToken, Conversation, RecordSummary, as_utc
from bot.store.questions_redis import RedisQuestions
from bot.store.redis_subscriptions import RedisSubscriptions

log = logging.getLogger(__name__)

DEFAULT_KEY_PREFIX = "awardbot:"

# KEYS[1] conversation hash. ARGV: expected version ('' = nothing may be stored), expected
# incarnation, new version, new incarnation, state, updated_at, idle TTL in milliseconds, write id.
# redis-py re-sends a command whose reply was lost (connection drop, timeout). If this very write
# already landed (its write id, unique to each attempt, is stored), report success instead of a
# conflict, or the update would re-run its transform and apply the user's message twice. Another
# writer's attempt from the same version never matches, even at the same instant.
_WRITE_IF_UNCHANGED_LUA = """
local stored = redis.call('HMGET', KEYS[1], 'version', 'incarnation', 'write_id')
if stored[3] and stored[3] == ARGV[8] then
  return 1
end
if ARGV[1] == '' then
  if stored[1] then return 0 end
elseif stored[1] ~= ARGV[1] or stored[2] ~= ARGV[2] then
  return 0
end
redis.call('HSET', KEYS[1], 'version', ARGV[3], 'incarnation', ARGV[4], 'state', ARGV[5], 'updated_at', ARGV[6],
           'write_id', ARGV[8])
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return 1
"""


def _write_id() -> str:
    """Names one write attempt (the same for redis-py's re-sends of it, new for every other attempt)."""
    return secrets.token_hex(8)


# KEYS: record hash, by-time sorted set, by-conversation set.
# ARGV: record id, score, then the record hash's field/value pairs.
_ADD_RECORD_LUA = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
redis.call('SADD', KEYS[3], ARGV[1])
return 1
"""

_JSON_RECORD_FIELDS = ("profile", "result")
SUMMARY_FIELDS = ("summary_total", "summary_matches")
"""The record hash's fields holding what the staff overview counts (:class:`RecordSummary`)."""
SUMMARY_BATCH = 500


class RedisStore(RedisQuestions, RedisSubscriptions, Store):
    """Conversation and record store on a Redis server."""

    def __init__(
        self,
        url: str,
        *,
        key_prefix: str = DEFAULT_KEY_PREFIX,
        idle_ttl_seconds: float = DEFAULT_IDLE_TTL_SECONDS,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> None:
        super().__init__(idle_ttl_seconds=idle_ttl_seconds, max_attempts=max_attempts)
        self.key_prefix = key_prefix
        self._redis = aioredis.Redis.from_url(url, decode_responses=True)
        self._write_if_unchanged_script = self._redis.register_script(_WRITE_IF_UNCHANGED_LUA)
        self._add_record_script = self._redis.register_script(_ADD_RECORD_LUA)
        self._register_subscription_scripts()
        self._idle_ttl_ms = max(1, round(self.idle_ttl_seconds * 1000))

    # -- key names -----------------------------------------------------------------------------

    def _conversation_key(self, key: str) -> str:
        return f"{self.key_prefix}conv:{key}"

    def _record_key(self, record_id: str) -> str:
        return f"{self.key_prefix}rec:{record_id}"

    def _records_by_time_key(self) -> str:
        return f"{self.key_prefix}recs:by-time"

    def _records_by_conversation_key(self, conversation_key: str) -> str:
        return f"{self.key_prefix}recs:by-conv:{conversation_key}"

    # -- conversations -------------------------------------------------------------------------

    async def get(self, key: str) -> Conversation | None:
        return (await self._read_snapshot(key)).conversation

    async def _read_snapshot(self, key: str) -> Snapshot:
        stored = await self._redis.hgetall(self._conversation_key(key))
        if not stored:
            return Snapshot(conversation=None, token=None)
        version = int(stored["version"])
        conversation = Conversation(key, version, stored["state"], float(stored["updated_at"]))
        return Snapshot(conversation=conversation, token=CasToken(version, stored["incarnation"]))

    async def _write_if_unchanged(
        self, conversation: Conversation, incarnation: str, expected: CasToken | None
    ) -> bool:
        written = await self._write_if_unchanged_script(
            keys=[self._conversation_key(conversation.key)],
            args=[
                "" if expected is None else str(expected.version),
                "" if expected is None else expected.incarnation,
                str(conversation.version),
                incarnation,
                conversation.state_json,
                repr(conversation.updated_at),
                str(self._idle_ttl_ms),
                _write_id(),
            ],
        )
        return int(written) == 1

    async def delete_conversation(self, key: str) -> bool:
        return await self._redis.delete(self._conversation_key(key)) > 0

    async def purge_expired(self) -> int:
        """Nothing to do: Redis drops idle conversations itself (key TTL)."""
        return 0

    # -- assessment records --------------------------------------------------------------------

    async def add_record(self, record: AssessmentRecord) -> bool:
        fields = record.model_dump(mode="json")
        summary = RecordSummary.of_record(record)
        pairs: list[str] = [SUMMARY_FIELDS[0], repr(summary.total_max_award_cny), SUMMARY_FIELDS[1], summary.matches_json()]
        for name, value in fields.items():
            pairs += [
                name,
                json.dumps(value, ensure_ascii=False) if name in _JSON_RECORD_FIELDS else str(value),
            ]
        added = await self._add_record_script(
            keys=[
                self._record_key(record.id),
                self._records_by_time_key(),
                self._records_by_conversation_key(record.conversation_key),
            ],
            args=[record.id, repr(record.created_at.timestamp()), *pairs],
        )
        return int(added) == 1

    async def list_records(self, since: datetime | None = None, limit: int = 1000) -> list[AssessmentRecord]:
        if limit <= 0:
            return []
        lowest = "-inf" if since is None else repr(as_utc(since).timestamp())
        ids = await self._redis.zrange(
            self._records_by_time_key(), "+inf", lowest, desc=True, byscore=True, offset=0, num=limit
        )
        if not ids:
            return []
        async with self._redis.pipeline(transaction=False) as pipe:
            for record_id in ids:
                pipe.hgetall(self._record_key(record_id))
            stored_records = await pipe.execute()
        records = []
        for stored in stored_records:
            if not stored:  # forgotten between the two reads
                continue
            for name in SUMMARY_FIELDS:
                stored.pop(name, None)
            for name in _JSON_RECORD_FIELDS:
                stored[name] = json.loads(stored[name])
            records.append(AssessmentRecord.model_validate(stored))
        return records

    async def record_summaries(self, since: datetime | None = None, limit: int = 1000) -> list[RecordSummary]:
        """Each record hash keeps its summary (:data:`SUMMARY_FIELDS`); read in batches of :data:`SUMMARY_BATCH`.
        A record stored before summaries were kept is summarised from its result."""
        if limit <= 0:
            return []
        lowest = "-inf" if since is None else repr(as_utc(since).timestamp())
        scored = await self._redis.zrange(self._records_by_time_key(), "+inf", lowest, desc=True, byscore=True,
                                          offset=0, num=limit, withscores=True)
        summaries = []
        for start in range(0, len(scored), SUMMARY_BATCH):
            batch = scored[start:start + SUMMARY_BATCH]
            async with self._redis.pipeline(transaction=False) as pipe:
                for record_id, _ in batch:
                    pipe.hmget(self._record_key(record_id), [*SUMMARY_FIELDS, "conversation_key"])
                fields = await pipe.execute()
            for (record_id, score), (total, matches, key) in zip(batch, fields, strict=True):
                if key is None:  # forgotten between the two reads
                    continue
                created = datetime.fromtimestamp(score, UTC)
                if total is None or matches is None:
                    result = await self._redis.hget(self._record_key(record_id), "result")
                    if result is None:
                        continue
                    summaries.append(RecordSummary.of(key, created, json.loads(result)))
                else:
                    summaries.append(RecordSummary.from_stored(key, created, total, matches))
        return summaries

    async def forget(self, conversation_key: str) -> int:
        by_conversation = self._records_by_conversation_key(conversation_key)
        conversation = self._conversation_key(conversation_key)
        async with self._redis.pipeline(transaction=True) as pipe:
            for _ in range(self.max_attempts):
                try:
                    await pipe.watch(by_conversation, conversation)
                    record_ids = sorted(await pipe.smembers(by_conversation))
                    pipe.multi()
                    pipe.delete(conversation, *(self._record_key(rid) for rid in record_ids))
                    if record_ids:
                        pipe.zrem(self._records_by_time_key(), *record_ids)
                    pipe.delete(by_conversation)
                    removed = int((await pipe.execute())[0])
                except WatchError:
                    log.debug("conversation %s changed while being forgotten; retrying", key_for_log(conversation_key))
                    continue
                removed += await self._forget_subscription_keys(conversation_key)
                log.debug("forgot conversation %s: %d items", key_for_log(conversation_key), removed)
                return removed
        raise StoreConflict(f"conversation {conversation_key!r} kept changing while being forgotten")

    # -- lifecycle -----------------------------------------------------------------------------

    async def close(self) -> None:
        await self._redis.aclose()
