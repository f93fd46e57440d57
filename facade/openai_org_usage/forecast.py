"""Month-end spend forecasts for the UTC calendar month (the billing month), with an interval.

:func:`forecast_month` reads one scope's :class:`DailySpend` (exact amounts per UTC day, one
currency) up to the day in progress and says where the month will end:

- ``"weekday_trend"`` (the default, chosen by backtest; see ``bench/forecast_backtest.py``):
  the days still to come are the recent level (the mean of the last 28 days, each divided by its
  weekday's weight) times the weekday's weight (from the last eight whole weeks, each day as a
  share of its week, median per weekday), grown at the recent growth rate (the last four weeks
  against the four before, halved and bounded to ±1% a day), plus the extra that recurs on the
  first and last three days of a month (month-end batch jobs) when two of the last three months
  had it. The month-to-date spend is added as it is.
- ``"weekday_run_rate"``: the month-to-date spend per weekday weight, carried over the rest of
  the month's weekdays.
- ``"run_rate"``: the naive run rate, to-date spend / days elapsed x days in the month.

The interval comes from the same method run on the scope's own past months at the same day of
the month (up to twelve): the spread of actual over forecast for the rest of those months
(split-conformal order statistics, so ``coverage`` is what it promises when the past is like the
future). With fewer than three past months it is the daily noise of the last four weeks carried
over the days left. It always contains the point forecast.

Also here: :meth:`MonthForecast.limit_reached_on` (the day a spend limit is crossed at the
forecast rate) and :func:`same_days_last_month` (this month so far beside the same days of the
month before).

Example::

    spend = DailySpend({date(2026, 11, d): Decimal("40") for d in range(1, 11)})
    fc = forecast_month(spend, as_of=date(2026, 11, 11))
    fc.point, fc.lower, fc.upper, fc.limit_reached_on(Decimal("1000"))
"""

from __future__ import annotations

import calendar
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Final, Literal, get_args

from ._errors import InvalidParameterError
from ._forecast_math import FLAT, as_floats, cents, deseasonalized, mad, weekday_profile
from ._forecast_series import ONE_DAY, DailySpend, daily_costs, utc_day

__all__ = [
    "DEFAULT_METHOD",
    "METHODS",
    "DailySpend",
    "ForecastMethod",
    "MonthForecast",
    "PeriodComparison",
    "daily_costs",
    "forecast_month",
    "same_days_last_month",
]

ForecastMethod = Literal["weekday_trend", "weekday_run_rate", "run_rate"]
METHODS: Final[tuple[ForecastMethod, ...]] = get_args(ForecastMethod)
DEFAULT_METHOD: Final[ForecastMethod] = "weekday_trend"

