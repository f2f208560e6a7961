"""A follow-up whose parent is unknown is not asked: it could not be answered sensibly."""

from __future__ import annotations

import datetime as dt

from dialogs.flow import next_ask
from dialogs.state import DialogState

AS_OF = dt.date(2026, 11, 24)
YUZHONG_FIRM = {"district": "渝中区", "is_software_enterprise": True, "certifications": [], "newly_settled": False,
                "revenue_cny": 0, "revenue_prev_cny": 0, "software_staff": 0, "software_revenue_cny": 0,
                "activities": [], "compute_spend_cny": 0, "informatisation_investment_cny": 0,
                "rnd_reserve_system": False, "events": []}


def _asked_after(answers: dict, skipped: list[str]) -> list[str]:
    """Every question the flow still puts, answering each with 0 / no."""
    state = DialogState(answers=dict(answers), skipped=list(skipped), as_of=AS_OF)
    asked = []
    while (ask := next_ask(state, AS_OF)) is not None and len(asked) < 40:
        asked.append(ask.key)
        kind = ask.question.kind
        state.answers[ask.key] = 0 if kind in ("amount", "integer") else [] if kind == "multi" else False
    return asked


def test_blockchain_patents_are_asked_after_a_known_patent_count() -> None:
    assert "blockchain_invention_patents" in _asked_after({**YUZHONG_FIRM, "invention_patents": 3}, [])


def test_blockchain_patents_are_not_asked_after_an_unknown_patent_count() -> None:
    assert "blockchain_invention_patents" not in _asked_after(YUZHONG_FIRM, ["invention_patents"])


def test_new_titles_are_not_asked_when_the_titles_held_are_unknown() -> None:
    answers = {k: v for k, v in YUZHONG_FIRM.items() if k != "certifications"}
    assert "new_certifications" not in _asked_after(answers, ["certifications"])
    assert "new_certifications" in _asked_after({**answers, "certifications": ["high_tech_enterprise"]}, [])
