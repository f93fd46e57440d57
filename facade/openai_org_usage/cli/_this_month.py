"""The report's "This month" section, its data: :class:`ThisMonth`, how it is read, its dict form.

The month is the UTC calendar month holding the report's end, whatever the report's range:
its spend against the limits (the library's ``budget_status``), beside the same days of last
month, with the recent anomalies (``find_anomalies`` over ``anomaly_scopes``, as ``alert`` reads
them). ``_report.report_jobs`` plans these reads (:class:`MonthPlan`, widened with
:func:`shared_start` and :func:`first_day_end`) among the report's paginators, and
``_report.fetch_report`` makes them with :func:`read_this_month`, so the command's three steps
stay as they were. Nothing here renders: ``_this_month_tables`` does.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import attrs

from openai_org_usage import Bucket, Paginator, PermissionDeniedError, UsageClient
from openai_org_usage.anomalies import Anomaly, find_anomalies
from openai_org_usage.attribution import BILLED_UNITS
from openai_org_usage.budget import (
    ANOMALY_HISTORY_DAYS,
    BudgetStatus,
    ScopeBudget,
    anomaly_scopes,
    budget_status,
)
from openai_org_usage.export import to_records
from openai_org_usage.forecast import DailySpend as DaySeries
from openai_org_usage.forecast import PeriodComparison, same_days_last_month
from openai_org_usage.timerange import TimeRange

from ._alert import REPORT_DAYS
from ._rows import iso_utc

__all__ = [
    "ANOMALY_DAYS",
    "LAST_MONTH_LABEL",
    "Fetch",
    "MonthPlan",
    "ThisMonth",
    "currency_order",
    "first_day_end",
    "month_ids",
    "read_this_month",
    "shared_start",
]

Fetch = Callable[[Sequence[tuple[str, Paginator[Any]]]], list[list[Bucket[Any]]]]
"""Collects paginators' buckets, one list per ``(progress label, paginator)``."""

ANOMALY_DAYS = REPORT_DAYS
"""The month's anomalies are those of the last complete days, as ``alert`` reports them."""
LAST_MONTH_LABEL = "costs for last month's comparison"


@attrs.frozen
class ThisMonth:
    """The UTC calendar month (the billing month) holding the report's end, so far.

    Independent of the report's range: the month is the billing basis. Every figure is the
    library's: the scopes are ``budget_status`` at ``as_of`` (its names from the project and
    key lists; the report shows the directory's), the comparison is ``same_days_last_month``
    of the organization's billed spend, the anomalies ``find_anomalies`` over
    ``anomaly_scopes`` for the ``ANOMALY_DAYS`` complete days before ``as_of``'s day.

    Attributes:
        as_of: The instant spend is counted up to (the report's end, at most now).
        status: Spend, limits, alert thresholds and forecasts per scope; None when the key
            may not read the month at all (``notes`` says why).
        comparisons: This month's complete days beside the same days of last month, one per
            currency (``usd`` first).
        anomalies: Days far from their baseline, by day, with what drove them.
        anomalies_start: The first day looked at.
        anomalies_end: The day after the last one looked at (``as_of``'s day).
        notes: What could not be read (a limit refused with HTTP 403 ...).
    """

    as_of: datetime
    status: BudgetStatus | None
    comparisons: tuple[PeriodComparison, ...] = ()
    anomalies: tuple[Anomaly, ...] = ()
    anomalies_start: date | None = None
    anomalies_end: date | None = None
    notes: tuple[str, ...] = ()

    @property
    def month(self) -> date:
        """The month's first day."""
        at = self.as_of.astimezone(UTC)
        return date(at.year, at.month, 1)

    @property
    def scopes(self) -> tuple[ScopeBudget, ...]:
        """Every scope: the organization, then projects, then keys."""
        return self.status.scopes if self.status is not None else ()

    @property
    def limited(self) -> tuple[ScopeBudget, ...]:
        """What the section lists: the organization (each currency), and the projects and
        keys that have a limit."""
        return tuple(s for s in self.scopes if s.kind == "organization" or s.limit is not None)

    @property
    def limits(self) -> str:
        """What the month knows of its spend limits: ``"set"`` (read, and some scope has
        one), ``"none"`` (read, and none is set), ``"unreadable"`` (none could be read with
        this key: HTTP 403) or ``"partial"`` (some were, some were refused)."""
        refused = self.status is None or any(
            "spend limit" in note and "403" in note for note in self.notes
        )
        if any(s.limit is not None for s in self.scopes):
            return "partial" if refused else "set"
        return "unreadable" if refused else "none"

    def to_dict(self, label: Callable[[str], str] | None = None) -> dict[str, Any]:
        """JSON-ready: money as exact decimal strings, days ISO, instants ISO-8601 UTC.

        Args:
            label: What to call an anomaly's scope (default: the library's ``scope_name``).
        """
        status = self.status
        return {
            "month": f"{self.month:%Y-%m}",
            "start": iso_utc(datetime(self.month.year, self.month.month, 1, tzinfo=UTC)),
            "as_of": iso_utc(self.as_of),
            "days_elapsed": self.as_of.astimezone(UTC).day - 1,
            "days_in_month": calendar.monthrange(self.month.year, self.month.month)[1],
            "history_start": status.history_start.isoformat() if status else None,
            "limits": self.limits,
            "notes": list(self.notes),
            "scopes": [_exact(scope.to_record()) for scope in self.scopes],
            "last_month": [_comparison_dict(c) for c in self.comparisons],
            "anomalies_start": _iso_day(self.anomalies_start),
            "anomalies_end": _iso_day(self.anomalies_end),
            "anomalies": [
                _anomaly_dict(a) | {"scope_name": label(a.scope_id) if label else a.scope_name}
                for a in self.anomalies
            ],
        }