_PROFILE_WEEKS: Final = 8
_LEVEL_DAYS: Final = 28
_GROWTH_DAYS: Final = 28
_GROWTH_SHRINK: Final = 0.5
_GROWTH_BOUND: Final = 0.01
_CALENDAR_DAYS: Final = 3
_CALENDAR_MONTHS: Final = 3
_PAST_MONTHS: Final = 12
_MIN_PAST_MONTHS: Final = 3
_WEEKDAYS: Final = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class MonthForecast:
    """Where one scope's spend will end its UTC calendar month.

    Attributes:
        month: The month's first day.
        as_of: The day in progress: the days before it are the month to date.
        days_elapsed: Complete days of the month (``as_of.day - 1``).
        days_in_month: 28 to 31.
        currency: The series' currency.
        to_date: Spend of the complete days of the month (exact).
        point: The month-end forecast: ``to_date`` plus the expected rest, in cents.
        lower: The interval's lower end (never below ``to_date``).
        upper: The interval's upper end.
        coverage: The share of months the interval is meant to hold (e.g. 0.8).
        interval_basis: ``"backtest"`` (past months' errors at this day) or ``"noise"``.
        interval_months: How many past months the backtest interval comes from.
        method: The method used.
        naive: The naive run rate's forecast, for comparison.
        daily: The expected spend of each remaining day, ``(day, amount)``, in cents.
        level: The expected spend of an average weekday now (before weekday weights).
        growth_per_day: The daily growth rate applied (``0.002`` is +0.2% a day).
        weekday_weights: Monday-first weights (mean 1) used for the remaining days.
        calendar_extra: Extra expected on the month's first or last days (recurring jobs).
    """

    month: date
    as_of: date
    days_elapsed: int
    days_in_month: int
    currency: str
    to_date: Decimal
    point: Decimal
    lower: Decimal
    upper: Decimal
    coverage: float
    interval_basis: Literal["backtest", "noise"]
    interval_months: int
    method: ForecastMethod
    naive: Decimal
    daily: tuple[tuple[date, Decimal], ...]
    level: Decimal
    growth_per_day: float
    weekday_weights: tuple[float, ...]
    calendar_extra: Decimal

    @property
    def month_end(self) -> date:
        """The month's last day."""
        return self.month.replace(day=self.days_in_month)

    def limit_reached_on(
        self, limit: Decimal | int, *, bound: Literal["point", "lower", "upper"] = "point"
    ) -> date | None:
        """The UTC day spend reaches ``limit`` this month at the forecast rate.

        Args:
            limit: The month's spend limit, in the forecast's currency.
            bound: ``"point"`` follows the forecast; ``"upper"`` the interval's upper end (the
                earliest plausible day); ``"lower"`` its lower end.

        Returns:
            The day already passed when the month to date has reached it (the day it was
            crossed is not known from the total: the last complete day is returned), the day
            the forecast crosses it, or ``None`` when it is not reached this month.

        Raises:
            InvalidParameterError: A limit that is not a non-negative exact amount, or an
                unknown bound.

        Example::

            fc.limit_reached_on(Decimal("5000"))  # datetime.date(2026, 11, 26)
        """
        if isinstance(limit, bool) or not isinstance(limit, Decimal | int) or limit < 0:
            raise InvalidParameterError("limit", limit, "a non-negative Decimal amount")
        if bound not in ("point", "lower", "upper"):
            raise InvalidParameterError("bound", bound, "'point', 'lower' or 'upper'")
        if self.to_date >= limit:
            return max(self.month, self.as_of - ONE_DAY)
        rest = self.point - self.to_date
        target = {"point": self.point, "lower": self.lower, "upper": self.upper}[bound]
        scale = (target - self.to_date) / rest if rest > 0 else Decimal(0)
        spent = self.to_date
        for day, amount in self.daily:
            spent += amount * scale
            if spent >= limit:
                return day
        return None

    def explain(self) -> str:
        """One paragraph saying what the forecast is made of (amounts in its currency).

        Example::

            print(fc.explain())
        """
        unit = self.currency.upper()
        weights = ", ".join(
            f"{name} {w:.2f}" for name, w in zip(_WEEKDAYS, self.weekday_weights, strict=True)
        )
        parts = [
            f"{self.to_date:,.2f} {unit} in the first {self.days_elapsed} of "
            f"{self.days_in_month} days; {self.point:,.2f} expected by {self.month_end} "
            f"({self.coverage:.0%} interval {self.lower:,.2f}-{self.upper:,.2f}, "
            f"naive run rate {self.naive:,.2f}).",
        ]
        if self.method == "weekday_trend":
            parts.append(
                f"Level {self.level:,.2f}/day over the last {_LEVEL_DAYS} days, weekday-adjusted, "
                f"growing {self.growth_per_day:+.2%}/day; weekday weights {weights}."
            )
            if self.calendar_extra:
                parts.append(
                    f"{self.calendar_extra:,.2f} expected on recurring month-start/end days."
                )
        elif self.method == "weekday_run_rate":
            parts.append(f"Month-to-date level {self.level:,.2f}/day; weekday weights {weights}.")
        else:
            parts.append(f"Run rate {self.level:,.2f}/day.")
        if self.interval_basis == "backtest":
            parts.append(
                f"Interval from {self.interval_months} past months' errors at the same day."
            )
        else:
            parts.append("Interval from the daily noise of the last four weeks (little history).")
        return " ".join(parts)


