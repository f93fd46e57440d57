"""This month's spend against its spend limits and alert thresholds, with a month-end forecast.

:func:`budget_status` reads, for the UTC calendar month so far (the billing month), each scope
that can have a limit: the organization, each project, and each project API key with its own
limit. For each it gives the spend to date, the limit (the API's ``threshold_amount`` is in
cents: shown here in the currency's units), the share of the limit spent, the spend alert
thresholds and whether (and on which day) each was crossed, the month-end forecast with its
interval (:func:`~openai_org_usage.forecast.forecast_month` on the scope's daily spend since up
to a year back), and the day the limit is reached at the forecast rate.

- **Where spend comes from**: the organization's and projects' from ``/organization/costs``
  (``basis="billed"``); a key's from :func:`~openai_org_usage.attribution.attribute` by
  ``api_key_id`` (``basis="reconciled"``: its estimated share of the bill, reconciled to the
  cent), because the live costs endpoint refuses an ``api_key_id`` grouping.
- **Money is exact and never added across currencies**: amounts are ``Decimal``; a scope with
  spend in two currencies is two entries, and a limit applies to the entry in its currency.
- **What cannot be read is a note**: a governance read the key may not make (403) leaves that
  limit out and says so in :attr:`BudgetStatus.notes`.

Example::

    from openai_org_usage import UsageClient
    from openai_org_usage.budget import budget_status

    with UsageClient() as client:
        status = budget_status(client)
    for scope in status.scopes:
        print(scope.name, scope.spent, scope.limit, scope.percent_of_limit, scope.forecast_point)
    print([f"{s.name}: {why}" for s, why in status.over(80)])

Also here: :func:`anomaly_scopes`, the daily series (projects billed with their line items;
keys, users and models reconciled) that :func:`~openai_org_usage.anomalies.find_anomalies`
reads for the ``alert`` command.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, Literal

from ._budget_anomalies import ANOMALY_HISTORY_DAYS, anomaly_scopes
from ._budget_reads import (
    HISTORY_DAYS,
    GovernanceLimit,
    GovernanceThreshold,
    costs_history,
    day_of,
    key_limits,
    month_start,
    next_midnight,
    org_governance,
    project_governance,
    projects,
)
from ._errors import InvalidParameterError
from ._forecast_series import DailySpend
from .attribution import Names, attribution_jobs, reconcile
from .forecast import DEFAULT_METHOD, METHODS, ForecastMethod, MonthForecast, forecast_month

if TYPE_CHECKING:
    from ._client import UsageClient

__all__ = [
    "ANOMALY_HISTORY_DAYS",
    "BASES",
    "ORGANIZATION",
    "RECORD_FIELDS",
    "SCOPE_KINDS",
    "AlertThreshold",
    "Basis",
    "BudgetStatus",
    "ScopeBudget",
    "ScopeKind",
    "anomaly_scopes",
    "budget_status",
    "nearest_limit_first",
]

ScopeKind = Literal["organization", "project", "api_key"]
SCOPE_KINDS: Final[tuple[ScopeKind, ...]] = ("organization", "project", "api_key")
Basis = Literal["billed", "reconciled"]
BASES: Final[tuple[Basis, ...]] = ("billed", "reconciled")
ORGANIZATION: Final = "organization"
"""The organization's scope ID and name."""

KEY_HISTORY_DAYS: Final = 56
"""Days of attribution read before the month for a key's forecast (its weekday profile)."""
_PERCENT: Final = Decimal("0.1")
_KEY_NAME: Final = ("api_key_id",)


@dataclass(frozen=True)
class AlertThreshold:
    """One spend alert's threshold and whether this month's spend crossed it.

    Attributes:
        id: The alert's ID (``spend_alert_...``), if the API gave one.
        amount: The threshold, in the scope's currency units.
        percent_of_limit: ``amount`` as a percentage of the scope's limit, to 0.1.
        crossed: Whether the month's spend reached it.
        crossed_on: The UTC day it was reached.
    """

    id: str | None
    amount: Decimal
    percent_of_limit: Decimal | None
    crossed: bool
    crossed_on: date | None


