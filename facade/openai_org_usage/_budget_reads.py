"""What :func:`~openai_org_usage.budget.budget_status` reads: costs history, governance, keys.

Each read is a small function over a client, in the package's row shape (``to_records`` and
the operation tables' ``record``): nothing here hands a generated model on. A governance read
the key may not make (403), or an object that is not there (404), is a note, not a failure:
spend is still worth showing without its limit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

from ._errors import APIStatusError, LookbackExceededError
from ._operations import LISTS, OBJECTS

if TYPE_CHECKING:
    from ._client import UsageClient

__all__ = [
    "HISTORY_DAYS",
    "CostsField",
    "GovernanceLimit",
    "GovernanceThreshold",
    "costs_history",
    "day_of",
    "key_limits",
    "month_start",
    "next_midnight",
    "org_governance",
    "project_governance",
    "projects",
]

HISTORY_DAYS: Final = 364
"""Days of costs read before now: within the API's one-year lookback, with a day to spare."""

_T = TypeVar("_T")
CostsField = Literal["project_id", "line_item"]
_QUIET: Final = (403, 404)


@dataclass(frozen=True)
class GovernanceLimit:
    """A spend limit, in the currency's units (the API's cents divided by 100)."""

    amount: Decimal
    currency: str
    interval: str | None
    enforcement: str | None


@dataclass(frozen=True)
class GovernanceThreshold:
    """A spend alert's threshold, in the currency's units."""

    id: str | None
    amount: Decimal
    currency: str


def month_start(now: datetime) -> datetime:
    """The first instant of ``now``'s UTC calendar month."""
    at = now.astimezone(UTC)
    return datetime(at.year, at.month, 1, tzinfo=UTC)


def next_midnight(instant: datetime) -> datetime:
    """``instant`` if it is a UTC midnight, else the next one."""
    at = instant.astimezone(UTC)
    midnight = datetime(at.year, at.month, at.day, tzinfo=UTC)
    return midnight if midnight == at else midnight + timedelta(days=1)


def costs_history(
    client: UsageClient,
    *,
    start: datetime,
    end: datetime,
    group_by: Iterable[CostsField],
) -> tuple[datetime, list[dict[str, Any]]]:
    """Daily costs from ``start`` (a UTC midnight) to ``end``, grouped; ``(start used, records)``.

    A start older than the API serves is moved to the earliest day it does (once).
    """
    fields = list(group_by)
    try:
        return start, client.costs(
            start=start, end=end, bucket_width="1d", group_by=fields
        ).to_records()
    except LookbackExceededError as exc:
        if exc.earliest_start is None:
            raise
        later = next_midnight(exc.earliest_start)
        return later, client.costs(
            start=later, end=end, bucket_width="1d", group_by=fields
        ).to_records()


def _cents(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return None
    return Decimal(value).scaleb(-2)


def _currency(value: object) -> str:
    return value.strip().lower() if isinstance(value, str) and value.strip() else "usd"


def _quietly(read: Callable[[], _T], what: str, notes: list[str]) -> _T | None:
    """``read()``, or None with a note when the API refuses it (403) or has none (404)."""
    try:
        return read()
    except APIStatusError as exc:
        if exc.status_code not in _QUIET:
            raise
        if exc.status_code == 403:
            notes.append(f"{what}: not readable with this key (HTTP 403)")
        return None


def _limit(record: dict[str, Any], prefix: str = "") -> GovernanceLimit | None:
    amount = _cents(record.get(f"{prefix}threshold_amount"))
    if amount is None:
        return None
    return GovernanceLimit(
        amount=amount,
        currency=_currency(record.get(f"{prefix}currency")),
        interval=record.get(f"{prefix}interval"),
        enforcement=record.get(f"{prefix}enforcement_status"),
    )


def _thresholds(items: Iterable[Any], operation: str) -> tuple[GovernanceThreshold, ...]:
    found: list[GovernanceThreshold] = []
    for item in items:
        record = LISTS[operation].record(item)
        amount = _cents(record.get("threshold_amount"))
        if amount is not None:
            found.append(
                GovernanceThreshold(record.get("id"), amount, _currency(record.get("currency")))
            )
    return tuple(sorted(found, key=lambda t: t.amount))


def org_governance(
    client: UsageClient, notes: list[str]
) -> tuple[GovernanceLimit | None, tuple[GovernanceThreshold, ...]]:
    """The organization's spend limit and alert thresholds."""
    limit = _quietly(
        lambda: _limit(OBJECTS["spend_limit"].record(client.spend_limit())),
        "the organization's spend limit",
        notes,
    )
    alerts = _quietly(
        lambda: _thresholds(client.spend_alerts(), "spend_alerts"),
        "the organization's spend alerts",
        notes,
    )
    return limit, alerts or ()


def project_governance(
    client: UsageClient, project_id: str, label: str, notes: list[str]
) -> tuple[GovernanceLimit | None, tuple[GovernanceThreshold, ...]]:
    """One project's spend limit and alert thresholds."""
    limit = _quietly(
        lambda: _limit(
            OBJECTS["project_spend_limit"].record(client.project_spend_limit(project_id))
        ),
        f"the spend limit of project {label}",
        notes,
    )
    alerts = _quietly(
        lambda: _thresholds(client.project_spend_alerts(project_id), "project_spend_alerts"),
        f"the spend alerts of project {label}",
        notes,
    )
    return limit, alerts or ()


def projects(client: UsageClient, notes: list[str]) -> list[dict[str, Any]]:
    """The organization's projects (records), archived ones included."""
    listed = _quietly(
        lambda: [LISTS["projects"].record(p) for p in client.projects(include_archived=True)],
        "the project list",
        notes,
    )
    return listed or []


def key_limits(
    client: UsageClient, project_id: str, label: str, notes: list[str]
) -> list[tuple[dict[str, Any], GovernanceLimit]]:
    """A project's API keys that have their own spend limit: ``(key record, limit)``."""
    keys = _quietly(
        lambda: [LISTS["project_api_keys"].record(k) for k in client.project_api_keys(project_id)],
        f"the API keys of project {label}",
        notes,
    )
    out: list[tuple[dict[str, Any], GovernanceLimit]] = []
    for record in keys or []:
        limit = _limit(record, "spend_limit_")
        if limit is not None:
            out.append((record, limit))
    return out


def day_of(instant: object) -> date:
    """The UTC day of a bucket start."""
    if not isinstance(instant, datetime):
        raise TypeError(f"expected a datetime bucket start, got {type(instant).__name__}")
    return instant.astimezone(UTC).date()
