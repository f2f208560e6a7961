"""Read the numerals in a short answer: Arabic, Chinese (everyday and financial), English words, mixed.

``read_numerals`` turns text such as ``1.2亿``, ``一千二百万``, ``1万2``, ``零点五亿``, ``壹佰万元整``,
``1200w``, ``12 million`` or ``a hundred and fifty`` into exact :class:`Numeral` values. The text must
already be normalised (NFKC, lower case) and stripped of the words around the figure: any word this
module does not know makes the whole text unreadable, so callers never act on half of an answer.

Grammar, per numeral:

* an Arabic number (``1200``, ``1,200,000``, ``1.5``, ``1e+06``), a Chinese digit (``一`` … ``九``,
  ``两``, ``零``, financial ``壹`` … ``玖``) or an English number word (``two``, ``fifty``) is a value;
* ``十`` ``百`` ``千`` (``拾佰仟``, ``hundred``) multiply the value before them, in falling order within
  a section (``五千二百``); ``十`` alone is ten, and ``一百十五`` is 115 as spoken;
* ``万`` ``亿`` and the English multipliers (``k``, ``w`` = 万, ``m``/``mil``/``million``, ``b``/``billion``)
  close a section; a later, smaller section adds to it (``1亿2000万``), a larger unit multiplies all
  before it (``万亿``, ``一千万亿``);
* ``元`` / ``圆`` / ``块`` close the whole-yuan part; ``角`` / ``毛`` and ``分`` follow; ``整`` / ``正`` end it;
* ``点`` starts Chinese decimals (``一点二亿``, ``零点五亿``);
* a single digit right after a unit means the next lower unit, as spoken and as typed:
  ``一万二`` = ``1万2`` = 12000, ``三千五`` = 3500, ``1亿2`` = 1.2亿 (but ``三千零五`` = 3005, ``1万25`` = 10025);
* two neighbouring digits before a unit are a spoken range: ``五六千万`` = 5000万 to 6000万, ``十七八`` = 17–18;
* other runs of digits without units are read digit by digit (``一一`` = 11, ``一七二零`` = 1720) and
  flagged, since the writer may have meant something else.

Numerals that do not compose (``100 200``, ``3000万 5000万``) come back as separate numerals; the
caller decides what that means.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal

__all__ = ["Numeral", "NotANumberError", "NumberTooLargeError", "read_numerals"]

# Anything beyond this is absurd for every question we ask, and keeps Decimal arithmetic far
# from its exponent limits whatever the user types.
_MAGNITUDE_LIMIT = Decimal(10) ** 20
_ZERO = Decimal(0)
_ONE = Decimal(1)
_WAN = Decimal(10) ** 4
_YI = Decimal(10) ** 8

_CHINESE_DIGITS = {
    **dict.fromkeys("零〇", 0),
    **dict.fromkeys("一壹幺", 1),
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
    **dict.fromkeys("角毛", Decimal("0.1")),
    "分": Decimal("0.01"),
}
_BIG_UNITS = {
    **dict.fromkeys("万萬", Decimal(10) ** 4),
    **dict.fromkeys("亿億", Decimal(10) ** 8),
}
_YUAN = "元圆圓块塊"
_END = "整正"
_OLD_TENS = {"廿": "二十", "卅": "三十", "卌": "四十"}
_WORD_BIG_UNITS = {
    **dict.fromkeys(("k", "thousand", "thousands", "grand"), Decimal(10) ** 3),
    **dict.fromkeys(("w",), Decimal(10) ** 4),
    **dict.fromkeys(("kw",), Decimal(10) ** 7),  # 5kw: 5 千万, as typed online
    **dict.fromkeys(("m", "mn", "mil", "mio", "mln", "million", "millions"), Decimal(10) ** 6),
    **dict.fromkeys(("b", "bn", "bln", "billion", "billions"), Decimal(10) ** 9),
    **dict.fromkeys(("trillion", "trillions"), Decimal(10) ** 12),
}
_WORD_SMALL_UNITS = {"hundred": Decimal(100), "hundreds": Decimal(100)}
_WORD_ONES = {
    word: Decimal(value)
    for value, word in enumerate(
        ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
         "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
    )
}
_WORD_TENS = {
    word: Decimal(10 * (value + 2))
    for value, word in enumerate(
        ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
    )
}
_WORD_ARTICLES = frozenset({"a", "an"})  # a hundred, a million: one
_WORD_SEPARATORS = frozenset({"or"})
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
    |(?P<yuan>[{_YUAN}])
    |(?P<end>[{_END}])
    |(?P<classifier>个)
    |(?P<half>半)
    |(?P<word>[a-z]+)
    |(?P<sign>[-−–—负])
    |(?P<space>[\s+]+)
    |(?P<separator>[()\[\]=:;,/|（）【】：；，、。!?]|\.(?![0-9.]))
    """,
    re.VERBOSE,
)
_WORD_HYPHEN = re.compile(r"(?<=[a-z])-(?=[a-z])")  # twenty-five
_OLD_TENS_PATTERN = re.compile("|".join(_OLD_TENS))


