"""How numbers, money, sizes and dates are written for people.

Only tables, charts and the HTML page use these; the machine formats (``_writers``) write raw
numbers and ISO-8601 UTC times, so nothing is lost.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

__all__ = ["SYNTHETIC", "describe_range", "human_bytes", "money", "number", "percent", "when"]

SYNTHETIC = "synthetic demo data"


def money(value: float, currency: str) -> str:
    """``$1,234.56`` for US dollars; ``1,234.56 EUR`` otherwise (never ``-$0.00``)."""
    sign = "-" if round(value, 2) < 0 else ""
    if currency == "usd":
        return f"{sign}${abs(value):,.2f}"
    return f"{sign}{abs(value):,.2f} {currency.upper()}"


def number(value: Any) -> str:
    """Thousands separators; whole floats without decimals; text as is; objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def human_bytes(value: int) -> str:
    """Decimal units, as storage is billed: ``3.99 GB``."""
    size = float(value)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(size) < 1000 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.2f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def when(instant: datetime) -> str:
    """A UTC instant for tables: the date alone at midnight, else date and time."""
    if (instant.hour, instant.minute, instant.second) == (0, 0, 0):
        return f"{instant:%Y-%m-%d}"
    return f"{instant:%Y-%m-%d %H:%M}"


def describe_range(start: datetime, end: datetime) -> str:
    """``2026-11-01 to 2026-11-07 (7 UTC days)`` for whole days, else the exact UTC instants."""
    midnight = (0, 0, 0)
    if (start.hour, start.minute, start.second) == midnight == (end.hour, end.minute, end.second):
        days = (end - start).days
        last = end - timedelta(days=1)
        span = f"{start:%Y-%m-%d}" if days == 1 else f"{start:%Y-%m-%d} to {last:%Y-%m-%d}"
        return f"{span} ({days} UTC day{'s' if days != 1 else ''})"
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC (end exclusive)"


def percent(value: float, decimals: int = 1, *, signed: bool = False) -> str:
    """``12.3%`` (``signed``: ``+12.3%``); never ``-0.0%``: what rounds to zero is ``0.0%``."""
    text = f"{value:+.{decimals}f}" if signed else f"{value:.{decimals}f}"
    if float(text) == 0:
        text = f"{0:.{decimals}f}"
    return f"{text}%"
