"""The widget in a real browser (Debian's Chromium driven by Playwright) against ``awardbot serve``.

A phone-sized page: open the widget, answer with clicks and typing ("1.2亿"), reload half-way and
carry on, switch language, read the total and a citation, open the report, close with Escape.
Screenshots go to ``test-output/`` for people to look at.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .support import REPO_ROOT, TYPED_ANSWERS, ServeProcess

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
OUTPUT_DIR = REPO_ROOT / "test-output"
PHONE = {"width": 390, "height": 844}
MULTI_CHOICES = {"certifications": ["national_key_software", "high_tech_enterprise"],
                 "new_certifications": ["national_key_software"]}
RELOAD_AFTER = "revenue_prev_cny"
SWITCH_LANGUAGE_AFTER = "software_staff"


@contextlib.contextmanager
def customer_site(page_html: str) -> Iterator[str]:
    """Another site (a loopback HTTP server on its own port) whose page embeds the widget."""
    body = page_html.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=site.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{site.server_address[1]}/customer.html"
    finally:
        site.shutdown()
        site.server_close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    with ServeProcess(tmp_path_factory.mktemp("widget-serve")) as running:
        yield running


@pytest.fixture(scope="module")
def strings(server: ServeProcess) -> dict[str, dict[str, str]]:
    """The widget's UI strings, as the server hands them out (never written into the tests)."""
    return {locale: httpx.get(f"{server.base_url}/api/i18n/{locale}").json()["messages"]
            for locale in ("zh-CN", "en")}


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not CHROMIUM.exists():
        message = ("!!! /usr/bin/chromium IS MISSING: the widget browser tests are SKIPPED. "
                   "Install Debian's chromium package (test.sh does) to run them. !!!")
        warnings.warn(message, stacklevel=1)
        pytest.skip(message)
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            await launched.close()


class WidgetDriver:
    """Acts on the widget like a person and reads each turn the server sent for the action."""

    def __init__(self, page: Any, strings: dict[str, dict[str, str]]) -> None:
        self.page = page
        self.all_strings = strings
        self.locale = "zh-CN"
        self.panel = page.locator(".ab-panel")
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    @property
    def s(self) -> dict[str, str]:
        return self.all_strings[self.locale]

    async def rendered(self) -> int:
        value = await self.panel.get_attribute("data-turns") if await self.panel.count() else None
        return int(value or 0)

    async def act(self, action: Callable[[], Awaitable[Any]], after_reload: bool = False) -> dict[str, Any]:
        """Do ``action``; wait for the server's turn and for the widget to show it; return the turn."""
        from playwright.async_api import expect

        before = 0 if after_reload else await self.rendered()

        def is_turn(response: Any) -> bool:
            path = response.url.split("?")[0]
            return "/api/sessions" in path and not path.endswith(("/report",)) and response.request.method != "OPTIONS"

        async with self.page.expect_response(is_turn) as info:
            await action()
        turn = await (await info.value).json()
        await expect(self.panel).to_have_attribute("data-turns", str(before + 1))
        self.locale = turn.get("locale", self.locale)
        return turn

    def button(self, name: str) -> Any:
        return self.panel.get_by_role("button", name=name, exact=True)

    async def answer(self, turn: dict[str, Any]) -> dict[str, Any]:
        expects = turn["expects"]
        field, kind = expects["field"], expects["kind"]
        labels = {option["id"]: option["label"] for option in expects["options"]}
        if field == "district":
            return await self.act(lambda: self.button(labels["渝中区"]).click())
        if kind == "bool":
            return await self.act(lambda: self.button(labels["no" if field == "events" else "yes"]).click())
        if kind == "multi":
            wanted = [option for option in MULTI_CHOICES.get(field, []) if option in labels]
            if not wanted:
                return await self.act(lambda: self.button(self.s["none"]).click())
            for option in wanted:
                await self.panel.get_by_role("checkbox", name=labels[option], exact=True).check()
            return await self.act(lambda: self.button(self.s["multi_done"]).click())
        typed = TYPED_ANSWERS.get(field)
        if kind in ("amount", "integer") and typed:
            async def type_it() -> None:
                box = self.panel.get_by_role("textbox", name=self.s["input_label"])
                await box.fill(typed)
                await box.press("Enter")
            return await self.act(type_it)
        return await self.act(lambda: self.button(self.s["skip"]).click())


async def _last_bot_message(driver: WidgetDriver) -> str:
    return (await driver.panel.locator(".ab-msg-bot .ab-msg-text").last.text_content()) or ""


