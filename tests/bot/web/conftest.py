"""Fixtures of the web tests: the app on a temporary SQLite store, an httpx client on it; for the browser
tests ``awardbot serve`` (one per module), its widget strings and Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from bot.settings import Settings
from bot.store import Store
from bot.web.main import create_app

from .browser_support import launch_chromium, serving, widget_strings
from .support import ServeProcess

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


# --- browser tests (Chromium via Playwright, against ``awardbot serve``) --------------------------


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    with serving(tmp_path_factory.mktemp("browser-serve")) as running:
        yield running


@pytest.fixture(scope="module")
def strings(server: ServeProcess) -> dict[str, dict[str, str]]:
    return widget_strings(server)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    async for launched in launch_chromium():
        yield launched
