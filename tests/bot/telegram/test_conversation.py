"""A whole assessment over Telegram: buttons, multi-select toggles, typed answers, /back, /lang, restarts."""

from __future__ import annotations

import pytest

from bot.conversation_service import ConversationService
from bot.store import Store
from dialogs.questions import BY_ID
from dialogs.render import option_label
from locales import t

from ..telegram_emulator import EmulatorUser
from .conftest import RunBot
from .dialog_driver import answer_until_result, assert_valid_telegram_html, button_texts, press_option

pytestmark = pytest.mark.e2e

ZH = "zh-CN"


def certification(option_id: str) -> str:
    return option_label(BY_ID["certifications"], option_id, ZH)


async def test_whole_conversation_with_buttons_and_typed_answers(
        run_bot: RunBot, service: ConversationService, store: Store, chinese_user: EmulatorUser,
        emulator_bot_api_state, emulator_bot_token: str) -> None:
    user = chinese_user
    key_software, high_tech = certification("national_key_software"), certification("high_tech_enterprise")
    async with run_bot(service):
        await user.send_command("/start")
        district_question = await user.wait_for_bot_message()
        assert t(ZH, "dialog.welcome") in district_question.plain_text
        assert t(ZH, "dialog.ask_district") in district_question.plain_text
        assert {"渝中区", "江北区", "跳过"} <= set(button_texts(district_question))

        await user.press_button(district_question, text="渝中区")
        software_question = await user.wait_for_bot_message()
        answered = await user.get_bot_message(district_question.message_id)
        assert answered is not None and answered.reply_markup is None
        assert answered.plain_text.endswith(t(ZH, "telegram.answered", answer="渝中区"))
        assert button_texts(software_question) == ["是", "否", "跳过"]

        await user.press_button(software_question, text="是")
        titles_question = await user.wait_for_bot_message()
        assert t(ZH, "dialog.ask_certifications") in titles_question.plain_text
        assert len(titles_question.reply_markup["inline_keyboard"]) <= 8
        toggled = await user.wait_for_edit(await press_option(user, titles_question, key_software))
        assert f"✓ {key_software}" in button_texts(toggled)
        # on the next page: the selection is kept
        toggled = await user.wait_for_edit(await press_option(user, toggled, high_tech))
        assert f"✓ {high_tech}" in button_texts(toggled) and "完成（已选 2 项）" in button_texts(toggled)
        toggled = await user.wait_for_edit(await press_option(user, toggled, f"✓ {key_software}"))  # untoggle
        toggled = await user.wait_for_edit(await press_option(user, toggled, key_software))  # and toggle again
        assert {f"✓ {key_software}", "完成（已选 2 项）", "跳过"} <= set(button_texts(toggled))
        await user.press_button(titles_question, text="完成（已选 2 项）")

        new_titles_question = await user.wait_for_bot_message()
        assert button_texts(new_titles_question) == [key_software, high_tech, "完成", "跳过"]
        await user.press_button(new_titles_question, text="完成")  # none of them is new
        settled_question = await user.wait_for_bot_message()  # 引进 (YZ2021-5): a held 高新 title, newly moved in?
        assert t(ZH, "dialog.ask_newly_settled") in settled_question.plain_text
        await user.press_button(settled_question, text="否")
        revenue_question = await user.wait_for_bot_message()
        assert t(ZH, "dialog.ask_revenue_cny") in revenue_question.plain_text
        assert button_texts(revenue_question) == ["跳过"]

        for typed, next_question in (("1.2亿", "revenue_prev_cny"), ("1亿", "software_staff"),
                                     ("5200人", "software_staff_prev_max"), ("4000", None)):
            await user.send_message(typed)
            question = await user.wait_for_bot_message()
            if next_question:
                assert t(ZH, f"dialog.ask_{next_question}") in question.plain_text
        result = await answer_until_result(user, question, ZH)

    key = f"tg:{user.chat_id}"
    state = await service.state(key)
    assert state is not None and state.done
    assert state.answers["district"] == "渝中区"
    assert state.answers["is_software_enterprise"] is True
    assert state.answers["certifications"] == ["national_key_software", "high_tech_enterprise"]
    assert state.answers["new_certifications"] == []
    assert (state.answers["revenue_cny"], state.answers["revenue_prev_cny"]) == (120_000_000, 100_000_000)
    assert state.answers["software_staff"] == 5200
    for message in result:
        assert_valid_telegram_html(message)
    result_text = "\n".join(message.plain_text for message in result)
    assert "合计最高" in result_text
    records = [record for record in await store.list_records() if record.conversation_key == key]
    assert len(records) == 1 and records[0].channel == "telegram"
    answers = emulator_bot_api_state.for_bot(emulator_bot_token).callback_answers
    assert len(answers) >= 9, "every button press is answered"


