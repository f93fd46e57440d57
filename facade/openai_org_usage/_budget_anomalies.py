"""The daily series the anomaly detector reads for alerts: projects, keys, users and models.

Projects come from ``/organization/costs`` by project and line item (billed; drivers: line
items). Keys, users and models come from one attribution by ``api_key_id``, ``user_id`` and
``model`` (reconciled shares of the bill; drivers: models for keys and users, keys for models).
Only whole UTC days: the day in progress would look like a drop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ._budget_reads import costs_history, day_of
from ._forecast_series import DailySpend
from .anomalies import ScopeSeries
from .attribution import JOB_OPERATIONS, Names, attribute, reconcile
from .export import to_records

if TYPE_CHECKING:
    from ._client import UsageClient

__all__ = ["ANOMALY_HISTORY_DAYS", "anomaly_scopes"]

ANOMALY_HISTORY_DAYS: Final = 56
"""Days of history read for each scope's baseline (eight weeks: the weekday profile)."""

_Days = dict[date, Decimal]
# scope kind -> its driver field in the attribution group.
_ATTRIBUTED: Final = {
    "api_key": ("api_key_id", "model", "model"),
    "user": ("user_id", "model", "model"),
    "model": ("model", "api_key_id", "api_key"),
}


def _add(days: _Days, day: date, amount: Decimal) -> None:
    days[day] = days.get(day, Decimal(0)) + amount


def _series(
    kind: str,
    id: str,
    total: _Days,
    drivers: Mapping[str, _Days],
    driver_kind: str,
    start: date,
    currency: str,
    name: str | None,
) -> ScopeSeries:
    return ScopeSeries(
        kind=kind,
        id=id,
        spend=DailySpend(total, currency=currency, start=start),
        name=name,
        drivers={
            d: DailySpend(days, currency=currency, start=start) for d, days in drivers.items()
        },
        driver_kind=driver_kind,
    )


def anomaly_scopes(
    client: UsageClient,
    *,
    now: datetime,
    days: int = ANOMALY_HISTORY_DAYS,
    names: Names | None = None,
    attributed: bool = True,
    data: Mapping[str, Sequence[Any]] | None = None,
) -> list[ScopeSeries]:
    """Each project's billed spend and each key's, user's and model's reconciled spend per
    complete UTC day, over the ``days`` before ``now``'s day, with their drivers.

    Args:
        client: A :class:`~openai_org_usage.UsageClient`.
        now: The instant in progress (aware): its day is left out.
        days: Days of history (>= 15: the detector needs two weeks of baseline).
        names: Names for projects, keys and users.
        attributed: Also the keys, users and models (one attribution over the range).
        data: Buckets already fetched, by operation, as ``attribution_jobs`` gives them
            (daily; usage grouped by at least ``api_key_id``, ``user_id`` and ``model``; costs
            by ``project_id`` and ``line_item``) over a range that holds the ``days`` whole:
            their whole days in the range are read instead of asking again (a caller that
            attributes a range of its own fetches once for both).

    Returns:
        The series, projects first; one per scope and currency.
    """
    today = now.astimezone(UTC).date()
    end = datetime(today.year, today.month, today.day, tzinfo=UTC)
    whole: dict[str, list[Any]] | None = None
    if data is not None:
        # The whole UTC days of the range: what asking for them would return.
        start_at = end - timedelta(days=days)
        whole = {
            op: [b for b in data.get(op, ()) if b.start >= start_at and b.end <= end]
            for op in JOB_OPERATIONS
        }
        records = to_records("costs", whole["costs"])
    else:
        start_at, records = costs_history(
            client, start=end - timedelta(days=days), end=end, group_by=("project_id", "line_item")
        )
    start = start_at.date()
    totals: dict[tuple[str, str], _Days] = {}
    parts: dict[tuple[str, str], dict[str, _Days]] = {}
    for record in records:
        project, value = record.get("project_id"), record.get("amount_value")
        if not project or value is None:
            continue
        amount = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
        key = (project, str(record.get("amount_currency") or "usd").lower())
        day = day_of(record["bucket_start"])
        _add(totals.setdefault(key, {}), day, amount)
        item = record.get("line_item") or "(no line item)"
        _add(parts.setdefault(key, {}).setdefault(item, {}), day, amount)
    out = [
        _series(
            "project",
            project,
            total,
            parts[project, currency],
            "line_item",
            start,
            currency,
            names.label("project_id", project) if names is not None else None,
        )
        for (project, currency), total in sorted(totals.items())
    ]
    if attributed:
        out += _attributed(client, start_at, end, names, whole)
    return out


def _attributed(
    client: UsageClient,
    start: datetime,
    end: datetime,
    names: Names | None,
    data: Mapping[str, Sequence[Any]] | None,
) -> list[ScopeSeries]:
    by = ("api_key_id", "user_id", "model")
    result = (
        reconcile(data, by=by, names=names)
        if data is not None
        else attribute(client, start=start, end=end, by=by, names=names)
    )
    totals: dict[tuple[str, str, str], _Days] = {}
    parts: dict[tuple[str, str, str], dict[str, _Days]] = {}
    for row in result.rows:
        if row.reason is not None:
            continue
        day = day_of(row.start)
        for kind, (field, driver_field, _) in _ATTRIBUTED.items():
            value = row.group.get(field)
            if not isinstance(value, str) or not value:
                continue
            key = (kind, value, row.currency)
            _add(totals.setdefault(key, {}), day, row.attributed)
            driver = row.group.get(driver_field)
            driver_name = str(driver) if driver else "(none)"
            _add(parts.setdefault(key, {}).setdefault(driver_name, {}), day, row.attributed)
    name_kinds = {"api_key": "api_key_id", "user": "user_id"}
    return [
        _series(
            kind,
            value,
            total,
            parts[kind, value, currency],
            _ATTRIBUTED[kind][2],
            start.date(),
            currency,
            names.label(name_kinds[kind], value)
            if names is not None and kind in name_kinds
            else None,
        )
        for (kind, value, currency), total in sorted(totals.items())
    ]
