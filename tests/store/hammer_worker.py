"""A separate OS process for the cross-process test: many concurrent appends to one conversation.

``python -m tests.store.hammer_worker URL KEY_PREFIX KEY TAG COUNT START_AT`` appends
``"<TAG>-<i>"`` for i in range(COUNT) to the JSON list under KEY, four updates in flight at a
time, starting at the epoch time START_AT; prints {"updates": n, "transform_calls": m}.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

from bot.store import open_store

CONCURRENCY = 4


async def hammer(
    url: str, key_prefix: str, key: str, tag: str, count: int, start_at: float
) -> dict[str, int]:
    store = open_store(url, key_prefix=key_prefix or None)
    calls = 0
    limiter = asyncio.Semaphore(CONCURRENCY)

    async def append(item: str) -> None:
        def transform(old_state: str | None) -> tuple[str, None]:
            nonlocal calls
            calls += 1
            return json.dumps([*json.loads(old_state or "[]"), item]), None

        async with limiter:
            await store.update(key, transform)

    try:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        await asyncio.gather(*(append(f"{tag}-{i}") for i in range(count)))
    finally:
        await store.close()
    return {"updates": count, "transform_calls": calls}


def main(argv: list[str]) -> None:
    url, key_prefix, key, tag, count, start_at = argv
    print(json.dumps(asyncio.run(hammer(url, key_prefix, key, tag, int(count), float(start_at)))))


if __name__ == "__main__":
    main(sys.argv[1:])
