"""Ask a person in Telegram, end to end against the Bot API emulator: /ask and "转人工" at any point,
consent asked plainly, the question reaching the staff API, and the staff answer with its citation
arriving as exactly one Telegram message — from the worker running the bot, or from a web process
with a bot of its own — however often staff click."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Bot

from bot.conversation_service import ConversationService
from bot.questions.delivery import deliver_pending
from bot.settings import Settings
from bot.store import Store
from bot.web.main import create_app
from locales import t

from ..ptb_emulator_adapter import EmulatorBotApiState, EmulatorCompatibleRequest
from ..telegram_emulator import BotMessage, EmulatorUser, TelegramEmulator
from .conftest import RunBot
from .dialog_driver import assert_valid_telegram_html, button_texts

pytestmark = pytest.mark.e2e

ZH = "zh-CN"
STAFF_TOKEN = "staff-token-for-ask-tests-0123456789"
STAFF = {"Authorization": f"Bearer {STAFF_TOKEN}"}
COMPUTE_VOUCHER_QUOTE = "对从事 AI 智能体、数字孪生体开发的软信企业，提供“算力券”补贴支持"


@pytest.fixture
async def staff_api(store: Store, tmp_path: Path) -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """The web app on the bot's store (no Telegram running in it), and a client for it."""
    settings = Settings(_env_file=None, data_dir=tmp_path, staff_token=STAFF_TOKEN, allowed_hosts="testserver",
                        rate_limits=False)
    app = create_app(settings, store=store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield app, client


async def at_the_second_question(user: EmulatorUser) -> BotMessage:
    await user.send_command("/start")
    district = await user.wait_for_bot_message()
    await user.press_button(district, text="渝中区")
    return await user.wait_for_bot_message()


async def open_question(client: httpx.AsyncClient) -> dict[str, Any]:
    [question] = (await client.get("/api/questions", headers=STAFF)).json()["questions"]
    return question


async def answer(client: httpx.AsyncClient, question_id: str, request_id: str = "staff-click-1") -> httpx.Response:
    return await client.post(f"/api/questions/{question_id}/answer", headers=STAFF,
                             json={"text": "可以申请算力券，见第八条。", "citations": ["CQ2025-8"],
                                   "request_id": request_id})


async def test_ask_with_consent_then_one_staff_answer_with_its_citation(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser,
        staff_api: tuple[Any, httpx.AsyncClient]) -> None:
    app, client = staff_api
    async with run_bot(service) as application:
        second = await at_the_second_question(chinese_user)
        await chinese_user.send_command("/ask")
        prompt = await chinese_user.wait_for_bot_message()
        assert prompt.plain_text == t(ZH, "ask.prompt", limit=1000)
        await chinese_user.send_message("   ")
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "ask.empty")
        await chinese_user.send_message("问" * 1001)
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "ask.too_long", limit=1000)
        await chinese_user.send_message("我们能申请算力券吗？")
        consent = await chinese_user.wait_for_bot_message()
        assert consent.plain_text == "附上您已填写的信息和评估结果，方便工作人员回答？"
        assert button_texts(consent) == ["是，附上", "否，只发问题"]
        await chinese_user.press_button(consent, text="是，附上")
        echo = await chinese_user.wait_for_bot_message()
        assert "已发送给工作人员：“我们能申请算力券吗？”" in echo.plain_text
        assert t(ZH, "ask.sent_with") in echo.plain_text
        back = await chinese_user.wait_for_bot_message()
        assert second.plain_text.endswith(back.plain_text)  # back at the question they were on (no echo)
        with pytest.raises(LookupError):  # the consent buttons are gone: no second question
            await chinese_user.press_button(consent, text="是，附上")

        question = await open_question(client)
        assert question["channel"] == "telegram" and question["consent"] is True
        assert question["answers"]["district"] == "渝中区"

        app.state.telegram = application  # this web process is the worker running the bot
        clicks = await asyncio.gather(*(answer(client, question["id"]) for _ in range(3)))  # a triple click
        assert [c.status_code for c in clicks] == [200, 200, 200]
        deliveries = [c.json()["delivery"] for c in clicks]
        assert "sent" in deliveries and set(deliveries) <= {"sent", "sending"}, deliveries
        delivered = await chinese_user.wait_for_bot_message()
        await chinese_user.expect_no_bot_message(within=1.0)
        assert (await answer(client, question["id"])).json()["delivery"] == "sent"  # a retry later: nothing sent
        await chinese_user.expect_no_bot_message(within=0.5)
    assert_valid_telegram_html(delivered)
    text = delivered.plain_text
    assert text.startswith("工作人员回复了您的问题") and "您的问题：我们能申请算力券吗？" in text
    assert "可以申请算力券，见第八条。" in text and COMPUTE_VOUCHER_QUOTE in text
    assert "渝经信规范〔2025〕12号 （八）" in text
    assert (await client.get("/api/questions", headers=STAFF)).json()["questions"] == []


