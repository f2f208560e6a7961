"""Benchmark: ``awardbot notify`` for 10,000 subscribers — every one assessed again and diffed.

    python bench/notify.py [--subscribers 10000] [--repeats 5]

Prints medians of CPU time (what one core spends; steady on a shared machine) and wall time.
Target (issue 12): all 10,000 assessed and diffed in under 5 s on one core.
Subscribers are realistic finished conversations (bench/assess.py's profiles), subscribed on
2025-09-01; the run checks them on 2026-01-05, after CQ2022 ended, so most have a notice to word
(the expensive case), and again on 2025-09-01 (nothing changed: the daily case). Measured:

1. ``compute``: :func:`bot.notify_run.notices_for` for every subscriber — assess, digest, diff, and word
   the notice and its details — in this process, on one core;
2. ``dry run``: the same through a SQLite store (``NotifyRun.dry_run``: read every subscription in
   batches, compute, format the output lines) — what ``awardbot notify --dry-run`` does.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.assess import realistic_profile  # noqa: E402
from bot.notify_run import NotifyRun, notices_for  # noqa: E402
from bot.store import Subscription, open_store  # noqa: E402
from dialogs.notices import digest_of_assessment  # noqa: E402
from rules.engine import assess  # noqa: E402
from rules.loader import default_ruleset  # noqa: E402

SUBSCRIBED = dt.date(2025, 9, 1)
AFTER_CQ2022 = dt.date(2026, 1, 5)
TARGET_SECONDS = 5.0


def subscribers(count: int) -> list[Subscription]:
    rng = random.Random(20261130)
    ruleset = default_ruleset()
    out = []
    for index in range(count):
        profile = realistic_profile(rng)
        digest = digest_of_assessment(ruleset, assess(ruleset, profile.facts(), SUBSCRIBED, near_misses=False))
        out.append(Subscription(key=f"tg:{index}", chat_id=index, locale=rng.choice(["zh-CN", "en"]),
                                answers=profile.model_dump(mode="json", exclude_none=True),
                                answered_on=SUBSCRIBED, last_sent=digest.to_stored()))
    return out


def time_compute(subs: list[Subscription], as_of: dt.date) -> tuple[float, float, int]:
    """(CPU seconds of this process, wall seconds, notices) for computing every subscriber's notices."""
    ruleset = default_ruleset()
    cpu, wall = time.process_time(), time.perf_counter()
    notices = sum(len(notices_for(sub, ruleset, as_of, (6, 1), 0.0)) for sub in subs)
    return time.process_time() - cpu, time.perf_counter() - wall, notices


async def time_dry_run(store_url: str, as_of: dt.date) -> tuple[float, float, int]:
    """(CPU seconds of this process — the store's worker thread included —, wall seconds, subscribers changed)."""
    async with open_store(store_url) as store:
        run = NotifyRun(store, default_ruleset(), as_of, refresh_after=(6, 1), claim_lease_seconds=900,
                        locale="en", out=lambda _line: None)
        cpu, wall = time.process_time(), time.perf_counter()
        report = await run.dry_run()
        return time.process_time() - cpu, time.perf_counter() - wall, report.changed


async def fill(store_url: str, subs: list[Subscription]) -> None:
    async with open_store(store_url) as store:
        for sub in subs:
            await store.save_subscription(sub)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscribers", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    subs = subscribers(args.subscribers)
    time_compute(subs[:200], AFTER_CQ2022)  # warm-up (rule compilation, caches)
    for label, day in (("changes (2026-01-05)", AFTER_CQ2022), ("no change (2025-09-01)", SUBSCRIBED)):
        runs = [time_compute(subs, day) for _ in range(args.repeats)]
        cpu, wall = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"compute, {label}: {len(subs)} subscribers, {runs[0][2]} notices; median {cpu:.2f} s CPU "
              f"({len(subs) / cpu:,.0f} subscribers/s on one core; target < {TARGET_SECONDS:.0f} s: "
              f"{'met' if cpu < TARGET_SECONDS else 'NOT met'}), {wall:.2f} s wall")
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        asyncio.run(fill(url, subs))
        runs = [asyncio.run(time_dry_run(url, AFTER_CQ2022)) for _ in range(args.repeats)]
        cpu, wall = statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)
        print(f"dry run through SQLite, changes: {len(subs)} subscribers, {runs[0][2]} with changes; median "
              f"{cpu:.2f} s CPU ({len(subs) / cpu:,.0f} subscribers/s), {wall:.2f} s wall")
    print("Measured: each subscriber's stored answers validated, assessed on all rules (no near misses), "
          "digested, diffed against the last result sent, and any notice worded with its details; "
          f"median of {args.repeats} runs in one process; CPU time (time.process_time) is what one core "
          "spends, and holds on a busy machine; wall time includes waiting for the CPU. Sending is not included: Telegram allows "
          "30 messages/s, so sending is bounded by its limit, not by this.")


if __name__ == "__main__":
    main()
