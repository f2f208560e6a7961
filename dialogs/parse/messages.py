"""The messages a parser may name when it cannot read an answer, and how the answer is quoted in them.

An :class:`~dialogs.parse.outcomes.Invalid` carries a key under ``parsing.`` in
``locales/*/parsing.yaml`` and the parameters its text uses; ``t(locale, outcome.key,
**outcome.params)`` is the reply. The ``*.ambiguous`` messages are for the dialog to render an
:class:`~dialogs.parse.outcomes.Ambiguous` outcome (a parser returns the outcome, not the message).
"""

from __future__ import annotations

from dialogs.parse.outcomes import Invalid

__all__ = ["MAX_INPUT_CHARS", "MESSAGE_PARAMS", "invalid", "quoted"]

# Every message key a parser may name, with the placeholders its text uses. The locale files must
# define exactly these (tests/dialogs/parse/test_messages.py checks both locales).
MESSAGE_PARAMS: dict[str, frozenset[str]] = {
    "parsing.amount.empty": frozenset(),
    "parsing.amount.not_understood": frozenset({"text"}),
    "parsing.amount.negative": frozenset({"text"}),
    "parsing.amount.too_large": frozenset({"text"}),
    "parsing.amount.several_numbers": frozenset({"text"}),
    "parsing.amount.no_unit": frozenset({"text"}),
    "parsing.integer.empty": frozenset(),
    "parsing.integer.not_understood": frozenset({"text"}),
    "parsing.integer.negative": frozenset({"text"}),
    "parsing.integer.not_whole": frozenset({"text"}),
    "parsing.integer.too_large": frozenset({"text"}),
    "parsing.integer.several_numbers": frozenset({"text"}),
    "parsing.bool.empty": frozenset(),
    "parsing.bool.not_understood": frozenset({"text"}),
    "parsing.choice.empty": frozenset({"examples"}),
    "parsing.choice.not_understood": frozenset({"text", "examples"}),
    "parsing.choice.ambiguous": frozenset({"text", "candidates"}),
    "parsing.choice.out_of_range": frozenset({"text", "count"}),
    "parsing.multi.empty": frozenset({"examples"}),
    "parsing.multi.not_understood": frozenset({"text", "examples"}),
    "parsing.multi.ambiguous": frozenset({"text", "candidates"}),
    "parsing.multi.out_of_range": frozenset({"text", "count"}),
}

MAX_INPUT_CHARS = 500  # longer answers are not answers; refuse before any work
_QUOTED_TEXT_LIMIT = 30


def invalid(key: str, **params: object) -> Invalid:
    """The outcome naming message ``key``; its parameters must be exactly those the message uses."""
    assert MESSAGE_PARAMS[key] == params.keys(), key
    return Invalid(key, {name: str(value) for name, value in params.items()})


def quoted(text: str) -> str:
    """The user's text as shown back in a message: one line, at most ~30 characters."""
    shown = " ".join(text.split())
    if len(shown) > _QUOTED_TEXT_LIMIT:
        return shown[: _QUOTED_TEXT_LIMIT - 1] + "…"
    return shown
