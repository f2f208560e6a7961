"""Owners' questions in the Redis store.

Keys, under the store's prefix: ``q:<id>`` the question as JSON text; ``qs:by-time`` a sorted set
of ids by creation time; ``qs:open`` the same for open questions; ``qs:by-conv:<conversation
key>`` the set of a conversation's ids (for ``forget``). Changes are ``WATCH``/``MULTI``
transactions retried on conflict. No TTL: like the records, questions are the staff's.
"""

from __future__ import annotations

from datetime import datetime

import redis.asyncio as aioredis
from redis.exceptions import WatchError

from bot.questions.models import OwnerQuestion
from bot.store.base import StoreConflict
from bot.store.models import as_utc
from bot.store.questions import Change, QuestionStore, StatusFilter

# KEYS: question, by-time, open, by-conversation. ARGV: id, score, JSON, open (1/0).
_ADD_QUESTION_LUA = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
if ARGV[4] == '1' then redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1]) end
redis.call('SADD', KEYS[4], ARGV[1])
return 1
"""


class RedisQuestions(QuestionStore):
    key_prefix: str
    max_attempts: int
    _redis: aioredis.Redis

    def _question_key(self, question_id: str) -> str:
        return f"{self.key_prefix}q:{question_id}"

    def _questions_index(self, status: StatusFilter) -> str:
        return f"{self.key_prefix}qs:{'open' if status == 'open' else 'by-time'}"

    def _questions_of_key(self, conversation_key: str) -> str:
        return f"{self.key_prefix}qs:by-conv:{conversation_key}"

    async def add_question(self, question: OwnerQuestion) -> bool:
        script = getattr(self, "_add_question_script", None)
        if script is None:
            script = self._add_question_script = self._redis.register_script(_ADD_QUESTION_LUA)
        added = await script(
            keys=[self._question_key(question.id), self._questions_index(None), self._questions_index("open"),
                  self._questions_of_key(question.conversation_key)],
            args=[question.id, repr(question.created_at.timestamp()), question.model_dump_json(),
                  "1" if question.status == "open" else "0"])
        return int(added) == 1

    async def get_question(self, question_id: str) -> OwnerQuestion | None:
        text = await self._redis.get(self._question_key(question_id))
        return None if text is None else OwnerQuestion.model_validate_json(text)

    async def _load(self, ids: list[str]) -> list[OwnerQuestion]:
        if not ids:
            return []
        texts = await self._redis.mget([self._question_key(question_id) for question_id in ids])
        return [OwnerQuestion.model_validate_json(text) for text in texts if text is not None]

    async def list_questions(self, status: StatusFilter = None, since: datetime | None = None,
                             limit: int = 1000) -> list[OwnerQuestion]:
        if limit <= 0:
            return []
        lowest = "-inf" if since is None else repr(as_utc(since).timestamp())
        index = self._questions_index(status)
        found: list[OwnerQuestion] = []
        offset = 0
        while len(found) < limit:  # "answered" has no index of its own: page through all, keep those
            ids = await self._redis.zrange(index, "+inf", lowest, desc=True, byscore=True, offset=offset,
                                           num=limit)
            if not ids:
                break
            offset += len(ids)
            found += [q for q in await self._load(ids) if status is None or q.status == status]
        return found[:limit]

    async def questions_of(self, conversation_key: str) -> list[OwnerQuestion]:
        ids = sorted(await self._redis.smembers(self._questions_of_key(conversation_key)))
        return sorted(await self._load(ids), key=lambda q: (q.created_at, q.id))

    async def change_question(self, question_id: str, change: Change) -> tuple[OwnerQuestion | None, bool]:
        key = self._question_key(question_id)
        async with self._redis.pipeline(transaction=True) as pipe:
            for _ in range(self.max_attempts):
                try:
                    await pipe.watch(key)
                    text = await pipe.get(key)
                    if text is None:
                        await pipe.reset()
                        return None, False
                    current = OwnerQuestion.model_validate_json(text)
                    new = change(current)
                    if new is None or new == current:
                        await pipe.reset()
                        return current, False
                    pipe.multi()
                    pipe.set(key, new.model_dump_json())
                    if new.status != "open":
                        pipe.zrem(self._questions_index("open"), question_id)
                    await pipe.execute()
                    return new, True
                except WatchError:
                    continue
        raise StoreConflict(f"question {question_id} kept changing")

    async def forget_questions(self, conversation_key: str) -> int:
        members = self._questions_of_key(conversation_key)
        async with self._redis.pipeline(transaction=True) as pipe:
            for _ in range(self.max_attempts):
                try:
                    await pipe.watch(members)
                    ids = sorted(await pipe.smembers(members))
                    pipe.multi()
                    pipe.delete(*(self._question_key(question_id) for question_id in ids), members)
                    if ids:
                        pipe.zrem(self._questions_index(None), *ids)
                        pipe.zrem(self._questions_index("open"), *ids)
                    removed = int((await pipe.execute())[0])
                    return max(0, removed - (1 if ids else 0))
                except WatchError:
                    continue
        raise StoreConflict("a conversation's questions kept changing while being forgotten")
