"""The store never logs what users answered: no state contents, no figures."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

import pytest

from bot.store.base import Store
from tests.store.test_records import make_record

SECRET_FIGURE = "987654321"


async def test_no_state_or_figures_in_logs(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.store")
    key = "web:private"
    await store.create(key, json.dumps({"revenue_cny": int(SECRET_FIGURE)}))
    await store.update(key, lambda old: (old.replace(SECRET_FIGURE, SECRET_FIGURE + "0"), None))
    await store.add_record(make_record(key, datetime.now(UTC), profile={"revenue_cny": int(SECRET_FIGURE)}))
    await store.list_records()
    await store.forget(key)

    store_logs = [record for record in caplog.records if record.name.startswith("bot.store")]
    assert store_logs, "expected DEBUG logs naming keys and versions"
    for record in store_logs:
        assert SECRET_FIGURE not in record.getMessage()
        assert record.levelno <= logging.DEBUG
