"""Daily spend anomalies per scope, against a robust weekday-aware baseline, with their drivers.

:func:`find_anomalies` reads labelled series (:class:`ScopeSeries`: a project, key, user or
model's :class:`DailySpend`, and optionally the same scope split by line item or model) and
returns each day whose spend is far from what was expected, saying what drove it.

The baseline of a day uses only the days before it:

- weekday weights from the last eight whole weeks (each day as a share of its week; median per
  weekday, so one spike does not bend them);
- the level: the median of the last seven days, each divided by its weekday's weight. A level
  shift (a launch) moves the median within four days and is absorbed: the first days of it are
  reported, not the weeks after;
- recurring month-start and month-end days (a batch job on the last day of each month): when the
  same day of the two of the last three months was off the same way, that is expected too.

A day is an anomaly when its log distance from the baseline is at least ``threshold`` times the
scope's usual distance (the median absolute deviation over the last eight weeks, at least 5%),
and the change is at least ``min_ratio`` of the baseline and ``min_amount`` in money. Scopes need
two whole weeks of history before anything is reported.

Each anomaly's drivers (when the scope's breakdown was given) share the jump, ``actual -
baseline``, among the line items or models that moved the same way, in proportion to how far
each moved from its own baseline; their amounts add up to the jump exactly.

Example::

    scope = ScopeSeries("project", "proj_abc", spend, name="Search", drivers=by_line_item)
    for a in find_anomalies([scope], start=date(2026, 11, 1)):
        print(a.day, a.direction, a.actual, a.baseline)
        print([(d.name, d.above_baseline) for d in a.drivers])
"""

from __future__ import annotations

import calendar
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Final, Literal

from ._cents import allocate_cents
from ._errors import InvalidParameterError, MixedCurrencyError
from ._forecast_math import as_floats, cents, deseasonalized, mad, weekday_profile
from ._forecast_series import ONE_DAY, DailySpend, utc_day

__all__ = [
    "DRIVER_KINDS",
    "SCOPE_KINDS",
    "Anomaly",
    "DailySpend",
    "Driver",
    "ScopeSeries",
    "find_anomalies",
]

SCOPE_KINDS: Final = ("organization", "project", "api_key", "user", "model", "line_item")
"""What a scope can be."""

DRIVER_KINDS: Final = ("line_item", "model", "project", "api_key", "user")
"""What a scope's breakdown can be by."""

OTHER: Final = "(other)"
"""The driver name for a scope's spend its breakdown does not cover."""

_PROFILE_WEEKS: Final = 8
_LEVEL_DAYS: Final = 7
_SCALE_DAYS: Final = 56
_MIN_HISTORY: Final = 14
_MIN_SCALE: Final = 0.05
_CALENDAR_DAYS: Final = 3
_CALENDAR_MONTHS: Final = 3
_MIN_RECURRING: Final = 0.3
"""A recurring month-start/end extra is at least this share of an average day."""


@dataclass(frozen=True)
class ScopeSeries:
    """One scope's daily spend, labelled, with an optional breakdown by driver.

    Attributes:
        kind: ``"project"``, ``"api_key"``, ``"user"``, ``"model"``, ``"line_item"`` or
            ``"organization"``.
        id: The scope's ID (``proj_...``) or value.
        spend: The scope's total per UTC day.
        name: A name to show (``None``: the ID).
        drivers: The same scope's spend split by ``driver_kind`` (line item or model name to
            its series), in the same currency. Parts need not cover the total: what they miss
            is the driver ``"(other)"``.
        driver_kind: What ``drivers`` are split by.
    """

    kind: str
    id: str
    spend: DailySpend
    name: str | None = None
    drivers: Mapping[str, DailySpend] = field(default_factory=lambda: MappingProxyType({}))
    driver_kind: str = "line_item"


@dataclass(frozen=True)
class Driver:
    """One line item or model behind an anomaly.

    Attributes:
        name: The line item or model.
        kind: What it is (the scope's ``driver_kind``).
        above_baseline: Its share of the anomaly's jump (negative for a drop); the drivers'
            shares add up to the jump exactly.
        actual: Its spend that day.
        baseline: Its own expected spend that day (cents).
    """

    name: str
    kind: str
    above_baseline: Decimal
    actual: Decimal
    baseline: Decimal


