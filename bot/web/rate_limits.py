"""Rate limits per client address and per conversation, with the ``limits`` library.

The counters live in Redis when the store is Redis (so every instance on it counts together) and
in this process's memory otherwise. A request over a limit is answered 429 with ``Retry-After``
and a localised message. The defaults stop a burst (a script opening hundreds of conversations),
never a person typing; ``AWARDBOT_RATE_LIMITS=off`` turns them off (load tests, trusted networks).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import math
import time
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from bot.settings import Settings
from bot.web.errors import ApiError

log = logging.getLogger(__name__)

KEY_PREFIX = "awardbot:limits"


class RateLimiter:
    def __init__(self, settings: Settings) -> None:
        self.enabled = settings.rate_limits
        self.per_client = parse_many(settings.rate_limit_client)
        self.new_sessions = parse_many(settings.rate_limit_new_sessions)
        self.per_session = parse_many(settings.rate_limit_session)
        self._store_url = settings.store_url
        self._storage: Storage | None = None
        self._strategy: SlidingWindowCounterRateLimiter | None = None
        self._opening = asyncio.Lock()

    async def _limiter(self) -> SlidingWindowCounterRateLimiter:
        if self._strategy is None:
            async with self._opening:
                if self._strategy is None:
                    if self._store_url.startswith(("redis://", "rediss://")):
                        storage: Storage = RedisStorage(f"async+{self._store_url}", implementation="redispy",
                                                        key_prefix=KEY_PREFIX)
                    else:
                        storage = MemoryStorage()
                    self._storage = storage
                    self._strategy = SlidingWindowCounterRateLimiter(storage)
        return self._strategy

    async def hit(self, items: list[RateLimitItem], *identity: str) -> None:
        """Count one request against each of ``items``; 429 when one of them is used up."""
        if not self.enabled:
            return
        limiter = await self._limiter()
        for item in items:
            if not await limiter.hit(item, *identity):
                stats = await limiter.get_window_stats(item, *identity)
                seconds = max(1, math.ceil(stats.reset_time - time.time()))
                log.info("rate limit %s reached (%s)", item, identity[0])  # the kind only: no address or id
                raise ApiError(429, "web.errors.rate_limited", headers={"Retry-After": str(seconds)},
                               seconds=seconds)

    async def close(self) -> None:
        """Forget the connection (the counters themselves stay in Redis until their windows end)."""
        self._storage = self._strategy = None


def client_address(request: Request) -> str:
    """The client's address (uvicorn puts the proxy's X-Forwarded-For here for trusted proxies)."""
    return request.client.host if request.client else "unknown"


def limiter_of(request: Request) -> RateLimiter:
    return request.app.state.rate_limiter


async def limit_client(request: Request) -> None:
    """Every /api request, per client address."""
    limiter = limiter_of(request)
    await limiter.hit(limiter.per_client, "client", client_address(request))


async def limit_new_session(request: Request) -> None:
    limiter = limiter_of(request)
    await limiter.hit(limiter.new_sessions, "new-session", client_address(request))


async def limit_session(request: Request, session_id: str) -> None:
    """Messages to one conversation (whoever sends them)."""
    limiter = limiter_of(request)
    if limiter.enabled:  # hit() checks this too; here it also spares the id's hash on every turn
        await limiter.hit(limiter.per_session, "session", hashlib.sha256(session_id.encode()).hexdigest()[:32])


ClientLimit = Annotated[None, Depends(limit_client)]