@dataclass(frozen=True)
class PeriodComparison:
    """This month so far beside the same days of the month before.

    Attributes:
        current_start: First day of this month's span; ``current_end`` is exclusive.
        previous_start: First day of last month's span; ``previous_end`` is exclusive.
        current: Spend of this month's complete days.
        previous: Spend of the same days of last month (its days 1..n, capped at its length).
        change: ``current - previous``.
        change_ratio: ``change / previous`` (``None`` when last month spent nothing).
        currency: The series' currency.
    """

    current_start: date
    current_end: date
    previous_start: date
    previous_end: date
    current: Decimal
    previous: Decimal
    change: Decimal
    change_ratio: float | None
    currency: str


@dataclass(frozen=True)
class _Expected:
    rest: list[float]
    level: float
    growth: float
    profile: tuple[float, ...]
    calendar_extra: float


def forecast_month(
    spend: DailySpend,
    *,
    as_of: date | datetime,
    method: ForecastMethod = DEFAULT_METHOD,
    coverage: float = 0.8,
) -> MonthForecast:
    """Forecast the month-end spend of the UTC calendar month that holds ``as_of``.

    Args:
        spend: The scope's spend per UTC day (one currency). Days from ``spend.start`` to the
            day before ``as_of`` are read; later days are ignored.
        as_of: The day in progress (a date, or an aware datetime read in UTC, e.g. now).
            The days of its month before it are the month to date; on the 1st there are none
            and the forecast rests on the history before.
        method: ``"weekday_trend"`` (default), ``"weekday_run_rate"`` or ``"run_rate"``.
        coverage: The interval's intended coverage, strictly between 0 and 1.

    Returns:
        A :class:`MonthForecast`: the point forecast, its interval, the naive run rate beside
        it, the expected remaining days, and what the forecast is made of.

    Raises:
        InvalidParameterError: ``spend`` is not a :class:`DailySpend`, ``as_of`` is not a UTC
            day (a naive datetime), ``method`` is unknown, or ``coverage`` is out of range.

    Example::

        fc = forecast_month(spend, as_of=datetime.now(UTC))
        print(fc.point, fc.lower, fc.upper)
    """
    if not isinstance(spend, DailySpend):
        raise InvalidParameterError("spend", spend, "a DailySpend")
    day = utc_day(as_of, "as_of")
    if method not in METHODS:
        raise InvalidParameterError("method", method, f"one of {', '.join(map(repr, METHODS))}")
    if isinstance(coverage, bool) or not isinstance(coverage, float | int) or not 0 < coverage < 1:
        raise InvalidParameterError("coverage", coverage, "a number strictly between 0 and 1")
    month = day.replace(day=1)
    dim = calendar.monthrange(month.year, month.month)[1]
    elapsed = day.day - 1
    start = spend.start or month
    x = as_floats(spend, day) if spend.start is not None else []
    at = (day - start).days  # index of as_of in x (x has indices < at)
    to_date = spend.total(month, day)
    expected = _expected(method, x, start, at, elapsed, dim)
    rest_total = sum(expected.rest)
    ratios = _past_ratios(method, x, start, at, elapsed)
    alpha = 1 - float(coverage)
    if len(ratios) >= _MIN_PAST_MONTHS:
        n = len(ratios)
        ordered = sorted(ratios)
        k_lo = max(math.floor((n + 1) * alpha / 2), 1)
        k_hi = min(math.ceil((n + 1) * (1 - alpha / 2)), n)
        lo_ratio, hi_ratio = ordered[k_lo - 1], ordered[k_hi - 1]
        basis: Literal["backtest", "noise"] = "backtest"
    else:
        spread = _noise_spread(x, start, at, len(expected.rest))
        z = statistics.NormalDist().inv_cdf(1 - alpha / 2)
        lo_ratio, hi_ratio = math.exp(-z * spread), math.exp(z * spread)
        basis = "noise"
    daily = tuple(
        (month + timedelta(days=elapsed + i), cents(v)) for i, v in enumerate(expected.rest)
    )
    rest = sum((a for _, a in daily), Decimal(0))
    point = to_date + rest
    lower = min(to_date + cents(rest_total * min(lo_ratio, 1.0)), point)
    upper = max(to_date + cents(rest_total * max(hi_ratio, 1.0)), point)
    naive = _expected("run_rate", x, start, at, elapsed, dim)
    return MonthForecast(
        month=month,
        as_of=day,
        days_elapsed=elapsed,
        days_in_month=dim,
        currency=spend.currency,
        to_date=to_date,
        point=point,
        lower=max(lower, to_date),
        upper=upper,
        coverage=float(coverage),
        interval_basis=basis,
        interval_months=len(ratios) if basis == "backtest" else 0,
        method=method,
        naive=to_date + cents(sum(naive.rest)),
        daily=daily,
        level=cents(expected.level),
        growth_per_day=expected.growth,
        weekday_weights=expected.profile,
        calendar_extra=cents(expected.calendar_extra),
    )


