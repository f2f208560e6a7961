"""The app on the open internet: body limits, unknown hosts, security headers, error shapes, HEAD, favicon."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from .test_sessions_api import start

EN = {"Accept-Language": "en"}
ZH = {"Accept-Language": "zh-CN"}


def assert_error_shape(response: httpx.Response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    data = response.json()
    assert set(data) == {"detail", "message"}
    assert words in data["message"], data


async def test_a_body_over_the_limit_is_413_before_it_is_read_whole(client: httpx.AsyncClient) -> None:
    session_id = (await start(client))["session_id"]
    big = b'{"text": "' + b"x" * (65 * 1024) + b'"}'
    announced = await client.post(f"/api/sessions/{session_id}/messages", content=big,
                                  headers={"Content-Type": "application/json", **EN})
    assert_error_shape(announced, 413, "at most 65536 bytes")

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while reading
        for _ in range(1000):
            yield b"x" * 1024

    streamed = await client.post(f"/api/sessions/{session_id}/messages", content=chunks(),
                                 headers={"Content-Type": "application/json", **ZH})
    assert_error_shape(streamed, 413, "请求体过大")


async def test_a_message_under_the_limit_but_too_long_is_still_422(client: httpx.AsyncClient) -> None:
    session_id = (await start(client))["session_id"]
    response = await client.post(f"/api/sessions/{session_id}/messages", json={"text": "x" * 5000}, headers=EN)
    assert_error_shape(response, 422, "2000")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "testserver.evil.example"])
async def test_unknown_hosts_are_refused_and_never_printed(client: httpx.AsyncClient, host: str) -> None:
    for path in ("/", "/staff", "/api/sessions/" + "A" * 32):
        response = await client.get(path, headers={"Host": host, **EN})
        assert_error_shape(response, 400, "host")
        assert "evil" not in response.text


async def test_pages_link_relative_or_to_the_public_base_url(client: httpx.AsyncClient, app) -> None:
    page = await client.get("/")
    assert 'src="/static/widget.js"' in page.text and "testserver" not in page.text
    app.state.settings = app.state.settings.model_copy(update={"public_base_url": "https://help.example.com/"})
    page = await client.get("/")
    assert 'src="https://help.example.com/static/widget.js"' in page.text


async def test_security_headers_on_every_response(client: httpx.AsyncClient) -> None:
    for path in ("/", "/staff", "/docs", "/api/faq?q=x", "/static/widget.js", "/nowhere"):
        headers = (await client.get(path)).headers
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        policy = headers["content-security-policy"]
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
        if path in ("/", "/staff"):
            assert "script-src 'self';" in policy and "unsafe-inline" not in policy


async def test_conversations_reports_and_records_are_never_cached(client: httpx.AsyncClient) -> None:
    turn = await start(client)
    session_id = turn["session_id"]
    responses = [
        await client.post("/api/sessions", json={}),
        await client.get(f"/api/sessions/{session_id}"),
        await client.post(f"/api/sessions/{session_id}/messages", json={"text": "渝中区"}),
        await client.get(f"/api/sessions/{session_id}/report"),
        await client.get("/api/records"),
    ]
    for response in responses:
        assert response.headers["cache-control"] == "no-store", response.request.url


@pytest.mark.parametrize(("method", "path", "status", "zh", "en"), [
    ("GET", "/api/nowhere", 404, "没有内容", "nothing at this address"),
    ("GET", "/nowhere", 404, "没有内容", "nothing at this address"),
    ("PUT", "/api/sessions", 405, "不接受 PUT", "does not accept PUT"),
    ("PATCH", "/api/faq", 405, "不接受 PATCH", "does not accept PATCH"),
])
async def test_framework_errors_have_the_contract_shape_in_the_request_language(
        client: httpx.AsyncClient, method: str, path: str, status: int, zh: str, en: str) -> None:
    assert_error_shape(await client.request(method, path, headers=ZH), status, zh)
    assert_error_shape(await client.request(method, path, headers=EN), status, en)


async def test_a_choice_error_is_in_one_language(client: httpx.AsyncClient) -> None:
    from .conftest import STAFF_TOKEN

    auth = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    zh = await client.get("/api/records?format=xml", headers={**auth, **ZH})
    assert_error_shape(zh, 422, "应为以下之一：json、csv")
    assert " or " not in zh.json()["message"]
    en = await client.get("/api/records?format=xml", headers={**auth, **EN})
    assert_error_shape(en, 422, "it must be one of: json, csv")


async def test_head_and_favicon(client: httpx.AsyncClient) -> None:
    for path in ("/", "/staff"):
        head = await client.head(path)
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-type"].startswith("text/html")
    icon = await client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert b"<svg" in icon.content
