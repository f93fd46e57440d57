"""The MCP ``budget`` and ``anomalies`` tools' results: the library's governance, shaped.

:func:`budget_result` shapes a :class:`~openai_org_usage.budget.BudgetStatus` (the records of
``budget --format json``, money as exact decimal strings) per currency, the organization then
the projects and API keys nearest their limit first, at most ``top`` of each with what the rest
spent in ``left_out``. :func:`recent_anomalies` runs the alert command's detector
(:func:`~openai_org_usage.budget.anomaly_scopes`, then
:func:`~openai_org_usage.anomalies.find_anomalies`) over the last complete days, and
:func:`anomalies_result` shapes what it found per scope kind, each anomaly with the line items,
models or keys that drove it. No MCP type in here, and no argument reading (``_mcp_tools``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

import attrs

from ._mcp_shape import bounded, currency_order, money
from .anomalies import Anomaly, Driver, find_anomalies
from .budget import (
    ANOMALY_HISTORY_DAYS,
    BudgetStatus,
    anomaly_scopes,
    nearest_limit_first,
)

if TYPE_CHECKING:
    from ._attribution_result import Names
    from ._client import UsageClient

__all__ = [
    "ANOMALY_KINDS",
    "BASELINE_DAYS",
    "DEFAULT_DAYS",
    "MAX_DAYS",
    "MAX_DRIVERS",
    "RecentAnomalies",
    "anomalies_result",
    "budget_result",
    "recent_anomalies",
]

ANOMALY_KINDS: Final = ("project", "api_key", "user", "model")
"""The scope kinds the detector reads (projects billed; keys, users and models reconciled)."""
DEFAULT_DAYS: Final = 7
"""Complete days looked at by default (the alert command's window)."""
MAX_DAYS: Final = 60
"""The most days one call looks at: each adds a day of history to read."""
BASELINE_DAYS: Final = ANOMALY_HISTORY_DAYS - DEFAULT_DAYS
"""Days of history read before the first day looked at: seven weeks, as the alert command's
first reported day has (its reads are ``ANOMALY_HISTORY_DAYS`` for 7 days)."""
MAX_DRIVERS: Final = 5
"""Drivers listed per anomaly; the rest are counted and summed."""
_BUDGET_KINDS: Final = {"project": "projects", "api_key": "api_keys"}


# -- budget -------------------------------------------------------------------------------------


def _exact(value: Any) -> Any:
    """A record with every ``Decimal`` as an exact decimal string."""
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact(v) for v in value]
    return value


def budget_result(status: BudgetStatus, top: int) -> dict[str, Any]:
    """``status`` per currency, projects and keys bounded by ``top``.

    Returns:
        ``month``, ``start``, ``end``, ``history_start``, ``notes`` (the status's), and
        ``by_currency``: per currency the ``organization`` record, then ``projects`` and
        ``api_keys`` (records of :meth:`~openai_org_usage.budget.ScopeBudget.to_record`,
        money as strings), each with ``<kind>_left_out`` (count and spend of the rest).
    """
    document = status.to_json()
    out: dict[str, Any] = {
        "month": document["month"],
        "start": document["start"],
        "end": document["end"],
        "history_start": document["history_start"],
        "notes": list(status.notes),
    }
    sections = []
    for currency in currency_order({s.currency for s in status.scopes}):
        scopes = [s for s in status.scopes if s.currency == currency]
        org = next((s for s in scopes if s.kind == "organization"), None)
        section: dict[str, Any] = {
            "currency": currency,
            "organization": None if org is None else _exact(org.to_record()),
        }
        for kind, key in _BUDGET_KINDS.items():
            ranked = sorted((s for s in scopes if s.kind == kind), key=nearest_limit_first)
            kept, left_out = bounded(ranked, top, lambda s: {"spent": s.spent})
            section[key] = [_exact(s.to_record()) for s in kept]
            section[f"{key}_left_out"] = left_out
            if left_out["count"]:
                out["notes"].append(
                    f"left out (raise top): {left_out['count']} {key.replace('_', ' ')}, "
                    f"{left_out['spent']} {currency} spent"
                )
        sections.append(section)
    out["by_currency"] = sections
    return out


