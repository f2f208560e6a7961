"""Fixtures of the web tests: the app on a temporary SQLite store, and an httpx client on it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from bot.settings import Settings
from bot.store import Store
from bot.web.main import create_app

STAFF_TOKEN = "staff-token-for-tests-0123456789"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path, staff_token=STAFF_TOKEN, default_locale="zh-CN",
                    allowed_hosts="testserver", rate_limits=False)


@pytest.fixture
def app(settings: Settings, store: Store) -> FastAPI:
    return create_app(settings, store=store)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http:
        yield http
