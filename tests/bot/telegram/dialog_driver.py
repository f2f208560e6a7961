"""Helpers for the Telegram e2e tests: a strict Telegram-HTML check and a user who answers to the end."""

from __future__ import annotations

from html.parser import HTMLParser

from locales import t

from ..telegram_emulator import BotMessage, EmulatorUser

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
    "100" typed) until the bot sends the result; return the result messages."""
    yes, no = t(locale, "common.answer_yes"), t(locale, "common.answer_no")
    done = t(locale, "telegram.buttons.done")
    skip = t(locale, "telegram.buttons.skip")
    for _ in range(max_steps):
        assert_valid_telegram_html(question)
        labels = button_texts(question)
        if not labels:
            return await collect_until_quiet(user, question)
        if no in labels and yes in labels:  # a yes/no question says no; a reading to confirm, yes
            confirming = "确认" in question.plain_text or "confirm" in question.plain_text.lower()
            await user.press_button(question, text=yes if confirming else no)
        elif done in labels:
            await user.press_button(question, text=done)
        elif labels != [skip]:
            await user.press_button(question, text=labels[0])
        else:
            await user.send_message("100")
        question = await user.wait_for_bot_message()
    raise AssertionError("the dialog did not finish")