@dataclass(frozen=True)
class Anomaly:
    """A day whose spend was far from its baseline.

    Attributes:
        scope_kind: The scope's kind (``"project"`` ...).
        scope_id: The scope's ID.
        scope_name: Its name (the ID when none was given).
        day: The UTC day.
        direction: ``"spike"`` (above the baseline) or ``"drop"``.
        actual: The day's spend (exact).
        baseline: The expected spend (cents).
        jump: ``actual - baseline``.
        score: How unusual: the log distance from the baseline in units of the scope's usual
            distance (signed; 4 or more is rare).
        currency: The series' currency.
        drivers: The line items or models that moved the same way, largest first, sharing
            ``jump`` exactly (empty when no breakdown was given).
    """

    scope_kind: str
    scope_id: str
    scope_name: str
    day: date
    direction: Literal["spike", "drop"]
    actual: Decimal
    baseline: Decimal
    jump: Decimal
    score: float
    currency: str
    drivers: tuple[Driver, ...]


@dataclass(frozen=True)
class _Baselines:
    """Per day index (``None`` before enough history): expected spend, the log distance from
    it, and the excess over it in units of the level (an average weekday's spend)."""

    expected: list[float | None]
    residual: list[float | None]
    excess: list[float | None]
    level: list[float]


def find_anomalies(
    scopes: ScopeSeries | Iterable[ScopeSeries],
    *,
    start: date | datetime | None = None,
    end: date | datetime | None = None,
    threshold: float = 4.0,
    min_ratio: float = 0.25,
    min_amount: Decimal | int = 0,
) -> list[Anomaly]:
    """Find the days each scope's spend was far from its weekday-aware baseline.

    Args:
        scopes: One :class:`ScopeSeries` or several.
        start: First UTC day to report (default: as early as history allows, two weeks in).
        end: Day after the last to report (default: the day after the last amount of any
            scope, so a scope that stopped spending while others went on shows drops).
        threshold: Score needed (log distance over the scope's usual distance), > 0.
        min_ratio: Smallest change, as a share of the baseline, worth reporting (>= 0).
        min_amount: Smallest change in money worth reporting (>= 0, series' currency).

    Returns:
        The anomalies by day, then scope kind and ID.

    Raises:
        InvalidParameterError: An unknown scope or driver kind, a scope that is not a
            :class:`ScopeSeries`, a ``start``/``end`` that is not a UTC day, or a threshold
            out of range (each names the parameter, the value and what is allowed).
        MixedCurrencyError: A scope's breakdown in another currency than its total.

    Example::

        anomalies = find_anomalies(scopes, start=date(2026, 11, 1))
        [(a.day, a.scope_name, a.direction, a.jump) for a in anomalies]
    """
    checked = [scopes] if isinstance(scopes, ScopeSeries) else list(_iterable(scopes))
    for scope in checked:
        _check_scope(scope)
    first = utc_day(start, "start") if start is not None else None
    last_days = [max(s.spend.amounts) for s in checked if s.spend.amounts]
    stop = (
        utc_day(end, "end")
        if end is not None
        else (max(last_days) + ONE_DAY if last_days else None)
    )
    for param, value in (("threshold", threshold), ("min_ratio", min_ratio)):
        if (
            isinstance(value, bool)
            or not isinstance(value, float | int)
            or not math.isfinite(value)
            or value < 0
            or (param == "threshold" and value == 0)
        ):
            allowed = "a number > 0" if param == "threshold" else "a number >= 0"
            raise InvalidParameterError(param, value, allowed)
    if isinstance(min_amount, bool) or not isinstance(min_amount, Decimal | int) or min_amount < 0:
        raise InvalidParameterError("min_amount", min_amount, "a Decimal amount >= 0")
    if stop is None:
        return []
    found: list[Anomaly] = []
    for scope in checked:
        found.extend(
            _scope_anomalies(scope, first, stop, threshold, min_ratio, Decimal(min_amount))
        )
    found.sort(key=lambda a: (a.day, a.scope_kind, a.scope_id))
    return found


