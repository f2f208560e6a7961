"""Benchmark: the staff FAQ search over the query table of tests/faq/test_faq.py.

    python bench/faq.py [--rounds 50]

Prints the time to build the index once, then the median and p99 milliseconds per query over
every query of the table, ``--rounds`` times each. Target (staff FAQ brief): median ≤ 5 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from faq import search_faq  # noqa: E402
from faq.index import FaqIndex, build_entries  # noqa: E402
from rules.loader import default_ruleset  # noqa: E402
from tests.faq.test_faq import GARBAGE, QUERY_TABLE  # noqa: E402

TARGET_MEDIAN_MS = 5.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=50, help="times each query is run (default 50)")
    args = parser.parse_args()

    ruleset = default_ruleset()
    started = time.perf_counter()
    index = FaqIndex(build_entries(ruleset))
    build_ms = (time.perf_counter() - started) * 1000
    search_faq("warm-up", ruleset=ruleset)  # builds the cached index used below

    queries = [query for query, _ in QUERY_TABLE] + GARBAGE
    timings: list[float] = []
    for _ in range(args.rounds):
        for query in queries:
            started = time.perf_counter()
            search_faq(query, limit=5, ruleset=ruleset)
            timings.append((time.perf_counter() - started) * 1000)

    median = statistics.median(timings)
    print(f"index: {len(index.entries)} entries built in {build_ms:.1f} ms (once per ruleset version)")
    print(f"queries: {len(queries)} × {args.rounds} rounds = {len(timings)} searches")
    print(f"per query: median {median:.2f} ms, p99 {percentile(timings, 0.99):.2f} ms, "
          f"max {max(timings):.2f} ms (target median ≤ {TARGET_MEDIAN_MS:g} ms)")
    return 0 if median <= TARGET_MEDIAN_MS else 1


if __name__ == "__main__":
    sys.exit(main())
