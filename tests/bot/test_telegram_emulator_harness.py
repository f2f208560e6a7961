"""Self-test of the Telegram end-to-end harness: real PTB (Application, HTTPXRequest, Updater long
polling) against the telegram-test-api emulator, through the test-only compatibility adapter.

The bot here is a throwaway Application built inside the tests, not product code.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from .ptb_emulator_adapter import EmulatorBotApiState, EmulatorUnsupportedMethodError, polling_application
from .telegram_emulator import EmulatorUser, TelegramEmulator, bot_id_from_token

pytestmark = pytest.mark.e2e

DEMO_COMMANDS = [BotCommand("start", "Start"), BotCommand("help", "Help")]
DEMO_COMMANDS_ZH = [BotCommand("start", "开始")]


@dataclass
class DemoBotObservations:
    """What the demo bot's handlers saw and got back from PTB, for assertions."""

    handled_texts: list[str] = field(default_factory=list)
    callback_answer_results: list[bool] = field(default_factory=list)
    edit_results: list[Message | bool] = field(default_factory=list)
    errors: list[BaseException] = field(default_factory=list)


def build_demo_application(
    builder: ApplicationBuilder, observations: DemoBotObservations, *, label: str = "bot"
) -> Application:
    """A tiny bot: /start → inline keyboard; button → answer + edit; text → HTML echo."""

    async def register_commands(application: Application) -> None:
        await application.bot.set_my_commands(DEMO_COMMANDS)
        await application.bot.set_my_commands(DEMO_COMMANDS_ZH, language_code="zh")

    async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        observations.handled_texts.append(update.effective_message.text or "")
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton("Yes", callback_data="answer:yes"),
                    InlineKeyboardButton("No", callback_data="answer:no"),
                ]
            ]
        )
        await update.effective_message.reply_text(f"[{label}] Are you eligible?", reply_markup=keyboard)

    async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.data is not None
        choice = query.data.removeprefix("answer:")
        observations.callback_answer_results.append(await query.answer(f"Noted: {choice}"))
        observations.edit_results.append(
            await query.edit_message_text(f"You chose <b>{choice}</b>", parse_mode=ParseMode.HTML)
        )

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        assert message is not None and message.text is not None and update.effective_user is not None
        observations.handled_texts.append(message.text)
        language_code = update.effective_user.language_code
        await message.reply_html(f"[{label}] Echo: <i>{html.escape(message.text)}</i> ({language_code})")

    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert context.error is not None
        observations.errors.append(context.error)

    application = builder.post_init(register_commands).build()
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^answer:"))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, on_text))
    application.add_error_handler(on_error)
    return application


async def test_start_command_gets_inline_keyboard_and_commands_are_registered(
    emulator_application_builder: Callable[[], ApplicationBuilder],
    emulator_bot_api_state: EmulatorBotApiState,
    emulator_bot_token: str,
    emulator_user: EmulatorUser,
) -> None:
    observations = DemoBotObservations()
    async with polling_application(
        build_demo_application(emulator_application_builder(), observations)
    ) as app:
        assert app.bot.id == bot_id_from_token(emulator_bot_token)
        assert app.bot.username == "TestNameBot"

        await emulator_user.send_command("/start")
        reply = await emulator_user.wait_for_bot_message()

    assert reply.chat_id == emulator_user.chat_id
    assert reply.text == "[bot] Are you eligible?"
    assert reply.parse_mode is None
    assert [[button.text for button in row] for row in reply.inline_keyboard] == [["Yes", "No"]]
    assert reply.find_button(text="No").callback_data == "answer:no"
    recording = emulator_bot_api_state.for_bot(emulator_bot_token)
    assert recording.commands() == [command.to_dict() for command in DEMO_COMMANDS]
    assert recording.commands(language_code="zh") == [command.to_dict() for command in DEMO_COMMANDS_ZH]
    assert observations.errors == []


async def test_button_press_answers_callback_and_edits_message(
    emulator_application_builder: Callable[[], ApplicationBuilder],
    emulator_bot_api_state: EmulatorBotApiState,
    emulator_bot_token: str,
    emulator_user: EmulatorUser,
) -> None:
    observations = DemoBotObservations()
    async with polling_application(build_demo_application(emulator_application_builder(), observations)):
        await emulator_user.send_command("/start")
        question = await emulator_user.wait_for_bot_message()
        await emulator_user.press_button(question, callback_data="answer:yes")
        edited = await emulator_user.wait_for_edit(question)
        await emulator_user.expect_no_bot_message(within=0.2)

    assert edited.message_id == question.message_id
    assert edited.text == "You chose <b>yes</b>"
    assert edited.parse_mode == ParseMode.HTML
    assert edited.plain_text == "You chose yes"
    assert edited.reply_markup is None, "an edit without reply_markup removes the inline keyboard"
    assert observations.callback_answer_results == [True]
    [edit_result] = observations.edit_results
    assert isinstance(edit_result, Message)
    assert edit_result.message_id == question.message_id
    assert edit_result.text == "You chose <b>yes</b>"
    assert edit_result.chat.id == emulator_user.chat_id
    assert edit_result.from_user is not None and edit_result.from_user.is_bot
    assert edit_result.date.year >= 2024, "dates must be seconds, not milliseconds"
    [callback_answer] = emulator_bot_api_state.for_bot(emulator_bot_token).callback_answers
    assert callback_answer["text"] == "Noted: yes"
    assert observations.errors == []