class NotANumberError(ValueError):
    """The text holds something that is not part of a numeral."""


class NumberTooLargeError(ValueError):
    """A numeral in the text is beyond any value we could mean (> 1e20)."""


@dataclass(frozen=True, slots=True)
class Numeral:
    """One numeral as written.

    ``spread`` > 0 for a spoken range (``五六千万``: value 5000万, spread 1000万). ``with_unit``: a unit
    word was part of it (``万``, ``千``, ``元``, ``million``). ``arabic_only``: Arabic digits alone, no
    unit and no word (``1.2``, ``1200``). ``digit_by_digit``: read as a run of digits (``一一`` = 11),
    which the writer may not have meant.
    """

    value: Decimal
    spread: Decimal = _ZERO
    with_unit: bool = False
    digit_by_digit: bool = False
    arabic_only: bool = False
    dropped_unit_value: Decimal | None = None  # 1亿2千: the value if 万 was left off (1.2亿)


def read_numerals(text: str) -> list[Numeral]:
    """The numerals written in ``text``, in order, signed; ``[]`` if there are none.

    Raises ``NotANumberError`` for any unknown character or a malformed numeral (``二百五千``,
    ``万``, ``元整``), ``NumberTooLargeError`` beyond 1e20.
    """
    text = _WORD_HYPHEN.sub(" ", _OLD_TENS_PATTERN.sub(lambda match: _OLD_TENS[match.group()], text))
    reader = _NumeralReader()
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise NotANumberError(text[position:])
        reader.feed(match.lastgroup or "", match.group())
        position = match.end()
    return reader.finish()


def read_numbers(text: str) -> list[Decimal]:
    """The values of :func:`read_numerals` (a spoken range gives its lower end)."""
    return [numeral.value for numeral in read_numerals(text)]


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
    """The numeral being read: closed sections, the open section, and the last value."""

    total: Decimal = _ZERO
    section: Decimal = _ZERO
    value: Decimal | None = None
    spoken_digit_after: Decimal | None = None  # set for 一万二 / 1万2: the unit before a lone digit
    last_small: Decimal | None = None
    last_big: Decimal | None = None
    previous_kind: str = ""
    negative: bool = False
    seen: bool = False
    with_unit: bool = False
    has_fraction: bool = False  # 10.1万: nothing more may follow the section
    digits: str = ""  # the current run of Chinese digits with no unit between them
    digit_by_digit: bool = False
    spread: Decimal = _ZERO  # 五六千万: the distance to the range's upper end
    spread_open: bool = False  # the spread still grows with the units that follow (五六 → 五六千)
    ended: bool = False  # 元整: nothing may follow
    placeholder_zero: bool = False  # 一亿零二千: the 零 says the 千 is meant
    arabic_only: bool = True  # written in Arabic digits alone: 1.2, 1200 (no unit, no word)
    article: bool = False  # "a" / "an", which is one only before hundred / thousand / million

    def tail(self) -> Decimal:
        """The open section: what comes after the last 万/亿/元/million."""
        value = self.value if self.value is not None else _ZERO
        if self.spoken_digit_after is not None:
            value = value * self.spoken_digit_after / 10
        return _checked(self.section + value)

    def numerals(self) -> list[Numeral]:
        """One numeral, or two when the tail does not fit under the sections (``1亿 120000000``)."""
        if self.article:
            raise NotANumberError("a")
        sign = -1 if self.negative else 1
        tail = self.tail()
        spread = self.spread
        if self.spread_open and self.spoken_digit_after is not None:
            spread = spread * self.spoken_digit_after / 10
        if self.last_big is not None and tail >= self.last_big:
            return [Numeral(sign * self.total, with_unit=True), Numeral(tail, arabic_only=self.arabic_only)]
        value = sign * _checked(self.total + tail)
        numeral = Numeral(value, spread, self.with_unit, self.digit_by_digit, self.arabic_only)
        if self.last_big == _YI and 0 < tail < _WAN and not self.placeholder_zero and self.spoken_digit_after is None:
            # 1亿2千: as spoken, 1亿2千万; as written, 100,002,000. The reader cannot tell.
            return [replace(numeral, dropped_unit_value=sign * (self.total + tail * _WAN))]
        return [numeral]


