"""Parsers for the free-text answers an enterprise owner types, in Chinese or English.

Every parser is a pure function of the text (and, for choices, the options), never raises on any
text, and returns one of the outcomes of :mod:`dialogs.parse.outcomes`: ``Ok``, ``Unknown``,
``Invalid`` (a message key under ``parsing.`` in ``locales/*/parsing.yaml`` and its parameters),
``Approx`` (a range: ``2000多万``), ``Confirm`` (a reading to confirm: ``1.2`` with no unit),
``Several`` (different figures), ``Ambiguous`` (several options fit) or ``Partial`` (a list with
unknown parts)::

    outcome = parse_amount(text, default_unit=10**8)
    if isinstance(outcome, Invalid):
        reply(t(locale, outcome.key, **outcome.params))

Modules, bottom up: ``words`` (word lists from ``locales/*/words.yaml``), ``numerals`` (numerals of
every kind), ``ranges`` (approximate wording), ``numbers`` (amounts and counts), ``yesno``,
``choices``; ``messages`` holds the message keys.
"""

from dialogs.parse.choices import ChoiceOption, mentioned_options, parse_choice, parse_multi
from dialogs.parse.messages import MESSAGE_PARAMS
from dialogs.parse.numbers import parse_amount, parse_integer
from dialogs.parse.outcomes import (
    Ambiguous,
    Approx,
    Confirm,
    Invalid,
    Ok,
    Outcome,
    Partial,
    RangeWording,
    Several,
    Unknown,
)
from dialogs.parse.words import is_skip
from dialogs.parse.yesno import parse_bool

__all__ = [
    "MESSAGE_PARAMS",
    "Ambiguous",
    "Approx",
    "ChoiceOption",
    "Confirm",
    "Invalid",
    "Ok",
    "Outcome",
    "Partial",
    "RangeWording",
    "Several",
    "Unknown",
    "is_skip",
    "mentioned_options",
    "parse_amount",
    "parse_bool",
    "parse_choice",
    "parse_integer",
    "parse_multi",
]
