"""Staff records (bearer token), the FAQ endpoint, widget strings, the pages, health and OpenAPI."""

from __future__ import annotations

import csv
import io
import re

import httpx
import pytest

from bot.settings import Settings
from bot.store import Store
from bot.web.main import create_app
from locales import catalog

from .conftest import STAFF_TOKEN
from .support import answer_for

AUTH = {"Authorization": f"Bearer {STAFF_TOKEN}"}


async def finished_session(client: httpx.AsyncClient, locale: str = "zh-CN") -> str:
    turn = (await client.post("/api/sessions", json={"locale": locale})).json()
    while not turn["done"]:
        turn = (await client.post(f"/api/sessions/{turn['session_id']}/messages",
                                  json={"text": answer_for(turn["expects"])})).json()
    return turn["session_id"]


# --- records ------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {STAFF_TOKEN}"},
    {"Authorization": STAFF_TOKEN}, {"Authorization": f"Bearer {STAFF_TOKEN}x"},
])
async def test_records_need_the_staff_token(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.get("/api/records", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in response.json()["message"]


async def test_records_are_closed_when_no_token_is_configured(store: Store, tmp_path) -> None:
    app = create_app(Settings(_env_file=None, data_dir=tmp_path, staff_token=None), store=store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://localhost") as client:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Bearer None"}):
            assert (await client.get("/api/records", headers=headers)).status_code == 401


async def test_records_as_json_and_csv(client: httpx.AsyncClient) -> None:
    first = await finished_session(client)
    second = await finished_session(client, "en")

    response = await client.get("/api/records", headers=AUTH)
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    keys = [r["conversation_key"] for r in data["records"]]
    assert keys == [f"web:{second}", f"web:{first}"]  # newest first
    record = data["records"][0]
    assert record["channel"] == "web" and record["locale"] == "en"
    assert record["profile"]["district"] == "渝中区"
    assert record["result"]["total_max_award_cny"] == 16_020_000

    as_csv = await client.get("/api/records", params={"format": "csv"}, headers=AUTH)
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert [row["conversation_key"] for row in rows] == keys
    assert rows[0]["total_max_award_cny"] == "16020000"
    assert {"CQ2025-7#headcount-5000", "YZ2025-1.1"} <= set(rows[0]["eligible_rule_ids"].split())
    assert '"district": "渝中区"' in rows[0]["profile_json"]


async def test_records_since_filters_and_bad_dates_are_422(client: httpx.AsyncClient) -> None:
    await finished_session(client)
    future = await client.get("/api/records", params={"since": "2999-01-01"}, headers=AUTH)
    assert future.json()["count"] == 0
    past = await client.get("/api/records", params={"since": "2000-01-01"}, headers=AUTH)
    assert past.json()["count"] == 1
    bad = await client.get("/api/records", params={"since": "yesterday"},
                           headers={**AUTH, "Accept-Language": "en"})
    assert bad.status_code == 422 and "“since”" in bad.json()["message"]
    wrong_format = await client.get("/api/records", params={"format": "xml"}, headers=AUTH)
    assert wrong_format.status_code == 422 and "“format”" in wrong_format.json()["message"]


# --- FAQ ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("params", "call"), [
    ({"q": "算力券"}, ("算力券", 5, "zh-CN")),
    ({"q": "compute voucher", "limit": 3}, ("compute voucher", 3, "zh-CN")),
    ({"q": "研发费用", "limit": 2, "locale": "en"}, ("研发费用", 2, "en")),
    ({"q": "xyzzy-nothing"}, ("xyzzy-nothing", 5, "zh-CN")),
])
async def test_faq_endpoint_is_exactly_faq_json(client: httpx.AsyncClient, params: dict, call: tuple) -> None:
    from faq import faq_json

    response = await client.get("/api/faq", params=params)
    assert response.status_code == 200
    query, limit, locale = call
    assert response.json() == faq_json(query, limit, locale)


@pytest.mark.parametrize("query", ["1", "<script>alert(1)</script>", "xyzzy 无关", "how much for ISO certification"])
async def test_faq_endpoint_answers_an_unrelated_query_with_no_results_only_suggestions(
        client: httpx.AsyncClient, query: str) -> None:
    data = (await client.get("/api/faq", params={"q": query, "limit": 10})).json()
    assert data["results"] == [] and data["suggestions"]
    assert all(set(s) == {"query", "title"} for s in data["suggestions"])


async def test_faq_rejects_bad_limits(client: httpx.AsyncClient) -> None:
    for limit in ("0", "-1", "abc", "51"):
        response = await client.get("/api/faq", params={"q": "x", "limit": limit})
        assert response.status_code == 422 and "“limit”" in response.json()["message"]


# --- widget strings and pages ---------------------------------------------------------------


async def test_widget_strings_come_from_the_locale_files(client: httpx.AsyncClient) -> None:
    zh = (await client.get("/api/i18n/zh-CN")).json()
    en = (await client.get("/api/i18n/en")).json()
    assert zh["locale"] == "zh-CN" and en["locale"] == "en"
    assert set(zh["messages"]) == set(en["messages"])
    assert zh["messages"]["multi_done"] == "完成" and en["messages"]["multi_done"] == "Done"
    assert zh["messages"]["none"] == "都没有" and en["messages"]["skip"] == "Skip"
    expected = {k.removeprefix("web.widget."): v for k, v in catalog("en").items() if k.startswith("web.widget.")}
    assert en["messages"] == expected
    missing = await client.get("/api/i18n/fr")
    assert missing.status_code == 404


def test_the_widget_script_hard_codes_no_ui_text() -> None:
    from bot.web.main import STATIC_DIR

    script = (STATIC_DIR / "widget.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.S)
    assert not re.search(r"[\u4e00-\u9fff]", code), "Chinese text in widget.js"
    assert "innerHTML" not in code and "insertAdjacentHTML" not in code
    for word in ("Done", "Skip", "None of these", "Send"):
        assert f'"{word}"' not in code


@pytest.mark.parametrize(("language", "title"), [("zh-CN", "企业服务台"), ("en", "Enterprise help desk")])
async def test_the_help_desk_page_embeds_the_widget_with_one_script_tag(
        client: httpx.AsyncClient, language: str, title: str) -> None:
    response = await client.get("/", headers={"Accept-Language": language})
    assert response.status_code == 200 and title in response.text
    tags = re.findall(r"<script\b[^>]*>", response.text)
    assert len(tags) == 1
    assert re.fullmatch(r'<script src="/static/widget\.js" data-locale="[^"]+" defer>', tags[0])
    assert f'lang="{language}"' in response.text
    assert (await client.get("/", params={"lang": "en"})).text.count("Enterprise help desk") >= 1


@pytest.mark.parametrize(("lang", "words"), [("zh-CN", "政策问答检索"), ("en", "Policy FAQ search")])
async def test_the_staff_page_in_both_languages(client: httpx.AsyncClient, lang: str, words: str) -> None:
    response = await client.get("/staff", params={"lang": lang})
    assert response.status_code == 200 and words in response.text
    assert 'id="faq-query"' in response.text and "/static/staff.js" in response.text


async def test_static_files_are_served(client: httpx.AsyncClient) -> None:
    for name, kind in (("widget.js", "javascript"), ("widget.css", "text/css"), ("staff.js", "javascript")):
        response = await client.get(f"/static/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]


async def test_cross_origin_pages_may_call_the_chat_api(client: httpx.AsyncClient) -> None:
    preflight = await client.options("/api/sessions", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    staff = await client.options("/api/records", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert staff.status_code == 400  # the staff token is never sent from other sites' pages


async def test_health_and_openapi(client: httpx.AsyncClient) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/docs")).status_code == 200
    paths = (await client.get("/openapi.json")).json()["paths"]
    for path in ("/api/sessions", "/api/sessions/{session_id}/messages", "/api/sessions/{session_id}",
                 "/api/sessions/{session_id}/report", "/api/faq", "/api/records", "/healthz"):
        assert path in paths


class _BrokenStore:
    def __init__(self, error: Exception) -> None:
        self.error = error

    async def get(self, key: str) -> None:
        raise self.error


async def test_store_failures_are_503_and_surprises_are_500_without_a_traceback(app) -> None:
    from bot.store import StoreError

    app.state.service.store = _BrokenStore(StoreError("disk on fire"))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        unhealthy = await client.get("/healthz", headers={"Accept-Language": "en"})
        assert unhealthy.status_code == 503 and "not available" in unhealthy.json()["message"]
        app.state.service.store = _BrokenStore(RuntimeError("bug"))
        broken = await client.post(f"/api/sessions/{'C' * 32}/messages", json={"text": "x"},
                                   headers={"Accept-Language": "zh-CN"})
        assert broken.status_code == 500
        assert broken.json()["message"] == "服务器出错了，请稍后再试。"
        assert "Traceback" not in broken.text and "bug" not in broken.text


async def test_api_docs_are_served_without_a_cdn(client) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200 and "/static/docs/swagger-ui-bundle.js" in page.text
    assert "cdn" not in page.text.lower()
    script = await client.get("/static/docs/swagger-ui-bundle.js")
    assert script.status_code == 200 and len(script.content) > 100_000
