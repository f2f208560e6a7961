"""Recognise the dialog's commands in either language: back, restart, summary, change, help, language.

The words are in ``locales/<lang>/dialog.yaml`` under ``dialog.commands``; a command is
understood in both languages whatever the conversation's language, with or without a leading
slash (``/back``, ``返回``, ``上一步``). ``修改 营业收入`` / ``change revenue`` names the answer to change.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from locales import LOCALES, catalog
from locales.text import normalize_text

COMMANDS = ("back", "restart", "summary", "help", "english", "chinese", "switch_language", "result")
ARGUMENT_COMMANDS = ("change",)


@dataclass(frozen=True, slots=True)
class Command:
    name: str  # back | restart | summary | help | language | change | result
    argument: str = ""  # for change: what to change; for language: the target locale


def _clean(text: str) -> str:
    return re.sub(r"[\s。.!！?？]+$", "", normalize_text(text).lstrip("/"))


@functools.cache
def _words() -> dict[str, str]:
    words: dict[str, str] = {}
    for locale in LOCALES:
        for name in COMMANDS:
            for word in catalog(locale).get(f"dialog.commands.{name}", []):
                words[_clean(word)] = name
    return words


@functools.cache
def _prefixes() -> tuple[tuple[str, str], ...]:
    prefixes = []
    for locale in LOCALES:
        for name in ARGUMENT_COMMANDS:
            for word in catalog(locale).get(f"dialog.commands.{name}", []):
                prefixes.append((_clean(word), name))
    return tuple(sorted(prefixes, key=lambda p: -len(p[0])))


def parse_command(text: str) -> Command | None:
    cleaned = _clean(text)
    if not cleaned:
        return None
    name = _words().get(cleaned)
    if name == "english":
        return Command("language", "en")
    if name == "chinese":
        return Command("language", "zh-CN")
    if name == "switch_language":
        return Command("language", "")
    if name:
        return Command(name)
    for prefix, name in _prefixes():
        if cleaned.startswith(prefix):
            rest = cleaned[len(prefix):]
            if prefix.isascii() and rest and not rest.startswith((" ", ":")):
                continue  # "changed …" is not "change …"
            return Command(name, rest.strip(" :："))
    return None