@dataclass(frozen=True)
class ScopeBudget:
    """One scope's month so far, in one currency.

    Attributes:
        kind: ``"organization"``, ``"project"`` or ``"api_key"``.
        id: The project or key ID (``"organization"`` for the organization).
        name: Its name (the ID when none is known).
        project_id: A key's project (None otherwise).
        project_name: The name of a key's project.
        basis: ``"billed"`` (costs) or ``"reconciled"`` (a key's share of the bill).
        currency: Lowercase ISO code of every amount here.
        spent: Spend from the first of the month to the status's ``end`` (exact).
        limit: The month's spend limit (None: none, or in another currency).
        enforcement: The limit's enforcement status (``"inactive"``, ``"enforcing"`` ...).
        percent_of_limit: ``spent / limit`` in percent, to 0.1.
        alerts: The spend alert thresholds, lowest first.
        forecast: The month-end forecast (``forecast.to_date`` counts complete days only).
        forecast_percent_of_limit: The forecast's point as a percentage of the limit, to 0.1.
        limit_reached_on: The UTC day spend reached the limit, or reaches it at the forecast
            rate (None: not this month).
    """

    kind: ScopeKind
    id: str
    name: str
    project_id: str | None
    project_name: str | None
    basis: Basis
    currency: str
    spent: Decimal
    limit: Decimal | None
    enforcement: str | None
    percent_of_limit: Decimal | None
    alerts: tuple[AlertThreshold, ...]
    forecast: MonthForecast
    forecast_percent_of_limit: Decimal | None
    limit_reached_on: date | None

    @property
    def forecast_point(self) -> Decimal:
        """The month-end forecast's point."""
        return self.forecast.point

    def to_record(self) -> dict[str, Any]:
        """The scope as one flat record (:data:`RECORD_FIELDS`): ``Decimal`` amounts, ISO days,
        ``alerts`` a list of dicts."""
        fc = self.forecast
        return {
            "scope_kind": self.kind,
            "scope_id": self.id,
            "scope_name": self.name,
            "project_id": self.project_id,
            "project_name": self.project_name,
            "basis": self.basis,
            "currency": self.currency,
            "spent": self.spent,
            "limit": self.limit,
            "limit_enforcement": self.enforcement,
            "percent_of_limit": self.percent_of_limit,
            "forecast": fc.point,
            "forecast_lower": fc.lower,
            "forecast_upper": fc.upper,
            "forecast_coverage": fc.coverage,
            "forecast_interval_basis": fc.interval_basis,
            "forecast_percent_of_limit": self.forecast_percent_of_limit,
            "limit_reached_on": _iso(self.limit_reached_on),
            "alerts_crossed": sum(a.crossed for a in self.alerts),
            "alerts": [
                {
                    "id": a.id,
                    "threshold": a.amount,
                    "percent_of_limit": a.percent_of_limit,
                    "crossed": a.crossed,
                    "crossed_on": _iso(a.crossed_on),
                }
                for a in self.alerts
            ],
        }


RECORD_FIELDS: Final = (
    "scope_kind",
    "scope_id",
    "scope_name",
    "project_id",
    "project_name",
    "basis",
    "currency",
    "spent",
    "limit",
    "limit_enforcement",
    "percent_of_limit",
    "forecast",
    "forecast_lower",
    "forecast_upper",
    "forecast_coverage",
    "forecast_interval_basis",
    "forecast_percent_of_limit",
    "limit_reached_on",
    "alerts_crossed",
    "alerts",
)
"""The keys of :meth:`ScopeBudget.to_record`, in order."""


def nearest_limit_first(scope: ScopeBudget) -> tuple[Decimal, Decimal, str, str]:
    """Sort key of scopes by how near they are to their limit: the larger of spend and
    forecast as a share of the limit first, then the larger spend (scopes without a limit
    last); the metrics and the MCP server bound their lists with it.

    Example::

        sorted(status.scopes, key=nearest_limit_first)[:10]
    """
    shares = [p for p in (scope.percent_of_limit, scope.forecast_percent_of_limit) if p is not None]
    return (-max(shares, default=Decimal(-1)), -scope.spent, scope.id, scope.currency)


