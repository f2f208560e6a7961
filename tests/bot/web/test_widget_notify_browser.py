"""The widget's offer of change notices in a real browser (Chromium via Playwright) against ``awardbot serve``.

After a result the widget offers “通过 Telegram 接收变化提醒”; pressing it fetches a single-use deep link
(``POST /api/sessions/{id}/subscription-link``) and shows it as a link to ``t.me/<bot>?start=<token>``,
whose token the store knows for this very session. The result with the offer passes axe-core.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.store import open_store

from .browser_support import PHONE, WidgetDriver, axe_violations, widget_strings
from .support import ServeProcess

pytestmark = pytest.mark.e2e

BOT = "awardbot_widget_test_bot"


@pytest.fixture(scope="module")
def notify_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServeProcess]:
    data_dir = tmp_path_factory.mktemp("notify-serve")
    env = {"AWARDBOT_RATE_LIMITS": "off", "AWARDBOT_TELEGRAM_BOT_USERNAME": BOT}
    with ServeProcess(data_dir, env=env) as running:
        yield running


async def test_after_a_result_the_widget_offers_a_single_use_telegram_link(browser: Any,
                                                                         notify_server: ServeProcess) -> None:
    from playwright.async_api import expect

    strings = widget_strings(notify_server)
    context = await browser.new_context(viewport=PHONE, locale="zh-CN", bypass_csp=True)  # axe is injected
    page = await context.new_page()
    driver = WidgetDriver(page, strings)
    await page.goto(f"{notify_server.base_url}/")
    turn = await driver.open()
    turn = await driver.answer(turn)  # the district: something is stored

    async def show_result() -> None:
        box = driver.panel.get_by_role("textbox", name=strings["zh-CN"]["input_label"])
        await box.fill("查看结果")
        await box.press("Enter")

    turn = await driver.act(show_result)
    assert turn["done"]
    offer = driver.panel.get_by_role("button", name=strings["zh-CN"]["notify_offer"])
    await expect(offer).to_be_visible()
    await offer.click()
    link = driver.panel.get_by_role("link", name=strings["zh-CN"]["notify_open"])
    await expect(link).to_be_focused()
    href = await link.get_attribute("href")
    assert href is not None and href.startswith(f"https://t.me/{BOT}?start=")
    token = href.split("start=", 1)[1]

    async with open_store(f"sqlite:///{Path(notify_server.data_dir) / 'awardbot.db'}") as store:
        taken = await store.take_link_token(token, time.time())
    assert taken.status == "ok" and taken.conversation_key == f"web:{turn['session_id']}"

    assert await axe_violations(page) == []  # the result with the link and its hint
    assert driver.errors == []
    await context.close()
