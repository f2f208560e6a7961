"""Change notices end to end: the real PTB stack against the Bot API emulator, a real store.

An owner subscribes under the result; a rule changes (a test ruleset in ``AWARDBOT_RULES_DIR``);
``awardbot notify`` sends exactly that difference, once, with details on request; a chat that blocked
the bot is unsubscribed; the yearly prompt reopens the conversation with the old answers; a web
session's deep link subscribes a chat. The SIGKILL test is in test_notify_kill.py.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.conversation_service import ConversationService
from bot.notify_cli import notify
from bot.settings import Settings
from bot.store import Store
from bot.web.main import create_app
from dialogs.notices import ResultDigest
from locales import t
from rules.loader import DATA_DIR

from ..ptb_emulator_adapter import EmulatorBotApiState, EmulatorCompatibleRequest
from ..telegram_emulator import EmulatorUser
from .conftest import RunBot
from .dialog_driver import assert_valid_telegram_html, button_texts, collect_until_quiet
from .test_result_screens import AS_OF, seed_all_but_the_end

pytestmark = pytest.mark.e2e

ZH = "zh-CN"
FIRM = {"district": "渝中区", "is_software_enterprise": True, "revenue_cny": 120_000_000,
        "revenue_prev_cny": 100_000_000, "certifications": [], "activities": [], "events": []}
TIER_LINE = 'amount: 500000, excerpt: "对年营业收入达到 1亿元（含）—3 亿元'


def changed_ruleset(tmp_path: Path) -> Path:
    """A copy of the rules in which YZ2025-2.1 gives 80万 instead of 50万 for revenue of 1亿–3亿."""
    rules = tmp_path / "rules"
    if rules.exists():
        return rules
    shutil.copytree(DATA_DIR, rules, ignore=shutil.ignore_patterns("__pycache__"))
    text = (rules / "YZ2025.yaml").read_text("utf-8")
    assert text.count(TIER_LINE) == 1
    (rules / "YZ2025.yaml").write_text(text.replace(TIER_LINE, TIER_LINE.replace("500000", "800000")), "utf-8")
    return rules


async def reach_result_and_subscribe(user: EmulatorUser, service: ConversationService, locale: str = ZH) -> None:
    await seed_all_but_the_end(service, f"tg:{user.user_id}", FIRM, locale)
    await user.send_message("跳过" if locale == ZH else "skip")
    messages = await collect_until_quiet(user, await user.wait_for_bot_message())
    result = messages[-1]
    bell = t(locale, "subscription.button")
    assert bell in button_texts(result)
    await user.press_button(result, text=bell)
    confirmation = await user.wait_for_bot_message()
    assert confirmation.plain_text == t(locale, "subscription.subscribed")


async def run_notify(settings: Settings, state: EmulatorBotApiState, as_of: dt.date, **changes: Any) -> Any:
    return await notify(settings.model_copy(update=changes), as_of=as_of, dry_run=False, locale="en",
                        request=EmulatorCompatibleRequest(state))


@pytest.fixture
def notify_settings(bot_settings: Settings, db_path: Path) -> Settings:
    return bot_settings.model_copy(update={"store": f"sqlite:///{db_path}"})


async def test_notify_sends_exactly_the_difference_of_a_rule_change_once(
        run_bot: RunBot, service: ConversationService, store: Store, emulator_user: EmulatorUser,
        emulator_bot_api_state: EmulatorBotApiState, notify_settings: Settings, tmp_path: Path, capsys) -> None:
    async with run_bot(service):
        await reach_result_and_subscribe(emulator_user, service, "en")
        subscription = await store.get_subscription(f"tg:{emulator_user.user_id}")
        assert subscription is not None and subscription.answers["revenue_cny"] == 120_000_000

        unchanged = await run_notify(notify_settings, emulator_bot_api_state, AS_OF)
        assert (unchanged.changed, unchanged.sent) == (0, 0)
        await emulator_user.expect_no_bot_message(within=0.5)

        report = await run_notify(notify_settings, emulator_bot_api_state, AS_OF, rules_dir=changed_ruleset(tmp_path))
        assert (report.changed, report.sent, report.exit_code) == (1, 1, 0)
        notice = await emulator_user.wait_for_bot_message()
        assert_valid_telegram_html(notice)
        text = notice.plain_text
        assert "Amount changed" in text and "渝中府办〔2025〕44号第二条（一）" in text and "YZ2025-" not in text
        assert "CNY 500,000 → CNY 800,000" in text and "policy data was updated" in text
        assert text.count("•") == 1  # exactly the difference
        [stored] = await store.list_notices(f"tg:{emulator_user.user_id}")
        assert stored.body["changes"] == ["amount YZ2025-2.1"] and stored.state == "sent"
        assert stored.message_id == notice.message_id
        assert "Sent to chat" in capsys.readouterr().out

        await emulator_user.press_button(notice, text=t("en", "notice.buttons.details"))
        details = await emulator_user.wait_for_bot_message()
        assert "不超过 50 万元" in details.plain_text or "1亿元（含）—3 亿元" in details.plain_text

        again = await run_notify(notify_settings, emulator_bot_api_state, AS_OF, rules_dir=changed_ruleset(tmp_path))
        assert (again.changed, again.sent) == (0, 0)
        await emulator_user.expect_no_bot_message(within=0.8)
        digest = ResultDigest.model_validate((await store.get_subscription(f"tg:{emulator_user.user_id}")).last_sent)
        assert digest.matches["YZ2025-2.1"].amount == 800_000


class BlockingRequest(EmulatorCompatibleRequest):
    """Answers sendMessage to ``blocked_chat`` the way Telegram does for a user who blocked the bot."""

    def __init__(self, state: EmulatorBotApiState, blocked_chat: int) -> None:
        super().__init__(state)
        self.blocked_chat = blocked_chat

    async def do_request(self, url: str, method: str, request_data=None, **kwargs: Any) -> tuple[int, bytes]:
        if url.endswith("/sendMessage") and request_data is not None \
                and str(request_data.parameters.get("chat_id")) == str(self.blocked_chat):
            return 403, json.dumps({"ok": False, "error_code": 403,
                                    "description": "Forbidden: bot was blocked by the user"}).encode()
        return await super().do_request(url, method, request_data, **kwargs)


async def test_a_user_who_blocked_the_bot_is_unsubscribed(
        run_bot: RunBot, service: ConversationService, store: Store, emulator_user: EmulatorUser,
        emulator_bot_api_state: EmulatorBotApiState, notify_settings: Settings, tmp_path: Path) -> None:
    async with run_bot(service):
        await reach_result_and_subscribe(emulator_user, service)
    assert await store.count_subscriptions() == 1
    report = await notify(notify_settings.model_copy(update={"rules_dir": changed_ruleset(tmp_path)}), as_of=AS_OF,
                          dry_run=False, locale="en",
                          request=BlockingRequest(emulator_bot_api_state, emulator_user.user_id))
    assert (report.blocked, report.sent) == (1, 0)
    assert await store.count_subscriptions() == 0
    assert await store.list_notices() == []


async def test_subscribe_commands_and_help(run_bot: RunBot, service: ConversationService, store: Store,
                                           chinese_user: EmulatorUser) -> None:
    async with run_bot(service):
        await chinese_user.send_command("/subscribe")
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "subscription.no_result")
        await chinese_user.send_command("/help")
        help_text = "\n".join(m.plain_text for m in await collect_until_quiet(
            chinese_user, await chinese_user.wait_for_bot_message()))
        assert "/subscribe" in help_text and "/unsubscribe" in help_text
        await reach_result_and_subscribe(chinese_user, service)
        await chinese_user.send_command("/subscribe")
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "subscription.already")
        await chinese_user.send_command("/unsubscribe")
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "subscription.unsubscribed")
        assert await store.count_subscriptions() == 0
        await chinese_user.send_command("/unsubscribe")
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "subscription.not_subscribed")


async def test_forget_removes_the_subscription_and_its_notices(
        run_bot: RunBot, service: ConversationService, store: Store, chinese_user: EmulatorUser,
        emulator_bot_api_state: EmulatorBotApiState, notify_settings: Settings, tmp_path: Path) -> None:
    async with run_bot(service):
        await reach_result_and_subscribe(chinese_user, service)
        await run_notify(notify_settings, emulator_bot_api_state, AS_OF, rules_dir=changed_ruleset(tmp_path))
        await chinese_user.wait_for_bot_message()
        assert await store.list_notices()
        await chinese_user.send_command("/forget")
        confirmation = await chinese_user.wait_for_bot_message()
        await chinese_user.press_button(confirmation, text="确认删除")
        await chinese_user.wait_for_edit(confirmation)
    assert await store.count_subscriptions() == 0 and await store.list_notices() == []


async def test_the_yearly_prompt_reopens_the_conversation_with_the_old_answers(
        run_bot: RunBot, service: ConversationService, store: Store, chinese_user: EmulatorUser,
        emulator_bot_api_state: EmulatorBotApiState, notify_settings: Settings) -> None:
    async with run_bot(service):
        await reach_result_and_subscribe(chinese_user, service)
        report = await run_notify(notify_settings, emulator_bot_api_state, dt.date(2027, 6, 2))
        assert report.refresh == 1
        prompts = await collect_until_quiet(chinese_user, await chinese_user.wait_for_bot_message())
        prompt = next(m for m in prompts if t(ZH, "notice.buttons.refresh") in button_texts(m))
        assert "2026 年度" in prompt.plain_text
        await chinese_user.press_button(prompt, text=t(ZH, "notice.buttons.refresh"))
        question = (await collect_until_quiet(chinese_user, await chinese_user.wait_for_bot_message()))[-1]
        assert "营业收入" in question.plain_text and "1.2 亿元" in question.plain_text  # the old value, shown
        await chinese_user.send_message("1.5亿")
        following = await collect_until_quiet(chinese_user, await chinese_user.wait_for_bot_message())
        assert "1.5 亿元" in following[0].plain_text
        state = await service.state(f"tg:{chinese_user.user_id}")
        assert state is not None and state.answers["revenue_cny"] == 150_000_000
        assert state.answers["district"] == "渝中区"  # kept without asking


async def test_the_deep_link_binds_a_web_session_to_the_chat_once(
        run_bot: RunBot, service: ConversationService, store: Store, chinese_user: EmulatorUser,
        bot_settings: Settings) -> None:
    web_settings = bot_settings.model_copy(update={"telegram_bot_username": "awardbot_test_bot",
                                                   "allowed_hosts": "testserver", "rate_limits": False})
    app = create_app(web_settings, store=store)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as http, \
            run_bot(service):
        session = (await http.post("/api/sessions", json={"locale": "zh-CN"})).json()
        session_id = session["session_id"]
        early = await http.post(f"/api/sessions/{session_id}/subscription-link")
        assert early.status_code in (404, 409)
        await http.post(f"/api/sessions/{session_id}/messages", json={"text": "渝中区"})
        not_done = await http.post(f"/api/sessions/{session_id}/subscription-link")
        assert not_done.status_code == 409 and not_done.json()["message"] == t(ZH, "subscription.web.not_done")
        await seed_all_but_the_end(service, f"web:{session_id}", FIRM, ZH)
        done = (await http.post(f"/api/sessions/{session_id}/messages", json={"text": "跳过"})).json()
        assert done["done"]
        link = (await http.post(f"/api/sessions/{session_id}/subscription-link")).json()
        assert link["url"].startswith("https://t.me/awardbot_test_bot?start=")
        token = link["url"].split("start=", 1)[1]

        await chinese_user.send_command(f"/start {token}")
        bound = await collect_until_quiet(chinese_user, await chinese_user.wait_for_bot_message())
        assert bound[0].plain_text == t(ZH, "subscription.link.bound")
        assert "合计" in bound[-1].plain_text  # the web result, now in the chat
        subscription = await store.get_subscription(f"tg:{chinese_user.user_id}")
        assert subscription is not None and subscription.answers["revenue_cny"] == 120_000_000

        await chinese_user.send_command(f"/start {token}")
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "subscription.link.used")
        await chinese_user.send_command("/start not-a-token-we-gave")
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "subscription.link.unknown")

        another = (await http.post(f"/api/sessions/{session_id}/subscription-link")).json()
        assert (await http.delete(f"/api/sessions/{session_id}")).status_code == 204
        await chinese_user.send_command(f"/start {another['url'].split('start=', 1)[1]}")
        assert (await chinese_user.wait_for_bot_message()).plain_text == t(ZH, "subscription.link.unknown")


async def test_a_dry_run_prints_the_notice_and_sends_nothing(
        run_bot: RunBot, service: ConversationService, store: Store, chinese_user: EmulatorUser,
        notify_settings: Settings, tmp_path: Path, capsys) -> None:
    async with run_bot(service):
        await reach_result_and_subscribe(chinese_user, service)
        capsys.readouterr()
        report = await notify(notify_settings.model_copy(update={"rules_dir": changed_ruleset(tmp_path)}),
                              as_of=AS_OF, dry_run=True, locale="zh-CN")
        assert (report.changed, report.sent) == (1, 0)
        out = capsys.readouterr().out
        assert f"将发送给 chat {chinese_user.user_id}" in out and "金额变化" in out and "渝中府办〔2025〕44号" in out
        await chinese_user.expect_no_bot_message(within=0.8)
    assert await store.list_notices() == []