async def test_a_phone_user_finishes_an_assessment_in_the_widget(
        browser: Any, server: ServeProcess, strings: dict[str, dict[str, str]]) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2,
                                        is_mobile=True, has_touch=True)
    page = await context.new_page()
    driver = WidgetDriver(page, strings)
    await page.goto(f"{server.base_url}/")

    bubble = page.get_by_role("button", name=strings["zh-CN"]["open"])
    turn = await driver.act(lambda: bubble.click())
    assert turn["expects"]["field"] == "district"
    box = await driver.panel.bounding_box()
    assert box is not None and box["width"] == PHONE["width"] and box["height"] == PHONE["height"]  # full screen

    reloaded = switched = False
    for _ in range(60):
        if turn["done"]:
            break
        field = turn["expects"]["field"]
        turn = await driver.answer(turn)
        if field == RELOAD_AFTER and not reloaded:
            reloaded = True
            shown = await _last_bot_message(driver)
            again = await driver.act(lambda: page.reload(), after_reload=True)
            assert again == turn  # the widget resumed with GET /api/sessions/{id}: same question
            assert await _last_bot_message(driver) == shown
            await expect(driver.panel).to_be_visible()
        if field == SWITCH_LANGUAGE_AFTER and not switched:
            switched = True
            turn = await driver.act(lambda: driver.button(strings["zh-CN"]["language_switch_label"]).click())
            assert turn["locale"] == "en" and driver.locale == "en"
            await expect(driver.button(strings["en"]["send"])).to_be_visible()
            await expect(driver.panel.locator(".ab-title")).to_have_text(strings["en"]["title"])
    assert turn["done"] and reloaded and switched, turn
    assert driver.errors == []

    # the result, in English: total first, cards, a citation with its verbatim quote
    result = driver.panel.locator(".ab-result").last
    # 16,020,000 before issue 11, + 500,000 YZ2021-5 (a held 高新 title, newly moved in: 引进)
    await expect(result.locator(".ab-total-value")).to_have_text("CNY 16,520,000")
    eligible = [m for m in turn["assessment"]["matches"] if m["status"] == "eligible"]
    await expect(result.locator(".ab-card")).to_have_count(
        len(eligible) + len([m for m in turn["assessment"]["matches"] if m["status"] == "possible"]))
    first_citation = result.locator("details.ab-citation").first
    await first_citation.locator("summary").click()
    await expect(first_citation.locator("blockquote")).to_have_text(eligible[0]["citation"]["quote"])
    await expect(result.locator(".ab-card").first).to_contain_text(eligible[0]["citation"]["document"])

    # back to Chinese: the result is shown again in Chinese
    turn = await driver.act(lambda: driver.button(strings["en"]["language_switch_label"]).click())
    assert turn["locale"] == "zh-CN"
    result = driver.panel.locator(".ab-result").last
    await expect(result.locator(".ab-total-value")).to_have_text("1,652 万元")
    await expect(driver.panel.locator(".ab-title")).to_have_text(strings["zh-CN"]["title"])
    await result.locator("details.ab-citation summary").first.click()

    report_url = await result.get_by_role("link", name=strings["zh-CN"]["report_link"]).get_attribute("href")
    report = await page.request.get(report_url)
    assert report.ok and "<svg" in await report.text() and "1,652 万元" in await report.text()

    OUTPUT_DIR.mkdir(exist_ok=True)
    await page.screenshot(path=str(OUTPUT_DIR / "widget-result.png"))

    await page.keyboard.press("Escape")
    await expect(driver.panel).to_be_hidden()
    await expect(bubble).to_be_focused()
    await context.close()


async def test_the_widget_works_from_another_sites_page(
        browser: Any, server: ServeProcess, strings: dict[str, dict[str, str]]) -> None:
    """One script tag on a page of another origin: the API base comes from the script's src (CORS)."""
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    page = await context.new_page()
    host_page = (f'<!doctype html><html lang="en"><head><title>Customer site</title></head><body>'
                 f'<h1>Some other site</h1>'
                 f'<script src="{server.base_url}/static/widget.js" data-locale="en" defer></script></body></html>')
    driver = WidgetDriver(page, strings)
    driver.locale = "en"
    with customer_site(host_page) as customer_page:  # another origin: same host, another port
        await page.goto(customer_page)

        turn = await driver.act(lambda: page.get_by_role("button", name=strings["en"]["open"]).click())
        assert turn["locale"] == "en" and turn["expects"]["field"] == "district"
        await expect(driver.panel.locator(".ab-msg-bot .ab-msg-text").first).to_have_text(turn["messages"][0])
        district = next(o["label"] for o in turn["expects"]["options"] if o["id"] == "渝中区")
        turn = await driver.answer(turn)
        assert turn["expects"]["field"] == "is_software_enterprise"
        # the user's own answer is echoed as text, and the focus is on the first answer button
        await expect(driver.panel.locator(".ab-msg-user .ab-msg-text").last).to_have_text(district)
        focused = await page.evaluate("() => document.querySelector('.awardbot-widget').shadowRoot.activeElement.textContent")
        assert focused == turn["expects"]["options"][0]["label"]
        OUTPUT_DIR.mkdir(exist_ok=True)
        await page.screenshot(path=str(OUTPUT_DIR / "widget-desktop.png"))
        assert driver.errors == []
        await context.close()


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
    OUTPUT_DIR.mkdir(exist_ok=True)
    await page.screenshot(path=str(OUTPUT_DIR / f"staff-{lang}.png"))
    await search.fill("")
    await expect(page.locator(".faq-result")).to_have_count(0)
    assert errors == []
    await context.close()
