"""The result as a phone shows it: one screen unasked, details on request, changes answered with the change.

End to end on the real python-telegram-bot stack against the Bot API emulator. Typical enterprises
(tests/dialogs/typical_profiles.yaml) reach their result by answering the last open question; an
owner who skips every question goes through the whole conversation by buttons.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
import yaml

from bot.conversation_service import ConversationService
from dialogs.flow import next_ask
from dialogs.result_text import SUMMARY_LIMIT
from dialogs.state import DialogState
from locales import LOCALES, t

from ..telegram_emulator import BotMessage, EmulatorUser
from .conftest import RunBot
from .dialog_driver import assert_valid_telegram_html, button_texts, collect_until_quiet

pytestmark = pytest.mark.e2e

ZH = "zh-CN"
AS_OF = dt.date(2026, 11, 24)
UNASKED_LIMIT = 1500
PROFILES = yaml.safe_load((Path(__file__).parents[2] / "dialogs" / "typical_profiles.yaml").read_text("utf-8"))
LARGE_FIRM = next(p["profile"] for p in PROFILES if p["name"].startswith("Large Yuzhong firm"))
RULE_ID = re.compile(r"\b(YZ|CQ)20\d\d-\d")


async def seed_all_but_the_end(service: ConversationService, key: str, profile: dict, locale: str) -> None:
    """A conversation that has the profile's answers and has skipped every other question, so the
    next message the user sends brings the result."""
    state = DialogState(locale=locale, answers=profile, history=list(profile), as_of=AS_OF)  # type: ignore[arg-type]
    for _ in range(100):
        ask = next_ask(state, AS_OF)
        if ask is None:
            break
        state.skipped.append(ask.key)
        state.history.append(ask.key)
    await service.store.update(key, lambda _old: (state.to_json(), None))


def assert_fits_a_phone(messages: list[BotMessage], locale: str) -> None:
    for message in messages:
        assert_valid_telegram_html(message)
    result = messages[-1]
    assert len(result.plain_text) <= SUMMARY_LIMIT, result.plain_text
    assert sum(len(message.plain_text) for message in messages) <= UNASKED_LIMIT
    assert t(locale, "result.summary.how_to_change") in result.plain_text
    assert not RULE_ID.search("\n".join(message.plain_text for message in messages))
    assert len((result.reply_markup or {"inline_keyboard": []})["inline_keyboard"]) <= 8


@pytest.mark.parametrize("locale", LOCALES)
async def test_the_first_result_of_each_typical_enterprise_fits_one_phone_screen(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser, locale: str) -> None:
    key = f"tg:{chinese_user.chat_id}"
    async with run_bot(service):
        for case in PROFILES:
            await seed_all_but_the_end(service, key, case["profile"], locale)
            await chinese_user.send_message("ok")
            messages = await collect_until_quiet(chinese_user, await chinese_user.wait_for_bot_message(), 0.5)
            assert_fits_a_phone(messages, locale)
            total = (await service.current(key)).result.total_text  # type: ignore[union-attr]
            assert total in messages[-1].plain_text, case["name"]


@pytest.mark.parametrize("locale", LOCALES)
async def test_an_owner_who_skips_every_question_gets_a_short_result(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser, locale: str) -> None:
    skip = t(locale, "telegram.buttons.skip")
    async with run_bot(service):
        await chinese_user.send_command(f"/lang {'en' if locale == 'en' else 'zh'}")
        question = await chinese_user.wait_for_bot_message()
        for _ in range(60):
            if skip not in button_texts(question):
                break
            assert len(question.reply_markup["inline_keyboard"]) <= 8
            await chinese_user.press_button(question, text=skip)
            question = await chinese_user.wait_for_bot_message()
        messages = await collect_until_quiet(chinese_user, question, 0.5)
    assert_fits_a_phone(messages, locale)
    possible = t(locale, "result.summary.possible.other", count=0).split("0")[-1].strip()
    assert possible in messages[-1].plain_text  # "另有 N 项可能可申报（需补充信息）", not the list


async def reach_large_firm_result(service: ConversationService, user: EmulatorUser, locale: str = ZH) -> BotMessage:
    await seed_all_but_the_end(service, f"tg:{user.chat_id}", LARGE_FIRM, locale)
    await user.send_message("ok")
    return (await collect_until_quiet(user, await user.wait_for_bot_message(), 0.5))[-1]


async def test_detail_buttons_show_the_basis_the_possible_items_and_near_misses(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser) -> None:
    async with run_bot(service):
        result = await reach_large_firm_result(service, chinese_user)
        labels = button_texts(result)
        assert labels[0] == "📄 依据" and "其他支持（4）" in labels and len(result.reply_markup["inline_keyboard"]) <= 3
        await chinese_user.press_button(result, text="📄 依据")
        basis = await chinese_user.wait_for_bot_message()
        await chinese_user.press_button(result, text=next(label for label in labels if label.startswith("差一点")))
        near = await chinese_user.wait_for_bot_message()
        await chinese_user.press_button(result, text="其他支持（4）")
        other = await chinese_user.wait_for_bot_message()
        view = (await service.current(f"tg:{chinese_user.chat_id}")).result  # type: ignore[union-attr]
    assert view is not None
    revenue_tier = next(i for i in view.section("awards").items if i.rule_id == "YZ2025-2.1")  # type: ignore[union-attr]
    cite = revenue_tier.citation
    assert cite is not None and cite.excerpt != cite.quote
    assert f"依据：{cite.document} {cite.article}：“{cite.excerpt}”" in basis.plain_text
    assert cite.quote not in basis.plain_text  # only the sentence that decides it, not the nine tiers
    assert "受理部门：区经济信息委" in basis.plain_text
    assert t(ZH, "result.detail.near_misses_title") in near.plain_text and "取得“开源鸿蒙兼容性证书”" in near.plain_text
    assert "其他重点事项一事一议支持" in other.plain_text
    for message in (basis, near, other):
        assert_valid_telegram_html(message)
        assert not RULE_ID.search(message.plain_text)


async def test_possible_items_are_listed_by_amount_with_what_each_needs(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser) -> None:
    async with run_bot(service):
        await seed_all_but_the_end(service, f"tg:{chinese_user.chat_id}", {"district": "渝中区"}, ZH)
        await chinese_user.send_message("ok")
        result = (await collect_until_quiet(chinese_user, await chinese_user.wait_for_bot_message(), 0.5))[-1]
        label = next(text for text in button_texts(result) if text.startswith("可能可申报"))
        await chinese_user.press_button(result, text=label)
        possible = await chinese_user.wait_for_bot_message()
    amounts = [float(m.group(1).replace(",", "")) for m in re.finditer(r"：([\d,.]+) 万元\n需补充", possible.plain_text)]
    assert len(amounts) >= 3 and amounts == sorted(amounts, reverse=True)
    assert possible.plain_text.count("需补充：") >= 3
    assert len(possible.plain_text) <= 4096


async def test_a_change_is_answered_with_what_moved(run_bot: RunBot, service: ConversationService,
                                                    chinese_user: EmulatorUser) -> None:
    async with run_bot(service):
        await reach_large_firm_result(service, chinese_user)
        await chinese_user.send_message("修改 营业收入")
        question = await chinese_user.wait_for_bot_message()
        assert t(ZH, "dialog.ask_revenue_cny") in question.plain_text
        await chinese_user.send_message("27亿")  # below the year before: no growth, no revenue tier
        change = await chinese_user.wait_for_bot_message()
        await chinese_user.expect_no_bot_message(within=0.3)
    assert change.plain_text.startswith("合计 1,780 万元 → 1,180 万元；不再符合：营业收入分档扶持（做大做强）")
    assert "评估结果" not in change.plain_text and len(change.plain_text) < 200
    assert "📄 依据" in button_texts(change)  # the details of the new result are one tap away


async def test_lang_after_a_result_shows_the_result_in_the_other_language(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser) -> None:
    async with run_bot(service):
        await reach_large_firm_result(service, chinese_user)
        await chinese_user.send_command("/lang en")
        switched, english = await collect_until_quiet(chinese_user, await chinese_user.wait_for_bot_message(), 0.5)
    assert t("en", "dialog.language_switched") in switched.plain_text
    assert english.plain_text.startswith("Your result (2026-11-24)\nUp to CNY 17,800,000 in total")
    assert "📄 Basis" in button_texts(english)


async def test_report_button_links_a_printable_copy_deleted_by_forget(
        run_bot: RunBot, service: ConversationService, chinese_user: EmulatorUser, bot_settings) -> None:
    settings = bot_settings.model_copy(update={"public_base_url": "https://help.example/"})
    async with run_bot(service, settings):
        result = await reach_large_firm_result(service, chinese_user)
        await chinese_user.press_button(result, text=t(ZH, "telegram.result.report"))
        link = await chinese_user.wait_for_bot_message()
        session_id = re.search(r"https://help\.example/api/sessions/([\w-]+)/report", link.plain_text)
        assert session_id is not None
        copy = await service.state(f"web:{session_id.group(1)}")
        assert copy is not None and copy.answers["revenue_cny"] == LARGE_FIRM["revenue_cny"]
        await chinese_user.send_command("/forget")
        confirmation = await chinese_user.wait_for_bot_message()
        await chinese_user.press_button(confirmation, text="确认删除")
        await chinese_user.wait_for_edit(confirmation)
    assert await service.state(f"web:{session_id.group(1)}") is None