async def test_back_reasks_and_lang_switches_language(run_bot: RunBot, service: ConversationService,
                                                      chinese_user: EmulatorUser) -> None:
    user = chinese_user
    async with run_bot(service):
        await user.send_command("/start")
        district_question = await user.wait_for_bot_message()
        await user.press_button(district_question, text="渝中区")
        await user.wait_for_bot_message()

        await user.send_command("/back")
        again = await user.wait_for_bot_message()
        assert t(ZH, "dialog.went_back") in again.plain_text
        assert t(ZH, "dialog.ask_district") in again.plain_text
        assert "渝中区" in button_texts(again)

        await user.send_command("/lang")
        english = await user.wait_for_bot_message()
        assert t("en", "dialog.language_switched") in english.plain_text
        assert t("en", "dialog.ask_district") in english.plain_text
        assert "Yuzhong District" in button_texts(english) and "Skip" in button_texts(english)

        await user.send_message("Yuzhong")
        next_question = await user.wait_for_bot_message()
        assert t("en", "dialog.ask_is_software_enterprise") in next_question.plain_text
        assert button_texts(next_question) == [t("en", "common.answer_yes"), t("en", "common.answer_no"), "Skip"]

        await user.send_command("/lang zh")
        chinese = await user.wait_for_bot_message()
        assert t(ZH, "dialog.ask_is_software_enterprise") in chinese.plain_text
    state = await service.state(f"tg:{user.chat_id}")
    assert state is not None and state.locale == ZH and state.answers == {"district": "渝中区"}


async def test_first_contact_uses_the_telegram_client_language(run_bot: RunBot, service: ConversationService,
                                                               emulator_user: EmulatorUser) -> None:
    async with run_bot(service):
        await emulator_user.send_message("hello")  # language_code "en"
        welcome = await emulator_user.wait_for_bot_message()
    assert t("en", "dialog.welcome") in welcome.plain_text
    assert t("en", "dialog.ask_district") in welcome.plain_text


async def test_restarted_bot_continues_at_the_same_question(run_bot: RunBot, service: ConversationService,
                                                            store: Store, chinese_user: EmulatorUser) -> None:
    user = chinese_user
    async with run_bot(service):
        await user.send_command("/start")
        await user.press_button(await user.wait_for_bot_message(), text="渝中区")
        await user.press_button(await user.wait_for_bot_message(), text="是")
        titles_question = await user.wait_for_bot_message()
        await user.press_button(titles_question, text=certification("national_key_software"))
        await user.wait_for_edit(titles_question)

    restarted_service = ConversationService(store)
    async with run_bot(restarted_service):
        # The toggle made before the restart lives in the keyboard, so Done still sends it.
        await user.press_button(titles_question, text="完成（已选 1 项）")
        new_titles_question = await user.wait_for_bot_message()
        assert button_texts(new_titles_question) == [certification("national_key_software"), "完成", "跳过"]
        await user.press_button(new_titles_question, text="完成")
        revenue_question = await user.wait_for_bot_message()
        assert t(ZH, "dialog.ask_revenue_cny") in revenue_question.plain_text
        await user.send_message("3000万")
        await user.wait_for_bot_message()

    async with run_bot(ConversationService(store)):
        await user.send_command("/start")
        resumed = await user.wait_for_bot_message()
        assert t(ZH, "telegram.start.resume") in resumed.plain_text
        assert t(ZH, "dialog.ask_revenue_prev_cny") in resumed.plain_text
        await user.send_command("/summary")
        summary = await user.wait_for_bot_message()
    assert "渝中区" in summary.plain_text and "营业收入：3,000 万元" in summary.plain_text
    state = await service.state(f"tg:{user.chat_id}")
    assert state is not None
    assert state.answers == {"district": "渝中区", "is_software_enterprise": True, "certifications": ["national_key_software"],
                             "new_certifications": [], "revenue_cny": 30_000_000}


async def test_stale_button_is_answered_politely(run_bot: RunBot, service: ConversationService,
                                                 chinese_user: EmulatorUser, emulator_bot_api_state,
                                                 emulator_bot_token: str) -> None:
    user = chinese_user
    async with run_bot(service):
        await user.send_command("/start")
        district_question = await user.wait_for_bot_message()
    async with run_bot(ConversationService(service.store)):
        await user.send_message("江北区")  # typed to a restarted bot, which cannot tidy the old keyboard
        await user.wait_for_bot_message()
        assert "渝中区" in button_texts(await user.get_bot_message(district_question.message_id))
        await user.press_button(district_question, text="渝中区")
        stale = await user.wait_for_bot_message_state(district_question.message_id,
                                                      lambda message: message.reply_markup is None)
        current = await user.wait_for_bot_message()  # the current question again, with its keyboard
    assert stale.plain_text == district_question.plain_text
    assert t(ZH, "dialog.ask_is_software_enterprise") in current.plain_text and "是" in button_texts(current)
    answers = emulator_bot_api_state.for_bot(emulator_bot_token).callback_answers
    assert answers[-1]["text"] == t(ZH, "telegram.stale_button")
    state = await service.state(f"tg:{user.chat_id}")
    assert state is not None and state.answers == {"district": "江北区"}


async def test_skip_button_skips_the_question(run_bot: RunBot, service: ConversationService,
                                              chinese_user: EmulatorUser) -> None:
    user = chinese_user
    async with run_bot(service):
        await user.send_command("/start")
        district_question = await user.wait_for_bot_message()
        await user.press_button(district_question, text="跳过")
        next_question = await user.wait_for_bot_message()
        echoed = await user.get_bot_message(district_question.message_id)
    assert echoed is not None and echoed.plain_text.endswith(t(ZH, "telegram.answered", answer="跳过"))
    assert t(ZH, "dialog.skipped") in next_question.plain_text
    state = await service.state(f"tg:{user.chat_id}")
    assert state is not None and "district" in state.skipped and "district" not in state.answers
