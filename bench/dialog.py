"""Benchmark the conversation: questions asked for typical enterprises, time per turn and per conversation.

    python bench/dialog.py [--repeat 20]

Prints the number of questions each typical profile (tests/dialogs/typical_profiles.yaml) is
asked, and medians. Targets (issue #3): median turn (parse + transition + render) ≤ 2 ms; a full
conversation to a result ≤ 30 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dialogs.conversation import start, step  # noqa: E402
from rules.profile import Profile  # noqa: E402
from tests.dialogs.answering import answer_for  # noqa: E402

AS_OF = dt.date(2026, 11, 24)


def conversation(facts: dict, turn_times: list[float]) -> int:
    rng, events_given = random.Random(0), []
    state, turn = start("zh-CN", as_of=AS_OF)
    while not turn.done:
        text = answer_for(turn, facts, events_given, rng)
        begin = time.perf_counter()
        state, turn = step(state, text)
        turn_times.append(time.perf_counter() - begin)
    return len(set(state.history))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    typical = yaml.safe_load((ROOT / "tests" / "dialogs" / "typical_profiles.yaml").read_text(encoding="utf-8"))
    conversation(Profile.model_validate(typical[0]["profile"]).facts(), [])  # warm-up
    turn_times: list[float] = []
    conversation_medians: list[float] = []
    print(f"{'profile':58} questions  median conversation")
    for case in typical:
        facts = Profile.model_validate(case["profile"]).facts()
        times, questions = [], 0
        for _ in range(args.repeat):
            begin = time.perf_counter()
            questions = conversation(facts, turn_times)
            times.append(time.perf_counter() - begin)
        conversation_medians.append(statistics.median(times))
        print(f"{case['name']:58} {questions:9d}  {statistics.median(times) * 1e3:8.1f} ms")
    print(f"\nlongest conversation (median) {max(conversation_medians) * 1e3:.1f} ms (target <= 30 ms)")
    print(f"median turn {statistics.median(turn_times) * 1e3:.2f} ms (target <= 2 ms), "
          f"p99 {sorted(turn_times)[int(len(turn_times) * .99)] * 1e3:.2f} ms over {len(turn_times)} turns")


if __name__ == "__main__":
    main()
