"""Numbers and amounts the way each locale writes them: ``500 万元`` / ``CNY 5,000,000``."""

from __future__ import annotations


def _trim(value: float, places: int) -> str:
    text = f"{value:,.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_cny(amount: float | None, locale: str) -> str:
    """``1200000000`` → ``12 亿元`` (zh-CN) / ``CNY 1,200,000,000`` (en)."""
    if amount is None:
        return "—"
    if locale == "en":
        return f"CNY {_trim(amount, 2)}"
    if abs(amount) >= 1e8:
        return f"{_trim(amount / 1e8, 4)} 亿元"
    if abs(amount) >= 1e4:
        return f"{_trim(amount / 1e4, 4)} 万元"
    return f"{_trim(amount, 2)} 元"


def format_count(value: float | None, locale: str) -> str:
    if value is None:
        return "—"
    return _trim(value, 2)


def format_percent(rate: float) -> str:
    return f"{_trim(rate * 100, 2)}%"


def format_figure(value: object, locale: str, money: bool) -> str:
    """An exact figure, or a range (rules.ranges.FigureRange) in words: ``2000 万元–3000 万元（不含）``."""
    from locales import t  # the catalogue imports nothing of ours; kept local to stay import-light

    fmt = format_cny if money else format_count
    low = getattr(value, "low", None)
    if low is None:
        return fmt(value, locale)  # type: ignore[arg-type]
    high = value.high  # type: ignore[attr-defined]
    low_in, high_in = value.low_inclusive, value.high_inclusive  # type: ignore[attr-defined]
    if high is None:
        key = "at_least" if low_in else "over"
    elif low == 0 and low_in:
        key = "at_most" if high_in else "under"
    else:
        key = {(True, True): "between", (False, False): "between_open", (False, True): "between_open_low",
               (True, False): "between_open_high"}[(low_in, high_in)]
    return t(locale, f"common.range.{key}", low=fmt(low, locale),
             high=fmt(high, locale) if high is not None else "")
