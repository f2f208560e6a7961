"""The widget in a real browser (Debian's Chromium driven by Playwright) against ``awardbot serve``.

A phone-sized page: open the widget, answer with clicks and typing ("1.2亿"), reload half-way and
find the whole conversation again, switch language, read the result sections the server grouped and
a citation, open the report, close with Escape. Then: another site's page whose CSP forbids inline
styles, the keyboard alone from the bubble to a result, 200% zoom and a failed send.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from .browser_support import (
    DESKTOP,
    MULTI_CHOICES,
    PHONE,
    WidgetDriver,
    customer_site,
    in_widget,
    save_screenshot_path,
)
from .support import TYPED_ANSWERS, ServeProcess

pytestmark = pytest.mark.e2e

RELOAD_AFTER = "revenue_prev_cny"
SWITCH_LANGUAGE_AFTER = "software_staff"
RULE_ID = re.compile(r"\b(?:YZ2025|YZ2021|CQ2025|CQ2022)-\d")


async def test_a_phone_user_finishes_an_assessment_in_the_widget(
        browser: Any, server: ServeProcess, strings: dict[str, dict[str, str]]) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(viewport=PHONE, locale="zh-CN", device_scale_factor=2,
                                        is_mobile=True, has_touch=True)
    page = await context.new_page()
    driver = WidgetDriver(page, strings)
    await page.goto(f"{server.base_url}/")

    turn = await driver.open()
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
            before = await driver.bubbles()
            again = await driver.act(lambda: page.reload(), after_reload=True)
            assert {**again, "history": None} == turn  # resumed with GET /api/sessions/{id}: same question
            after = await driver.bubbles()
            on_screen = len(turn["messages"])  # the turn on screen is shown again from the turn itself
            assert after[: len(before) - on_screen] == before[:-on_screen]  # the whole conversation is back
            assert [text for _, _, text in after[-len(again["messages"]):]] == again["messages"]
            assert len(after) == len(before) - on_screen + len(again["messages"]) and len(after) > 10
            assert ("user", "zh-CN", TYPED_ANSWERS["revenue_cny"]) in after
            await expect(driver.panel).to_be_visible()
        if field == SWITCH_LANGUAGE_AFTER and not switched:
            switched = True
            turn = await driver.act(lambda: driver.button(strings["zh-CN"]["language_switch_label"]).click())
            assert turn["locale"] == "en" and driver.locale == "en"
            await expect(driver.button(strings["en"]["send"])).to_be_visible()
            await expect(driver.panel.locator(".ab-title")).to_have_text(strings["en"]["title"])
            await expect(driver.panel).to_have_attribute("lang", "en")
            langs = {lang for _, lang, _ in await driver.bubbles()}
            assert langs == {"zh-CN", "en"}  # earlier Chinese messages stay marked Chinese
            assert ("user", "en", strings["zh-CN"]["language_switch"]) in await driver.bubbles()  # "English"
    assert turn["done"] and reloaded and switched, turn
    assert driver.errors == []

    # the result, in English, laid out as the server grouped it
    view = turn["result"]
    result = driver.panel.locator(".ab-result").last
    await expect(result.locator(".ab-total-value")).to_have_text(view["total_text"])
    assert "16,520,000" in view["total_text"]  # YZ2021-5 included (a held 高新 title, newly moved in)
    await expect(result.locator(".ab-section-title")).to_have_text([s["title"] for s in view["sections"]])
    for section in view["sections"]:
        cards = result.locator(f".ab-section-{section['id']} .ab-card-title")
        await expect(cards).to_have_text([item["title"] for item in section["items"]])
    assert not RULE_ID.search(await result.inner_text())  # no internal ids, titles instead
    award = view["sections"][0]["items"][0]
    first_citation = result.locator(".ab-section-awards details.ab-citation").first
    await first_citation.locator("summary").first.click()
    await expect(first_citation.locator("blockquote").first).to_have_text(award["citation"]["excerpt"])
    await expect(first_citation).to_contain_text(award["citation"]["document"])
    assert await driver.focused() != "BODY"

    # back to Chinese: the result is shown again in Chinese
    turn = await driver.act(lambda: driver.button(strings["en"]["language_switch_label"]).click())
    assert turn["locale"] == "zh-CN"
    result = driver.panel.locator(".ab-result").last
    await expect(result.locator(".ab-total-value")).to_have_text(turn["result"]["total_text"])
    await expect(driver.panel.locator(".ab-title")).to_have_text(strings["zh-CN"]["title"])
    await result.locator("details.ab-citation summary").first.click()

    report_url = await result.get_by_role("link", name=strings["zh-CN"]["report_link"]).get_attribute("href")
    report = await page.request.get(report_url)
    assert report.ok and turn["result"]["total_text"] in await report.text()

    await page.screenshot(path=str(save_screenshot_path("widget-result.png")))

    await page.keyboard.press("Escape")
    await expect(driver.panel).to_be_hidden()
    await expect(page.get_by_role("button", name=strings["zh-CN"]["bubble"])).to_be_focused()
    await context.close()


async def test_the_widget_works_on_another_sites_page_whose_csp_forbids_inline_styles(
        browser: Any, server: ServeProcess, strings: dict[str, dict[str, str]]) -> None:
    """One script tag on a page of another origin: the API base comes from the script's src (CORS)."""
    from playwright.async_api import expect

    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    await context.add_init_script("window.__cspViolations = [];"
                                  "document.addEventListener('securitypolicyviolation', e =>"
                                  " window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI), true);")
    page = await context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    policy = (f"default-src 'none'; script-src {server.base_url}; style-src {server.base_url}; "
              f"connect-src {server.base_url}; img-src {server.base_url}")
    host_page = (f'<!doctype html><html lang="en"><head><title>Customer site</title></head><body>'
                 f'<main><h1>Some other site</h1></main>'
                 f'<script src="{server.base_url}/static/widget.js" data-locale="en" defer></script></body></html>')
    driver = WidgetDriver(page, strings, locale="en")
    with customer_site(host_page, {"Content-Security-Policy": policy}) as customer_page:
        await page.goto(customer_page)

        turn = await driver.open()
        assert turn["locale"] == "en" and turn["expects"]["field"] == "district"
        await expect(driver.panel.locator(".ab-msg-bot .ab-msg-text").first).to_have_text(turn["messages"][0])
        district = next(o["label"] for o in turn["expects"]["options"] if o["id"] == "渝中区")
        turn = await driver.answer(turn)
        assert turn["expects"]["field"] == "is_software_enterprise"
        # the user's own answer is echoed as text, and the focus is on the first answer button
        await expect(driver.panel.locator(".ab-msg-user .ab-msg-text").last).to_have_text(district)
        assert await driver.focused() == "BUTTON:" + turn["expects"]["options"][0]["label"]
        # the widget's CSS applies (from its own file): the panel is a fixed card with the red header
        header = await page.evaluate(in_widget("getComputedStyle(root.querySelector('.ab-header')).backgroundColor"))
        assert header == "rgb(179, 38, 30)"
        assert await page.evaluate(in_widget("root.querySelectorAll('[style]').length")) == 0
        await page.screenshot(path=str(save_screenshot_path("widget-desktop.png")))
        assert await page.evaluate("() => window.__cspViolations") == []
        assert not [line for line in console if "Content Security Policy" in line], console
        assert driver.errors == []
        await context.close()


