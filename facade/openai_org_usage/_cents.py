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
    scaled, _ = _over_common_denominator(weights)
    weight_sum = sum(scaled)
    if not weight_sum:
        if total:
            raise ValueError(f"cannot split {total} among weights that sum to zero")
        return [0] * len(scaled)
    if weight_sum < 0:
        # A positive denominator keeps each remainder the size of its fractional part.
        scaled, weight_sum = [-w for w in scaled], -weight_sum
    # Share i is total * w_i / sum(w): an integer numerator over the integer sum.
    return _largest_remainder(total, [total * w for w in scaled], weight_sum)


def round_to_total(amounts: Sequence[Decimal]) -> tuple[int, list[int]]:
    """Exact amounts (one currency) as whole cents that add up to their rounded sum.

    Returns:
        ``(total cents, cents of each amount)``; each within a cent of its exact amount.
    """
    total = _round_cents(sum(amounts, Decimal(0)))
    scaled, denominator = _over_common_denominator(amounts)
    return total, _largest_remainder(total, [100 * a for a in scaled], denominator)


def _ratio(value: Decimal | Fraction | int) -> tuple[int, int]:
    if isinstance(value, int):
        return value, 1
    return value.as_integer_ratio()


def _over_common_denominator(
    values: Sequence[Decimal | Fraction | int],
) -> tuple[list[int], int]:
    """``values`` as integer numerators over one positive common denominator.

    Exact, as ``Fraction`` is, while what follows stays on plain integers: a month of a
    large organization's bill is shared out in tens of thousands of these.
    """
    ratios = [_ratio(v) for v in values]
    common = math.lcm(1, *(d for _, d in ratios))
    return [n * (common // d) for n, d in ratios], common


def _largest_remainder(total: int, numerators: Sequence[int], denominator: int) -> list[int]:
    """Parts of ``total``: each exact part ``numerators[i] / denominator`` rounded down, then
    the cents left over one each to the largest fractional parts (ties to the earlier)."""
    floors: list[int] = []
    remainders: list[int] = []
    for numerator in numerators:
        floor, remainder = divmod(numerator, denominator)  # floor division: exact for credits
        floors.append(floor)
        remainders.append(remainder)
    short = total - sum(floors)
    if short:
        order = sorted(range(len(floors)), key=lambda i: (-remainders[i], i))
        for i in order[:short]:
            floors[i] += 1
    return floors
