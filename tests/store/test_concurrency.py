"""Simultaneous updates to one conversation are applied one after the other, never one over another:
within one store, across two store instances, and across two OS processes."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path

from bot.store.base import Store
from tests.store.conftest import Backend
from tests.store.test_conversations import appending

KEY = "tg:1001"
REPO_ROOT = Path(__file__).resolve().parents[2]


async def test_fifty_concurrent_updates_on_one_store(store: Store) -> None:
    await store.create(KEY, "[]")
    results = await asyncio.gather(*(store.update(KEY, appending(i)) for i in range(50)))

    conversation = await store.get(KEY)
    assert sorted(json.loads(conversation.state_json)) == list(range(50))
    assert conversation.version == 51  # creation + 50 updates
    assert sorted(conversation.version for conversation, _ in results) == list(range(2, 52))


async def test_fifty_concurrent_updates_across_two_store_instances(backend: Backend, store: Store) -> None:
    other = backend.open()
    try:
        await store.create(KEY, "[]")
        instances = (store, other)
        await asyncio.gather(*(instances[i % 2].update(KEY, appending(i)) for i in range(50)))
        for instance in instances:
            conversation = await instance.get(KEY)
            assert sorted(json.loads(conversation.state_json)) == list(range(50))
            assert conversation.version == 51
    finally:
        await other.close()


async def test_two_processes_hammering_one_key(backend: Backend, store: Store) -> None:
    per_process = 150
    await store.create(KEY, "[]")
    start_at = time.time() + 1.5  # both processes start writing at the same moment
    workers = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "tests.store.hammer_worker",
            backend.url,
            backend.key_prefix or "",
            KEY,
            tag,
            str(per_process),
            repr(start_at),
            cwd=REPO_ROOT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for tag in ("p1", "p2")
    ]
    outputs = [await asyncio.wait_for(worker.communicate(), timeout=120) for worker in workers]
    for worker, (stdout, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr.decode()
        report = json.loads(stdout)
        assert report["updates"] == per_process
        print(f"{backend.name}: {report['transform_calls'] - per_process} retries after conflicts")

    conversation = await store.get(KEY)
    items = json.loads(conversation.state_json)
    expected = {f"{tag}-{i}" for tag in ("p1", "p2") for i in range(per_process)}
    assert len(items) == len(expected)
    assert set(items) == expected
    assert conversation.version == 1 + 2 * per_process
