"""Ask a person in Chromium: an owner leaves a question in the widget, it shows on /staff beside the FAQ
search, staff answer it citing a FAQ result, and the widget shows the answer with its citation once
(a second reload shows it again, no longer as new). Both pages pass axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from .browser_support import DESKTOP, WidgetDriver, axe_violations, in_widget, save_screenshot_path
from .support import ServeProcess

pytestmark = pytest.mark.e2e

STAFF_TOKEN = "staff-token-for-browser-tests-0123456789"
QUESTIONS = {"zh-CN": ("我们公司能申请算力券吗？", "算力券", "可以申请，请看第八条的条件。"),
             "en": ("Can we apply for the compute voucher?", "compute voucher", "Yes; see the conditions of item 8.")}


@pytest.fixture(scope="module")
def staffed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    with ServeProcess(tmp_path_factory.mktemp("ask-serve"),
                      env={"AWARDBOT_RATE_LIMITS": "off", "AWARDBOT_STAFF_TOKEN": STAFF_TOKEN}) as running:
        yield running


@pytest.mark.parametrize("locale", ["zh-CN", "en"])
async def test_a_widget_question_is_answered_on_the_staff_page_and_shown_once(
        browser: Any, staffed_server: ServeProcess, locale: str) -> None:
    from playwright.async_api import expect

    server = staffed_server
    strings = {lang: httpx.get(f"{server.base_url}/api/i18n/{lang}").json()["messages"] for lang in ("zh-CN", "en")}
    s = strings[locale]
    question_text, query, answer_text = QUESTIONS[locale]
    owner_context = await browser.new_context(viewport=DESKTOP, locale=locale, bypass_csp=True)
    owner = await owner_context.new_page()
    driver = WidgetDriver(owner, strings, locale=locale)
    await owner.goto(f"{server.base_url}/?lang={locale}")
    turn = await driver.answer(await driver.open())  # the district answered: the second question on screen
    question_on_screen = turn["messages"][-1]

    form = driver.panel.locator("form.ab-ask")
    box = driver.panel.get_by_role("textbox", name=s["input_label"])
    await box.fill({"zh-CN": "人工客服", "en": "talk to a person"}[locale])  # typed: the form opens, nothing applied
    await box.press("Enter")
    await expect(form.get_by_role("textbox", name=s["ask_label"])).to_be_focused()
    await form.get_by_role("button", name=s["ask_cancel"]).click()
    await expect(form).to_be_hidden()
    assert await driver.rendered() == 2  # no turn was applied or shown again

    await driver.button(s["ask_open"]).click()
    await expect(form.get_by_role("textbox", name=s["ask_label"])).to_be_focused()
    await form.get_by_role("button", name=s["ask_send"]).click()
    await expect(form.get_by_role("alert")).to_have_text(s["ask_empty"])
    await form.get_by_role("textbox", name=s["ask_label"]).fill(question_text)
    await form.get_by_role("button", name=s["ask_send"]).click()
    await expect(form.get_by_role("alert")).to_have_text(s["ask_consent_needed"])
    await expect(form.get_by_role("group", name=s["ask_consent"])).to_be_visible()
    assert await axe_violations(owner) == []  # the form open
    await form.get_by_role("radio", name=s["ask_consent_yes"]).check()
    await form.get_by_role("button", name=s["ask_send"]).click()
    await expect(driver.panel.locator(".ab-ask-sent")).to_contain_text(question_text)
    await expect(form).to_be_hidden()
    await owner.reload()  # open, not answered yet: said to be waiting, not lost
    await expect(driver.panel.locator(".ab-ask-waiting")).to_contain_text(question_text)
    await expect(driver.panel.locator(".ab-msg-bot").last).to_contain_text(question_on_screen.splitlines()[-1])
    assert (await driver.focused()).startswith(("INPUT", "BUTTON"))  # back at the question, focus in its controls

    staff_context = await browser.new_context(viewport={"width": 1400, "height": 1000}, locale=locale,
                                              bypass_csp=True)
    staff = await staff_context.new_page()
    errors: list[str] = []
    staff.on("pageerror", lambda error: errors.append(str(error)))
    await staff.goto(f"{server.base_url}/staff?lang={locale}")
    await staff.get_by_label({"zh-CN": "工作人员令牌（查看问题）", "en": "Staff token (for the questions)"}[locale],
                             exact=True).fill(STAFF_TOKEN)
    await staff.get_by_role("button", name={"zh-CN": "显示问题", "en": "Show questions"}[locale]).click()
    card = staff.locator(".sq-question", has_text=question_text)
    await expect(card).to_be_visible()
    await expect(staff.locator("#overview-token")).to_have_value(STAFF_TOKEN)  # one token for the page
    await expect(card).to_contain_text({"zh-CN": "渝中区", "en": "Yuzhong"}[locale])  # the answers, with consent
    await card.get_by_role("button").click()
    await expect(staff.locator("#sq-answer")).to_be_focused()
    await staff.locator("#sq-answer").fill(answer_text)
    await staff.locator("#faq-query").fill(query)
    first = staff.locator(".faq-result").first
    title = await first.get_attribute("data-title")
    await first.locator(".sq-cite").click()
    await expect(staff.locator("#sq-citations")).to_contain_text(title or "")
    assert await axe_violations(staff) == []
    await staff.screenshot(path=str(save_screenshot_path(f"staff-question-{locale}.png")))
    await staff.locator("#sq-send").dblclick()  # a double click answers once
    await expect(staff.locator("#sq-status")).to_contain_text(
        {"zh-CN": "回复已发送。", "en": "Answer sent."}[locale])
    await expect(card).to_have_count(0)
    answered = httpx.get(f"{server.base_url}/api/questions", params={"status": "answered"},
                         headers={"Authorization": f"Bearer {STAFF_TOKEN}"}).json()["questions"]
    mine = [q for q in answered if q["text"] == question_text]
    assert len(mine) == 1 and mine[0]["answer"]["text"] == answer_text
    [citation] = mine[0]["answer"]["citations"]
    assert citation["clause_id"] == "CQ2025-8"
    assert errors == []

    await owner.reload()
    shown = driver.panel.locator(".ab-staff-answer")
    await expect(shown).to_have_count(1)
    await expect(shown).to_contain_text(answer_text)
    await expect(shown.locator(".ab-new")).to_have_text(s["answer_new"])
    await expect(shown.locator(".ab-quote").first).to_have_text(citation["quote"])
    assert await axe_violations(owner) == []
    await owner.screenshot(path=str(save_screenshot_path(f"widget-staff-answer-{locale}.png")))
    await owner.reload()
    await expect(driver.panel.locator(".ab-staff-answer")).to_have_count(1)  # shown again, not as new
    await expect(driver.panel.locator(".ab-staff-answer .ab-new")).to_have_count(0)
    assert await owner.evaluate(in_widget("root.querySelectorAll('.ab-staff-new').length")) == 0
    assert driver.errors == []
    await owner_context.close()
    await staff_context.close()
