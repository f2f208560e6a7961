"""The staff FAQ page in Chromium: results as you type, and for a query no clause answers, no result
but suggested topics, clearly marked as suggestions, each a search of its own."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from .browser_support import save_screenshot_path
from .support import ServeProcess

pytestmark = pytest.mark.e2e
STATUS = "#faq-status"


@pytest.mark.parametrize(("lang", "query", "in_force"), [("zh-CN", "算力券", "现行有效"), ("en", "compute voucher", "in force")])
async def test_the_staff_page_shows_results_as_you_type(
        browser: Any, server: ServeProcess, lang: str, query: str, in_force: str) -> None:
    from playwright.async_api import expect

    expected = httpx.get(f"{server.base_url}/api/faq", params={"q": query, "limit": 10, "locale": lang}).json()
    best = expected["results"][0]
    context = await browser.new_context(viewport={"width": 1000, "height": 1100}, locale=lang)
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    await page.goto(f"{server.base_url}/staff?lang={lang}")
    search = page.locator("#faq-query")
    await expect(search).to_be_focused()
    await search.press_sequentially(query, delay=30)
    first = page.locator(".faq-result").first
    await expect(first.locator("h2")).to_contain_text(best["title"])
    await expect(page.locator(".faq-result")).to_have_count(len(expected["results"]))
    await expect(first.locator(".faq-quote")).to_have_text(best["citation"]["quote"])
    await expect(first).to_contain_text(best["responsible_unit"])
    await expect(first).to_contain_text(best["beneficiary"]["label"])
    await expect(first).to_contain_text(in_force)
    await expect(first).to_contain_text("100" if lang == "en" else "100 万元")  # the maximum amount
    await expect(page.locator("#faq-suggestions")).to_be_hidden()
    count = len(expected["results"])  # the count line follows the one plural rule
    counted = {"en": f"{count} matching clause" + ("" if count == 1 else "s"), "zh-CN": f"找到 {count} 条相关条款"}
    await expect(page.locator(STATUS)).to_have_text(counted[lang])
    await page.screenshot(path=str(save_screenshot_path(f"staff-{lang}.png")))
    await search.fill("")
    await expect(page.locator(".faq-result")).to_have_count(0)
    assert errors == []
    await context.close()


@pytest.mark.parametrize(("lang", "query", "nothing"), [
    ("zh-CN", "xyzzy 无关", "没有找到相关条款"),
    ("en", "how much for ISO certification", "No matching clause"),
    ("zh-CN", "<script>alert(1)</script>", "没有找到相关条款"),
])
async def test_an_unanswered_query_shows_no_result_and_marked_suggestions(
        browser: Any, server: ServeProcess, lang: str, query: str, nothing: str) -> None:
    from playwright.async_api import expect

    offered = httpx.get(f"{server.base_url}/api/faq", params={"q": query, "limit": 10, "locale": lang}).json()
    assert offered["results"] == [] and offered["suggestions"]
    context = await browser.new_context(viewport={"width": 1000, "height": 900}, locale=lang)
    page = await context.new_page()
    await page.goto(f"{server.base_url}/staff?lang={lang}")
    await page.locator("#faq-query").fill(query)
    await expect(page.locator("#faq-status")).to_have_text(nothing + ("。" if lang == "zh-CN" else "."))
    await expect(page.locator(".faq-result")).to_have_count(0)
    box = page.locator("#faq-suggestions")
    await expect(box).to_be_visible()
    await expect(box.get_by_role("heading")).to_contain_text("不是检索结果" if lang == "zh-CN" else "not results")
    buttons = box.get_by_role("button")
    await expect(buttons).to_have_text([s["title"] for s in offered["suggestions"]])
    await page.screenshot(path=str(save_screenshot_path(f"staff-suggestions-{lang}.png")))
    await buttons.first.click()  # a suggestion is a search of its own
    await expect(page.locator("#faq-query")).to_have_value(offered["suggestions"][0]["query"])
    await expect(page.locator(".faq-result").first).to_be_visible()
    await expect(box).to_be_hidden()
    await context.close()