def _iterable(scopes: object) -> Iterable[ScopeSeries]:
    if isinstance(scopes, str | bytes) or not isinstance(scopes, Iterable):
        raise InvalidParameterError("scopes", scopes, "a ScopeSeries or an iterable of them")
    return scopes


def _check_scope(scope: object) -> None:
    if not isinstance(scope, ScopeSeries):
        raise InvalidParameterError("scopes", scope, "ScopeSeries items")
    if scope.kind not in SCOPE_KINDS:
        raise InvalidParameterError("kind", scope.kind, f"one of {', '.join(SCOPE_KINDS)}")
    if scope.driver_kind not in DRIVER_KINDS:
        raise InvalidParameterError(
            "driver_kind", scope.driver_kind, f"one of {', '.join(DRIVER_KINDS)}"
        )
    if not isinstance(scope.spend, DailySpend):
        raise InvalidParameterError("spend", scope.spend, "a DailySpend")
    for name, part in scope.drivers.items():
        if not isinstance(part, DailySpend):
            raise InvalidParameterError(f"drivers[{name!r}]", part, "a DailySpend")
        if part.currency != scope.spend.currency:
            raise MixedCurrencyError(
                tuple(sorted({part.currency, scope.spend.currency})),
                hint=f"scope {scope.id!r}: driver {name!r} is in another currency than the total",
            )


def _baselines(spend: DailySpend, end: date) -> _Baselines:
    """Expected spend and log residual of each day from ``spend.start`` up to ``end``."""
    if spend.start is None:
        return _Baselines([], [], [], [])
    x = as_floats(spend, end)
    start = spend.start
    expected: list[float | None] = [None] * len(x)
    residual: list[float | None] = [None] * len(x)
    excess: list[float | None] = [None] * len(x)
    levels = [0.0] * len(x)
    weekday0 = start.weekday()
    for t in range(_MIN_HISTORY, len(x)):
        profile = weekday_profile(x, start, t, _PROFILE_WEEKS)
        level = statistics.median(deseasonalized(x, start, profile, t - _LEVEL_DAYS, t))
        b = level * profile[(weekday0 + t) % 7]
        expected[t] = b
        residual[t] = _log_ratio(x[t], b)
        levels[t] = level
        if level > 0:
            excess[t] = (x[t] - b) / level
    return _Baselines(expected, residual, excess, levels)


def _log_ratio(actual: float, expected: float) -> float:
    # The cushion keeps a quiet day of a small scope from looking infinitely unusual.
    cushion = 0.05 * expected + 0.01
    return math.log((max(actual, 0.0) + cushion) / (expected + cushion))


def _calendar_extra(excess: Sequence[float | None], start: date, t: int, scale: float) -> float:
    """The excess (in level units) that recurred on this day's place in past months (or 0).

    Additive, not a factor: a batch job costs the same on a Sunday as on a Monday.
    """
    day = start + timedelta(days=t)
    dim = calendar.monthrange(day.year, day.month)[1]
    from_end = dim - day.day
    if day.day > _CALENDAR_DAYS and from_end >= _CALENDAR_DAYS:
        return 0.0
    seen: list[float] = []
    month = day.replace(day=1)
    for _ in range(_CALENDAR_MONTHS):
        month = (month - ONE_DAY).replace(day=1)
        length = calendar.monthrange(month.year, month.month)[1]
        past = month.replace(day=day.day if day.day <= _CALENDAR_DAYS else length - from_end)
        i = (past - start).days
        if i < 0:
            break
        value = excess[i]
        if value is not None:
            seen.append(value)
    # Recurring means two of the last three months were off the same way, each clearly.
    clear = max(4 * scale, _MIN_RECURRING)
    for sign in (1.0, -1.0):
        agreeing = [v for v in seen if v * sign >= clear]
        if len(agreeing) >= 2:
            return statistics.median(agreeing)
    return 0.0


