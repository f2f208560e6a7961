"""``/docs`` in headless Chromium: Swagger UI renders the API (OpenAPI 3.1) from local files only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from .support import ServeProcess

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    with ServeProcess(tmp_path_factory.mktemp("docs-serve")) as running:
        yield running


async def test_docs_render_every_operation_without_a_cdn_or_a_csp_violation(
        server: ServeProcess, browser: Any) -> None:  # browser: the Chromium fixture of conftest.py
    page = await browser.new_page()
    requested: list[str] = []
    console: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    await page.goto(f"{server.base_url}/docs")
    await page.wait_for_selector(".opblock", timeout=20_000)
    text = await page.locator("#swagger-ui").inner_text()
    assert "Unable to render" not in text
    for path in ("/api/sessions", "/api/sessions/{session_id}/messages", "/api/faq", "/api/records"):
        assert await page.locator(f".opblock-summary-path[data-path='{path}']").count() >= 1, path
    assert all(url.startswith(server.base_url) for url in requested), requested
    assert not [line for line in console if "Content Security Policy" in line], console
    await page.close()