def _iso_day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _exact(value: Any) -> Any:
    """``value`` with every ``Decimal`` in it as its exact decimal string."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_exact(v) for v in value]
    return value


def _comparison_dict(c: PeriodComparison) -> dict[str, Any]:
    return {
        "currency": c.currency,
        "current_start": c.current_start.isoformat(),
        "current_end": c.current_end.isoformat(),
        "previous_start": c.previous_start.isoformat(),
        "previous_end": c.previous_end.isoformat(),
        "current": str(c.current),
        "previous": str(c.previous),
        "change": str(c.change),
        "change_ratio": c.change_ratio,
    }


def _anomaly_dict(a: Anomaly) -> dict[str, Any]:
    return {
        "day": a.day.isoformat(),
        "scope_kind": a.scope_kind,
        "scope_id": a.scope_id,
        "direction": a.direction,
        "actual": str(a.actual),
        "baseline": str(a.baseline),
        "jump": str(a.jump),
        "score": a.score,
        "currency": a.currency,
        "drivers": [
            {
                "name": d.name,
                "kind": d.kind,
                "above_baseline": str(d.above_baseline),
                "actual": str(d.actual),
                "baseline": str(d.baseline),
            }
            for d in a.drivers
        ],
    }


@attrs.frozen
class MonthPlan:
    """The month's reads, planned by ``_report.report_jobs`` and made by ``_report.fetch_report``.

    Attributes:
        client: Where the data comes from.
        as_of: The month is counted up to this instant.
        shared_from: When the report's attribution jobs were widened to hold the anomalies'
            eight weeks too (one fetch for both), the first bucket start that belongs to the
            report; None: not widened.
        first_day: Whether the report's partial first day is asked for on its own (its
            bucket is not one of the widened range's), after the report's jobs.
    """

    client: UsageClient
    as_of: datetime
    shared_from: datetime | None = None
    first_day: bool = False


def shared_start(time_range: TimeRange, as_of: datetime) -> datetime | None:
    """Where the report's attribution reads start so that they also hold the anomalies'
    whole days (``anomaly_scopes`` at ``as_of``); None when the two ranges do not meet."""
    end = _midnight(_day(as_of))
    first = end - timedelta(days=ANOMALY_HISTORY_DAYS)
    if time_range.start > end or time_range.end < end:
        return None
    return min(time_range.start, first)


def first_day_end(start: datetime) -> datetime | None:
    """The UTC midnight after ``start`` when ``start`` falls mid-day, else None.

    A report's range widened back to :func:`shared_start` holds a mid-day first day whole,
    so the report's part of that day is asked for on its own, up to this instant.
    """
    midnight = _midnight(_day(start))
    return None if start == midnight else midnight + timedelta(days=1)


def read_this_month(
    client: UsageClient,
    as_of: datetime,
    *,
    fetch: Fetch | None = None,
    costs: Sequence[Bucket[Any]] = (),
    attribution: Mapping[str, Sequence[Bucket[Any]]] | None = None,
) -> ThisMonth:
    """The UTC calendar month holding ``as_of``, up to it (:class:`ThisMonth`).

    Args:
        client: Where the data comes from (the key reads costs, usage, projects, their keys,
            spend limits and alerts; a governance read it may not make is a note).
        as_of: Count spend up to this instant (aware).
        fetch: Collects paginators' buckets (default: iterate each).
        costs: Daily costs buckets by project the caller already has (the report's range):
            the whole UTC days among them are not asked again for last month's comparison.
        attribution: ``attribution_jobs``' daily buckets by operation (by user, key and
            model) holding the anomalies' weeks whole: read instead of asking again.
    """
    try:
        status = budget_status(client, now=as_of)
    except PermissionDeniedError as exc:
        return ThisMonth(as_of, None, notes=(f"this month could not be read: {exc}",))
    today = as_of.astimezone(UTC).date()
    start = today - timedelta(days=ANOMALY_DAYS)
    scopes = anomaly_scopes(client, now=as_of, data=attribution)
    found = find_anomalies(scopes, start=start, end=today)
    return ThisMonth(
        as_of=as_of,
        status=status,
        comparisons=_last_month(client, as_of, status, fetch, costs),
        anomalies=tuple(found),
        anomalies_start=start,
        anomalies_end=today,
        notes=status.notes,
    )


def _last_month(
    client: UsageClient,
    as_of: datetime,
    status: BudgetStatus,
    fetch: Fetch | None,
    costs: Sequence[Bucket[Any]],
) -> tuple[PeriodComparison, ...]:
    """The organization's spend of this month's complete days and of the same days of last
    month, per currency: the days the caller's buckets hold whole are taken from them, the
    others are asked for (one costs query)."""
    today = as_of.astimezone(UTC).date()
    month = today.replace(day=1)
    previous = (month - timedelta(days=1)).replace(day=1)
    previous_days = calendar.monthrange(previous.year, previous.month)[1]
    wanted = {
        *_days(previous, previous + timedelta(days=min(today.day - 1, previous_days))),
        *_days(month, today),
    }
    whole = {
        b.start.astimezone(UTC).date(): b
        for b in costs
        if b.start == _midnight(b.start.astimezone(UTC).date())
        and b.end - b.start == timedelta(days=1)
    }
    missing = sorted(wanted - set(whole))
    buckets: list[Bucket[Any]] = []
    asked: tuple[date, date] | None = None
    if missing:
        asked = (missing[0], missing[-1] + timedelta(days=1))
        paginator = client.costs(
            start=_midnight(asked[0]),
            end=_midnight(asked[1]),
            bucket_width="1d",
            group_by=["project_id"],
        )
        jobs = [(LAST_MONTH_LABEL, paginator)]
        buckets += (fetch(jobs) if fetch else [list(paginator)])[0]
    buckets += [
        b
        for day, b in whole.items()
        if day in wanted and (asked is None or not asked[0] <= day < asked[1])
    ]
    per_currency: dict[str, dict[date, Decimal]] = {}
    for record in to_records("costs", buckets, extras=False):
        value = record["amount_value"]
        day = record["bucket_start"].astimezone(UTC).date()
        if value is None or day not in wanted:
            continue
        amount = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
        currency = str(record["amount_currency"] or BILLED_UNITS).lower()
        per_day = per_currency.setdefault(currency, {})
        per_day[day] = per_day.get(day, Decimal(0)) + amount
    org = {s.currency for s in status.scopes if s.kind == "organization"}
    return tuple(
        same_days_last_month(
            DaySeries(per_currency.get(currency, {}), currency=currency, start=previous),
            as_of=as_of,
        )
        for currency in currency_order(set(per_currency) | org)
    )


def _days(start: date, end: date) -> Iterable[date]:
    return (start + timedelta(days=i) for i in range((end - start).days))


def month_ids(month: ThisMonth | None) -> dict[str, list[str | None]]:
    """The project, user and key ids the month section shows, by kind (to be named)."""
    ids: dict[str, list[str | None]] = {"project_id": [], "user_id": [], "api_key_id": []}
    if month is None:
        return ids
    kinds = {"project": "project_id", "api_key": "api_key_id", "user": "user_id"}
    for scope in month.scopes:
        if scope.kind in kinds:
            ids[kinds[scope.kind]].append(scope.id)
    for anomaly in month.anomalies:
        if anomaly.scope_kind in kinds:
            ids[kinds[anomaly.scope_kind]].append(anomaly.scope_id)
        for driver in anomaly.drivers:
            if driver.kind in kinds:
                ids[kinds[driver.kind]].append(driver.name)
    return ids


def currency_order(currencies: set[str]) -> list[str]:
    """``usd`` first, then alphabetical: the order the report lists currencies in (that of
    ``Attribution.currencies``)."""
    return sorted(currencies, key=lambda c: (c != BILLED_UNITS, c))


def _day(instant: datetime) -> date:
    return instant.astimezone(UTC).date()


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)
