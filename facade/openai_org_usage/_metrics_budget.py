"""The budget's metric families: spend limits, alert thresholds and month-end forecasts.

Built from the :class:`~openai_org_usage.budget.BudgetStatus` of the last refresh, one series
per scope and currency: the organization, then the projects and API keys that have a limit or
an alert threshold (at most ``top`` of each, those nearest their limit first; the count of the
rest in ``openai_org_usage_budget_scopes_left_out``). Every family has the same scope labels
(:data:`SCOPE_LABELS`), so PromQL divides or compares them without ``on()``. Amounts are in
whole cents of ``currency`` (half up, as a bill rounds); a figure the budget does not have
(no limit, a limit not reached this month) is no series rather than a zero.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from prometheus_client.core import GaugeMetricFamily, Metric

from ._metrics_view import PREFIX, Family, View
from .budget import BudgetStatus, ScopeBudget, nearest_limit_first

__all__ = [
    "BUDGET_FAMILIES",
    "BUDGET_KINDS",
    "SCOPE_LABELS",
    "THRESHOLD_LABEL",
    "budget_labels",
    "shown_scopes",
    "threshold_value",
]

SCOPE_LABELS: Final = ("scope", "scope_id", "scope_name", "project_id", "project_name", "currency")
"""The labels of every budget family: the scope's kind (``organization``, ``project``,
``api_key``), ID and name, a key's project (empty for the others) and the currency."""
THRESHOLD_LABEL: Final = "threshold"
"""The alert families' extra label: the threshold amount (``1069.50``); few per scope."""
BUDGET_KINDS: Final = ("project", "api_key")
"""The scope kinds bounded by ``top`` (the organization is always shown)."""

_CENT: Final = Decimal("0.01")
_NAME: Final = f"{PREFIX}_budget"
_SCOPES: Final = (
    "per scope (the organization; projects and API keys with a limit or an alert threshold, "
    "top N by share of limit)"
)


def _cents(amount: Decimal) -> float:
    return float(amount.quantize(_CENT, rounding=ROUND_HALF_UP))


def threshold_value(amount: Decimal) -> str:
    """An alert threshold as its label value: the amount to the cent (``1069.50``)."""
    return format(amount.quantize(_CENT, rounding=ROUND_HALF_UP), "f")


def budget_labels(scope: ScopeBudget) -> list[str]:
    """The values of :data:`SCOPE_LABELS` for ``scope``."""
    return [
        scope.kind,
        scope.id,
        scope.name,
        scope.project_id or "",
        scope.project_name or "",
        scope.currency,
    ]


def _governed(scope: ScopeBudget) -> bool:
    return scope.kind == "organization" or scope.limit is not None or bool(scope.alerts)


def shown_scopes(status: BudgetStatus, top: int) -> tuple[list[ScopeBudget], dict[str, int]]:
    """The scopes the budget families show, and how many of each bounded kind were left out.

    Args:
        status: The budget status.
        top: Projects and API keys kept (each kind), nearest their limit first.

    Returns:
        ``(scopes, left_out)``: the organization's entries, then the kept projects and keys;
        ``left_out`` maps ``project`` and ``api_key`` to the count not shown.
    """
    scopes = [s for s in status.scopes if s.kind == "organization"]
    left_out: dict[str, int] = {}
    for kind in BUDGET_KINDS:
        ranked = sorted(
            (s for s in status.scopes if s.kind == kind and _governed(s)), key=nearest_limit_first
        )
        scopes += ranked[:top]
        left_out[kind] = len(ranked[top:])
    return scopes, left_out


def _gauge(name: str, help: str, extra: Sequence[str] = ()) -> GaugeMetricFamily:
    return GaugeMetricFamily(f"{_NAME}_{name}", help, labels=[*SCOPE_LABELS, *extra])


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def _budget(view: View) -> Iterator[Metric]:
    snap = view.status.snapshot
    if snap is None or (snap.budget is None and not snap.budget_notes):
        return  # not read (the budget was turned off, or no refresh has succeeded)
    yield GaugeMetricFamily(
        f"{_NAME}_refused_reads",
        "Governance reads the key was refused (HTTP 403) in the last refresh: the limits, "
        "alerts or keys they would have given are absent",
        value=len(snap.budget_notes),
    )
    if snap.budget is None:
        return
    scopes, left_out = shown_scopes(snap.budget, view.top)
    spent = _gauge(
        "spend_month_to_date",
        f"Spend this UTC calendar month {_SCOPES}: billed for the organization and projects, "
        "the reconciled share of the bill for an API key",
    )
    limit = _gauge("limit", f"The month's spend limit {_SCOPES} (absent: none set or readable)")
    used = _gauge(
        "limit_used_ratio",
        f"Spend this month over the spend limit {_SCOPES} (0.899 is 89.9%; to 0.1%)",
    )
    point = _gauge("forecast_month_end", f"Month-end spend forecast (point) {_SCOPES}")
    lower = _gauge(
        "forecast_month_end_lower",
        f"Lower end of the month-end forecast's interval (80% by default) {_SCOPES}",
    )
    upper = _gauge(
        "forecast_month_end_upper",
        f"Upper end of the month-end forecast's interval (80% by default) {_SCOPES}",
    )
    reached = _gauge(
        "limit_reached_timestamp_seconds",
        f"UTC midnight of the day spend reached the limit, or reaches it at the forecast rate, "
        f"{_SCOPES} (absent: not this month)",
    )
    threshold = _gauge(
        "alert_threshold",
        f"Spend alert thresholds {_SCOPES}; the threshold label is the amount",
        [THRESHOLD_LABEL],
    )
    crossed = _gauge(
        "alert_crossed",
        f"1 when this month's spend reached the spend alert threshold, else 0, {_SCOPES}",
        [THRESHOLD_LABEL],
    )
    for scope in scopes:
        labels = budget_labels(scope)
        fc = scope.forecast
        spent.add_metric(labels, _cents(scope.spent))
        point.add_metric(labels, _cents(fc.point))
        lower.add_metric(labels, _cents(fc.lower))
        upper.add_metric(labels, _cents(fc.upper))
        if scope.limit is not None:
            limit.add_metric(labels, _cents(scope.limit))
        if scope.percent_of_limit is not None:
            used.add_metric(labels, float(scope.percent_of_limit / 100))
        if scope.limit_reached_on is not None:
            reached.add_metric(labels, _midnight(scope.limit_reached_on))
        seen: set[str] = set()
        for alert in scope.alerts:
            value = threshold_value(alert.amount)
            if value in seen:  # two alerts at one amount are one threshold
                continue
            seen.add(value)
            threshold.add_metric([*labels, value], _cents(alert.amount))
            crossed.add_metric([*labels, value], int(alert.crossed))
    yield from (spent, limit, used, point, lower, upper, reached, threshold, crossed)
    kept = GaugeMetricFamily(
        f"{_NAME}_scopes_left_out",
        "Projects and API keys with a limit or an alert threshold not shown (beyond top N)",
        labels=["scope"],
    )
    for kind, count in left_out.items():
        kept.add_metric([kind], count)
    yield kept


BUDGET_FAMILIES: Final[tuple[Family, ...]] = (_budget,)
"""The budget's family builders, in exposition order."""
