"""Inline keyboards and their callback data (at most 64 bytes, so only short codes), at most 8 rows.

A question button carries ``q:<tag>:<action>:<argument>:<selection>``. ``tag`` fingerprints the
question *and the turn it was asked on* (its number, field and option ids), so a button of an
earlier turn — even of the same question asked again — never matches the current one;
``argument`` is an option index (answer, toggle) or a page number; ``selection`` is the
multi-select's chosen option indexes as a hexadecimal bit mask, carried by every button of the
keyboard, so the selection survives paging and a bot restart without server-side state.

Long option lists are paged: each page holds at most :data:`MAX_OPTION_ROWS` rows of options,
then a row to page on and the Done / Skip row, so a keyboard never has more than
:data:`MAX_ROWS` rows. Where the likely answers are known (the central districts, where most
software firms are registered), the first page holds those and "其他区县…" leads to the rest.
Button labels are measured with :func:`locales.text.display_width` (CJK counts double).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from dialogs.result_text import DETAILS
from dialogs.result_view import ResultView
from dialogs.turn import Expects, Turn
from locales import t
from locales.text import display_width

QUESTION_PREFIX = "q"
RESULT_PREFIX = "r"
CONFIRM_PREFIX = "c"
FINISHED_PREFIX = "finished"
SUBSCRIBE_DATA = "ns"
"""The result's "notify me of changes" button (handled in :mod:`bot.telegram.subscriptions`)."""
SELECTED_MARK = "✓ "
ROW_WIDTH_BUDGET = 40
"""Display width of the labels that fit in one keyboard row."""
MAX_BUTTONS_PER_ROW = 3
MAX_ROWS = 8
MAX_OPTION_ROWS = 6
"""Option rows per page when a list is paged (one row for paging, one for Done / Skip)."""
LIKELY_FIRST = {
    "district": ("渝中区", "江北区", "渝北区", "南岸区", "沙坪坝区", "九龙坡区", "大渡口区", "巴南区", "北碚区",
                 "两江新区", "西部科学城重庆高新区", "outside_chongqing"),
}
"""Options offered on the first page of a question, before "others…" (the 中心城区 and 重庆市以外)."""


class Action:
    """What a question button does."""

    ANSWER = "a"  # choose option ``index`` (choice, bool)
    TOGGLE = "t"  # toggle option ``index`` (multi)
    DONE = "d"  # send the toggled options (multi)
    SKIP = "s"  # "skip" / "跳过"
    PAGE = "p"  # show page ``argument``


ACTIONS = (Action.ANSWER, Action.TOGGLE, Action.DONE, Action.SKIP, Action.PAGE)


@dataclass(frozen=True, slots=True)
class QuestionButton:
    tag: str
    action: str
    argument: int | None = None
    selected: frozenset[int] = frozenset()

    def data(self) -> str:
        mask = sum(1 << index for index in self.selected)
        argument = "" if self.argument is None else str(self.argument)
        return f"{QUESTION_PREFIX}:{self.tag}:{self.action}:{argument}:{mask:x}"


def question_tag(turn: Turn) -> str:
    """A short fingerprint of the question on screen and the turn it was asked on."""
    expects = turn.expects
    identity = f"{turn.turn}|{expects.field if expects else ''}|" + ",".join(
        option.id for option in (expects.options if expects else []))
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:8]


def result_tag(view: ResultView) -> str:
    """The fingerprint of a result's content (the awards and the count of each section), for its detail
    buttons: they read, never change, so any message showing this same result may use them."""
    identity = "|".join([str(view.total_cny), *(f"{s.id}:{','.join(i.rule_id for i in s.items)}"
                                                for s in view.sections)])
    return hashlib.sha1(identity.encode("utf-8")).hexdigest()[:8]


def parse_question_button(data: str | None) -> QuestionButton | None:
    """The question button behind callback ``data``; ``None`` if it is not a well-formed one."""
    parts = (data or "").split(":")
    if len(parts) != 5 or parts[0] != QUESTION_PREFIX or parts[2] not in ACTIONS:
        return None
    tag, action, argument, mask = parts[1:]
    if (argument and not (argument.isdigit() and len(argument) <= 3)) or len(mask) > 32:
        return None
    try:
        bits = int(mask or "0", 16)
    except ValueError:
        return None
    if action in (Action.ANSWER, Action.TOGGLE, Action.PAGE) and not argument:
        return None
    return QuestionButton(tag, action, int(argument) if argument else None,
                          frozenset(index for index in range(bits.bit_length()) if bits >> index & 1))


def _flow(buttons: list[InlineKeyboardButton]) -> list[list[InlineKeyboardButton]]:
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


def _row_count(labels: list[str]) -> int:
    return len(_flow([InlineKeyboardButton(SELECTED_MARK + label, callback_data="-") for label in labels]))


def option_pages(expects: Expects) -> list[list[int]]:
    """The option indexes on each page: all on one page when they fit, else likely ones first, then
    the rest in pages of at most :data:`MAX_OPTION_ROWS` rows."""
    options = expects.options
    if expects.kind not in ("choice", "bool", "multi", "confirm") or not options:
        return [[]]
    field = expects.field.split(".")[-1] if expects.field.startswith("events[") else expects.field
    labels = [option.label for option in options]
    if _row_count(labels) <= MAX_ROWS - 1:
        return [list(range(len(options)))]
    likely_ids = LIKELY_FIRST.get(field.replace("location_district", "district"), ())
    likely = [i for i, option in enumerate(options) if option.id in likely_ids]
    if likely and _row_count([labels[i] for i in likely]) > MAX_OPTION_ROWS:
        likely = []
    pages: list[list[int]] = [likely] if likely else []
    current: list[int] = []
    for index in (i for i in range(len(options)) if i not in likely):
        if current and _row_count([labels[i] for i in [*current, index]]) > MAX_OPTION_ROWS:
            pages.append(current)
            current = []
        current.append(index)
    if current:
        pages.append(current)
    return pages