def _scope_anomalies(
    scope: ScopeSeries,
    first: date | None,
    stop: date,
    threshold: float,
    min_ratio: float,
    min_amount: Decimal,
) -> list[Anomaly]:
    spend = scope.spend
    if spend.start is None:
        return []
    base = _baselines(spend, stop)
    found: list[Anomaly] = []
    lo = max((first - spend.start).days, 0) if first else 0
    for t in range(lo, len(base.expected)):
        b = base.expected[t]
        r = base.residual[t]
        if b is None or r is None:
            continue
        window = [v for v in base.residual[max(t - _SCALE_DAYS, 0) : t] if v is not None]
        scale = max(mad(window), _MIN_SCALE)
        extra = _calendar_extra(base.excess, spend.start, t, scale)
        if extra:
            expected = max(b + extra * base.level[t], 0.0)
            r = _log_ratio(float(spend.on(spend.start + timedelta(days=t))), expected)
        else:
            expected = b
        score = r / scale
        day = spend.start + timedelta(days=t)
        actual = spend.on(day)
        baseline = cents(max(expected, 0.0))
        jump = actual - baseline
        if abs(score) < threshold or abs(jump) < min_amount:
            continue
        if baseline > 0 and abs(jump) < Decimal(repr(min_ratio)) * baseline:
            continue
        found.append(
            Anomaly(
                scope_kind=scope.kind,
                scope_id=scope.id,
                scope_name=scope.name if scope.name is not None else scope.id,
                day=day,
                direction="spike" if jump > 0 else "drop",
                actual=actual,
                baseline=baseline,
                jump=jump,
                score=score,
                currency=spend.currency,
                drivers=_drivers(scope, day, actual, baseline, jump),
            )
        )
    return found


def _driver_baseline(spend: DailySpend, day: date) -> Decimal:
    if spend.start is None or day < spend.start:
        return Decimal(0)
    x = as_floats(spend, day + ONE_DAY)
    t = len(x) - 1
    if t < _MIN_HISTORY:
        # A driver younger than two weeks: its recent days are all that is known.
        recent = x[max(t - _LEVEL_DAYS, 0) : t]
        return cents(statistics.median(recent)) if recent else Decimal(0)
    profile = weekday_profile(x, spend.start, t, _PROFILE_WEEKS)
    level = statistics.median(deseasonalized(x, spend.start, profile, t - _LEVEL_DAYS, t))
    return cents(level * profile[(spend.start.weekday() + t) % 7])


def _drivers(
    scope: ScopeSeries, day: date, actual: Decimal, baseline: Decimal, jump: Decimal
) -> tuple[Driver, ...]:
    if not scope.drivers:
        return ()
    parts: list[tuple[str, Decimal, Decimal]] = []
    for name, part in scope.drivers.items():
        parts.append((name, part.on(day), _driver_baseline(part, day)))
    other_actual = actual - sum((a for _, a, _ in parts), Decimal(0))
    other_baseline = baseline - sum((b for _, _, b in parts), Decimal(0))
    if other_actual or other_baseline:
        parts.append((OTHER, other_actual, other_baseline))
    moved = [(n, a, b, a - b) for n, a, b in parts if (a - b) * jump > 0]
    if not moved:
        # Nothing moved the way the total did on its own terms: the gap is unexplained.
        return (Driver(OTHER, scope.driver_kind, jump, other_actual, other_baseline),)
    whole = jump.quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    shares = [
        Decimal(c).scaleb(-2) for c in allocate_cents(int(whole * 100), [d for *_, d in moved])
    ]
    # The sub-cent rest of an exact jump goes to the largest mover, so the sum is exact.
    largest = max(range(len(moved)), key=lambda i: abs(moved[i][3]))
    shares[largest] += jump - whole
    drivers = [
        Driver(name, scope.driver_kind, share, a, b)
        for (name, a, b, _), share in zip(moved, shares, strict=True)
    ]
    drivers.sort(key=lambda d: -abs(d.above_baseline))
    return tuple(drivers)
