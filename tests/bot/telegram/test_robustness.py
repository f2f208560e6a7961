"""Failures, hostile text and the webhook: the bot answers politely, escapes everything, checks the secret."""

from __future__ import annotations

import logging
import socket
import time

import httpx
import pytest
from pydantic import SecretStr

from bot.conversation_service import ConversationService
from bot.settings import Settings
from bot.telegram.render import TELEGRAM_MESSAGE_LIMIT, turn_messages
from dialogs.turn import Expects, Turn
from locales import t

from ..ptb_emulator_adapter import EmulatorBotApiState
from ..telegram_emulator import EmulatorUser
from .conftest import RunBot
from .dialog_driver import assert_valid_telegram_html

pytestmark = pytest.mark.e2e

ZH = "zh-CN"


async def test_failing_handler_answers_politely_and_logs_no_figures(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser,
        emulator_bot_api_state: EmulatorBotApiState, emulator_bot_token: str,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    async def broken_reply(key: str, text: str, channel: str, **_: object) -> Turn:
        raise RuntimeError(f"cannot apply {text!r}")

    caplog.set_level(logging.INFO)
    async with run_bot(service):
        await chinese_user.send_command("/start")
        district_question = await chinese_user.wait_for_bot_message()
        monkeypatch.setattr(service, "reply", broken_reply)
        await chinese_user.send_message("营业收入 1.2亿")
        typed_failure = await chinese_user.wait_for_bot_message()
        await chinese_user.press_button(district_question, text="渝中区")
        button_failure = await chinese_user.wait_for_bot_message()
        monkeypatch.undo()
        await chinese_user.send_message("渝中区")  # the bot keeps working afterwards
        next_question = await chinese_user.wait_for_bot_message()

    assert typed_failure.plain_text == t(ZH, "telegram.error")
    assert button_failure.plain_text == t(ZH, "telegram.error")
    assert t(ZH, "dialog.ask_is_software_enterprise") in next_question.plain_text
    answered = {answer["callback_query_id"] for answer in emulator_bot_api_state.for_bot(emulator_bot_token).callback_answers}
    assert len(answered) == 1, "the failing button press was answered"
    assert "RuntimeError" in caplog.text
    assert "1.2亿" not in caplog.text and "营业收入" not in caplog.text


async def test_user_text_is_escaped_in_html(run_bot: RunBot, service: ConversationService,
                                            chinese_user: EmulatorUser) -> None:
    async with run_bot(service):
        await chinese_user.send_command("/start")
        await chinese_user.wait_for_bot_message()
        await chinese_user.send_message("<b>1亿</b> & co")
        reasked = await chinese_user.wait_for_bot_message()
        await chinese_user.send_command("/faq <script>alert(1)</script>")
        faq_answer = await chinese_user.wait_for_bot_message()
        await chinese_user.send_command("/lang <i>")
        unknown_language = await chinese_user.wait_for_bot_message()

    for message in (reasked, faq_answer, unknown_language):
        assert_valid_telegram_html(message)
    assert "&lt;b&gt;1亿&lt;/b&gt; &amp; co" in reasked.text
    assert "<b>1亿</b> & co" in reasked.plain_text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in faq_answer.text
    assert "<script>" not in faq_answer.text
    assert "&lt;i&gt;" in unknown_language.text


def test_long_turns_are_split_under_the_telegram_limit() -> None:
    line = "<依据> & “引文” " * 40
    turn = Turn(messages=["\n".join([line] * 30), "x" * 9000, "第 1 步，约 3 步\n问题 <b>?"],
                expects=Expects(field="revenue_cny", kind="amount"))
    messages = turn_messages(turn)
    assert len(messages) > 3
    assert all(len(message) <= TELEGRAM_MESSAGE_LIMIT for message in messages)
    assert messages[-1].endswith("<i>第 1 步，约 3 步</i>\n<b>问题 &lt;b&gt;?</b>")
    assert "<依据>" not in "".join(messages)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_update(chat_id: int) -> dict:
    user = {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "zh-hans"}
    return {"update_id": 424242, "message": {
        "message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
        "from": user, "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}


async def test_webhook_mode_checks_the_secret_token(run_bot: RunBot, service: ConversationService,
                                                    bot_settings: Settings, chinese_user: EmulatorUser) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    settings = bot_settings.model_copy(update={"telegram_webhook_url": url,
                                               "telegram_webhook_secret": SecretStr("s3cret_token-1")})
    update = _start_update(chinese_user.chat_id)
    async with run_bot(service, settings, webhook_port=port), httpx.AsyncClient(trust_env=False) as client:
        missing = await client.post(url, json=update)
        wrong = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
        right = await client.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret_token-1"})
        welcome = await chinese_user.wait_for_bot_message()
    assert (missing.status_code, wrong.status_code, right.status_code) == (403, 403, 200)
    assert t(ZH, "dialog.welcome") in welcome.plain_text
