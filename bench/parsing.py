"""Median time per call of each answer parser in dialogs.parse, over realistic answers.

Run from the repository root: ``python bench/parsing.py [--rounds N]``. Prints one line
per parser: the median µs per call, over every input of its mix, repeated N rounds.
The target is well under 200 µs per call for each parser.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dialogs.parse import (  # noqa: E402  (path set up above)
    ChoiceOption,
    parse_amount,
    parse_bool,
    parse_choice,
    parse_integer,
    parse_multi,
)
from tests.dialogs.parse.options import CERTIFICATIONS  # noqa: E402  (the options the tests use)

OPTIONS = CERTIFICATIONS + (
    ChoiceOption("ai_agent_development", ("智能体开发", "AI agent development")),
    ChoiceOption("digital_twin_development", ("数字孪生开发", "Digital twin development")),
    ChoiceOption("industrial_software_rnd", ("工业软件研发", "Industrial software R&D")),
    ChoiceOption("automotive_software_rnd", ("汽车软件研发", "Automotive software R&D")),
    ChoiceOption("open_source_project", ("开源项目", "Open-source project")),
    ChoiceOption("chain_project", ("链式攻关项目", "Chain project (链式攻关)")),
)

AMOUNT_ANSWERS = [
    "1.2亿", "3000万", "约3000万", "一千二百万", "1,200,000", "RMB 12 million", "1亿2000万",
    "两千万", "300k", "3.5万元", "abc", "不知道", "-5", "１２００万", "大约 1.5 亿",
]  # fmt: skip
INTEGER_ANSWERS = ["5200", "5,200人", "五千二百", "约5千人", "1.2万人", "about 5k", "5.5人", "不清楚", "两万"]
# Forms issue 8 made readable: colloquial numerals, ranges, words around the figure, several figures.
AMOUNT_ANSWERS_ISSUE_8 = [
    "1万2", "1亿2", "零点五亿", "壹佰万元整", "2000多万", "将近1亿", "1-2亿", "五六千万", "去年1.2亿吧",
    "R&D 800万", "1.2亿（含税）", "去年1.2亿，前年1亿", "over 20 million", "a hundred and fifty million",
]  # fmt: skip
BOOL_ANSWERS = ["是", "是的", "有的", "yes", "Y", "没有", "不是", "no", "nope", "可能", "跳过"]
CHOICE_ANSWERS = [
    "2",
    "第3个",
    "小巨人",
    "北斗星",
    "genai filing",
    "国家高新技术企业",
    "专精特新",
    "abc",
    "鸿蒙证书",
]
MULTI_ANSWERS = [
    "小巨人、北斗星", "1,3,5", "专精特新", "无", "genai filing, openharmony", "小巨人 北斗星",
    "Generative AI model filing and little giant", "市级重点软件和信息服务企业、高企", "abc",
]  # fmt: skip


def median_microseconds(parse: Callable[[str], object], answers: Sequence[str], rounds: int) -> float:
    """Median µs of one call, timing each answer separately over ``rounds`` rounds."""
    for answer in answers:  # warm caches (option index, regexes) outside the timing
        parse(answer)
    timings = []
    for _ in range(rounds):
        for answer in answers:
            start = time.perf_counter_ns()
            parse(answer)
            timings.append(time.perf_counter_ns() - start)
    return statistics.median(timings) / 1000


def main(argv: Sequence[str] | None = None) -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--rounds", type=int, default=2000)
    rounds = arguments.parse_args(argv).rounds
    cases: list[tuple[str, Callable[[str], object], Sequence[str]]] = [
        ("parse_amount", parse_amount, AMOUNT_ANSWERS),
        ("parse_amount (issue 8 forms)", lambda text: parse_amount(text, default_unit=10**8), AMOUNT_ANSWERS_ISSUE_8),
        ("parse_integer", parse_integer, INTEGER_ANSWERS),
        ("parse_bool", parse_bool, BOOL_ANSWERS),
        (f"parse_choice ({len(OPTIONS)} options)", lambda text: parse_choice(text, OPTIONS), CHOICE_ANSWERS),
        (f"parse_multi ({len(OPTIONS)} options)", lambda text: parse_multi(text, OPTIONS), MULTI_ANSWERS),
    ]
    for name, parse, answers in cases:
        print(f"{name:<30} median {median_microseconds(parse, answers, rounds):7.1f} µs/call")


if __name__ == "__main__":
    main()