def _luminance(rgb: str) -> float:
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(one: str, other: str) -> float:
    """WCAG contrast ratio of two CSS rgb() colours."""
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


async def _press_until_focused(page: Any, driver: WidgetDriver, key: str, wanted: str, limit: int) -> int:
    """Press ``key`` until the focused element's text is ``wanted``; returns how many presses."""
    for presses in range(limit + 1):
        if (await driver.focused()).split(":", 1)[-1] == wanted:
            return presses
        await page.keyboard.press(key)
    raise AssertionError(f"{wanted!r} not reached with {limit} × {key}; focus on {await driver.focused()}")


async def test_the_keyboard_alone_reaches_a_result(
        browser: Any, server: ServeProcess, strings: dict[str, dict[str, str]]) -> None:
    from playwright.async_api import expect

    context = await browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = await context.new_page()
    driver = WidgetDriver(page, strings)
    await page.goto(f"{server.base_url}/?lang=zh-CN")
    s = strings["zh-CN"]
    for _ in range(30):  # Tab through the page to the bubble
        await page.keyboard.press("Tab")
        if (await driver.focused()).startswith("BUTTON:") and s["bubble"] in await driver.focused():
            break
    else:
        raise AssertionError("the bubble is not reachable with Tab")
    turn = await driver.act(lambda: page.keyboard.press("Enter"))
    # the question names its option group; the focus ring on the red header is visible (≥ 3:1)
    question = turn["messages"][-1]
    await expect(driver.panel.get_by_role("group", name=question, exact=True)).to_be_visible()
    await _press_until_focused(page, driver, "Shift+Tab", s["language_switch"], 12)
    ring, header = await page.evaluate(in_widget(
        "[getComputedStyle(root.activeElement).outlineColor,"
        " getComputedStyle(root.querySelector('.ab-header')).backgroundColor]"))
    assert contrast(ring, header) >= 3, (ring, header)
    border = await page.evaluate(in_widget("getComputedStyle(root.querySelector('.ab-input')).borderTopColor"))
    assert contrast(border, "rgb(255, 255, 255)") >= 3, border  # input borders (WCAG 1.4.11)
    await _press_until_focused(page, driver, "Tab", turn["expects"]["options"][0]["label"], 12)
    skip_tabs: list[int] = []
    for _ in range(60):
        if turn["done"]:
            break
        expects = turn["expects"]
        labels = {o["id"]: o["label"] for o in expects["options"]}
        assert await driver.focused() != "BODY"
        if expects["field"] == "district":  # a long list: one Tab stop, arrow keys inside
            await _press_until_focused(page, driver, "ArrowDown", labels["渝中区"], len(labels))
            turn = await driver.act(lambda: page.keyboard.press("Enter"))
        elif expects["kind"] == "bool":
            wanted = labels["no" if expects["field"] == "events" else "yes"]
            await _press_until_focused(page, driver, "Tab", wanted, 5)
            turn = await driver.act(lambda: page.keyboard.press("Enter"))
        elif expects["kind"] == "multi":
            for option in MULTI_CHOICES.get(expects["field"], []):
                if option in labels:
                    assert await _check_with_keyboard(page, labels[option], len(labels))
            skip_tabs.append(await _press_until_focused(page, driver, "Tab", s["skip"], 6))
            await _press_until_focused(page, driver, "Shift+Tab", s["multi_done"], 3)
            turn = await driver.act(lambda: page.keyboard.press("Enter"))
        elif expects["kind"] in ("amount", "integer") and TYPED_ANSWERS.get(expects["field"]):
            assert (await driver.focused()).startswith("INPUT")
            await page.keyboard.type(TYPED_ANSWERS[expects["field"]])
            turn = await driver.act(lambda: page.keyboard.press("Enter"))
        else:
            await _press_until_focused(page, driver, "Tab", s["skip"], 12)
            turn = await driver.act(lambda: page.keyboard.press("Enter"))
    assert turn["done"], turn
    assert skip_tabs and max(skip_tabs) <= 3, skip_tabs  # 跳过 after a long multi-select: a few Tabs, not 27
    assert await page.evaluate(in_widget("root.activeElement.classList.contains('ab-total')"))
    # read once: the result is not in the live log's announcements, the focus on its total reads it
    assert await driver.panel.locator(".ab-result").last.get_attribute("aria-live") == "off"
    await expect(driver.panel.locator(".ab-result .ab-total-value")).to_have_text(turn["result"]["total_text"])
    assert driver.errors == []
    await context.close()


