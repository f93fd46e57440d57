"""Money in whole cents that add up: a bill rounded to the cent, and a sum shared out.

Both use the largest-remainder method, so the parts always add up to the total exactly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction

__all__ = ["allocate_cents", "money", "round_to_total"]


def money(cents: int) -> Decimal:
    """Whole cents as a ``Decimal`` amount (``1234`` -> ``Decimal("12.34")``)."""
    return Decimal(cents).scaleb(-2)


def _round_cents(amount: Decimal) -> int:
    """Whole cents, half away from zero (how a bill rounds)."""
    return int((amount * 100).to_integral_value(rounding="ROUND_HALF_UP"))


def allocate_cents(total: int, weights: Sequence[Decimal | Fraction | int]) -> list[int]:
    """Split ``total`` cents (any sign) in proportion to ``weights``; the parts sum to it.

    Largest remainder: each part is its exact share rounded down, then the cents left over
    go one each to the largest fractional parts (ties to the earlier weight).

    Raises:
        ValueError: The weights sum to zero while ``total`` is not zero.
    """
    exact_weights = [Fraction(w) for w in weights]
    weight_sum = sum(exact_weights, Fraction(0))
    if not weight_sum:
        if total:
            raise ValueError(f"cannot split {total} among weights that sum to zero")
        return [0] * len(exact_weights)
    return _largest_remainder(total, [Fraction(total) * w / weight_sum for w in exact_weights])


def round_to_total(amounts: Sequence[Decimal]) -> tuple[int, list[int]]:
    """Exact amounts (one currency) as whole cents that add up to their rounded sum.

    Returns:
        ``(total cents, cents of each amount)``; each within a cent of its exact amount.
    """
    total = _round_cents(sum(amounts, Decimal(0)))
    return total, _largest_remainder(total, [Fraction(a) * 100 for a in amounts])


def _largest_remainder(total: int, exact: Sequence[Fraction]) -> list[int]:
    floors = [math.floor(e) for e in exact]
    short = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += 1
    return floors
