"""The staff overview on /staff in Chromium: with the staff token, the totals, the SVG chart (a title
and a description) and the same figures as tables, for records seeded into the store, in both
languages; no Content Security Policy violation; no axe-core violation; a wrong token is said so."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.records_overview import OVERVIEW_TIMEZONE, monday_of
from bot.store import AssessmentRecord, open_store
from rules.profile import Profile
from rules.report import assess_profile

from .browser_support import DESKTOP, axe_violations, save_screenshot_path
from .support import ServeProcess

pytestmark = pytest.mark.e2e
TOKEN = "overview-staff-token-0123456789abcdef"
PROFILES = [  # a Yuzhong software enterprise; a smaller one; one outside the districts of most clauses
    {"district": "渝中区", "is_software_enterprise": True, "revenue_cny": 1.2e8, "revenue_prev_cny": 1e8,
     "software_staff": 5200, "software_staff_prev_max": 4800, "certifications": ["national_key_software"],
     "new_certifications": ["national_key_software"], "rnd_reserve_system": True, "rnd_expense_cny": 8e6,
     "rnd_expense_prev_cny": 6e6, "compute_spend_cny": 2e6},
    {"district": "渝中区", "is_software_enterprise": True, "revenue_cny": 3e7, "compute_spend_cny": 5e5},
    {"district": "江北区", "is_software_enterprise": True, "invention_patents": 2},
]


def seeded_records(now: dt.datetime) -> list[AssessmentRecord]:
    """Conversation A twice this week (the latest with awards), B last week, C three weeks before this one
    (times in Shanghai)."""
    this_monday = dt.datetime.combine(monday_of(now.astimezone(OVERVIEW_TIMEZONE).date()), dt.time(),
                                      tzinfo=OVERVIEW_TIMEZONE)
    moments = {
        ("web:overview-a", 1): max(this_monday + dt.timedelta(seconds=1), now - dt.timedelta(minutes=2)),
        ("web:overview-a", 0): max(this_monday + dt.timedelta(seconds=2), now - dt.timedelta(minutes=1)),
        ("telegram:overview-b", 1): this_monday - dt.timedelta(days=3),
        ("web:overview-c", 2): this_monday - dt.timedelta(days=17),
    }
    records = []
    for (key, profile_index), moment in moments.items():
        result = assess_profile(Profile.model_validate(PROFILES[profile_index]), as_of=moment.date())
        records.append(AssessmentRecord(conversation_key=key, created_at=moment, channel=key.split(":")[0],
                                        locale="zh-CN", ruleset_version=result["ruleset_version"],
                                        profile=PROFILES[profile_index], result=result))
    return records


async def seed(data_dir: Path) -> None:
    store = open_store(f"sqlite:///{(data_dir / 'awardbot.db').resolve()}")
    try:
        for record in seeded_records(dt.datetime.now(dt.UTC)):
            await store.add_record(record)
    finally:
        await store.close()


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    data_dir = tmp_path_factory.mktemp("overview-serve")
    asyncio.run(seed(data_dir))
    with ServeProcess(data_dir, env={"AWARDBOT_RATE_LIMITS": "off", "AWARDBOT_STAFF_TOKEN": TOKEN}) as running:
        yield running


async def show_overview(page: Any, base_url: str, lang: str, token: str = TOKEN) -> None:
    await page.goto(f"{base_url}/staff?lang={lang}")
    await page.locator("#overview-token").fill(token)
    await page.locator("#overview-form button[type=submit]").click()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_the_overview_shows_the_seeded_records_as_a_chart_and_tables(
        browser: Any, staff_server: ServeProcess, lang: str) -> None:
    from playwright.async_api import expect

    expected = httpx.get(f"{staff_server.base_url}/api/records/overview", params={"weeks": 12, "locale": lang},
                         headers={"Authorization": f"Bearer {TOKEN}"}).json()
    assert expected["assessments"] == 4 and expected["conversations"] == 3
    assert [w["assessments"] for w in expected["weeks"][-4:]] == [1, 0, 1, 2]
    strings = {key.removeprefix("web.overview."): text for key, text in _catalog(lang).items()
               if key.startswith("web.overview.")}
    context = await browser.new_context(viewport=DESKTOP, locale=lang)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    await show_overview(page, staff_server.base_url, lang)
    body = page.locator("#overview-body")
    await expect(body).to_be_visible()
    await expect(page.locator("#overview-status")).to_have_text(
        strings["loaded"].format(start=expected["period_start"], end=expected["period_end"]))

    totals = page.locator("#overview-totals")
    await expect(totals.locator("dd")).to_have_text(["4", "3", expected["total_max_award_text"]])
    assert ("万元" in expected["total_max_award_text"]) is (lang == "zh-CN")

    chart = page.get_by_role("img", name=strings["chart_title"])
    await expect(chart).to_be_visible()
    description = await chart.evaluate("svg => svg.querySelector('desc').textContent")
    assert expected["period_start"] in description and expected["period_end"] in description
    bars = chart.locator("rect.overview-bar")
    await expect(bars).to_have_count(12)
    assert [int(v) for v in await bars.evaluate_all("bars => bars.map(b => b.dataset.value)")] == [
        w["assessments"] for w in expected["weeks"]]
    heights = await bars.evaluate_all("bars => bars.map(b => parseFloat(b.getAttribute('height')))")
    assert heights[-1] > heights[-2] > 0 and heights[-3] == 0  # 2 this week, 1 the week before, none before that

    week_rows = page.locator("#overview-weeks-table tbody tr")
    await expect(week_rows).to_have_count(12)
    newest = expected["weeks"][-1]
    await expect(week_rows.first).to_have_text(
        newest["label"] + "2" + "1" + newest["total_max_award_text"])  # newest first: 2 assessments, 1 enterprise
    clause_rows = page.locator("#overview-clauses-table tbody tr")
    await expect(clause_rows).to_have_count(len(expected["clauses"]))
    top = expected["clauses"][0]
    await expect(clause_rows.first.locator("th")).to_have_text(top["clause_id"])
    await expect(clause_rows.first.locator("td").first).to_have_text(top["title"])
    await expect(page.locator("#overview-notes li")).to_have_text(expected["notes"])
    assert any("Asia/Shanghai" in note for note in expected["notes"])
    await page.screenshot(path=str(save_screenshot_path(f"staff-overview-{lang}.png")), full_page=True)
    assert errors == []  # no script error, no Content Security Policy violation
    await context.close()


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_the_overview_has_no_accessibility_violation(browser: Any, staff_server: ServeProcess, lang: str) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(viewport=DESKTOP, locale=lang, bypass_csp=True)
    page = await context.new_page()
    await page.goto(f"{staff_server.base_url}/staff?lang={lang}")
    assert await axe_violations(page) == []  # the form before the overview
    await show_overview(page, staff_server.base_url, lang)
    await expect(page.locator("#overview-body")).to_be_visible()
    assert await axe_violations(page) == []
    await context.close()


async def test_a_wrong_token_is_said_so_and_shows_nothing(browser: Any, staff_server: ServeProcess) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(viewport=DESKTOP, locale="en")
    page = await context.new_page()
    await show_overview(page, staff_server.base_url, "en", token="not-the-token")
    await expect(page.locator("#overview-status")).to_have_text(_catalog("en")["web.overview.unauthorized"])
    await expect(page.locator("#overview-body")).to_be_hidden()
    await expect(page.locator("#overview-token")).to_be_focused()
    await context.close()


def _catalog(lang: str) -> dict[str, str]:
    from locales import catalog

    return catalog(lang)
