"""Benchmark the staff overview: ``Store.record_summaries`` then ``compute_overview`` over N stored assessments.

Stores N realistic records (full assessment results, up to ~70 KB each, spread over 12 weeks and N/3
conversations) in a temporary SQLite file, then prints the median of several runs of: reading the
summaries (what ``GET /api/records/overview`` reads), computing the overview, and, for reference,
reading the whole records with ``list_records`` (what the overview avoids). Target: the overview of
20,000 records (the limit, ``MAX_OVERVIEW_RECORDS``) in under 2 s.

    python bench/overview.py [--records 5000] [--runs 5] [--distinct]

By default the results come in 14 variants (alike results are read and counted once); ``--distinct``
makes every result differ, the slowest case.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.records_overview import MAX_OVERVIEW_RECORDS, compute_overview, overview_period  # noqa: E402
from bot.store import AssessmentRecord  # noqa: E402
from bot.store.sqlite import SqliteStore  # noqa: E402
from rules.loader import default_ruleset  # noqa: E402
from rules.profile import Profile  # noqa: E402
from rules.report import assess_profile  # noqa: E402

PROFILE = {"district": "渝中区", "is_software_enterprise": True, "revenue_cny": 1.2e8, "revenue_prev_cny": 1e8,
           "software_staff": 5200, "software_staff_prev_max": 4800, "certifications": ["national_key_software"],
           "new_certifications": ["national_key_software"], "rnd_reserve_system": True, "rnd_expense_cny": 8e6,
           "rnd_expense_prev_cny": 6e6, "compute_spend_cny": 2e6, "invention_patents": 3}


async def fill(store: SqliteStore, count: int, now: dt.datetime, distinct: bool = False) -> None:
    full = assess_profile(Profile.model_validate(PROFILE))
    variants = [{**full, "matches": full["matches"][k:]} for k in range(0, 40, 3)]  # results that differ
    for i in range(count):
        result = variants[i % len(variants)]
        if distinct:  # no two alike: one more (made-up) possible match each
            extra = {"clause_id": f"XX-{i}", "rule_id": f"XX-{i}", "status": "possible"}
            result = {**result, "matches": [*result["matches"], extra]}
        await store.add_record(AssessmentRecord(
            conversation_key=f"web:{i % max(count // 3, 1)}", created_at=now - dt.timedelta(weeks=12) * (i / count),
            channel="web", locale="zh-CN", ruleset_version=result["ruleset_version"], profile=PROFILE, result=result))


async def median_seconds(runs: int, work) -> float:  # noqa: ANN001 - an async callable
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        await work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


async def main(records: int, runs: int, distinct: bool) -> None:
    now = dt.datetime.now(dt.UTC)
    period = overview_period(now, weeks=12)
    ruleset = default_ruleset()
    with tempfile.TemporaryDirectory() as folder:
        store = SqliteStore(Path(folder) / "bench.db")
        started = time.perf_counter()
        await fill(store, records, now, distinct)
        print(f"stored {records} records in {time.perf_counter() - started:.1f} s")
        summaries = await store.record_summaries(since=period.start, limit=MAX_OVERVIEW_RECORDS + 1)

        async def read() -> None:
            await store.record_summaries(since=period.start, limit=MAX_OVERVIEW_RECORDS + 1)

        async def compute() -> None:
            compute_overview(summaries, period, "zh-CN", ruleset, subscribers=0)

        async def whole() -> None:
            await store.list_records(since=period.start, limit=MAX_OVERVIEW_RECORDS + 1)

        read_s, compute_s = await median_seconds(runs, read), await median_seconds(runs, compute)
        whole_s = await median_seconds(max(runs // 2, 1), whole)
        await store.close()
    print(f"read summaries   median {read_s * 1000:8.1f} ms")
    print(f"compute overview median {compute_s * 1000:8.1f} ms")
    print(f"overview total   median {(read_s + compute_s) * 1000:8.1f} ms for {records} records "
          f"(~{(read_s + compute_s) / records * MAX_OVERVIEW_RECORDS:.2f} s at the {MAX_OVERVIEW_RECORDS} limit; "
          "target < 2 s)")
    print(f"reference: list_records (whole records) median {whole_s * 1000:8.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--distinct", action="store_true", help="no two results alike (the slowest case)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.records, arguments.runs, arguments.distinct))
