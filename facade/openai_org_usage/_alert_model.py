"""What an alert is, and the builders that make alerts from limits, forecasts and anomalies.

An :class:`Alert` is one condition that holds now: a spend limit crossed, a month-end forecast
that crosses a limit, an anomalous day. Its ``key`` says what makes two alerts "the same"
(kind, scope, period and threshold), so a condition that still holds on the next run is not
sent again. Amounts are exact ``Decimal`` values in one currency; nothing here adds currencies.
Texts that came from people (scope IDs and names, driver names) are cleaned of anything
key-shaped when the alert is made, so no payload, key, log line or ``repr`` can carry a key.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Final, Literal, get_args
from urllib.parse import quote

from ._alert_text import clean
from ._errors import InvalidParameterError
from .anomalies import SCOPE_KINDS, Anomaly
from .forecast import MonthForecast

__all__ = [
    "ALERT_KINDS",
    "DEFAULT_THRESHOLDS",
    "Alert",
    "AlertDriver",
    "AlertKind",
    "AlertScope",
    "AnomalyDetail",
    "ForecastDetail",
    "LimitDetail",
    "alert_key",
    "alerts_for_anomalies",
    "alerts_for_forecast",
    "alerts_for_limit",
    "aware_utc",
]

AlertKind = Literal["limit_crossed", "forecast_crossing", "anomaly"]
ALERT_KINDS: Final[tuple[AlertKind, ...]] = get_args(AlertKind)
DEFAULT_THRESHOLDS: Final = (Decimal(50), Decimal(80), Decimal(100))
"""Percentages of a limit that alert by default."""

_PERCENT: Final = Decimal("0.1")


def _text(value: object, param: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or (not empty and not value):
        raise InvalidParameterError(param, value, "a non-empty string")
    return clean(value)


@dataclass(frozen=True)
class AlertScope:
    """What an alert is about.

    Attributes:
        kind: ``"organization"``, ``"project"``, ``"api_key"``, ``"user"``, ``"model"`` or
            ``"line_item"`` (the anomaly detector's scope kinds).
        id: The scope's ID (``proj_...``) or value.
        name: A name to show; ``None`` shows the ID.

    Example::

        AlertScope("project", "proj_abc", "Search")
    """

    kind: str
    id: str
    name: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in SCOPE_KINDS:
            raise InvalidParameterError("scope.kind", self.kind, f"one of {', '.join(SCOPE_KINDS)}")
        object.__setattr__(self, "id", _text(self.id, "scope.id"))
        if self.name is not None:
            object.__setattr__(self, "name", _text(self.name, "scope.name", empty=True))

    @property
    def display_name(self) -> str:
        """The name, or the ID when there is none."""
        return self.name if self.name else self.id


@dataclass(frozen=True)
class AlertDriver:
    """One line item or model behind an anomaly.

    Attributes:
        name: The line item or model.
        kind: What it is (``"line_item"``, ``"model"`` ...).
        above_baseline: Its share of the jump (negative for a drop).
    """

    name: str
    kind: str
    above_baseline: Decimal

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", _text(self.name, "driver.name", empty=True))
        object.__setattr__(self, "kind", _text(self.kind, "driver.kind"))


@dataclass(frozen=True)
class LimitDetail:
    """A ``limit_crossed`` alert's figures: ``spent >= limit * threshold_percent / 100``.

    Attributes:
        spent: Spend of the month so far.
        limit: The month's spend limit.
        threshold_percent: The share of the limit that alerts (e.g. 80).
        percent: ``spent / limit`` in percent, to 0.1.
    """

    spent: Decimal
    limit: Decimal
    threshold_percent: Decimal
    percent: Decimal


@dataclass(frozen=True)
class ForecastDetail:
    """A ``forecast_crossing`` alert's figures: the forecast reaches the threshold.

    Attributes:
        as_of: The forecast's day in progress.
        month_to_date: Spend of the month's complete days.
        point: The month-end forecast.
        lower: The interval's lower end.
        upper: The interval's upper end.
        coverage: The interval's intended coverage (0.8 is 80%).
        bound: Which of point, lower or upper was compared with the threshold.
        limit: The month's spend limit.
        threshold_percent: The share of the limit that alerts.
        percent: The compared forecast as a percentage of the limit, to 0.1.
        reaches_threshold_on: The day the forecast reaches the threshold (``None``: not
            this month at the compared bound's daily rate, though the month-end total does).
    """

    as_of: date
    month_to_date: Decimal
    point: Decimal
    lower: Decimal
    upper: Decimal
    coverage: float
    bound: Literal["point", "lower", "upper"]
    limit: Decimal
    threshold_percent: Decimal
    percent: Decimal
    reaches_threshold_on: date | None


@dataclass(frozen=True)
class AnomalyDetail:
    """An ``anomaly`` alert's figures.

    Attributes:
        day: The UTC day.
        direction: ``"spike"`` or ``"drop"``.
        actual: The day's spend.
        baseline: The expected spend.
        jump: ``actual - baseline``.
        score: How unusual (4 or more is rare).
        drivers: What moved, largest first (their shares add up to ``jump``).
    """

    day: date
    direction: Literal["spike", "drop"]
    actual: Decimal
    baseline: Decimal
    jump: Decimal
    score: float
    drivers: tuple[AlertDriver, ...] = ()


@dataclass(frozen=True)
class Alert:
    """One condition to tell someone about; immutable.

    Made by :func:`alerts_for_limit`, :func:`alerts_for_forecast` and
    :func:`alerts_for_anomalies`; exactly one of ``limit``, ``forecast`` and ``anomaly`` is set,
    the one matching ``kind``.

    Attributes:
        kind: ``"limit_crossed"``, ``"forecast_crossing"`` or ``"anomaly"``.
        scope: What it is about.
        key: What makes two alerts the same one (kind, scope, period, threshold): an alert is
            sent once per key, and resolved once when its key is no longer reported.
        period_start: First day of the period it is about (a month, or the anomaly's day).
        period_end: The day after the period (exclusive).
        currency: The amounts' currency (lowercase ISO code).
        observed_at: When the condition was seen (aware, UTC).
        limit: The figures of a ``limit_crossed`` alert.
        forecast: The figures of a ``forecast_crossing`` alert.
        anomaly: The figures of an ``anomaly`` alert.
    """

    kind: AlertKind
    scope: AlertScope
    key: str
    period_start: date
    period_end: date
    currency: str
    observed_at: datetime
    limit: LimitDetail | None = None
    forecast: ForecastDetail | None = None
    anomaly: AnomalyDetail | None = None

    def __post_init__(self) -> None:
        if self.kind not in ALERT_KINDS:
            raise InvalidParameterError("kind", self.kind, f"one of {', '.join(ALERT_KINDS)}")
        if not isinstance(self.scope, AlertScope):
            raise InvalidParameterError("scope", self.scope, "an AlertScope")
        object.__setattr__(self, "key", _text(self.key, "key"))
        details = {
            "limit_crossed": self.limit,
            "forecast_crossing": self.forecast,
            "anomaly": self.anomaly,
        }
        if details[self.kind] is None or sum(d is not None for d in details.values()) != 1:
            raise InvalidParameterError(
                "kind", self.kind, "an alert with exactly the detail of its kind"
            )
        object.__setattr__(self, "observed_at", aware_utc(self.observed_at, "observed_at"))


def aware_utc(value: object, param: str) -> datetime:
    """``value`` as an aware UTC datetime; a naive or non-datetime value is refused."""
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidParameterError(param, value, "a timezone-aware datetime")
    return value.astimezone(UTC)


def _number(value: Decimal) -> str:
    """A Decimal as plain digits without trailing zeros (``80``, ``12.5``; never ``8E+1``)."""
    return format(value.normalize(), "f")


def alert_key(kind: AlertKind, scope: AlertScope, period: str, *extra: str) -> str:
    """The dedup key: its parts percent-encoded and joined with ``/``.

    Example:
        >>> alert_key("limit_crossed", AlertScope("project", "proj_1"), "2026-11", "80")
        'limit_crossed/project/proj_1/2026-11/80'
    """
    return "/".join(quote(part, safe="") for part in (kind, scope.kind, scope.id, period, *extra))


def _amount(value: object, param: str, *, positive: bool = False) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidParameterError(param, value, "a Decimal (or int) amount")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        raise InvalidParameterError(
            param, value, "a finite amount > 0" if positive else "a finite amount >= 0"
        )
    return amount


def _now(observed_at: datetime | None) -> datetime:
    return datetime.now(UTC) if observed_at is None else aware_utc(observed_at, "observed_at")


def _month_of(day: date) -> tuple[date, date]:
    first = day.replace(day=1)
    return first, first + timedelta(days=calendar.monthrange(first.year, first.month)[1])


def _currency(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError("currency", value, "an ISO currency code such as 'usd'")
    return value.strip().lower()


def _thresholds(values: object) -> list[Decimal]:
    items = [values] if isinstance(values, Decimal | int) else values
    if not isinstance(items, Iterable) or isinstance(items, str | bytes):
        raise InvalidParameterError(
            "thresholds", values, "percentages of the limit, e.g. (80, 100)"
        )
    found = sorted({_amount(t, "thresholds", positive=True) for t in items})
    if not found:
        raise InvalidParameterError("thresholds", values, "at least one percentage")
    return found


def _scope(value: object) -> AlertScope:
    if not isinstance(value, AlertScope):
        raise InvalidParameterError("scope", value, "an AlertScope")
    return value


def alerts_for_limit(
    scope: AlertScope,
    spent: Decimal | int,
    limit: Decimal | int,
    thresholds: Decimal | int | Sequence[Decimal | int] = DEFAULT_THRESHOLDS,
    *,
    currency: str = "usd",
    month: date | None = None,
    observed_at: datetime | None = None,
) -> list[Alert]:
    """One ``limit_crossed`` alert per threshold the month's spend has reached.

    Every threshold reached alerts, not only the highest: each is its own alert (its own key),
    so reaching 100% does not resolve the 80% alert. A new month is a new period: last
    month's alerts resolve when this month's are reported instead.

    Args:
        scope: What the limit applies to.
        spent: Spend of the month so far, in ``currency``.
        limit: The month's limit, in ``currency`` (> 0).
        thresholds: Percentages of the limit that alert (default 50, 80, 100).
        currency: The amounts' currency.
        month: Any day of the month (default: ``observed_at``'s UTC month).
        observed_at: When the spend was read (aware; default now).

    Returns:
        The alerts, lowest threshold first (empty when none is reached).

    Raises:
        InvalidParameterError: A negative or inexact amount, a limit of 0, a threshold <= 0,
            an unknown scope, a naive ``observed_at``.

    Example::

        alerts_for_limit(AlertScope("project", "proj_1", "Search"), Decimal("850"), 1000)
    """
    scope = _scope(scope)
    spent_amount = _amount(spent, "spent")
    limit_amount = _amount(limit, "limit", positive=True)
    levels = _thresholds(thresholds)
    unit = _currency(currency)
    seen = _now(observed_at)
    if month is not None and not isinstance(month, date):
        raise InvalidParameterError("month", month, "a date in the month")
    start, end = _month_of(month if month is not None else seen.date())
    percent = (spent_amount * 100 / limit_amount).quantize(_PERCENT)
    return [
        Alert(
            kind="limit_crossed",
            scope=scope,
            key=alert_key("limit_crossed", scope, start.strftime("%Y-%m"), _number(level)),
            period_start=start,
            period_end=end,
            currency=unit,
            observed_at=seen,
            limit=LimitDetail(spent_amount, limit_amount, level, percent),
        )
        for level in levels
        if spent_amount * 100 >= limit_amount * level
    ]


def alerts_for_forecast(
    scope: AlertScope,
    forecast: MonthForecast,
    limit: Decimal | int,
    pct: Decimal | int = 100,
    *,
    bound: Literal["point", "lower", "upper"] = "point",
    observed_at: datetime | None = None,
) -> list[Alert]:
    """A ``forecast_crossing`` alert when the month-end forecast reaches ``pct`` of ``limit``.

    Args:
        scope: What the forecast and limit are about.
        forecast: The scope's :class:`~openai_org_usage.forecast.MonthForecast`.
        limit: The month's limit, in the forecast's currency (> 0).
        pct: The percentage of the limit that alerts (default 100).
        bound: Compare the forecast's ``"point"`` (default), or its interval's ``"upper"``
            end (earlier, noisier warnings) or ``"lower"`` end (only near-certain crossings).
        observed_at: When the forecast was made (aware; default now).

    Returns:
        One alert, or none when the forecast stays below the threshold.

    Raises:
        InvalidParameterError: Not a MonthForecast, a limit of 0, a ``pct`` <= 0, an unknown
            bound or scope.

    Example::

        alerts_for_forecast(scope, forecast_month(spend, as_of=today), Decimal("5000"), 90)
    """
    scope = _scope(scope)
    if not isinstance(forecast, MonthForecast):
        raise InvalidParameterError("forecast", forecast, "a MonthForecast")
    limit_amount = _amount(limit, "limit", positive=True)
    level = _amount(pct, "pct", positive=True)
    if bound not in ("point", "lower", "upper"):
        raise InvalidParameterError("bound", bound, "'point', 'lower' or 'upper'")
    seen = _now(observed_at)
    compared = {"point": forecast.point, "lower": forecast.lower, "upper": forecast.upper}[bound]
    threshold = limit_amount * level / 100
    if compared < threshold:
        return []
    start, end = _month_of(forecast.month)
    return [
        Alert(
            kind="forecast_crossing",
            scope=scope,
            key=alert_key(
                "forecast_crossing", scope, start.strftime("%Y-%m"), _number(level), bound
            ),
            period_start=start,
            period_end=end,
            currency=forecast.currency,
            observed_at=seen,
            forecast=ForecastDetail(
                as_of=forecast.as_of,
                month_to_date=forecast.to_date,
                point=forecast.point,
                lower=forecast.lower,
                upper=forecast.upper,
                coverage=forecast.coverage,
                bound=bound,
                limit=limit_amount,
                threshold_percent=level,
                percent=(compared * 100 / limit_amount).quantize(_PERCENT),
                reaches_threshold_on=forecast.limit_reached_on(threshold, bound=bound),
            ),
        )
    ]


def alerts_for_anomalies(
    anomalies: Iterable[Anomaly], *, observed_at: datetime | None = None
) -> list[Alert]:
    """One ``anomaly`` alert per anomalous day and scope.

    An anomaly stays the same alert (kind, scope, day) for as long as the detector reports
    it; when the day leaves the window passed to ``find_anomalies``, it resolves.

    Args:
        anomalies: From :func:`~openai_org_usage.anomalies.find_anomalies`.
        observed_at: When they were found (aware; default now).

    Returns:
        The alerts, in the anomalies' order.

    Raises:
        InvalidParameterError: An item that is not an ``Anomaly``, a naive ``observed_at``.

    Example::

        alerts_for_anomalies(find_anomalies(scopes, start=date(2026, 11, 1)))
    """
    seen = _now(observed_at)
    out: list[Alert] = []
    for anomaly in anomalies:
        if not isinstance(anomaly, Anomaly):
            raise InvalidParameterError("anomalies", anomaly, "Anomaly items")
        scope = AlertScope(anomaly.scope_kind, anomaly.scope_id, anomaly.scope_name)
        out.append(
            Alert(
                kind="anomaly",
                scope=scope,
                key=alert_key("anomaly", scope, anomaly.day.isoformat()),
                period_start=anomaly.day,
                period_end=anomaly.day + timedelta(days=1),
                currency=anomaly.currency,
                observed_at=seen,
                anomaly=AnomalyDetail(
                    day=anomaly.day,
                    direction=anomaly.direction,
                    actual=anomaly.actual,
                    baseline=anomaly.baseline,
                    jump=anomaly.jump,
                    score=anomaly.score,
                    drivers=tuple(
                        AlertDriver(d.name, d.kind, d.above_baseline) for d in anomaly.drivers
                    ),
                ),
            )
        )
    return out
