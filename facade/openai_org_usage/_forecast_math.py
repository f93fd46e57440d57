"""Robust arithmetic on daily series shared by the forecast and the anomaly detector.

Values are floats indexed by day from a series' first day (``x[0]`` is ``start``); money only
becomes ``Decimal`` again in the results. A weekday profile is read from whole weeks (blocks of
seven days ending at the day asked about), each day as a share of its own week, so growth and
level shifts between weeks do not bend it, and a weekday's median across weeks ignores a spike.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Final

from ._forecast_series import DailySpend, days

__all__ = [
    "FLAT",
    "MIN_WEIGHT",
    "as_floats",
    "cents",
    "deseasonalized",
    "mad",
    "weekday_profile",
]

FLAT: Final = (1.0,) * 7
MIN_WEIGHT: Final = 0.02
"""The smallest weekday weight: a weekday with no spend still divides."""


def as_floats(spend: DailySpend, end: date) -> list[float]:
    """The series' values from its start up to ``end`` (exclusive), zero where nothing spent."""
    if spend.start is None:
        return []
    return [float(spend.on(day)) for day in days(spend.start, end)]


def weekday_profile(x: Sequence[float], start: date, end: int, weeks: int) -> tuple[float, ...]:
    """Weight of each weekday (Monday first, mean 1) from the whole weeks before index ``end``.

    Flat when fewer than two whole weeks with spend are known.
    """
    shares: list[list[float]] = [[] for _ in range(7)]
    first_weekday = start.weekday()
    block_end = end
    used = 0
    while used < weeks and block_end - 7 >= 0:
        block = x[block_end - 7 : block_end]
        mean = sum(block) / 7
        if mean > 0:
            for i in range(block_end - 7, block_end):
                shares[(first_weekday + i) % 7].append(x[i] / mean)
            used += 1
        block_end -= 7
    if used < 2:
        return FLAT
    medians = [max(statistics.median(s), MIN_WEIGHT) for s in shares]
    scale = sum(medians) / 7
    return tuple(m / scale for m in medians)


def deseasonalized(
    x: Sequence[float], start: date, profile: Sequence[float], lo: int, hi: int
) -> list[float]:
    """``x[lo:hi]`` with each day divided by its weekday's weight."""
    first_weekday = start.weekday()
    return [x[i] / profile[(first_weekday + i) % 7] for i in range(max(lo, 0), hi)]


def mad(values: Sequence[float]) -> float:
    """The median absolute deviation, scaled to a normal standard deviation (0 if empty)."""
    if not values:
        return 0.0
    centre = statistics.median(values)
    return 1.4826 * statistics.median(abs(v - centre) for v in values)


def cents(value: float) -> Decimal:
    """A float amount as ``Decimal`` whole cents (half away from zero)."""
    if not math.isfinite(value):
        raise ValueError(f"not a finite amount: {value}")
    return Decimal(repr(value)).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
