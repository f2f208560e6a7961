"""The bot's command menu (``setMyCommands``), described in each language from the locales.

The default list is in the service's default language; Telegram clients set to Chinese
(``zh``) or English (``en``) get their own. After ``/lang`` a chat gets a list in the chosen
language (chat scope), which ``/forget`` removes again.
"""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from locales import t

log = logging.getLogger(__name__)

COMMAND_NAMES = ("start", "back", "summary", "restart", "lang", "faq", "ask", "subscribe", "unsubscribe", "forget",
                 "help")
MENU_LANGUAGES = {"zh": "zh-CN", "en": "en"}
"""Telegram ``language_code`` -> locale of the command descriptions."""


def bot_commands(locale: str) -> list[BotCommand]:
    return [BotCommand(name, t(locale, f"telegram.commands.{name}")) for name in COMMAND_NAMES]


async def publish_command_menus(bot: Bot, default_locale: str) -> None:
    """Set the default command list and one per supported client language; failures only log."""
    try:
        await bot.set_my_commands(bot_commands(default_locale))
        for language_code, locale in MENU_LANGUAGES.items():
            await bot.set_my_commands(bot_commands(locale), language_code=language_code)
    except TelegramError as error:
        log.warning("could not set the Telegram command menu: %s", error)


async def set_chat_menu(bot: Bot, chat_id: int, locale: str) -> None:
    """Show this chat the command list in ``locale`` (after ``/lang``)."""
    try:
        await bot.set_my_commands(bot_commands(locale), scope=BotCommandScopeChat(chat_id))
    except TelegramError as error:
        log.warning("could not set the command menu of a chat: %s", error)


async def clear_chat_menu(bot: Bot, chat_id: int) -> None:
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(chat_id))
    except TelegramError as error:
        log.warning("could not clear the command menu of a chat: %s", error)
