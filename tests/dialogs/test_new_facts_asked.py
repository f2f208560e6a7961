"""The facts issue 11 added are asked only where they can change the result: whether a firm moved
within Chongqing only matters to CQ2022-2.2.4, a support of the central districts (中心城区)."""

from __future__ import annotations

import datetime as dt

import pytest

from dialogs.conversation import start, step
from rules.profile import CENTRAL_DISTRICTS, CHONGQING_DISTRICTS, OUTSIDE_CHONGQING

IN_CQ2022 = dt.date(2025, 6, 1)  # CQ2022's plan period, when CQ2022-2.2.4 is in force
NOT_CENTRAL = [d for d in CHONGQING_DISTRICTS if d not in CENTRAL_DISTRICTS] + [OUTSIDE_CHONGQING]


def fields_asked(district: str, as_of: dt.date, yes_to_everything: bool = True) -> list[str]:
    """Walk a whole conversation: the district, "yes" to every yes/no question, skip the rest."""
    state, turn = start("zh-CN", as_of=as_of)
    asked = []
    answer = district
    for _ in range(80):
        state, turn = step(state, answer)
        if turn.done or turn.expects is None:
            return asked
        asked.append(turn.expects.field)
        answer = "是" if turn.expects.kind == "bool" and yes_to_everything else "跳过"
    raise AssertionError(f"no result after 80 answers: {asked}")


@pytest.mark.parametrize("district", NOT_CENTRAL)
def test_a_firm_outside_the_central_districts_is_never_asked_whether_it_moved(district: str) -> None:
    asked = fields_asked(district, IN_CQ2022)
    assert "moved_within_chongqing" not in asked


@pytest.mark.parametrize("district", ["江北区", "渝中区", "西部科学城重庆高新区"])
def test_a_newly_settled_software_firm_in_a_central_district_is_asked_whether_it_moved(district: str) -> None:
    asked = fields_asked(district, IN_CQ2022)
    assert asked.index("newly_settled") < asked.index("moved_within_chongqing")


def test_once_the_plan_period_is_over_nobody_is_asked_whether_it_moved() -> None:
    assert "moved_within_chongqing" not in fields_asked("江北区", dt.date(2026, 11, 24))


def test_a_yuzhong_firm_without_a_technology_title_is_not_asked_whether_it_newly_settled() -> None:
    state, turn = start("zh-CN", as_of=dt.date(2026, 11, 24))
    asked = []
    for answer in ["渝中区", "是", "北斗星"]:
        state, turn = step(state, answer)
        asked.append(turn.expects.field)
    while not turn.done:
        state, turn = step(state, "跳过")
        asked.append(turn.expects.field if turn.expects else None)
    assert "newly_settled" not in asked  # 引进 matters only with a 高新技术企业 / 科技型企业 title (YZ2021-5, -12)