class _NumeralReader:
    """A token-by-token reader; ``finish`` returns every numeral read."""

    def __init__(self) -> None:
        self.numerals: list[Numeral] = []
        self.pending = _Pending()
        self.last_kind = ""  # the kind of the token before, spaces included

    def feed(self, kind: str, token: str) -> None:
        if self.pending.ended and kind not in ("space", "separator"):
            raise NotANumberError(token)
        handler = getattr(self, f"_on_{kind}")
        seen_as = handler(token) or kind
        if kind != "space":
            self.pending.previous_kind = seen_as
        if kind != "digit":
            self.pending.digits = ""
        if kind not in ("number", "space", "separator", "sign"):
            self.pending.arabic_only = False
        self.last_kind = kind

    def finish(self) -> list[Numeral]:
        self._close()
        return self.numerals

    def _close(self) -> None:
        pending = self.pending
        if pending.seen:
            self.numerals.extend(pending.numerals())
        elif pending.negative:
            raise NotANumberError("a sign without a number")
        self.pending = _Pending()

    def _start_value(self, value: Decimal, spoken_digit: bool) -> None:
        pending = self.pending
        if pending.has_fraction and pending.value is None:
            if self.last_kind != "space":
                raise NotANumberError(str(value))  # 10.1万零100
            self._close()  # 1.2亿 3000万: two figures, not 1.5亿
            pending = self.pending
        if pending.value is not None:
            self._close()
            pending = self.pending
        after_unit = pending.previous_kind in ("small", "big", "yuan") and spoken_digit
        pending.spoken_digit_after = self._last_unit() if after_unit else None
        pending.value = value
        pending.seen = True

    def _last_unit(self) -> Decimal | None:
        pending = self.pending
        if pending.previous_kind == "small":
            return pending.last_small
        return pending.last_big

    def _on_number(self, token: str) -> None:
        # 1万2, 1千2, 1亿2: one digit right after a unit is spoken shorthand; 1万25 adds 25.
        spoken = len(token) == 1 and token != "0"
        self._start_value(_decimal_from_digits(token), spoken_digit=spoken)
        if "." in token:
            self.pending.has_fraction = True

    def _on_digit(self, token: str) -> None:
        pending = self.pending
        digit = _CHINESE_DIGITS[token]
        if pending.previous_kind == "digit" and pending.digits:
            self._continue_digit_run(token, digit)
            return
        if digit == 0:
            if pending.value is None and not pending.section and not pending.total:
                pending.value, pending.seen, pending.digits = _ZERO, True, token  # 零, 零点五
            pending.placeholder_zero = True
            return  # inside 一千零五 it only holds a place
        self._start_value(Decimal(digit), spoken_digit=True)
        self.pending.digits = token

    def _continue_digit_run(self, token: str, digit: int) -> None:
        """A digit right after a digit: a spoken range (五六千, 十七八) or digits read one by one (一一)."""
        pending = self.pending
        run = pending.digits + token
        first = _CHINESE_DIGITS[run[0]]
        if len(run) == 2 and digit == first + 1 and first > 0 and not pending.spread_open:
            pending.spread, pending.spread_open = Decimal(1), True
        else:
            if pending.section or pending.total:
                raise NotANumberError(token)  # 一百二三四: not a number
            pending.spread, pending.spread_open = _ZERO, False
            pending.value = Decimal("".join(str(_CHINESE_DIGITS[char]) for char in run))
            pending.digit_by_digit = True
            pending.spoken_digit_after = None
        pending.digits = run

    def _on_fraction(self, token: str) -> None:
        pending = self.pending
        if pending.value is None and not pending.section:
            raise NotANumberError(token)
        if pending.spread_open:  # 五六点五: digits after all
            pending.value = Decimal("".join(str(_CHINESE_DIGITS[char]) for char in pending.digits))
            pending.spread, pending.spread_open, pending.digit_by_digit = _ZERO, False, True
        pending.value = pending.section + (pending.value or _ZERO) + _fraction_value(token)
        pending.section = _ZERO
        pending.spoken_digit_after = None
        pending.has_fraction = True

    def _on_small(self, token: str) -> None:
        self._apply_small_unit(_SMALL_UNITS[token], token)

    def _apply_small_unit(self, unit: Decimal, token: str) -> None:
        pending = self.pending
        if pending.digit_by_digit:
            raise NotANumberError(token)  # 一二三百
        if pending.value is None:
            # 十二 = 12; 一百十五 = 115 (spoken); 一万零百一十一: a dropped 一
            allowed = unit == 10 and (not pending.section or (pending.last_small or _ZERO) > unit)
            allowed = allowed or (unit >= 10 and not pending.seen)  # 百万, 千万, 百来万
            if not (allowed or (pending.previous_kind == "digit" and unit >= 10)):
                raise NotANumberError(token)
            pending.value = _ONE
        if pending.last_small is not None and unit >= pending.last_small:
            raise NotANumberError(token)
        if pending.spread_open:
            pending.spread *= unit
        pending.section = _checked(pending.section + pending.value * unit)
        pending.value, pending.spoken_digit_after, pending.last_small = None, None, unit
        pending.seen = pending.with_unit = True
        pending.article = False

    def _on_big(self, token: str) -> None:
        self._apply_big_unit(_BIG_UNITS[token], token)

    def _apply_big_unit(self, unit: Decimal, token: str) -> None:
        pending = self.pending
        if pending.digit_by_digit:
            raise NotANumberError(token)
        if pending.value is None and not pending.section:
            self._multiply_closed_sections(unit, token)
            return
        chunk = pending.section + (pending.value if pending.value is not None else _ZERO)
        if pending.spoken_digit_after is not None and pending.value is not None:
            chunk = pending.section + pending.value * pending.spoken_digit_after / 10
        if pending.last_big is not None and unit > pending.last_big and pending.total + chunk < unit:
            # 一千一百万一千亿 …: a larger unit multiplies everything before it
            pending.total = _checked((pending.total + chunk) * unit)
        else:
            if pending.last_big is not None and not (unit < pending.last_big and chunk * unit < pending.last_big):
                self._split_before_chunk()
                pending = self.pending
            pending.total = _checked(pending.total + chunk * unit)
        if pending.spread_open:
            pending.spread *= unit
            pending.spread_open = False
        pending.section, pending.value, pending.spoken_digit_after = _ZERO, None, None
        pending.last_small, pending.last_big = None, unit
        pending.seen = pending.with_unit = True
        pending.article = False

    def _multiply_closed_sections(self, unit: Decimal, token: str) -> None:
        """``万亿``: a big unit right after another multiplies everything before it."""
        pending = self.pending
        if pending.previous_kind not in ("big", "word") or pending.last_big is None:
            raise NotANumberError(token)
        pending.total = _checked(pending.total * unit)
        pending.spread = _checked(pending.spread * unit)
        pending.last_big = min(pending.last_big * unit, _MAGNITUDE_LIMIT)

    def _split_before_chunk(self) -> None:
        """``3000万 5000万``: the open section starts a new numeral instead of composing."""
        pending = self.pending
        self.numerals.append(Numeral(-pending.total if pending.negative else pending.total, with_unit=True))
        self.pending = _Pending(previous_kind=pending.previous_kind)

    def _on_yuan(self, token: str) -> None:
        """元 / 圆 / 块 close the whole yuan; 角 and 分 may follow (壹拾壹元壹角), or a spoken digit (一块五)."""
        pending = self.pending
        chunk = pending.tail()
        if not pending.seen or (pending.last_big == _ONE and not chunk):
            raise NotANumberError(token)
        if pending.last_big is not None and chunk >= pending.last_big:  # 100元 200元: two amounts
            self.numerals.append(Numeral(-pending.total if pending.negative else pending.total, with_unit=True))
            self.pending = pending = _Pending(seen=True)
        pending.total = _checked(pending.total + chunk)
        pending.section, pending.value, pending.spoken_digit_after = _ZERO, None, None
        pending.last_small, pending.last_big = None, _ONE
        pending.spread_open = False
        pending.with_unit = True

    def _on_classifier(self, token: str) -> str:
        """个 between a numeral and its unit carries nothing: 两个亿, 1.2个亿, 一个多亿."""
        if self.pending.value is None:
            raise NotANumberError(token)
        return self.pending.previous_kind

    def _on_half(self, token: str) -> str:
        """半: 半个亿 = 0.5亿, 一个半亿 = 1.5亿, 两万半 = 25000."""
        pending = self.pending
        if pending.value is None and not pending.seen:
            self._start_value(Decimal("0.5"), spoken_digit=False)
        elif pending.value is not None and pending.previous_kind in ("digit", "number", "classifier"):
            pending.value += Decimal("0.5")
        elif pending.value is None and pending.previous_kind == "big" and pending.last_big is not None:
            pending.total = _checked(pending.total + pending.last_big / 2)
        else:
            raise NotANumberError(token)
        pending.with_unit = True
        return "classifier"

    def _on_end(self, token: str) -> None:
        """整 / 正 after 元 or a unit: the amount is complete (壹佰万元整)."""
        if self.pending.previous_kind not in ("yuan", "big", "small"):
            raise NotANumberError(token)
        self.pending.ended = True

    def _on_word(self, token: str) -> str | None:
        pending = self.pending
        if token in _WORD_BIG_UNITS:
            self._apply_big_unit(_WORD_BIG_UNITS[token], token)
        elif token in _WORD_SMALL_UNITS:
            self._apply_small_unit(_WORD_SMALL_UNITS[token], token)
        elif token in _WORD_ONES:
            if pending.previous_kind == "tens" and pending.value is not None and _WORD_ONES[token] < 10:
                pending.value += _WORD_ONES[token]  # twenty five
            else:
                self._start_value(_WORD_ONES[token], spoken_digit=False)
            self.pending.with_unit = True
        elif token in _WORD_TENS:
            self._start_value(_WORD_TENS[token], spoken_digit=False)
            self.pending.with_unit = True
            return "tens"
        elif token in _WORD_ARTICLES:
            self._start_value(_ONE, spoken_digit=False)
            self.pending.article = True
        elif token in _WORD_SEPARATORS:
            self._close()
        elif token not in _WORD_FILLERS:
            raise NotANumberError(token)
        return None

    def _on_sign(self, token: str) -> None:
        if self.pending.seen:
            self._close()  # 5-10: two numerals; the caller reads the range
        elif self.pending.negative:
            raise NotANumberError(token)
        self.pending.negative = True

    def _on_space(self, token: str) -> None:
        """Spaces separate nothing: ``1亿 2000万`` and ``12 million`` are one numeral each.

        A ``+`` counts as a space: ``+5`` is 5 (``5000+`` is read by the caller as at least 5000).
        """

    def _on_separator(self, token: str) -> None:
        self._close()
