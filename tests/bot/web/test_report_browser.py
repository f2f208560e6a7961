"""The printable report in Chromium: readable on a 390 px phone (chart labels as text, not a shrunken
SVG), and on A4 paper no page is left half empty by a block pushed whole to the next page."""

from __future__ import annotations

import math
import re
from typing import Any

import pytest

from .browser_support import PHONE, WidgetDriver, save_screenshot_path
from .support import ServeProcess

pytestmark = pytest.mark.e2e

MM = 96 / 25.4  # CSS pixels per millimetre
A4_CONTENT_WIDTH = (210 - 2 * 14) * MM  # @page margins in report.css: 16 mm × 14 mm
A4_CONTENT_HEIGHT = (297 - 2 * 16) * MM
#: What print layout may not split: the report's break-inside: avoid blocks, and headings (kept with what follows).
UNBREAKABLE = ".total, .bar-row, .cite, blockquote, .lines li, h1, h2, h3"


@pytest.fixture(scope="module")
def report_url(server: ServeProcess) -> str:
    """A finished conversation's report (the scripted Yuzhong enterprise), made through the API."""
    import httpx

    from .support import answer_for

    with httpx.Client(base_url=server.base_url) as http:
        turn = http.post("/api/sessions", json={"locale": "zh-CN"}).json()
        for _ in range(80):
            if turn["done"]:
                break
            turn = http.post(f"/api/sessions/{turn['session_id']}/messages",
                             json={"text": answer_for(turn["expects"])}).json()
    assert turn["done"]
    return f"{server.base_url}/api/sessions/{turn['session_id']}/report"


async def test_on_a_390px_phone_chart_labels_are_readable_text(browser: Any, report_url: str) -> None:
    context = await browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = await context.new_page()
    await page.goto(report_url)
    labels = page.locator(".chart .bar-label")
    assert await labels.count() >= 5
    sizes = await labels.evaluate_all("els => els.map(e => parseFloat(getComputedStyle(e).fontSize))")
    assert min(sizes) >= 14, sizes  # was an SVG scaled to about 7 px
    truncated = await labels.evaluate_all("els => els.filter(e => e.scrollWidth > e.clientWidth + 1).length")
    assert truncated == 0
    assert await page.evaluate("() => document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scroll
    assert not await page.locator("[style]").count() and not await page.locator("style").count()
    await page.screenshot(path=str(save_screenshot_path("report-390.png")), full_page=False)
    await page.screenshot(path=str(save_screenshot_path("report-390-full.png")), full_page=True)
    await context.close()


async def test_printed_on_a4_the_first_page_is_full_and_no_block_leaves_a_page_half_empty(
        browser: Any, report_url: str) -> None:
    context = await browser.new_context(viewport={"width": math.floor(A4_CONTENT_WIDTH), "height": 1100})
    page = await context.new_page()
    await page.goto(report_url)
    await page.emulate_media(media="print")
    blocks = await page.locator(UNBREAKABLE).evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [e.tagName + '.' + e.className, r.top + scrollY, r.height]; })")
    page_height = A4_CONTENT_HEIGHT
    tallest = max(blocks, key=lambda block: block[2])
    assert tallest[2] < 0.25 * page_height, tallest  # nothing unbreakable can leave more than a quarter empty
    # where page 1 ends: at the first unbreakable block crossing the page edge (a heading goes with it)
    crossing = [block for block in blocks if block[1] < page_height < block[1] + block[2]]
    first_page_end = min((block[1] for block in crossing), default=page_height)
    assert first_page_end >= 0.75 * page_height, (first_page_end, page_height, crossing)
    await page.screenshot(path=str(save_screenshot_path("report-a4-page1.png")),
                          clip={"x": 0, "y": 0, "width": math.floor(A4_CONTENT_WIDTH), "height": math.floor(page_height)})

    pdf = await page.pdf(format="A4", print_background=True)
    save_screenshot_path("report-a4.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    content_height = await page.evaluate("() => document.documentElement.scrollHeight")
    assert 1 <= pages <= math.ceil(content_height / page_height) + 1, (pages, content_height / page_height)
    await context.close()


async def test_a_report_opened_from_the_widget_is_the_same_conversations(
        browser: Any, server: ServeProcess, strings: dict[str, dict[str, str]]) -> None:
    context = await browser.new_context(viewport=PHONE, locale="en")
    page = await context.new_page()
    driver = WidgetDriver(page, strings, locale="en")
    await page.goto(f"{server.base_url}/?lang=en")
    turn = await driver.answer_until(await driver.open(), lambda t: False)
    link = driver.panel.get_by_role("link", name=strings["en"]["report_link"])
    async with context.expect_page() as opened:
        await link.click()
    report = await opened.value
    await report.wait_for_load_state()
    assert turn["result"]["total_text"] in await report.locator(".total-value").inner_text()
    assert await report.get_by_role("button", name="Print").is_visible()  # wired by report.js, not inline
    await context.close()


@pytest.mark.parametrize("width", [PHONE["width"], 1000])
async def test_every_bar_has_the_same_origin_and_scale(browser: Any, report_url: str, width: int) -> None:
    """A bar's length is its amount over the largest, on one scale for all rows: the chart never lies."""
    context = await browser.new_context(viewport={"width": width, "height": 900})
    page = await context.new_page()
    await page.goto(report_url)
    tracks = await page.locator(".chart .bar-track").evaluate_all(
        "els => els.map(e => { const r = e.getBoundingClientRect(); return [r.left, r.width]; })")
    assert len({round(left) for left, _ in tracks}) == 1 and len({round(w) for _, w in tracks}) == 1, tracks
    await context.close()