async def _check_with_keyboard(page: Any, label: str, limit: int) -> bool:
    """Move with the arrow keys to the checkbox named ``label`` and tick it with Space."""
    for _ in range(limit + 1):
        name = await page.evaluate(in_widget("root.activeElement.closest('label') &&"
                                             " root.activeElement.closest('label').textContent"))
        if name == label:
            await page.keyboard.press("Space")
            return await page.evaluate(in_widget("root.activeElement.checked"))
        await page.keyboard.press("ArrowDown")
    return False


async def test_at_200_percent_zoom_the_log_has_room_and_a_failed_send_keeps_focus_and_says_why(
        browser: Any, server: ServeProcess, strings: dict[str, dict[str, str]]) -> None:
    """1280 × 800 at 200% zoom is a 640 × 400 CSS-pixel viewport at two device pixels per pixel."""
    from playwright.async_api import expect

    context = await browser.new_context(viewport={"width": 640, "height": 400}, device_scale_factor=2,
                                        locale="zh-CN")
    page = await context.new_page()
    driver = WidgetDriver(page, strings)
    await page.goto(f"{server.base_url}/?lang=zh-CN")
    turn = await driver.open()
    turn = await driver.answer_until(turn, lambda t: t["expects"]["kind"] == "multi")
    log_height = await page.evaluate(in_widget("root.querySelector('.ab-log').getBoundingClientRect().height"))
    assert log_height >= 150, log_height  # was 28 px: the panel now scrolls as a whole
    clipped = await page.evaluate(in_widget(
        "[...root.querySelectorAll('.ab-answer *:not(.ab-visually-hidden)')].filter(n => n.scrollHeight > n.clientHeight + 1"
        " && getComputedStyle(n).overflowY !== 'visible').map(n => n.outerHTML.slice(0, 80))"))
    assert clipped == []  # no answer area with its own fixed height
    await page.screenshot(path=str(save_screenshot_path("widget-zoom-200.png")))

    # a send that fails: focus stays on the control, the status line says why, in full
    first_box = driver.panel.get_by_role("checkbox").first
    await first_box.focus()
    await page.route("**/messages", lambda route: route.abort())
    await driver.button(strings["zh-CN"]["multi_done"]).focus()
    await page.keyboard.press("Enter")
    status = driver.panel.locator(".ab-status")
    await expect(status).to_have_text(strings["zh-CN"]["error_network"])
    assert await driver.focused() == "BUTTON:" + strings["zh-CN"]["multi_done"]
    await status.scroll_into_view_if_needed()
    box = await status.bounding_box()
    assert box is not None and box["height"] >= 16 and box["y"] >= 0 and box["y"] + box["height"] <= 400
    assert await page.evaluate(in_widget("(s => s.scrollHeight <= s.clientHeight + 1)(root.querySelector('.ab-status'))"))
    await page.unroute("**/messages")
    turn = await driver.act(lambda: page.keyboard.press("Enter"))  # the same control works again
    assert turn["expects"] is None or turn["expects"]["kind"] != "multi" or turn["expects"]["field"] != "certifications"
    assert driver.errors == []
    await context.close()