def same_days_last_month(spend: DailySpend, *, as_of: date | datetime) -> PeriodComparison:
    """This month's complete days beside the same days of the month before.

    Args:
        spend: The scope's spend per UTC day.
        as_of: The day in progress (its month's days before it are compared). On the 31st,
            a 30-day previous month is compared whole.

    Returns:
        A :class:`PeriodComparison` (amounts exact, in the series' currency).

    Raises:
        InvalidParameterError: ``spend`` is not a :class:`DailySpend`, or ``as_of`` is not a
            UTC day.

    Example::

        cmp = same_days_last_month(spend, as_of=date(2026, 11, 11))
        cmp.current, cmp.previous, cmp.change_ratio
    """
    if not isinstance(spend, DailySpend):
        raise InvalidParameterError("spend", spend, "a DailySpend")
    day = utc_day(as_of, "as_of")
    month = day.replace(day=1)
    previous_start = (month - ONE_DAY).replace(day=1)
    previous_days = calendar.monthrange(previous_start.year, previous_start.month)[1]
    previous_end = previous_start + timedelta(days=min(day.day - 1, previous_days))
    current = spend.total(month, day)
    previous = spend.total(previous_start, previous_end)
    change = current - previous
    return PeriodComparison(
        current_start=month,
        current_end=day,
        previous_start=previous_start,
        previous_end=previous_end,
        current=current,
        previous=previous,
        change=change,
        change_ratio=float(change / previous) if previous else None,
        currency=spend.currency,
    )


def _expected(
    method: ForecastMethod, x: Sequence[float], start: date, at: int, elapsed: int, dim: int
) -> _Expected:
    """Expected spend of the month's days from index ``at`` on (``x`` is known before ``at``)."""
    remaining = dim - elapsed
    known = max(min(at, len(x)), 0)
    month_lo = max(at - elapsed, 0)
    mtd = x[month_lo:known]
    if method == "run_rate":
        if elapsed and len(mtd) == elapsed:
            level = sum(mtd) / elapsed
        else:  # no complete day this month (or history starts mid-month): the last week
            recent = x[max(known - 7, 0) : known]
            level = sum(recent) / len(recent) if recent else 0.0
        return _Expected([level] * remaining, level, 0.0, FLAT, 0.0)
    profile = weekday_profile(x, start, known, _PROFILE_WEEKS)
    weekday0 = start.weekday()

    def weight(i: int) -> float:
        return profile[(weekday0 + i) % 7]

    if method == "weekday_run_rate":
        span = (
            range(month_lo, known)
            if elapsed and len(mtd) == elapsed
            else range(max(known - 7, 0), known)
        )
        weights = sum(weight(i) for i in span)
        level = sum(x[i] for i in span) / weights if weights else 0.0
        return _Expected(
            [level * weight(at + j) for j in range(remaining)], level, 0.0, profile, 0.0
        )
    y = deseasonalized(x, start, profile, known - _LEVEL_DAYS, known)
    level = sum(y) / len(y) if y else 0.0
    centre = known - (len(y) + 1) / 2  # the level describes the window's middle day
    growth = _growth(x, start, profile, known)
    rest = [level * (1 + growth) ** (at + j - centre) * weight(at + j) for j in range(remaining)]
    extra = _calendar_extra(x, start, profile, known, at, elapsed, dim, rest)
    return _Expected(rest, level * (1 + growth) ** (at - centre), growth, profile, sum(extra))


