"""Data-driven rule cases: a profile in, matches and total out (like OpenFisca's YAML tests).

Each file in ``cases/`` holds a list of cases::

    - name: revenue of exactly 10亿 with growth falls in the 10–30亿 tier
      as_of: 2026-11-24            # optional, default 2026-11-24
      profile: {district: 渝中区, revenue_cny: 1000000000, revenue_prev_cny: 900000000, ...}
      expect:
        matches:                   # rule_id -> the fields that must hold (a subset)
          YZ2025-2.1: {status: eligible, max_award_cny: 5000000}
        absent: [CQ2025-7#headcount-5000]      # rule ids that must not be matched
        total_max_award_cny: 5000000           # optional
        stacked_under: {YZ2021-6#key-software: YZ2025-1.1}   # optional
        near_misses: [CQ2025-7#headcount-5000] # optional: rule ids that must be listed
        no_near_misses: [...]                  # optional: rule ids that must not be listed
        missing: {CQ2025-8: [compute_spend_cny]}  # optional: exact missing facts
"""

from __future__ import annotations

import pytest

from tests.rules.case_index import CASES_DIR, check_case
from tests.yaml_params import yaml_params


@pytest.mark.parametrize("case", yaml_params(CASES_DIR))
def test_rule_case(case: dict) -> None:
    check_case(case)
