"""The metric families a scrape shows, each built from the refresh record alone.

A family is a function of a :class:`View` (the record, the top N, the data source) returning
``prometheus_client`` metric families; :data:`FAMILIES` lists them in exposition order: spend
and usage here, the budget's (limits, alert thresholds, forecasts) from ``_metrics_budget``.
Label values are handed to the client library, which escapes them (quotes, backslashes,
newlines): a hostile name can never break a line of the exposition.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from prometheus_client.core import (
    CounterMetricFamily,
    GaugeMetricFamily,
    InfoMetricFamily,
    Metric,
)

from ._cents import money
from ._metrics_budget import BUDGET_FAMILIES
from ._metrics_snapshot import ATTRIBUTED_DIMENSIONS, BILLED_DIMENSIONS, Breakdown
from ._metrics_view import PREFIX, Family, View
from ._version import __version__

__all__ = ["FAMILIES", "spend_labels"]

_DIMENSION_LABELS: Final = {
    "project": ("project_id", "project_name"),
    "user": ("user_id", "user_name"),
    "api_key": ("api_key_id", "api_key_name"),
    "model": ("model",),
    "line_item": ("line_item",),
}
_WORDS: Final = {
    "project": "project",
    "line_item": "line item",
    "user": "user",
    "api_key": "API key",
    "model": "model",
}
_HOW: Final = {
    "project": "billed (costs endpoint, by project)",
    "line_item": "billed (costs endpoint, by line item)",
    "user": "the bill shared out to users by their usage at list prices",
    "api_key": "the bill shared out to API keys by their usage at list prices",
    "model": "the bill shared out to models by their usage at list prices",
}


def spend_labels(dimension: str) -> tuple[str, ...]:
    """The labels of a spend family after ``currency``: ``("project_id", "project_name")``."""
    return _DIMENSION_LABELS[dimension]


def _info(view: View) -> Iterator[Metric]:
    yield InfoMetricFamily(
        PREFIX,
        "openai-org-usage exporter: version and where the data comes from (demo: synthetic)",
        value={"version": __version__, "source": view.source},
    )


def _period(view: View) -> Iterator[Metric]:
    snap = view.status.snapshot
    if snap is None:
        return
    yield GaugeMetricFamily(
        f"{PREFIX}_period_start_timestamp_seconds",
        "Start of the period the month-to-date series cover (first UTC midnight of the month)",
        value=snap.start.timestamp(),
    )
    yield GaugeMetricFamily(
        f"{PREFIX}_period_end_timestamp_seconds",
        "The instant the month-to-date series run to (the last successful refresh's clock)",
        value=snap.end.timestamp(),
    )


def _spend(view: View) -> Iterator[Metric]:
    snap = view.status.snapshot
    if snap is None:
        return
    total = GaugeMetricFamily(
        f"{PREFIX}_spend_month_to_date",
        "Billed spend this UTC calendar month, per currency (never added across currencies)",
        labels=["currency"],
    )
    for currency, cents in snap.billed_cents.items():
        total.add_metric([currency], float(money(cents)))
    yield total
    for dimension in (*BILLED_DIMENSIONS, *ATTRIBUTED_DIMENSIONS):
        labels = spend_labels(dimension)
        family = GaugeMetricFamily(
            f"{PREFIX}_{dimension}_spend_month_to_date",
            f"Spend this UTC calendar month by {_WORDS[dimension]}: {_HOW[dimension]}; "
            f"top N, then {labels[0]}=other (the rest)"
            + (", and unattributed (the remainder)" if dimension in ATTRIBUTED_DIMENSIONS else "")
            + "; sums to openai_org_usage_spend_month_to_date per currency",
            labels=["currency", *labels],
        )
        for breakdown in snap.breakdowns:
            if breakdown.dimension == dimension:
                _add_shares(family, breakdown, view.top, len(labels))
        yield family


def _add_shares(family: GaugeMetricFamily, breakdown: Breakdown, top: int, width: int) -> None:
    for share in breakdown.bounded(top):
        values = [share.id, share.name][:width]
        family.add_metric([breakdown.currency, *values], float(share.amount))


def _usage(view: View) -> Iterator[Metric]:
    snap = view.status.snapshot
    if snap is None:
        return
    tokens = GaugeMetricFamily(
        f"{PREFIX}_tokens_month_to_date",
        "Tokens this UTC calendar month by usage endpoint and type (input, output)",
        labels=["operation", "type"],
    )
    for (operation, kind), count in sorted(snap.tokens.items()):
        tokens.add_metric([operation, kind], count)
    yield tokens
    requests = GaugeMetricFamily(
        f"{PREFIX}_requests_month_to_date",
        "Requests this UTC calendar month by usage endpoint (model requests; calls for "
        "file_search_calls)",
        labels=["operation"],
    )
    for operation, count in sorted(snap.requests.items()):
        requests.add_metric([operation], count)
    yield requests


def _refresh(view: View) -> Iterator[Metric]:
    status = view.status
    if status.last_success is not None:
        yield GaugeMetricFamily(
            f"{PREFIX}_last_refresh_timestamp_seconds",
            "Unix time the last successful refresh finished",
            value=status.last_success,
        )
    if status.last_duration is not None:
        yield GaugeMetricFamily(
            f"{PREFIX}_refresh_duration_seconds",
            "Seconds the last refresh took (failed or not)",
            value=status.last_duration,
        )
    yield CounterMetricFamily(
        f"{PREFIX}_refreshes", "Successful refreshes since start", value=status.refreshes
    )
    errors = CounterMetricFamily(
        f"{PREFIX}_refresh_errors",
        "Failed refreshes since start, by error class (the previous snapshot is kept)",
        labels=["error"],
    )
    for name, count in sorted(status.errors.items()):
        errors.add_metric([name], count)
    yield errors


FAMILIES: Final[tuple[Family, ...]] = (_info, _period, _spend, _usage, *BUDGET_FAMILIES, _refresh)
"""Every family, in exposition order."""
