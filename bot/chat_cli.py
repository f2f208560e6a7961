"""``awardbot chat``: the dialog in a terminal, for trying it and for help-desk staff.

Reads one answer per line from stdin (so it also works with a pipe) and prints the bot's
messages, with the options of a choice numbered. Ctrl-D or Ctrl-C ends it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TextIO


def print_turn(turn, out: TextIO) -> None:
    from locales import t

    for message in turn.messages:
        out.write(message + "\n\n")
    if turn.expects and turn.expects.options and turn.expects.kind in ("choice", "multi"):
        for number, option in enumerate(turn.expects.options, start=1):
            out.write(f"  {number}. {option.label}\n")
        hint = "chat.multi_hint" if turn.expects.kind == "multi" else "chat.choice_hint"
        out.write(t(turn.locale, hint) + "\n")
    out.flush()


def run_chat(locale: str, as_of, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout) -> int:
    from dialogs.conversation import start, step
    from locales import t

    state, turn = start(locale, as_of=as_of)
    print_turn(turn, out)
    while True:
        out.write("> ")
        out.flush()
        line = stdin.readline()
        if not line:
            out.write("\n" + t(state.locale, "chat.bye") + "\n")
            return 0
        state, turn = step(state, line.rstrip("\n"))
        print_turn(turn, out)


def cmd_chat(args: argparse.Namespace) -> int:
    from bot.cli import parse_as_of

    try:
        return run_chat(args.locale, parse_as_of(args.as_of, args.locale))
    except KeyboardInterrupt:
        return 130


def register(sub: argparse._SubParsersAction) -> None:
    from bot.cli import _add_common

    chat = sub.add_parser("chat", help="talk to the assistant in the terminal")
    chat.add_argument("--as-of", default=None, help="assessment date YYYY-MM-DD (default: today)")
    _add_common(chat)
    chat.set_defaults(handler=cmd_chat)
