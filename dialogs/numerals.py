"""Read the numbers in a short answer: Arabic digits, Chinese numerals, or a mix of both.

``read_numbers`` turns text such as ``1.2亿``, ``一千二百万``, ``1亿2000万``, ``12 million``,
``1,200,000``, ``1.2e8`` or ``一万零五十`` into exact ``Decimal`` values. The text must
already be normalised (NFKC, lower case) and stripped of currency and hedge words: any
word this module does not know makes the whole text unreadable, so callers never act on
half of an answer.

Grammar, per number:

* an Arabic number (``1200``, ``1,200,000``, ``1.5``, ``1e+06``) or a Chinese digit
  (``一`` … ``九``, ``两``, ``零``) is a value;
* ``十`` ``百`` ``千`` multiply the value before them and must come in falling order inside
  one section (``五千二百``); ``十`` alone is ten;
* ``万`` ``亿`` and the English multipliers (``k``, ``m``/``mn``/``million``,
  ``b``/``bn``/``billion``, ``w`` = 万) close a section; a later, smaller section adds
  to it (``1亿2000万``), and ``万亿`` multiplies;
* ``点`` starts Chinese decimals (``一点二亿``);
* a single Chinese digit right after a unit means the next lower unit, as spoken:
  ``一万二`` = 12000, ``三千五`` = 3500 (but ``三千零五`` = 3005).

Two values that do not compose (``100 200``, ``3000万 5000万``, ``5-10``) come back as
two numbers; the caller decides what that means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["NotANumberError", "NumberTooLargeError", "read_numbers"]

# Anything beyond this is absurd for every question we ask, and keeps Decimal
# arithmetic far from its exponent limits whatever the user types.
_MAGNITUDE_LIMIT = Decimal(10) ** 20
_ZERO = Decimal(0)

_CHINESE_DIGITS = {
    **dict.fromkeys("零〇", 0),
    **dict.fromkeys("一壹", 1),
    **dict.fromkeys("二两贰貳兩", 2),
    **dict.fromkeys("三叁參", 3),
    **dict.fromkeys("四肆", 4),
    **dict.fromkeys("五伍", 5),
    **dict.fromkeys("六陆陸", 6),
    **dict.fromkeys("七柒", 7),
    **dict.fromkeys("八捌", 8),
    **dict.fromkeys("九玖", 9),
}
_SMALL_UNITS = {
    **dict.fromkeys("十拾", Decimal(10)),
    **dict.fromkeys("百佰", Decimal(100)),
    **dict.fromkeys("千仟", Decimal(1000)),
}
_BIG_UNITS = {
    **dict.fromkeys("万萬", Decimal(10) ** 4),
    **dict.fromkeys("亿億", Decimal(10) ** 8),
}
_WORD_BIG_UNITS = {
    **dict.fromkeys(("k", "thousand", "thousands"), Decimal(10) ** 3),
    **dict.fromkeys(("w",), Decimal(10) ** 4),
    **dict.fromkeys(("m", "mn", "mio", "million", "millions"), Decimal(10) ** 6),
    **dict.fromkeys(("b", "bn", "billion", "billions"), Decimal(10) ** 9),
    **dict.fromkeys(("trillion", "trillions"), Decimal(10) ** 12),
}
_WORD_SMALL_UNITS = {"hundred": Decimal(100), "hundreds": Decimal(100)}
_WORD_SEPARATORS = frozenset({"to", "or"})
_WORD_FILLERS = frozenset({"and"})

_DIGIT_CHARS = "".join(_CHINESE_DIGITS)
_TOKEN = re.compile(
    rf"""
    (?P<number>[0-9]{{1,3}}(?:,[0-9]{{3}})+(?![0-9])(?:\.[0-9]+)?
              |[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?
              |\.[0-9]+)
    |(?P<fraction>[点點](?:[{_DIGIT_CHARS}]+|[0-9]+))
    |(?P<digit>[{_DIGIT_CHARS}])
    |(?P<small>[{"".join(_SMALL_UNITS)}])
    |(?P<big>[{"".join(_BIG_UNITS)}])
    |(?P<word>[a-z]+)
    |(?P<sign>[-−–—负])
    |(?P<space>[\s+]+)
    |(?P<separator>[()\[\]=:;,/|（）【】：；，、。!?]|\.(?![0-9]))
    """,
    re.VERBOSE,
)


class NotANumberError(ValueError):
    """The text holds something that is not part of a number."""


class NumberTooLargeError(ValueError):
    """A number in the text is beyond any value we could mean (> 1e20)."""


def read_numbers(text: str) -> list[Decimal]:
    """The numbers written in ``text``, in order, signed; ``[]`` if there are none.

    Raises ``NotANumberError`` for any unknown character or a malformed numeral
    (``二百五千``, ``万``), ``NumberTooLargeError`` beyond 1e20.
    """
    reader = _NumeralReader()
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise NotANumberError(text[position:])
        reader.feed(match.lastgroup or "", match.group())
        position = match.end()
    return reader.finish()


def _checked(value: Decimal) -> Decimal:
    if abs(value) > _MAGNITUDE_LIMIT:
        raise NumberTooLargeError(str(value))
    return value


def _decimal_from_digits(text: str) -> Decimal:
    value = Decimal(text.replace(",", ""))
    if value and value.adjusted() < -20:  # 1e-99999: nothing anyone means; keep arithmetic exact
        return _ZERO
    return _checked(value)


def _fraction_value(text: str) -> Decimal:
    digits = "".join(str(_CHINESE_DIGITS.get(char, char)) for char in text[1:])
    return Decimal("0." + digits)


@dataclass
class _Pending:
    """The number being read: closed sections, the open section, and the last value."""

    total: Decimal = _ZERO
    section: Decimal = _ZERO
    value: Decimal | None = None
    spoken_digit_after: Decimal | None = None  # set for 一万二: the unit before a lone digit
    last_small: Decimal | None = None
    last_big: Decimal | None = None
    previous_kind: str = ""
    negative: bool = False
    seen: bool = False

    def tail(self) -> Decimal:
        """The open section: what comes after the last 万/亿/million."""
        value = self.value if self.value is not None else _ZERO
        if self.spoken_digit_after is not None:
            value = value * self.spoken_digit_after / 10
        return _checked(self.section + value)

    def amounts(self) -> list[Decimal]:
        """One number, or two when the tail does not fit under the sections (``1亿 120000000``)."""
        sign = -1 if self.negative else 1
        tail = self.tail()
        if self.last_big is not None and tail >= self.last_big:
            return [sign * self.total, tail]
        return [sign * _checked(self.total + tail)]


class _NumeralReader:
    """A token-by-token reader; ``finish`` returns every number read."""

    def __init__(self) -> None:
        self.numbers: list[Decimal] = []
        self.pending = _Pending()

    def feed(self, kind: str, token: str) -> None:
        handler = getattr(self, f"_on_{kind}")
        handler(token)
        if kind != "space":
            self.pending.previous_kind = kind

    def finish(self) -> list[Decimal]:
        self._close()
        return self.numbers

    def _close(self) -> None:
        pending = self.pending
        if pending.seen:
            self.numbers.extend(pending.amounts())
        elif pending.negative:
            raise NotANumberError("a sign without a number")
        self.pending = _Pending()

    def _start_value(self, value: Decimal, spoken_digit: bool) -> None:
        pending = self.pending
        if pending.value is not None:
            self._close()
            pending = self.pending
        after_unit = pending.previous_kind in ("small", "big") and spoken_digit
        pending.spoken_digit_after = self._last_unit() if after_unit else None
        pending.value = value
        pending.seen = True

    def _last_unit(self) -> Decimal | None:
        pending = self.pending
        if pending.previous_kind == "small":
            return pending.last_small
        return pending.last_big

    def _on_number(self, token: str) -> None:
        self._start_value(_decimal_from_digits(token), spoken_digit=False)

    def _on_digit(self, token: str) -> None:
        digit = _CHINESE_DIGITS[token]
        if digit == 0 and self.pending.value is None:
            self.pending.seen = True  # 零 alone is 0; inside 一千零五 it only holds a place
            return
        self._start_value(Decimal(digit), spoken_digit=True)

    def _on_fraction(self, token: str) -> None:
        pending = self.pending
        if pending.value is None and not pending.section:
            raise NotANumberError(token)
        pending.value = pending.section + (pending.value or _ZERO) + _fraction_value(token)
        pending.section = _ZERO
        pending.spoken_digit_after = None

    def _on_small(self, token: str) -> None:
        self._apply_small_unit(_SMALL_UNITS[token], token)

    def _apply_small_unit(self, unit: Decimal, token: str) -> None:
        pending = self.pending
        if pending.value is None:
            if unit != 10 or pending.section:
                raise NotANumberError(token)
            pending.value = Decimal(1)  # 十二 = 12
        if pending.last_small is not None and unit >= pending.last_small:
            raise NotANumberError(token)
        pending.section = _checked(pending.section + pending.value * unit)
        pending.value, pending.spoken_digit_after, pending.last_small = None, None, unit
        pending.seen = True

    def _on_big(self, token: str) -> None:
        self._apply_big_unit(_BIG_UNITS[token], token)

    def _apply_big_unit(self, unit: Decimal, token: str) -> None:
        pending = self.pending
        if pending.value is None and not pending.section:
            self._multiply_closed_sections(unit, token)
            return
        chunk = pending.section + (pending.value if pending.value is not None else _ZERO)
        if pending.last_big is not None and not (unit < pending.last_big and chunk * unit < pending.last_big):
            self._split_before_chunk()
            pending = self.pending
        pending.total = _checked(pending.total + chunk * unit)
        pending.section, pending.value, pending.spoken_digit_after = _ZERO, None, None
        pending.last_small, pending.last_big = None, unit
        pending.seen = True

    def _multiply_closed_sections(self, unit: Decimal, token: str) -> None:
        """``万亿``: a big unit right after another multiplies everything before it."""
        pending = self.pending
        if pending.previous_kind not in ("big", "word") or pending.last_big is None:
            raise NotANumberError(token)
        pending.total = _checked(pending.total * unit)
        pending.last_big = min(pending.last_big * unit, _MAGNITUDE_LIMIT)

    def _split_before_chunk(self) -> None:
        """``3000万 5000万``: the open section starts a new number instead of composing."""
        pending = self.pending
        self.numbers.append(-pending.total if pending.negative else pending.total)
        self.pending = _Pending(previous_kind=pending.previous_kind)

    def _on_word(self, token: str) -> None:
        if token in _WORD_BIG_UNITS:
            self._apply_big_unit(_WORD_BIG_UNITS[token], token)
        elif token in _WORD_SMALL_UNITS:
            self._apply_small_unit(_WORD_SMALL_UNITS[token], token)
        elif token in _WORD_SEPARATORS:
            self._close()
        elif token not in _WORD_FILLERS:
            raise NotANumberError(token)

    def _on_sign(self, token: str) -> None:
        if self.pending.seen:
            self._close()  # 5-10: a range, i.e. two numbers
        elif self.pending.negative:
            raise NotANumberError(token)
        self.pending.negative = True

    def _on_space(self, token: str) -> None:
        """Spaces separate nothing: ``1亿 2000万`` and ``12 million`` are one number each.

        A ``+`` counts as a space: ``5000+`` means at least 5000, ``+5`` is 5.
        """

    def _on_separator(self, token: str) -> None:
        self._close()