# -- anomalies ----------------------------------------------------------------------------------


@attrs.frozen
class RecentAnomalies:
    """What :func:`recent_anomalies` found.

    Attributes:
        start: The first day looked at (UTC).
        end: The day after the last (the day in progress, left out).
        history_start: The first day of history read.
        anomalies: The anomalies, as :func:`~openai_org_usage.anomalies.find_anomalies`
            returns them.
    """

    start: date
    end: date
    history_start: date
    anomalies: tuple[Anomaly, ...]


def recent_anomalies(
    client: UsageClient,
    *,
    now: datetime,
    days: int,
    kind: str | None = None,
    names: Names | None = None,
) -> RecentAnomalies:
    """The anomalies of the ``days`` complete UTC days before ``now``'s day.

    Reads :data:`BASELINE_DAYS` more days of history before them (for ``days=7``, exactly
    what the alert command reads); ``kind="project"`` skips the attribution (keys, users,
    models).
    """
    today = now.astimezone(UTC).date()
    history = days + BASELINE_DAYS
    scopes = anomaly_scopes(
        client, now=now, days=history, names=names, attributed=kind != "project"
    )
    if kind is not None:
        scopes = [s for s in scopes if s.kind == kind]
    start = today - timedelta(days=days)
    found = find_anomalies(scopes, start=start, end=today)
    return RecentAnomalies(start, today, today - timedelta(days=history), tuple(found))


def _driver(driver: Driver, names: Names | None) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": driver.kind, "name": driver.name}
    if driver.kind == "api_key":
        out["api_key_name"] = names.name("api_key_id", driver.name) if names else None
    return out | {
        "above_baseline": money(driver.above_baseline),
        "actual": money(driver.actual),
        "baseline": money(driver.baseline),
    }


def _anomaly(anomaly: Anomaly, names: Names | None) -> dict[str, Any]:
    kept, left_out = bounded(
        anomaly.drivers, MAX_DRIVERS, lambda d: {"above_baseline": d.above_baseline}
    )
    return {
        "day": anomaly.day.isoformat(),
        "scope_id": anomaly.scope_id,
        "scope_name": anomaly.scope_name,
        "direction": anomaly.direction,
        "currency": anomaly.currency,
        "actual": money(anomaly.actual),
        "baseline": money(anomaly.baseline),
        "jump": money(anomaly.jump),
        "score": round(anomaly.score, 2),
        "drivers": [_driver(d, names) for d in kept],
        "drivers_left_out": left_out,
    }


def anomalies_result(
    found: RecentAnomalies, kinds: Sequence[str], top: int, names: Names | None
) -> dict[str, Any]:
    """``found`` per scope kind (each of ``kinds``), the largest jumps first, at most ``top``.

    Returns:
        ``range`` (days, end exclusive), ``history_start``, ``notes`` (what was left out) and
        ``by_scope_kind``: per kind its ``anomalies`` and ``left_out`` (count, spikes, drops).
    """
    out: dict[str, Any] = {
        "range": {"start": found.start.isoformat(), "end": found.end.isoformat()},
        "history_start": found.history_start.isoformat(),
        "notes": [],
    }
    order = {c: i for i, c in enumerate(currency_order({a.currency for a in found.anomalies}))}
    sections = []
    for kind in kinds:
        ranked = sorted(
            (a for a in found.anomalies if a.scope_kind == kind),
            key=lambda a: (order[a.currency], -abs(a.jump), -a.day.toordinal(), a.scope_id),
        )
        kept, left_out = bounded(ranked, top, _direction_count)
        sections.append(
            {
                "scope_kind": kind,
                "anomalies": [_anomaly(a, names) for a in kept],
                "left_out": left_out,
            }
        )
        if left_out["count"]:
            out["notes"].append(f"left out (raise top): {left_out['count']} anomalies of {kind}")
    out["by_scope_kind"] = sections
    return out


def _direction_count(anomaly: Anomaly) -> Mapping[str, int]:
    return {"spikes": int(anomaly.direction == "spike"), "drops": int(anomaly.direction == "drop")}