def _more_label(expects: Expects, locale: str) -> str:
    field = expects.field.split(".")[-1]
    return t(locale, "telegram.buttons.more_districts" if field in ("district", "location_district")
             else "telegram.buttons.more")


def question_keyboard(turn: Turn, page: int = 0, selected: frozenset[int] = frozenset()) -> InlineKeyboardMarkup:
    """Buttons for the question of ``turn``: one page of its options (toggles for multi), a row to page
    on when there are several pages, then Done (multi) and Skip."""
    expects = turn.expects
    assert expects is not None
    locale = turn.locale
    tag = question_tag(turn)
    pages = option_pages(expects)
    page = min(max(page, 0), len(pages) - 1)
    action = Action.TOGGLE if expects.kind == "multi" else Action.ANSWER
    buttons = [InlineKeyboardButton(
        (SELECTED_MARK if index in selected else "") + expects.options[index].label,
        callback_data=QuestionButton(tag, action, index, selected).data()) for index in pages[page]]
    rows = _flow(buttons)
    if len(pages) > 1:
        nav = []
        if page > 0:
            nav.append(InlineKeyboardButton(t(locale, "telegram.buttons.previous"),
                                            callback_data=QuestionButton(tag, Action.PAGE, page - 1, selected).data()))
        if page < len(pages) - 1:
            label = _more_label(expects, locale) if page == 0 else t(locale, "telegram.buttons.next")
            nav.append(InlineKeyboardButton(label, callback_data=QuestionButton(tag, Action.PAGE, page + 1,
                                                                                selected).data()))
        rows.append(nav)
    last_row = [InlineKeyboardButton(t(locale, "telegram.buttons.skip"),
                                     callback_data=QuestionButton(tag, Action.SKIP, None, selected).data())]
    if expects.kind == "multi":
        done = t(locale, "telegram.buttons.done_count", count=len(selected)) if selected \
            else t(locale, "telegram.buttons.done")
        last_row.insert(0, InlineKeyboardButton(done, callback_data=QuestionButton(tag, Action.DONE, None,
                                                                                   selected).data()))
    rows.append(last_row)
    return InlineKeyboardMarkup(rows)


def page_of(expects: Expects, index: int) -> int:
    return next((number for number, indexes in enumerate(option_pages(expects)) if index in indexes), 0)


# --- the result's detail buttons, confirmations, the /start offer ------------------------------


REPORT = "report"


def result_keyboard(turn: Turn, with_report: bool = False) -> InlineKeyboardMarkup | None:
    """Buttons under a result: the basis of the awards, the possible items, near misses, other support,
    the printable report when the web app has a public address, and "notify me of changes" (opt-in)."""
    view: ResultView | None = turn.result
    if view is None:
        return None
    tag = result_tag(view)
    buttons = [InlineKeyboardButton(t(turn.locale, f"telegram.result.{part}", count=view.count(part)),
                                    callback_data=f"{RESULT_PREFIX}:{tag}:{part}")
               for part in DETAILS if view.count(part)]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    if with_report:
        rows.append([InlineKeyboardButton(t(turn.locale, "telegram.result.report"),
                                          callback_data=f"{RESULT_PREFIX}:{tag}:{REPORT}")])
    rows.append([InlineKeyboardButton(t(turn.locale, "subscription.button"), callback_data=SUBSCRIBE_DATA)])
    return InlineKeyboardMarkup(rows)


def parse_result_button(data: str | None) -> tuple[str, str] | None:
    """``(result tag, part)`` of a detail button; ``None`` if it is not a well-formed one."""
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != RESULT_PREFIX or parts[2] not in (*DETAILS, REPORT):
        return None
    return parts[1], parts[2]


def confirm_keyboard(action: str, locale: str) -> InlineKeyboardMarkup:
    """Confirm or cancel a destructive ``action`` (forget, restart)."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(locale, f"telegram.{action}.confirm_button"), callback_data=f"{CONFIRM_PREFIX}:{action}:yes"),
        InlineKeyboardButton(t(locale, "telegram.buttons.cancel"), callback_data=f"{CONFIRM_PREFIX}:{action}:no"),
    ]])


def parse_confirm_button(data: str | None) -> tuple[str, bool] | None:
    parts = (data or "").split(":")
    if len(parts) != 3 or parts[0] != CONFIRM_PREFIX or parts[1] not in ("forget", "restart") \
            or parts[2] not in ("yes", "no"):
        return None
    return parts[1], parts[2] == "yes"


def finished_keyboard(locale: str) -> InlineKeyboardMarkup:
    """Offered by /start when the assessment is complete: see the result again, or start over."""
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(t(locale, "telegram.buttons.show_result"), callback_data=f"{FINISHED_PREFIX}:result"),
        InlineKeyboardButton(t(locale, "telegram.buttons.restart"), callback_data=f"{FINISHED_PREFIX}:restart"),
    ]])
