"""Benchmark the conversation store: one state read+write (an ``update`` of a ~2 KB JSON state).

Prints, per back end, the median and p99 latency of a single update in µs and the throughput of
sequential updates (ops/s), plus the throughput with many conversations updated concurrently.
SQLite uses a temporary file; Redis a private redis-server started on loopback. Target: median
≤ 1 ms each. The "sqlite, caller thread" row times the same SQLite work without the worker-thread
hop, for reference only.

    python bench/store.py [--iterations 2000]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests.local_redis

from bot.store.base import Store  # noqa: E402
from bot.store.models import Conversation  # noqa: E402
from bot.store.redis import RedisStore  # noqa: E402
from bot.store.sqlite import SqliteStore  # noqa: E402
from tests.local_redis import LocalRedisServer  # noqa: E402

CONCURRENT_CONVERSATIONS = 32


def sample_state() -> str:
    """A conversation state of about 2 KB, like a half-finished assessment dialogue."""
    state = {
        "locale": "zh-CN",
        "step": 7,
        "profile": {
            "district": "渝中区",
            "is_software_enterprise": True,
            "revenue_cny": 123_456_789,
            "revenue_prev_cny": 98_765_432,
            "software_staff": 420,
            "certifications": ["high_tech_enterprise", "beidouxing"],
            "activities": ["ai_agent_development", "open_source_project"],
        },
        "transcript": [{"q": f"question {i}", "a": f"answer number {i} " * 3} for i in range(21)],
    }
    return json.dumps(state, ensure_ascii=False)


def next_step(old_state: str | None) -> tuple[str, int]:
    state = json.loads(old_state) if old_state else {}
    state["step"] = state.get("step", 0) + 1
    return json.dumps(state, ensure_ascii=False), state["step"]


@dataclass
class Result:
    name: str
    median_us: float
    p99_us: float
    sequential_ops: float
    concurrent_ops: float | None


async def time_each(operation: Callable[[], Awaitable[object]], iterations: int) -> tuple[list[float], float]:
    for _ in range(min(100, iterations)):  # warm up connections, caches and the WAL
        await operation()
    latencies = []
    started = time.perf_counter()
    for _ in range(iterations):
        before = time.perf_counter_ns()
        await operation()
        latencies.append((time.perf_counter_ns() - before) / 1000)
    return latencies, iterations / (time.perf_counter() - started)


async def bench_store(name: str, store: Store, iterations: int) -> Result:
    await store.create("bench:0", sample_state())
    latencies, sequential_ops = await time_each(lambda: store.update("bench:0", next_step), iterations)

    keys = [f"bench:c{i}" for i in range(CONCURRENT_CONVERSATIONS)]
    for key in keys:
        await store.create(key, sample_state())
    rounds = max(1, iterations // CONCURRENT_CONVERSATIONS)
    started = time.perf_counter()
    for _ in range(rounds):
        await asyncio.gather(*(store.update(key, next_step) for key in keys))
    concurrent_ops = rounds * len(keys) / (time.perf_counter() - started)
    return summarise(name, latencies, sequential_ops, concurrent_ops)


def bench_sqlite_on_caller_thread(store: SqliteStore, iterations: int) -> Result:
    """The same read + compare-and-set as ``update``, called synchronously (reference only)."""
    key = "bench:inline"
    store._write_if_unchanged_sync(Conversation(key, 1, sample_state(), time.time()), "inline", None)
    latencies = []
    started = time.perf_counter()
    for _ in range(iterations):
        before = time.perf_counter_ns()
        snapshot = store._read_snapshot_sync(key)
        assert snapshot.conversation is not None and snapshot.token is not None
        new_state, _ = next_step(snapshot.conversation.state_json)
        written = Conversation(key, snapshot.conversation.version + 1, new_state, time.time())
        assert store._write_if_unchanged_sync(written, snapshot.token.incarnation, snapshot.token)
        latencies.append((time.perf_counter_ns() - before) / 1000)
    return summarise("sqlite, caller thread", latencies, iterations / (time.perf_counter() - started), None)


def summarise(
    name: str, latencies: list[float], sequential_ops: float, concurrent_ops: float | None
) -> Result:
    p99 = statistics.quantiles(latencies, n=100)[98]
    return Result(name, statistics.median(latencies), p99, sequential_ops, concurrent_ops)


def print_table(results: list[Result]) -> None:
    print(f"state size: {len(sample_state().encode())} bytes; target: median ≤ 1000 µs")
    header = f"{'backend':<22} {'median µs':>10} {'p99 µs':>10} {'ops/s':>10} {'ops/s x' + str(CONCURRENT_CONVERSATIONS):>12}  target"
    print(header)
    print("-" * len(header))
    for r in results:
        concurrent = "-" if r.concurrent_ops is None else f"{r.concurrent_ops:,.0f}"
        verdict = "ok" if r.median_us <= 1000 else "MISSED"
        print(
            f"{r.name:<22} {r.median_us:>10.0f} {r.p99_us:>10.0f} {r.sequential_ops:>10,.0f} {concurrent:>12}  {verdict}"
        )


async def main(iterations: int) -> None:
    results = []
    with tempfile.TemporaryDirectory(prefix="awardbot-bench-") as tmp:
        sqlite_store = SqliteStore(Path(tmp) / "bench.db")
        try:
            results.append(await bench_store("sqlite (temp file)", sqlite_store, iterations))
            results.append(bench_sqlite_on_caller_thread(sqlite_store, iterations))
        finally:
            await sqlite_store.close()
    with LocalRedisServer() as server:
        redis_store = RedisStore(server.url, key_prefix="bench:")
        try:
            results.append(await bench_store("redis (loopback)", redis_store, iterations))
        finally:
            await redis_store.close()
    print_table(results)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=2000)
    asyncio.run(main(parser.parse_args().iterations))
