"""Helpers for the Telegram e2e tests: a strict Telegram-HTML check and a user who answers to the end."""

from __future__ import annotations

import time
from html.parser import HTMLParser

from locales import t

from ..telegram_emulator import BotMessage, EmulatorUser, emulator_bot_user

TELEGRAM_HTML_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span", "tg-spoiler", "a",
                      "code", "pre", "blockquote", "tg-emoji"}


class _TelegramHtmlChecker(HTMLParser):
    """Fails on anything Telegram's HTML parse mode would reject: unknown or unbalanced tags, bad entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.open_tags: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TELEGRAM_HTML_TAGS:
            self.problems.append(f"tag <{tag}>")
        self.open_tags.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open_tags or self.open_tags.pop() != tag:
            self.problems.append(f"unbalanced </{tag}>")

    def handle_entityref(self, name: str) -> None:
        if name not in {"lt", "gt", "amp", "quot"}:
            self.problems.append(f"entity &{name};")

    def handle_data(self, data: str) -> None:
        if "<" in data or ">" in data:
            self.problems.append(f"raw angle bracket in {data[:40]!r}")


def assert_valid_telegram_html(message: BotMessage) -> None:
    assert message.parse_mode == "HTML", message
    assert len(message.text) <= 4096
    checker = _TelegramHtmlChecker()
    checker.feed(message.text)
    checker.close()
    assert not checker.problems and not checker.open_tags, (checker.problems, checker.open_tags, message.text)


def button_texts(message: BotMessage) -> list[str]:
    return [button.text for button in message.inline_buttons]


async def collect_until_quiet(user: EmulatorUser, first: BotMessage, quiet_seconds: float = 0.8) -> list[BotMessage]:
    """``first`` and every further bot message until none arrives for ``quiet_seconds``."""
    messages = [first]
    while True:
        try:
            messages.append(await user.wait_for_bot_message(timeout=quiet_seconds))
        except TimeoutError:
            return messages


async def answer_until_result(user: EmulatorUser, question: BotMessage, locale: str,
                              max_steps: int = 60) -> list[BotMessage]:
    """Answer every question from ``question`` on (No, Done with nothing, the first option, or
    "100" typed) until the bot sends the result; return the result messages (the last one carries
    the result's detail buttons)."""
    yes, no = t(locale, "common.answer_yes"), t(locale, "common.answer_no")
    done = t(locale, "telegram.buttons.done")
    skip = t(locale, "telegram.buttons.skip")
    paging = {t(locale, f"telegram.buttons.{name}") for name in ("more", "more_districts", "previous", "next")}
    for _ in range(max_steps):
        assert_valid_telegram_html(question)
        labels = button_texts(question)
        if not any((button.callback_data or "").startswith("q:") for button in question.inline_buttons):
            return await collect_until_quiet(user, question)  # no question: the result
        assert len(question.reply_markup["inline_keyboard"]) <= 8, "a keyboard has at most 8 rows"
        done_label = next((label for label in labels if label.startswith(done)), None)
        if no in labels and yes in labels:
            await user.press_button(question, text=no)
        elif done_label:
            await user.press_button(question, text=done_label)
        elif labels != [skip]:
            await user.press_button(question, text=next(label for label in labels if label not in paging))
        else:
            await user.send_message("100")
        question = await user.wait_for_bot_message()
    raise AssertionError("the dialog did not finish")



async def press_option(user: EmulatorUser, question: BotMessage, label: str, locale: str = "zh-CN") -> BotMessage:
    """Press the option ``label`` of a paged keyboard, paging to it first; return the message as it
    was when pressed (its keyboard on the option's page)."""
    back = t(locale, "telegram.buttons.previous")
    forward = {t(locale, f"telegram.buttons.{name}") for name in ("more", "more_districts", "next")}
    current = await user.get_bot_message(question.message_id) or question
    while back in button_texts(current):  # to the first page
        await user.press_button(current, text=back)
        current = await user.wait_for_edit(current)
    while label not in button_texts(current):
        following = next(text for text in button_texts(current) if text in forward)
        await user.press_button(current, text=following)
        current = await user.wait_for_edit(current)
    await user.press_button(current, text=label)
    return current


async def send_callback(user: EmulatorUser, message: BotMessage, data: str) -> None:
    """A callback query with any ``data`` on ``message``, as a modified client could send it."""
    await user._post("/sendCallback", {  # noqa: SLF001 — the emulator's own endpoint, as press_button uses it
        "botToken": user.bot_token, "date": int(time.time()), "from": user.from_user(None),
        "message": message.as_bot_api_message(user.chat(), emulator_bot_user(user.bot_token)), "data": data})
