"""Daily spend series: one scope's exact amounts per UTC day, in one currency, checked once.

:class:`DailySpend` is what the forecast and the anomaly detector read. Days are UTC calendar
days (the API's ``1d`` buckets); a day inside the series' span without an amount spent nothing.
:func:`daily_costs` builds series from costs records (``paginator.to_records()``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final

from ._errors import InvalidParameterError, MixedCurrencyError

__all__ = ["ONE_DAY", "DailySpend", "daily_costs", "days", "utc_day"]

ONE_DAY: Final = timedelta(days=1)


def utc_day(value: object, param: str, *, midnight: bool = False) -> date:
    """The UTC calendar day of a ``date`` or an aware ``datetime``.

    Args:
        value: A ``date``, or a timezone-aware ``datetime`` (read in UTC).
        param: The parameter's name, for the error.
        midnight: Also require a datetime to fall on UTC midnight (a daily bucket's start).

    Raises:
        InvalidParameterError: Anything else: a naive datetime, a string, a datetime that
            is not a UTC day's start when ``midnight`` is set.
    """
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidParameterError(
                param,
                value,
                "a date or a timezone-aware datetime",
                hint="days are UTC: pass datetime(..., tzinfo=UTC) or a date",
            )
        in_utc = value.astimezone(UTC)
        if midnight and in_utc.time() != datetime.min.time():
            raise InvalidParameterError(
                param,
                value,
                "a UTC day: a date or a datetime at 00:00 UTC (a 1d bucket's start)",
                hint=f"it is {in_utc.isoformat()} in UTC",
            )
        return in_utc.date()
    if isinstance(value, date):
        return value
    raise InvalidParameterError(param, value, "a date or a timezone-aware datetime")


def _amount(value: object, param: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise InvalidParameterError(
            param,
            value,
            "a Decimal (or int) amount",
            hint="amounts are exact: pass Decimal(repr(x)) for a float from the API",
        )
    amount = Decimal(value)
    if not amount.is_finite():
        raise InvalidParameterError(param, value, "a finite amount")
    return amount


def _currency(value: object, param: str = "currency") -> str:
    if not isinstance(value, str) or not value.strip():
        raise InvalidParameterError(param, value, "an ISO currency code such as 'usd'")
    return value.strip().lower()


def days(start: date, end: date) -> Iterator[date]:
    """Every day from ``start`` up to ``end`` (exclusive)."""
    day = start
    while day < end:
        yield day
        day += ONE_DAY


class DailySpend:
    """One scope's spend per UTC day, in one currency.

    Args:
        amounts: Spend per day: ``date`` keys (or aware datetimes at 00:00 UTC, a ``1d``
            bucket's start) to ``Decimal`` (or ``int``) amounts. Floats are refused: money
            is exact here (``Decimal(repr(x))`` converts an API float).
        currency: The amounts' currency (ISO code, any case; kept lowercase). One per series:
            amounts in several currencies are never added.
        start: The first day the series covers (default: its first day with an amount).
            Days from ``start`` on without an amount spent nothing; days before it are
            unknown history.

    Raises:
        InvalidParameterError: A key that is not a UTC day, an amount that is not exact, a
            blank currency, or ``start`` after the first amount.

    Example::

        spend = DailySpend({date(2026, 11, 1): Decimal("12.50")}, currency="usd")
        spend.on(date(2026, 11, 2))  # Decimal('0'): covered, nothing spent
    """

    __slots__ = ("_amounts", "currency", "start")

    def __init__(
        self,
        amounts: Mapping[date, Decimal | int],
        *,
        currency: str = "usd",
        start: date | None = None,
    ) -> None:
        if not isinstance(amounts, Mapping):
            raise InvalidParameterError("amounts", amounts, "a mapping of UTC days to amounts")
        normalized: dict[date, Decimal] = {}
        for key, value in amounts.items():
            day = utc_day(key, "amounts (a day)", midnight=True)
            normalized[day] = normalized.get(day, Decimal(0)) + _amount(value, f"amounts[{day}]")
        self._amounts: Mapping[date, Decimal] = MappingProxyType(dict(sorted(normalized.items())))
        self.currency: str = _currency(currency)
        first = next(iter(self._amounts), None)
        if start is not None:
            start = utc_day(start, "start", midnight=True)
            if first is not None and start > first:
                raise InvalidParameterError(
                    "start", start, f"a day on or before the first amount ({first})"
                )
        self.start: date | None = start if start is not None else first

    @property
    def amounts(self) -> Mapping[date, Decimal]:
        """The amounts per day, sorted by day (read-only)."""
        return self._amounts

    def on(self, day: date) -> Decimal:
        """The spend of one UTC day (``0`` for a covered day without an amount)."""
        return self._amounts.get(day, Decimal(0))

    def total(self, start: date, end: date) -> Decimal:
        """The spend of the days from ``start`` up to ``end`` (exclusive)."""
        return sum((v for d, v in self._amounts.items() if start <= d < end), Decimal(0))

    def covers(self, day: date) -> bool:
        """Whether ``day`` is inside the series' known history (on or after ``start``)."""
        return self.start is not None and day >= self.start

    def __repr__(self) -> str:
        return (
            f"DailySpend(<{len(self._amounts)} days from {self.start}>, currency={self.currency!r})"
        )


def daily_costs(
    records: Iterable[Mapping[str, Any]], *, by: str | tuple[str, ...] = ()
) -> dict[tuple[Any, ...], DailySpend]:
    """Daily spend series from costs records, one per group, each in its one currency.

    Args:
        records: Costs records of daily buckets in the package's row shape
            (``client.costs(..., bucket_width="1d").to_records()``): ``bucket_start``,
            ``amount_value``, ``amount_currency`` and the grouping columns.
        by: The column(s) to split by (``"project_id"``, ``("project_id", "line_item")``);
            ``()`` for one series of everything.

    Returns:
        The series per group, keyed by the tuple of the ``by`` values (``()`` for no split).

    Raises:
        MixedCurrencyError: One group holds amounts in several currencies (never added).
        InvalidParameterError: A record without a column asked for, or not of a UTC day.

    Example::

        records = client.costs(start="2026-10-01", group_by="project_id").to_records()
        per_project = daily_costs(records, by="project_id")
    """
    columns = (by,) if isinstance(by, str) else tuple(by)
    sums: dict[tuple[Any, ...], dict[date, Decimal]] = {}
    currencies: dict[tuple[Any, ...], set[str]] = {}
    for record in records:
        try:
            key = tuple(record[c] for c in columns)
            day = utc_day(record["bucket_start"], "bucket_start", midnight=True)
            value = record["amount_value"]
            currency = _currency(record["amount_currency"], "amount_currency")
        except KeyError as exc:
            raise InvalidParameterError(
                "records",
                exc.args[0],
                "costs records with bucket_start, amount_value, "
                f"amount_currency and {', '.join(columns) or 'no grouping column'}",
            ) from None
        amount = (
            Decimal(repr(float(value)))
            if isinstance(value, float)
            else _amount(value, "amount_value")
        )
        per_day = sums.setdefault(key, {})
        per_day[day] = per_day.get(day, Decimal(0)) + amount
        currencies.setdefault(key, set()).add(currency)
    out: dict[tuple[Any, ...], DailySpend] = {}
    for key, per_day in sums.items():
        found = currencies[key]
        if len(found) > 1:
            raise MixedCurrencyError(
                tuple(sorted(found)), hint=f"the group {key!r} is billed in several currencies"
            )
        out[key] = DailySpend(per_day, currency=found.pop())
    return out
