"""Buttons act only from the message and question they were issued for; updates are applied once.

Forged, stale or garbage callback data is answered with a short notice and the current question
again, keyboard shown; /forget and /restart act only from their own confirmation message; a
redelivered update (a webhook retried after a timeout) is not applied twice. Keyboards stay within
eight rows: long lists are paged, the district question offers the likely districts first.
"""

from __future__ import annotations

import time

import pytest
from telegram import Update

from bot.conversation_service import ConversationService
from locales import t

from ..ptb_emulator_adapter import EmulatorBotApiState
from ..telegram_emulator import EmulatorUser
from .conftest import RunBot
from .dialog_driver import button_texts, press_option, send_callback

pytestmark = pytest.mark.e2e

ZH = "zh-CN"


def last_toast(state: EmulatorBotApiState, token: str) -> str | None:
    return state.for_bot(token).callback_answers[-1].get("text")


async def test_forged_and_garbage_callbacks_reshow_the_current_question(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser,
        emulator_bot_api_state: EmulatorBotApiState, emulator_bot_token: str) -> None:
    user = chinese_user
    key = f"tg:{user.chat_id}"
    async with run_bot(service):
        await user.send_command("/start")
        district_question = await user.wait_for_bot_message()
        await user.send_command("/summary")
        summary = await user.wait_for_bot_message()  # carries the district question again, with its keyboard
        genuine = district_question.inline_buttons[0].callback_data
        assert genuine is not None and genuine.startswith("q:")

        for message, data in ((summary, "c:forget:yes"), (summary, "c:restart:yes"), (summary, "zzz"),
                              (summary, "q:deadbeef:a:0:0"), (district_question, genuine),  # an older message
                              (summary, "q:" + genuine.split(":")[1] + ":a:999:0"), (summary, "r:00000000:awards")):
            await send_callback(user, message, data)
            again = await user.wait_for_bot_message()
            assert t(ZH, "dialog.ask_district") in again.plain_text, data
            assert "渝中区" in button_texts(again), data  # the keyboard is shown again
            assert last_toast(emulator_bot_api_state, emulator_bot_token) in (
                t(ZH, "telegram.stale_button"), t(ZH, "telegram.result.stale"))
            summary = again
        state = await service.state(key)
        assert state is not None and state.answers == {} and state.skipped == []

        await user.press_button(summary, text="渝中区")  # the live keyboard still works
        await user.wait_for_bot_message()
    state = await service.state(key)
    assert state is not None and state.answers == {"district": "渝中区"}


async def test_forget_acts_only_from_its_own_confirmation(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser) -> None:
    user = chinese_user
    key = f"tg:{user.chat_id}"
    async with run_bot(service):
        await user.send_command("/start")
        question = await user.wait_for_bot_message()
        await user.send_command("/forget")
        confirmation = await user.wait_for_bot_message()
        await send_callback(user, question, "c:forget:yes")  # the right data on the wrong message
        await user.wait_for_bot_message()
        assert await service.state(key) is not None
        await user.send_command("/restart")
        restart_confirmation = await user.wait_for_bot_message()
        assert button_texts(restart_confirmation) == ["确认重新开始", "取消"]
        await send_callback(user, restart_confirmation, "c:forget:yes")  # another action's confirmation
        await user.wait_for_bot_message()
        assert await service.state(key) is not None
        await user.press_button(restart_confirmation, text="取消")  # cancel shows where the user was
        await user.wait_for_edit(restart_confirmation)
        where = await user.wait_for_bot_message()
        assert t(ZH, "dialog.ask_district") in where.plain_text and "渝中区" in button_texts(where)
        await send_callback(user, confirmation, "c:forget:yes")  # superseded by the /restart confirmation
        await user.wait_for_bot_message()
        assert await service.state(key) is not None


def _text_update(update_id: int, user: EmulatorUser, text: str) -> dict:
    sender = {"id": user.user_id, "is_bot": False, "first_name": "Test", "language_code": "zh-hans"}
    return {"update_id": update_id, "message": {
        "message_id": 10_000 + update_id, "date": int(time.time()), "text": text, "from": sender,
        "chat": {"id": user.chat_id, "type": "private", "first_name": "Test"}}}


async def test_a_redelivered_update_is_applied_once(run_bot: RunBot, service: ConversationService,
                                                    chinese_user: EmulatorUser) -> None:
    user = chinese_user
    key = f"tg:{user.chat_id}"
    async with run_bot(service) as application:
        await user.send_command("/start")
        await user.wait_for_bot_message()
        update = _text_update(900_001, user, "跳过")
        await application.process_update(Update.de_json(update, application.bot))
        first = await user.wait_for_bot_message()
        await application.process_update(Update.de_json(update, application.bot))  # the webhook retried
        second = await user.wait_for_bot_message()
        state = await service.state(key)
        assert state is not None and state.skipped == ["district"]
        assert t(ZH, "dialog.ask_is_software_enterprise") in first.plain_text
        assert t(ZH, "dialog.ask_is_software_enterprise") in second.plain_text  # answered again, not applied
        await application.process_update(Update.de_json(_text_update(900_002, user, "跳过"), application.bot))
        await user.wait_for_bot_message()
    state = await service.state(key)
    assert state is not None and state.skipped == ["district", "is_software_enterprise"]


async def test_district_keyboard_offers_likely_districts_then_the_others(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser) -> None:
    user = chinese_user
    async with run_bot(service):
        await user.send_command("/start")
        question = await user.wait_for_bot_message()
        rows = question.reply_markup["inline_keyboard"]
        assert len(rows) <= 8
        assert {"渝中区", "江北区", "两江新区", "重庆市以外", "其他区县…", "跳过"} <= set(button_texts(question))
        assert "万州区" not in button_texts(question)
        await press_option(user, question, "万州区")
        await user.wait_for_bot_message()
        paged = await user.get_bot_message(question.message_id)
    state = await service.state(f"tg:{user.chat_id}")
    assert state is not None and state.answers == {"district": "万州区"}
    assert paged is not None and paged.plain_text.endswith(t(ZH, "telegram.answered", answer="万州区"))
