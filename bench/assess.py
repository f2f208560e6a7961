"""Benchmark: load the rules, and assess random realistic profiles against all of them.

    python bench/assess.py [--profiles 5000] [--rounds 3] [--profile]

Prints medians. Targets: loading ≤ 100 ms (issue #2); ≥ 20,000 profiles/s on one core (issue #10).
Each round times every profile once; the figures are the median over all of them in each round, and
the median of those rounds (on a machine others use too, one busy minute then moves one round only).
``--profile`` prints where the time goes instead (pyinstrument, from the test extras).
"Realistic" = what a finished conversation produces: district, revenue figures, headcount, a few
titles and activities, sometimes R&D, compute spend, patents and an event.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from rules.engine import assess  # noqa: E402
from rules.loader import load_ruleset  # noqa: E402
from rules.profile import ACTIVITIES, CERTIFICATIONS, Profile  # noqa: E402

DISTRICTS = ["渝中区"] * 4 + ["江北区", "渝北区", "两江新区", "九龙坡区", "outside_chongqing"]


def realistic_profile(rng: random.Random) -> Profile:
    revenue = rng.choice([rng.uniform(1e6, 5e7), rng.uniform(5e7, 1e9), rng.uniform(1e9, 2e10)])
    staff = int(rng.choice([rng.uniform(5, 300), rng.uniform(300, 6000), rng.uniform(4000, 12000)]))
    certs = rng.sample(CERTIFICATIONS, rng.randint(0, 3))
    data = {
        "district": rng.choice(DISTRICTS),
        "is_software_enterprise": rng.random() < 0.9,
        "revenue_cny": round(revenue),
        "revenue_prev_cny": round(revenue * rng.uniform(0.7, 1.2)),
        "software_revenue_cny": round(revenue * rng.uniform(0.3, 1.0)),
        "software_revenue_prev_max_cny": round(revenue * rng.uniform(0.2, 1.0)),
        "software_staff": staff,
        "software_staff_prev_max": int(staff * rng.uniform(0.6, 1.1)),
        "certifications": certs,
        "new_certifications": rng.sample(certs, min(len(certs), rng.randint(0, 1))),
        "activities": rng.sample(ACTIVITIES, rng.randint(0, 4)),
        "rnd_reserve_system": rng.random() < 0.5,
        "rnd_expense_cny": round(revenue * rng.uniform(0.02, 0.15)),
        "rnd_expense_prev_cny": round(revenue * rng.uniform(0.02, 0.15)),
        "compute_spend_cny": round(rng.uniform(0, 3e6)),
        "invention_patents": rng.randint(0, 8),
        "blockchain_invention_patents": 0,
        "platform_level": rng.choice(["national", "municipal", "other"]),
        "maas_enterprises_served": rng.randint(0, 120),
        "online_platform_investment_cny": round(rng.uniform(0, 8e6)),
        "events": [
            {"kind": rng.choice(["conference", "competition"]), "level": rng.choice(["national", "municipal"]),
             "location_district": rng.choice(["渝中区", "江北区"]), "regular": rng.random() < 0.5,
             "cohosted_with_district": rng.random() < 0.3, "attendees": rng.randint(50, 2000),
             "teams": rng.randint(0, 300), "cost_cny": round(rng.uniform(1e5, 5e6)),
             "venue_and_lodging_cost_cny": round(rng.uniform(5e4, 3e6))}
            for _ in range(rng.choice([0, 0, 0, 1, 2]))
        ],
    }
    return Profile.model_validate(data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3, help="times every profile is assessed (default 3)")
    parser.add_argument("--profile", action="store_true", help="print a pyinstrument profile of the assessments")
    args = parser.parse_args()

    load_times = []
    for _ in range(15):
        start = time.perf_counter()
        ruleset = load_ruleset()
        load_times.append(time.perf_counter() - start)
    rng = random.Random(20261124)
    facts = [realistic_profile(rng).facts() for _ in range(args.profiles)]
    day = dt.date(2026, 11, 24)
    for item in facts[:200]:
        assess(ruleset, item, day)  # warm-up (and the per-ruleset compilation)
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        with profiler:
            for item in facts:
                assess(ruleset, item, day)
        print(profiler.output_text(color=False))
        return
    rounds = []
    for _ in range(max(args.rounds, 1)):
        times = []
        for item in facts:
            start = time.perf_counter()
            assess(ruleset, item, day)
            times.append(time.perf_counter() - start)
        rounds.append((statistics.median(times), sorted(times)[int(len(times) * .99)], len(times) / sum(times)))
    median, p99, mean_rate = (statistics.median(values) for values in zip(*rounds, strict=True))
    print(f"rules: {len(ruleset.rules)} records, version {ruleset.version}")
    print(f"load rules      median {statistics.median(load_times) * 1e3:8.1f} ms   (target <= 100 ms)")
    print(f"assess profile  median {median * 1e6:8.1f} us   p99 {p99 * 1e6:.1f} us   "
          f"(rounds: {', '.join(f'{r[0] * 1e6:.1f}' for r in rounds)} us)")
    print(f"throughput      {1 / median:8.0f} profiles/s on one core (median)   (target >= 20,000)")
    print(f"                {mean_rate:8.0f} profiles/s (mean over {len(facts)} profiles)")

if __name__ == "__main__":
    main()