@dataclass(frozen=True)
class BudgetStatus:
    """The month so far for every scope: what :func:`budget_status` returns.

    Attributes:
        month: The month's first day.
        start: The month's first instant (UTC).
        end: The instant spend is counted up to (now).
        history_start: The first day of history the forecasts read.
        scopes: The organization, then projects, then keys (each by name).
        notes: What could not be read (a limit the key may not see ...).
    """

    month: date
    start: datetime
    end: datetime
    history_start: date
    scopes: tuple[ScopeBudget, ...]
    notes: tuple[str, ...] = ()

    def over(self, pct: Decimal | int | float) -> list[tuple[ScopeBudget, str]]:
        """The scopes whose spend or forecast (point) reached ``pct`` percent of their limit.

        Args:
            pct: A percentage of the limit (>= 0): ``80``, ``100``.

        Returns:
            ``(scope, reason)`` pairs; the reason says which figure reached it.

        Raises:
            InvalidParameterError: ``pct`` is not a finite number >= 0.

        Example::

            for scope, why in status.over(90):
                print(scope.name, why)
        """
        level = _pct(pct)
        out: list[tuple[ScopeBudget, str]] = []
        for scope in self.scopes:
            if scope.limit is None or scope.limit <= 0:
                continue
            reasons = []
            if scope.percent_of_limit is not None and scope.spent * 100 >= scope.limit * level:
                reasons.append(f"spent {scope.percent_of_limit}% of its limit")
            if scope.forecast.point * 100 >= scope.limit * level:
                reasons.append(f"forecast {scope.forecast_percent_of_limit}% of its limit")
            if reasons:
                out.append((scope, " and ".join(reasons)))
        return out

    def to_records(self) -> list[dict[str, Any]]:
        """One record per scope (:meth:`ScopeBudget.to_record`)."""
        return [scope.to_record() for scope in self.scopes]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready document: the month, its span, the notes and the scopes' records, with
        amounts as numbers.

        Example::

            json.dumps(status.to_json())
        """
        return {
            "month": f"{self.month:%Y-%m}",
            "start": _instant(self.start),
            "end": _instant(self.end),
            "history_start": self.history_start.isoformat(),
            "notes": list(self.notes),
            "scopes": [_plain(record) for record in self.to_records()],
        }


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _pct(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise InvalidParameterError("pct", value, "a percentage >= 0, e.g. 80")
    level = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not level.is_finite() or level < 0:
        raise InvalidParameterError("pct", value, "a percentage >= 0, e.g. 80")
    return level


def _now(value: object) -> datetime:
    if value is None:
        return datetime.now(UTC)
    if not isinstance(value, datetime) or value.utcoffset() is None:
        raise InvalidParameterError("now", value, "a timezone-aware datetime")
    return value.astimezone(UTC)


@dataclass
class _Series:
    """One scope's spend per currency per day, as read."""

    days: dict[str, dict[date, Decimal]]

    def add(self, currency: str, day: date, amount: Decimal) -> None:
        per_day = self.days.setdefault(currency, {})
        per_day[day] = per_day.get(day, Decimal(0)) + amount


def _from_costs(records: Iterable[Mapping[str, Any]]) -> tuple[_Series, dict[str, _Series]]:
    org = _Series({})
    per_project: dict[str, _Series] = {}
    for record in records:
        value = record["amount_value"]
        if value is None:
            continue
        amount = Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)
        currency = str(record["amount_currency"] or "usd").lower()
        day = day_of(record["bucket_start"])
        org.add(currency, day, amount)
        project = record.get("project_id")
        if project:
            per_project.setdefault(project, _Series({})).add(currency, day, amount)
    return org, per_project


def _percent(amount: Decimal, limit: Decimal | None) -> Decimal | None:
    if limit is None or limit <= 0:
        return None
    return (amount * 100 / limit).quantize(_PERCENT)


def _crossed_on(per_day: Mapping[date, Decimal], first: date, amount: Decimal) -> date | None:
    spent = Decimal(0)
    for day in sorted(d for d in per_day if d >= first):
        spent += per_day[day]
        if spent >= amount:
            return day
    return None


