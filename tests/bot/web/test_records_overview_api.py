"""``GET /api/records/overview``: staff token only, the contract's error shape, no caching, validated
query parameters naming the field, and figures that agree with the stored records."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import httpx
import pytest

from bot.records_overview import MAX_WEEKS, OVERVIEW_TIMEZONE
from locales import catalog
from rules.loader import default_ruleset

from .conftest import STAFF_TOKEN
from .test_staff_and_pages import finished_session

AUTH = {"Authorization": f"Bearer {STAFF_TOKEN}"}
URL = "/api/records/overview"


@pytest.mark.parametrize(("headers", "words"), [
    ({}, "员工令牌"), ({"Authorization": "Bearer wrong", "Accept-Language": "en"}, "Staff token required"),
    ({"Authorization": f"Basic {STAFF_TOKEN}"}, "员工令牌"),
])
async def test_the_overview_needs_the_staff_token(client: httpx.AsyncClient, headers: dict, words: str) -> None:
    response = await client.get(URL, headers=headers)
    assert response.status_code == 401
    body = response.json()
    assert set(body) == {"detail", "message"} and words in body["message"]
    assert response.headers["cache-control"] == "no-store"


async def test_the_overview_agrees_with_the_stored_records(client: httpx.AsyncClient) -> None:
    await finished_session(client)
    await finished_session(client, "en")
    records = (await client.get("/api/records", headers=AUTH)).json()["records"]
    assert len(records) == 2
    response = await client.get(URL, headers={**AUTH, "Accept-Language": "en"})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    data = response.json()
    assert data["timezone"] == "Asia/Shanghai" and data["locale"] == "en"
    assert len(data["weeks"]) == 12
    this_week = dt.datetime.now(OVERVIEW_TIMEZONE).date().isocalendar()
    assert data["weeks"][-1]["week"] == f"{this_week.year}-W{this_week.week:02d}"
    assert [w["assessments"] for w in data["weeks"]] == [0] * 11 + [2]
    assert data["assessments"] == 2 and data["conversations"] == 2
    total = sum(r["result"]["total_max_award_cny"] for r in records)
    assert data["total_max_award_cny"] == total == data["weeks"][-1]["total_max_award_cny"] > 0
    assert data["total_max_award_text"] == f"CNY {total:,}"
    eligible = Counter(clause for r in records for clause in
                       {m["clause_id"] for m in r["result"]["matches"] if m["status"] == "eligible"})
    rules = default_ruleset().by_id
    for clause in data["clauses"]:
        assert clause["eligible"] == eligible[clause["clause_id"]]
        assert clause["title"] and clause["clause_id"] not in clause["title"]
        assert all(rule["title"] == rules[rule["rule_id"]].title.en for rule in clause["rules"])
    assert data["clauses"][0]["eligible"] + data["clauses"][0]["possible"] == 2
    assert data["truncated"] is False and data["records_read"] == 2 and data["record_limit"] == 20_000
    assert any("Asia/Shanghai" in note for note in data["notes"])
    chinese = (await client.get(URL, params={"locale": "zh-CN", "weeks": 4}, headers=AUTH)).json()
    assert len(chinese["weeks"]) == 4 and chinese["total_max_award_text"].endswith("元")
    assert chinese["clauses"][0]["title"] != data["clauses"][0]["title"]


async def test_since_gives_the_weeks_from_that_day(client: httpx.AsyncClient) -> None:
    today = dt.datetime.now(OVERVIEW_TIMEZONE).date()
    since = today - dt.timedelta(days=20)
    data = (await client.get(URL, params={"since": since.isoformat()}, headers=AUTH)).json()
    assert data["period_start"] == since.isoformat() == data["weeks"][0]["start"]
    assert data["period_end"] == today.isoformat()
    assert len(data["weeks"]) in (3, 4)


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"weeks": "0"}, "weeks", "at least 1"),
    ({"weeks": str(MAX_WEEKS + 1)}, "weeks", f"at most {MAX_WEEKS}"),
    ({"weeks": "many"}, "weeks", "whole number"),
    ({"since": "last week"}, "since", "YYYY-MM-DD"),
    ({"since": "2999-01-01"}, "since", "later than today"),
    ({"since": "2000-01-01"}, "since", f"at most {MAX_WEEKS} weeks"),
    ({"since": "2026-11-01", "weeks": "4"}, "weeks", "either weeks or since"),
    ({"locale": "fr"}, "locale", "zh-CN or en"),
])
async def test_bad_parameters_are_422_naming_the_field(client: httpx.AsyncClient, params: dict, field: str,
                                                       words: str) -> None:
    response = await client.get(URL, params=params, headers={**AUTH, "Accept-Language": "en"})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "message"}
    assert f"“{field}”" in body["message"] and words in body["message"], body["message"]
    assert body["detail"][0]["field"] == field


async def test_the_overview_is_documented(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    operation = schema["paths"][URL]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"weeks", "since", "locale"}
    assert {"200", "401", "422"} <= set(operation["responses"])


@pytest.mark.parametrize(("lang", "words"), [("zh-CN", "评估概况"), ("en", "Overview of assessments")])
async def test_the_staff_page_carries_the_overview_form_its_strings_and_script(
        client: httpx.AsyncClient, lang: str, words: str) -> None:
    import json
    import re

    html = (await client.get("/staff", params={"lang": lang})).text
    assert words in html and 'id="overview-form"' in html and 'type="password"' in html
    strings = json.loads(re.search(r'<script id="overview-strings" type="application/json">(.*?)</script>',
                                   html, flags=re.S).group(1))
    assert strings == {key.removeprefix("web.overview."): text for key, text in catalog(lang).items()
                       if key.startswith("web.overview.")}
    assert '<script src="/static/staff_overview.js" data-locale="' + lang + '" defer>' in html
    assert not re.search(r"<script>|\sstyle=|\son[a-z]+=", html)  # nothing inline: the page's CSP allows none
    for name, kind in (("staff_overview.js", "javascript"), ("staff_overview.css", "text/css")):
        assert kind in (await client.get(f"/static/{name}")).headers["content-type"]


def test_the_overview_script_hard_codes_no_ui_text_and_never_writes_html() -> None:
    import re

    from bot.web.main import STATIC_DIR

    script = (STATIC_DIR / "staff_overview.js").read_text(encoding="utf-8")
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", script, flags=re.S)
    assert not re.search(r"[\u4e00-\u9fff]", code)
    assert "innerHTML" not in code and "insertAdjacentHTML" not in code and "localStorage" not in code
    assert "sessionStorage" not in code  # the staff token is never stored
