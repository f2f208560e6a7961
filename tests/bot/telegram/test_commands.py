"""The commands around the dialog: /faq, /forget, /help, /start after a result, and the command menu."""

from __future__ import annotations

import pytest

from bot.conversation_service import ConversationService
from bot.store import Store
from bot.telegram.menu import COMMAND_NAMES
from locales import t

from ..ptb_emulator_adapter import EmulatorBotApiState
from ..telegram_emulator import EmulatorUser
from .conftest import RunBot
from .dialog_driver import answer_until_result, assert_valid_telegram_html, button_texts

pytestmark = pytest.mark.e2e

ZH = "zh-CN"
COMPUTE_VOUCHER_TITLE = "“算力券”补贴（AI 智能体、数字孪生体开发）"
COMPUTE_VOUCHER_QUOTE = "对从事 AI 智能体、数字孪生体开发的软信企业，提供“算力券”补贴支持"


async def finish_assessment(user: EmulatorUser) -> None:
    await user.send_command("/start")
    district_question = await user.wait_for_bot_message()
    await user.press_button(district_question, text="渝中区")
    await answer_until_result(user, await user.wait_for_bot_message(), ZH)


async def test_faq_answers_with_title_amount_and_verbatim_quote(run_bot: RunBot, service: ConversationService,
                                                                chinese_user: EmulatorUser) -> None:
    async with run_bot(service):
        await chinese_user.send_command("/faq 算力券")
        answer = await chinese_user.wait_for_bot_message()
        await chinese_user.send_command("/faq")
        usage = await chinese_user.wait_for_bot_message()
    assert_valid_telegram_html(answer)
    assert f"1. {COMPUTE_VOUCHER_TITLE}" in answer.plain_text
    assert "CQ2025-8" not in answer.plain_text  # owners read titles, never rule ids
    assert t(ZH, "telegram.faq.amount", amount="100 万元") in answer.plain_text
    assert "渝经信规范〔2025〕12号 （八）" in answer.plain_text
    assert COMPUTE_VOUCHER_QUOTE in answer.plain_text
    assert usage.plain_text == t(ZH, "telegram.faq.usage")


async def test_faq_in_english(run_bot: RunBot, service: ConversationService, emulator_user: EmulatorUser) -> None:
    async with run_bot(service):
        await emulator_user.send_command("/faq compute voucher")
        answer = await emulator_user.wait_for_bot_message()
    assert "Compute voucher for AI-agent and digital-twin developers" in answer.plain_text
    assert "CNY 1,000,000" in answer.plain_text


async def test_forget_deletes_conversation_and_records_after_confirmation(
        run_bot: RunBot, service: ConversationService, store: Store, chinese_user: EmulatorUser) -> None:
    key = f"tg:{chinese_user.chat_id}"
    async with run_bot(service):
        await finish_assessment(chinese_user)
        assert [r for r in await store.list_records() if r.conversation_key == key]

        await chinese_user.send_command("/forget")
        first_confirmation = await chinese_user.wait_for_bot_message()
        assert button_texts(first_confirmation) == ["确认删除", "取消"]
        await chinese_user.press_button(first_confirmation, text="取消")
        cancelled = await chinese_user.wait_for_edit(first_confirmation)
        assert cancelled.plain_text == t(ZH, "telegram.forget.cancelled") and cancelled.reply_markup is None
        where_we_were = await chinese_user.wait_for_bot_message()  # cancel shows where the user was
        assert "合计" in where_we_were.plain_text and "📄 依据" in button_texts(where_we_were)
        assert await store.get(key) is not None

        await chinese_user.send_command("/forget")
        confirmation = await chinese_user.wait_for_bot_message()
        await chinese_user.press_button(confirmation, text="确认删除")
        deleted = await chinese_user.wait_for_edit(confirmation)
    assert deleted.plain_text == t(ZH, "telegram.forget.done")
    assert await store.get(key) is None
    assert [r for r in await store.list_records() if r.conversation_key == key] == []


async def test_start_after_a_result_offers_the_result_or_a_restart(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser) -> None:
    async with run_bot(service):
        await finish_assessment(chinese_user)
        await chinese_user.send_command("/start")
        offer = await chinese_user.wait_for_bot_message()
        assert offer.plain_text == t(ZH, "telegram.start.done")
        assert button_texts(offer) == ["查看结果", "重新开始"]
        await chinese_user.press_button(offer, text="查看结果")
        result = await chinese_user.wait_for_bot_message()
        assert "合计最高" in result.plain_text

        await chinese_user.send_command("/start")
        offer = await chinese_user.wait_for_bot_message()
        await chinese_user.press_button(offer, text="重新开始")
        confirmation = await chinese_user.wait_for_bot_message()  # restarting asks first, like /forget
        assert button_texts(confirmation) == ["确认重新开始", "取消"]
        await chinese_user.press_button(confirmation, text="确认重新开始")
        fresh = await chinese_user.wait_for_bot_message()
    assert t(ZH, "dialog.restarted") in fresh.plain_text
    assert t(ZH, "dialog.ask_district") in fresh.plain_text


async def test_help_lists_the_commands_and_repeats_the_question(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser) -> None:
    async with run_bot(service):
        await chinese_user.send_command("/start")
        await chinese_user.wait_for_bot_message()
        await chinese_user.send_command("/help")
        help_message = await chinese_user.wait_for_bot_message()
    assert help_message.plain_text.startswith(t(ZH, "telegram.help"))
    assert t(ZH, "dialog.ask_district") in help_message.plain_text
    assert "渝中区" in button_texts(help_message)


async def test_command_menus_are_set_per_language(run_bot: RunBot, service: ConversationService,
                                                  chinese_user: EmulatorUser, emulator_bot_api_state: EmulatorBotApiState,
                                                  emulator_bot_token: str) -> None:
    async with run_bot(service):
        await chinese_user.send_command("/lang en")
        await chinese_user.wait_for_bot_message()
    recording = emulator_bot_api_state.for_bot(emulator_bot_token)
    default = recording.commands()
    assert [command["command"] for command in default] == list(COMMAND_NAMES)
    assert default[0]["description"] == t(ZH, "telegram.commands.start")
    assert recording.commands(language_code="zh") == default
    assert recording.commands(language_code="en")[0]["description"] == t("en", "telegram.commands.start")
    chat_menu = recording.commands(scope={"type": "chat", "chat_id": chinese_user.chat_id})
    assert chat_menu[0]["description"] == t("en", "telegram.commands.start")