@dataclass(frozen=True)
class _Scope:
    kind: ScopeKind
    id: str
    name: str
    project_id: str | None
    project_name: str | None
    basis: Basis
    series: _Series
    history: date
    limit: GovernanceLimit | None
    alerts: tuple[GovernanceThreshold, ...]


def _entries(
    scope: _Scope,
    month: date,
    as_of: datetime,
    method: ForecastMethod,
    coverage: float,
) -> list[ScopeBudget]:
    currencies = set(scope.series.days)
    if scope.limit is not None:
        currencies.add(scope.limit.currency)
    if not currencies:
        currencies.add("usd")
    out: list[ScopeBudget] = []
    for currency in sorted(currencies):
        per_day = scope.series.days.get(currency, {})
        spend = DailySpend(per_day, currency=currency, start=min([scope.history, *per_day]))
        spent = sum((v for d, v in per_day.items() if d >= month), Decimal(0))
        fc = forecast_method(spend, as_of, method, coverage)
        limit = (
            scope.limit if scope.limit is not None and scope.limit.currency == currency else None
        )
        amount = limit.amount if limit is not None else None
        reached: date | None = None
        if amount is not None:
            reached = (
                _crossed_on(per_day, month, amount)
                if spent >= amount
                else fc.limit_reached_on(amount)
            )
        alerts = tuple(
            AlertThreshold(
                id=a.id,
                amount=a.amount,
                percent_of_limit=_percent(a.amount, amount),
                crossed=spent >= a.amount,
                crossed_on=_crossed_on(per_day, month, a.amount),
            )
            for a in scope.alerts
            if a.currency == currency
        )
        out.append(
            ScopeBudget(
                kind=scope.kind,
                id=scope.id,
                name=scope.name,
                project_id=scope.project_id,
                project_name=scope.project_name,
                basis=scope.basis,
                currency=currency,
                spent=spent,
                limit=amount,
                enforcement=limit.enforcement if limit is not None else None,
                percent_of_limit=_percent(spent, amount),
                alerts=alerts,
                forecast=fc,
                forecast_percent_of_limit=_percent(fc.point, amount),
                limit_reached_on=reached,
            )
        )
    return out


def forecast_method(
    spend: DailySpend, as_of: datetime, method: ForecastMethod, coverage: float
) -> MonthForecast:
    """:func:`forecast_month` of one scope's series (the seam tests may replace)."""
    return forecast_month(spend, as_of=as_of, method=method, coverage=coverage)


def _label(names: Names | None, kind: str, id: str, fallback: object) -> str:
    if names is not None:
        label = names.label(kind, id)
        if label and label != id:
            return label
    return fallback if isinstance(fallback, str) and fallback else id


