"""What an MCP tool hands back: exact amounts as text, bounded lists, JSON that shows its data.

- Money is a decimal string (``"12.34"``, never a float): summed as ``Decimal`` from each
  amount's shortest repr (what the API sent), so a total is exact and no cent drifts.
- A list is cut to the ``top`` largest per currency; what was cut is counted and summed,
  per currency, in ``left_out``. Amounts in two currencies are never added.
- The text content is the structured result as JSON. Names come from the organization's
  members: they stay JSON strings, and characters that could hide or reorder text when
  shown (controls, bidi overrides, zero-width and other format characters, separators) are
  written as ``\\uXXXX`` escapes, still valid JSON and still the same string.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal, localcontext
from typing import Any, Final, TypeVar

__all__ = ["as_decimal", "bounded", "currency_order", "dumps", "iso", "money", "sum_money"]

T = TypeVar("T")

USD: Final = "usd"


def as_decimal(value: float | int | Decimal) -> Decimal:
    """An amount as the API wrote it: a float by its shortest repr (``0.1`` -> ``0.1``)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)


def sum_money(values: Sequence[Decimal]) -> Decimal:
    """The exact sum (enough digits that no addition rounds)."""
    with localcontext() as context:
        context.prec = 100
        return sum(values, Decimal(0))


def money(amount: Decimal) -> str:
    """A decimal string without exponent (``Decimal("1E-7")`` -> ``"0.0000001"``)."""
    text = format(amount, "f")
    return "0" if text in ("-0", "") else text


def iso(instant: datetime) -> str:
    """``2026-11-01T00:00:00Z``."""
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def currency_order(currencies: Sequence[str] | set[str]) -> list[str]:
    """``usd`` first, then alphabetical (the order the library lists currencies in)."""
    return sorted(set(currencies), key=lambda c: (c != USD, c))


def bounded(
    items: Sequence[T], top: int, amount: Callable[[T], Mapping[str, Decimal | int]]
) -> tuple[list[T], dict[str, Any]]:
    """The first ``top`` of ``items`` (sorted already), and what the rest adds up to.

    Args:
        items: Entries of one currency, largest first.
        top: How many to keep.
        amount: The quantities of an entry to total in ``left_out`` (money or counts).

    Returns:
        ``(kept, left_out)``; ``left_out`` is ``{"count": n, <quantity>: total ...}``, money
        as decimal strings, counts as integers (zero and empty totals when nothing was cut).
    """
    kept, rest = list(items[:top]), items[top:]
    totals: dict[str, Decimal | int] = {}
    with localcontext() as context:
        context.prec = 100
        for item in rest:
            for key, value in amount(item).items():
                totals[key] = totals.get(key, 0) + value
    left_out: dict[str, Any] = {"count": len(rest)}
    for key, value in totals.items():
        left_out[key] = money(value) if isinstance(value, Decimal) else value
    return kept, left_out


def _escaped(char: str) -> str:
    return "".join(f"\\u{unit:04x}" for unit in _utf16(char))


def _utf16(char: str) -> list[int]:
    data = char.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def _hidden(char: str) -> bool:
    # Cc controls (C1 too), Cf format (bidi overrides, zero-width ...), Zl/Zp separators,
    # Co private use, Cs surrogates, Cn unassigned: nothing a reader should get unseen.
    return unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"}


def dumps(data: Any) -> str:
    """``data`` as JSON text, readable (non-ASCII letters kept) but with hidden characters
    escaped. ``json.loads(dumps(x)) == x``."""
    text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
    # A hidden character can only be inside a string (JSON's own syntax is ASCII), where
    # \uXXXX means the same character.
    return "".join(_escaped(c) if ord(c) > 0x7E and _hidden(c) else c for c in text)