async def test_typed_words_mid_conversation_without_consent_answered_from_a_process_without_the_bot(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser, store: Store,
        staff_api: tuple[Any, httpx.AsyncClient], telegram_emulator: TelegramEmulator, emulator_bot_token: str,
        emulator_bot_api_state: EmulatorBotApiState) -> None:
    app, client = staff_api
    async with run_bot(service):
        second = await at_the_second_question(chinese_user)
        await chinese_user.send_message("转人工：研发费用怎么算？")
        consent = await chinese_user.wait_for_bot_message()
        assert consent.plain_text == t(ZH, "ask.consent")
        await chinese_user.send_message("好像吧")  # not a yes or no: asked again
        again = await chinese_user.wait_for_bot_message()
        assert again.plain_text == t(ZH, "ask.consent_again")
        await chinese_user.send_message("否")
        echo = await chinese_user.wait_for_bot_message()
        assert "研发费用怎么算？" in echo.plain_text and t(ZH, "ask.sent_without") in echo.plain_text
        assert second.plain_text.endswith((await chinese_user.wait_for_bot_message()).plain_text)

        question = await open_question(client)
        assert question["consent"] is False and question["answers"] is None and question["result"] is None
        key = f"tg:{chinese_user.chat_id}"
        state = await service.state(key)
        assert state is not None and state.answers["district"] == "渝中区"  # nothing answered is lost

        # a web worker where the bot does not run: the answer is kept until a bot can send it
        assert (await answer(client, question["id"])).json()["delivery"] == "pending"
        await chinese_user.expect_no_bot_message(within=0.5)
        async with Bot(emulator_bot_token, base_url=telegram_emulator.base_url,
                       request=EmulatorCompatibleRequest(emulator_bot_api_state)) as own_bot:
            assert await deliver_pending(own_bot, store) == 1  # type: ignore[arg-type]
            assert await deliver_pending(own_bot, store) == 0  # type: ignore[arg-type]
        delivered = await chinese_user.wait_for_bot_message()
        await chinese_user.expect_no_bot_message(within=0.5)
    assert "可以申请算力券，见第八条。" in delivered.plain_text and COMPUTE_VOUCHER_QUOTE in delivered.plain_text


async def test_cancel_and_forget(run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser,
                                 store: Store, staff_api: tuple[Any, httpx.AsyncClient]) -> None:
    _, client = staff_api
    key = f"tg:{chinese_user.chat_id}"
    async with run_bot(service):
        second = await at_the_second_question(chinese_user)
        await chinese_user.send_message("人工客服")
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "ask.prompt", limit=1000)
        await chinese_user.send_message("取消")
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "ask.cancelled")
        shown_again = await chinese_user.wait_for_bot_message()
        assert second.plain_text.endswith(shown_again.plain_text)
        assert (await client.get("/api/questions", headers=STAFF)).json()["questions"] == []

        await chinese_user.send_message("转人工")  # then a button of the question: the owner moved on
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "ask.prompt", limit=1000)
        await chinese_user.press_button(shown_again, text="是")
        third = await chinese_user.wait_for_bot_message()
        assert third.plain_text != t(ZH, "ask.consent") and await store.get(f"ask:{key}") is None
        assert (await service.state(key)).answers["is_software_enterprise"] is True  # type: ignore[union-attr]

        await chinese_user.send_command("/ask 能申请算力券吗")
        await chinese_user.press_button(await chinese_user.wait_for_bot_message(), text="是，附上")
        await chinese_user.wait_for_bot_messages(2)
        assert len(await store.questions_of(key)) == 1  # type: ignore[attr-defined]
        await chinese_user.send_command("/forget")
        await chinese_user.press_button(await chinese_user.wait_for_bot_message(), text="确认删除")
        await asyncio.sleep(0.5)
    assert await store.questions_of(key) == []  # type: ignore[attr-defined]
    assert (await client.get("/api/questions", headers=STAFF)).json()["questions"] == []
