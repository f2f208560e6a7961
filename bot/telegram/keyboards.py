"""Inline keyboards and their callback data (at most 64 bytes, so only short codes).

A question button carries ``q:<tag>:<action>[:<index>]``: ``tag`` fingerprints the question
(its field and option ids), ``index`` points into its ``expects.options``. When a button is
pressed the handler resolves it against the conversation's *current* turn; a tag that no
longer matches means the button belongs to an old question. Multi-select state lives in the
keyboard itself: a selected option's button text starts with :data:`SELECTED_MARK`, so it
survives a bot restart and needs no server-side state.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from dialogs.turn import Expects
from locales import t
from locales.text import display_width

QUESTION_PREFIX = "q"
FORGET_PREFIX = "forget"
FINISHED_PREFIX = "finished"
SELECTED_MARK = "✓ "
ROW_WIDTH_BUDGET = 40
"""Display width (CJK characters count double) of the labels that fit in one keyboard row."""
MAX_BUTTONS_PER_ROW = 3
MAX_OPTION_BUTTONS = 90
"""Telegram allows about 100 buttons per keyboard; a longer list is answered by typing only."""


class Action:
    """What a question button does."""

    ANSWER = "a"  # choose option ``index`` (choice, bool)
    TOGGLE = "t"  # toggle option ``index`` (multi)
    DONE = "d"  # send the toggled options (multi)
    SKIP = "s"  # "skip" / "跳过"


@dataclass(frozen=True, slots=True)
class QuestionButton:
    tag: str
    action: str
    index: int | None = None

    def data(self) -> str:
        parts = [QUESTION_PREFIX, self.tag, self.action]
        if self.index is not None:
            parts.append(str(self.index))
        return ":".join(parts)


def question_tag(expects: Expects) -> str:
    """A short fingerprint of a question: its field and the ids of its options."""
    identity = expects.field + "|" + ",".join(option.id for option in expects.options)
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:8]


def parse_question_button(data: str | None) -> QuestionButton | None:
    """The question button behind callback ``data``; ``None`` if it is not a well-formed one."""
    parts = (data or "").split(":")
    if len(parts) not in (3, 4) or parts[0] != QUESTION_PREFIX:
        return None
    if parts[2] not in (Action.ANSWER, Action.TOGGLE, Action.DONE, Action.SKIP):
        return None
    if len(parts) == 4:
        return QuestionButton(parts[1], parts[2], int(parts[3])) if parts[3].isdigit() else None
    return QuestionButton(parts[1], parts[2])


def _rows(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
    """Buttons flowed into rows by label width, at most :data:`MAX_BUTTONS_PER_ROW` a row."""
    rows: list[list[InlineKeyboardButton]] = []
    width = 0
    for button in buttons:
        button_width = display_width(button.text) + 2
        if rows and len(rows[-1]) < MAX_BUTTONS_PER_ROW and width + button_width <= ROW_WIDTH_BUDGET:
            rows[-1].append(button)
            width += button_width
        else:
            rows.append([button])
            width = button_width
    return rows


def question_keyboard(expects: Expects, locale: str, selected: frozenset[int] = frozenset()) -> InlineKeyboardMarkup:
    """Buttons for a question: its options (toggles for multi), then Done (multi) and Skip."""
    tag = question_tag(expects)
    option_buttons: list[InlineKeyboardButton] = []
    if expects.kind in ("choice", "bool", "multi") and len(expects.options) <= MAX_OPTION_BUTTONS:
        action = Action.TOGGLE if expects.kind == "multi" else Action.ANSWER
        for index, option in enumerate(expects.options):
            label = SELECTED_MARK + option.label if index in selected else option.label
            option_buttons.append(InlineKeyboardButton(label, callback_data=QuestionButton(tag, action, index).data()))
    last_row = [InlineKeyboardButton(t(locale, "telegram.buttons.skip"),
                                     callback_data=QuestionButton(tag, Action.SKIP).data())]
    if expects.kind == "multi":
        last_row.insert(0, InlineKeyboardButton(t(locale, "telegram.buttons.done"),
                                                callback_data=QuestionButton(tag, Action.DONE).data()))
    return InlineKeyboardMarkup([*_rows(option_buttons), last_row])


def selected_indexes(markup: InlineKeyboardMarkup | None) -> frozenset[int]:
    """The options marked as selected in a multi-select keyboard."""
    selected: set[int] = set()
    for row in markup.inline_keyboard if markup else ():
        for button in row:
            parsed = parse_question_button(button.callback_data if isinstance(button.callback_data, str) else None)
            if parsed and parsed.action == Action.TOGGLE and parsed.index is not None \
                    and button.text.startswith(SELECTED_MARK):
                selected.add(parsed.index)
    return frozenset(selected)


def forget_keyboard(locale: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(locale, "telegram.buttons.forget_confirm"), callback_data=f"{FORGET_PREFIX}:confirm"),
        InlineKeyboardButton(t(locale, "telegram.buttons.forget_cancel"), callback_data=f"{FORGET_PREFIX}:cancel"),
    ]])


def finished_keyboard(locale: str) -> InlineKeyboardMarkup:
    """Offered by /start when the assessment is complete: see the result again, or start over."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(locale, "telegram.buttons.show_result"), callback_data=f"{FINISHED_PREFIX}:result"),
        InlineKeyboardButton(t(locale, "telegram.buttons.restart"), callback_data=f"{FINISHED_PREFIX}:restart"),
    ]])
