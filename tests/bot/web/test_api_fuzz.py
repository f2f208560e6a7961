"""A short schemathesis run against the real server: no 5xx, no status the OpenAPI does not document,
every response as documented."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import STAFF_TOKEN
from .support import ServeProcess

pytestmark = pytest.mark.e2e

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
EXAMPLES_PER_OPERATION = 40  # 8 operations: a few hundred cases


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    env = {"AWARDBOT_RATE_LIMITS": "off", "AWARDBOT_STAFF_TOKEN": STAFF_TOKEN}
    with ServeProcess(tmp_path_factory.mktemp("fuzz-serve"), env=env) as running:
        yield running


def test_the_api_answers_every_generated_request_as_documented(server: ServeProcess) -> None:
    schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers_as_documented(case) -> None:  # noqa: ANN001 - a schemathesis Case
            case.call_and_validate(base_url=server.base_url, headers={"Authorization": f"Bearer {STAFF_TOKEN}"},
                                   checks=CHECKS)

        answers_as_documented()
