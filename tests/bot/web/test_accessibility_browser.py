"""axe-core (from the npm package the tests install) finds no WCAG 2.1 A/AA or best-practice violation:
the widget closed, at a question, at a multi-select and at a result, in both languages; the staff page
with results and with none; the printable report."""

from __future__ import annotations

from typing import Any

import pytest

from .browser_support import DESKTOP, PHONE, WidgetDriver, axe_violations
from .support import ServeProcess

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
async def test_the_widget_has_no_violation_closed_asking_multi_select_and_at_the_result(
        browser: Any, server: ServeProcess, strings: dict[str, dict[str, str]], locale: str) -> None:
    context = await browser.new_context(viewport=PHONE, locale=locale, bypass_csp=True)
    page = await context.new_page()
    driver = WidgetDriver(page, strings, locale=locale)
    await page.goto(f"{server.base_url}/?lang={locale}")
    await page.get_by_role("button", name=strings[locale]["bubble"]).wait_for()
    found = {"closed": await axe_violations(page)}
    turn = await driver.open()
    found["question"] = await axe_violations(page)
    turn = await driver.answer_until(turn, lambda t: t["expects"]["kind"] == "multi")
    found["multi-select"] = await axe_violations(page)
    turn = await driver.answer_until(turn, lambda t: False)
    assert turn["done"] and turn["result"]["sections"]
    await driver.panel.locator(".ab-result details.ab-citation summary").first.click()
    found["result"] = await axe_violations(page)
    assert found == {state: [] for state in found}
    assert driver.errors == []
    await context.close()


@pytest.mark.parametrize(("locale", "query"), [("zh-CN", "算力券"), ("en", "how much for ISO certification")])
async def test_the_staff_page_has_no_violation_with_results_or_suggestions(
        browser: Any, server: ServeProcess, locale: str, query: str) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(viewport=DESKTOP, locale=locale, bypass_csp=True)
    page = await context.new_page()
    await page.goto(f"{server.base_url}/staff?lang={locale}")
    await page.locator("#faq-query").fill(query)
    if locale == "zh-CN":
        await expect(page.locator(".faq-result").first).to_be_visible()
    else:
        await expect(page.locator("#faq-suggestions")).to_be_visible()
    assert await axe_violations(page) == []
    await context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
async def test_the_report_has_no_violation(browser: Any, server: ServeProcess, strings: dict[str, dict[str, str]],
                                           locale: str) -> None:
    context = await browser.new_context(viewport=PHONE, locale=locale, bypass_csp=True)
    page = await context.new_page()
    driver = WidgetDriver(page, strings, locale=locale)
    await page.goto(f"{server.base_url}/?lang={locale}")
    turn = await driver.answer_until(await driver.open(), lambda t: False)
    await page.goto(f"{server.base_url}/api/sessions/{turn['session_id']}/report")
    assert await axe_violations(page) == []
    await context.close()
