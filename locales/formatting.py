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