def budget_status(
    client: UsageClient,
    *,
    now: datetime | None = None,
    names: Names | None = None,
    method: ForecastMethod = DEFAULT_METHOD,
    coverage: float = 0.8,
    keys: bool = True,
) -> BudgetStatus:
    """The UTC calendar month so far for the organization, each project and each limited key.

    Args:
        client: A :class:`~openai_org_usage.UsageClient` (an admin key that may read costs,
            usage, projects, their keys, and the spend limits and alerts).
        now: Count spend up to this instant (aware; default: now). Its UTC month is the month.
        names: A name source (the directory) for projects and keys; without one, the names
            the project and key lists give.
        method: The forecast method (:data:`~openai_org_usage.forecast.METHODS`).
        coverage: The forecast interval's intended coverage, strictly between 0 and 1.
        keys: Read the keys' own limits and their reconciled spend (False: skip them).

    Returns:
        A :class:`BudgetStatus`: the organization first, then projects and keys, by name.

    Raises:
        InvalidParameterError: A naive ``now``, an unknown method, a coverage out of range;
            before any request.
        OpenAIUsageError: A read that failed (other than a refused or missing governance
            object, which is a note).

    Example::

        status = budget_status(client)
        org = status.scopes[0]
        print(org.spent, org.limit, org.forecast.point, org.limit_reached_on)
    """
    at = _now(now)
    if method not in METHODS:
        raise InvalidParameterError("method", method, f"one of {', '.join(map(repr, METHODS))}")
    if isinstance(coverage, bool) or not isinstance(coverage, float | int) or not 0 < coverage < 1:
        raise InvalidParameterError("coverage", coverage, "a number strictly between 0 and 1")
    first = month_start(at)
    month = first.date()
    notes: list[str] = []
    history_at, records = costs_history(
        client,
        start=next_midnight(at - timedelta(days=HISTORY_DAYS)),
        end=at,
        group_by=("project_id",),
    )
    history = history_at.date()
    org_series, project_series = _from_costs(records)
    org_limit, org_alerts = org_governance(client, notes)
    scopes: list[_Scope] = [
        _Scope(
            "organization",
            ORGANIZATION,
            ORGANIZATION,
            None,
            None,
            "billed",
            org_series,
            history,
            org_limit,
            org_alerts,
        )
    ]
    listed = {p["id"]: p for p in projects(client, notes) if p.get("id")}
    spent_this_month = {
        pid
        for pid, series in project_series.items()
        if any(d >= month for per_day in series.days.values() for d in per_day)
    }
    project_scopes: list[_Scope] = []
    key_candidates: list[tuple[str, str, dict[str, Any], GovernanceLimit]] = []
    for pid in sorted(set(listed) | spent_this_month):
        record = listed.get(pid, {})
        if record.get("status") == "archived" and pid not in spent_this_month:
            continue
        name = _label(names, "project_id", pid, record.get("name"))
        limit, alerts = project_governance(client, pid, name, notes)
        project_scopes.append(
            _Scope(
                "project",
                pid,
                name,
                None,
                None,
                "billed",
                project_series.get(pid, _Series({})),
                history,
                limit,
                alerts,
            )
        )
        if keys:
            key_candidates += [
                (pid, name, k, lim) for k, lim in key_limits(client, pid, name, notes)
            ]
    key_scopes = _key_scopes(client, key_candidates, at, first, history, names)
    project_scopes.sort(key=lambda s: (s.name.casefold(), s.id))
    key_scopes.sort(key=lambda s: ((s.project_name or "").casefold(), s.name.casefold(), s.id))
    entries: list[ScopeBudget] = []
    for scope in [*scopes, *project_scopes, *key_scopes]:
        entries += _entries(scope, month, at, method, float(coverage))
    return BudgetStatus(
        month=month,
        start=first,
        end=at,
        history_start=history,
        scopes=tuple(entries),
        notes=tuple(notes),
    )


def _key_scopes(
    client: UsageClient,
    candidates: Sequence[tuple[str, str, dict[str, Any], GovernanceLimit]],
    at: datetime,
    first: datetime,
    history: date,
    names: Names | None,
) -> list[_Scope]:
    """Keys with their own limit, their spend reconciled from the attribution by key."""
    if not candidates:
        return []
    start = max(
        first - timedelta(days=KEY_HISTORY_DAYS),
        datetime(history.year, history.month, history.day, tzinfo=UTC),
    )
    # Only the limited keys' projects' usage: each project's line items are shared out among
    # its own usage, and the bill is read whole (it is rounded to cents as one), so these keys
    # get the cents of the attribution of every project (`attribute --by api_key_id`).
    jobs = attribution_jobs(
        client,
        start=start,
        end=at,
        by=_KEY_NAME,
        project_ids=sorted({pid for pid, _, _, _ in candidates}),
    )
    result = reconcile({op: list(p) for op, p in jobs}, by=_KEY_NAME, names=names)
    per_key: dict[str, _Series] = {}
    for row in result.rows:
        key = row.group.get("api_key_id")
        if row.reason is not None or not isinstance(key, str):
            continue
        per_key.setdefault(key, _Series({})).add(row.currency, day_of(row.start), row.attributed)
    return [
        _Scope(
            "api_key",
            key["id"],
            _label(names, "api_key_id", key["id"], key.get("name")),
            pid,
            project_name,
            "reconciled",
            per_key.get(key["id"], _Series({})),
            start.date(),
            limit,
            (),
        )
        for pid, project_name, key, limit in candidates
    ]