async def test_text_message_gets_html_reply_in_users_language(
    telegram_emulator: TelegramEmulator,
    emulator_application_builder: Callable[[], ApplicationBuilder],
    emulator_bot_token: str,
    emulator_user: EmulatorUser,
) -> None:
    observations = DemoBotObservations()
    async with (
        polling_application(build_demo_application(emulator_application_builder(), observations)),
        telegram_emulator.user(emulator_bot_token, user_id=200002, language_code="zh-hans") as second_user,
    ):
        await emulator_user.send_message("a < b & c", language_code="de")
        await second_user.send_message("你好")
        reply = await emulator_user.wait_for_bot_message()
        second_reply = await second_user.wait_for_bot_message()

    assert reply.parse_mode == ParseMode.HTML
    assert reply.text == "[bot] Echo: <i>a &lt; b &amp; c</i> (de)"
    assert reply.plain_text == "[bot] Echo: a < b & c (de)"
    assert reply.reply_markup is None
    assert second_reply.chat_id == 200002
    assert second_reply.plain_text == "[bot] Echo: 你好 (zh-hans)"
    assert observations.errors == []


async def test_new_application_continues_receiving_updates_after_restart(
    emulator_application_builder: Callable[[], ApplicationBuilder],
    emulator_user: EmulatorUser,
) -> None:
    first_observations = DemoBotObservations()
    async with polling_application(
        build_demo_application(emulator_application_builder(), first_observations, label="first")
    ):
        await emulator_user.send_message("before restart")
        first_reply = await emulator_user.wait_for_bot_message()
        # Arrives while the first bot shuts down: must be left for the next one, not lost.
        await emulator_user.send_message("during shutdown")
    await emulator_user.send_message("while stopped")

    second_observations = DemoBotObservations()
    second_application = build_demo_application(
        emulator_application_builder(), second_observations, label="second"
    )
    async with polling_application(second_application):
        await emulator_user.send_command("/start")
        # Replies to "during shutdown" (by either bot), "while stopped" and "/start".
        replies = await emulator_user.wait_for_bot_messages(3)
        await emulator_user.expect_no_bot_message(within=0.2)

    assert first_reply.plain_text == "[first] Echo: before restart (en)"
    handled_by_either = first_observations.handled_texts + second_observations.handled_texts
    assert handled_by_either == ["before restart", "during shutdown", "while stopped", "/start"]
    assert second_observations.handled_texts[-2:] == ["while stopped", "/start"]
    assert replies[-1].text == "[second] Are you eligible?"
    assert replies[-2].plain_text == "[second] Echo: while stopped (en)"
    assert first_observations.errors == second_observations.errors == []


async def test_direct_bot_api_calls_get_bot_api_shaped_results(
    emulator_application_builder: Callable[[], ApplicationBuilder],
    emulator_bot_api_state: EmulatorBotApiState,
    emulator_bot_token: str,
    emulator_user: EmulatorUser,
) -> None:
    chat_id = emulator_user.chat_id
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]])
    async with emulator_application_builder().build() as application:
        bot = application.bot
        sent = await bot.send_message(
            chat_id, "<b>bold</b>", parse_mode=ParseMode.HTML, reply_markup=keyboard
        )
        assert sent.reply_markup == keyboard
        assert sent.from_user is not None and sent.from_user.id == bot.id
        assert sent.date.year >= 2024

        edited = await bot.edit_message_text("plain now", chat_id=chat_id, message_id=sent.message_id)
        assert isinstance(edited, Message) and edited.reply_markup is None
        seen_by_user = await emulator_user.get_bot_message(sent.message_id)
        assert seen_by_user is not None
        assert (seen_by_user.text, seen_by_user.parse_mode, seen_by_user.reply_markup) == (
            "plain now",
            None,
            None,
        )

        with_keyboard = await bot.edit_message_reply_markup(chat_id, sent.message_id, reply_markup=keyboard)
        assert isinstance(with_keyboard, Message) and with_keyboard.reply_markup == keyboard
        with pytest.raises(BadRequest, match="(?i)message to edit not found"):
            await bot.edit_message_text("nope", chat_id=chat_id, message_id=sent.message_id + 10_000)

        assert await bot.send_chat_action(chat_id, ChatAction.TYPING) is True
        assert (await bot.get_webhook_info()).url == ""
        assert await bot.delete_message(chat_id, sent.message_id) is True
        with pytest.raises(BadRequest, match="(?i)wasn.t found"):
            await bot.delete_message(chat_id, sent.message_id)
        with pytest.raises(EmulatorUnsupportedMethodError, match="sendDice"):
            await bot.send_dice(chat_id)

    assert emulator_bot_api_state.for_bot(emulator_bot_token).chat_actions == [
        {"chat_id": chat_id, "action": "typing"}
    ]