def _growth(x: Sequence[float], start: date, profile: Sequence[float], known: int) -> float:
    if known < 2 * _GROWTH_DAYS:
        return 0.0
    recent = sum(deseasonalized(x, start, profile, known - _GROWTH_DAYS, known))
    before = sum(deseasonalized(x, start, profile, known - 2 * _GROWTH_DAYS, known - _GROWTH_DAYS))
    if recent <= 0 or before <= 0:
        return 0.0
    rate: float = math.exp(math.log(recent / before) / _GROWTH_DAYS) - 1
    return max(-_GROWTH_BOUND, min(_GROWTH_BOUND, rate * _GROWTH_SHRINK))


def _calendar_extra(
    x: Sequence[float],
    start: date,
    profile: Sequence[float],
    known: int,
    at: int,
    elapsed: int,
    dim: int,
    rest: list[float],
) -> list[float]:
    """Add to ``rest`` (in place) what recurred on the same first/last days of past months."""
    extras: list[float] = []
    month_start = start + timedelta(days=at - elapsed)
    for j in range(len(rest)):
        day_of_month = elapsed + j  # 0-based
        from_end = dim - 1 - day_of_month
        if day_of_month >= _CALENDAR_DAYS and from_end >= _CALENDAR_DAYS:
            continue
        seen: list[float] = []
        levels: list[float] = []
        month = month_start
        for _ in range(_CALENDAR_MONTHS):
            month = (month - ONE_DAY).replace(day=1)
            length = calendar.monthrange(month.year, month.month)[1]
            offset = day_of_month if day_of_month < _CALENDAR_DAYS else length - 1 - from_end
            i = (month - start).days + offset
            if i - 14 < 0 or i >= known:
                break
            neighbours = deseasonalized(x, start, profile, i - 14, i)
            local = statistics.median(neighbours)
            levels.append(local)
            seen.append(x[i] - local * profile[(start.weekday() + i) % 7])
        if len(seen) < 2:
            continue
        typical = statistics.median(seen)
        scale = max(statistics.median(levels), 1e-9)
        if typical > 0.5 * scale:  # a recurring job, not a fluctuation
            rest[j] += typical
            extras.append(typical)
    return extras


def _past_ratios(
    method: ForecastMethod, x: Sequence[float], start: date, at: int, elapsed: int
) -> list[float]:
    """Actual over forecast for the rest of past months, forecast at the same day of month."""
    ratios: list[float] = []
    month = start + timedelta(days=at - elapsed)
    for _ in range(_PAST_MONTHS):
        month = (month - ONE_DAY).replace(day=1)
        dim = calendar.monthrange(month.year, month.month)[1]
        past_elapsed = min(elapsed, dim - 1)
        past_at = (month - start).days + past_elapsed
        month_end = (month - start).days + dim
        if past_at - 7 < 0:
            break
        forecast = sum(_expected(method, x, start, past_at, past_elapsed, dim).rest)
        actual = sum(x[past_at:month_end])
        if forecast > 0:
            ratios.append(actual / forecast)
        elif actual == 0:
            ratios.append(1.0)
    return ratios


def _noise_spread(x: Sequence[float], start: date, at: int, remaining: int) -> float:
    """Relative spread (log scale) of the rest of the month from the last four weeks' noise."""
    if not remaining:
        return 0.0
    known = max(min(at, len(x)), 0)
    profile = weekday_profile(x, start, known, _PROFILE_WEEKS)
    y = [v for v in deseasonalized(x, start, profile, known - _LEVEL_DAYS, known) if v > 0]
    if len(y) < 3:
        return 0.5  # almost nothing known: a wide interval
    noise = mad([math.log(v) for v in y])
    return math.sqrt(noise**2 / remaining + noise**2 / len(y)) + 0.05
