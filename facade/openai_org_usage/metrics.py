"""Spend and usage of this UTC calendar month as Prometheus / OpenMetrics series.

Needs the ``metrics`` extra (``prometheus-client``). Three parts, each usable alone:

* :func:`collect_snapshot` reads the month so far (about ten requests): the bill per currency,
  by project and line item (costs endpoint), by user, API key and model (the bill shared out by
  :func:`~openai_org_usage.attribution.attribute`), tokens and requests per usage endpoint;
  and the budget (:func:`~openai_org_usage.budget.budget_status`: limits, alert thresholds,
  forecasts; about 40 more requests on the demo, ``budget=False`` skips it).
* :class:`Refresher` takes a snapshot on an interval in a background thread (at least
  :data:`MIN_INTERVAL`); a failed refresh keeps the last snapshot and counts the error.
* :class:`Collector` exposes the last snapshot to ``prometheus_client`` (a scrape never calls
  the API); :func:`serve` serves it over HTTP, :func:`write_textfile` writes it for
  node-exporter's textfile collector::

    from openai_org_usage import UsageClient
    from openai_org_usage.metrics import Collector, Refresher, collect_snapshot, serve

    client = UsageClient()  # OPENAI_ADMIN_KEY
    refresher = Refresher(lambda: collect_snapshot(client))
    refresher.refresh()
    refresher.start()
    server = serve(Collector(refresher, top=10), port=9100)  # 127.0.0.1 only

Series (all amounts in whole cents of their ``currency``; never added across currencies):

* ``openai_org_usage_spend_month_to_date{currency}``: the bill.
* ``openai_org_usage_{project,line_item,user,api_key,model}_spend_month_to_date``: the bill
  split by one dimension, ``currency`` plus the ID and name labels (``project_id``,
  ``project_name``; ``model``; ``line_item``). The top N groups, then ``other`` (the rest),
  and for user, key and model ``unattributed`` (what no usage could be given); ``none`` is
  spend with no value for the dimension. Each family sums to the bill exactly.
* ``openai_org_usage_tokens_month_to_date{operation,type}``,
  ``openai_org_usage_requests_month_to_date{operation}``.
* ``openai_org_usage_budget_{spend_month_to_date,limit,limit_used_ratio,forecast_month_end,
  forecast_month_end_lower,forecast_month_end_upper,limit_reached_timestamp_seconds}``, each
  labelled ``scope`` (``organization``, ``project``, ``api_key``), ``scope_id``,
  ``scope_name``, ``project_id``, ``project_name`` (a key's project) and ``currency``: the
  organization, and the top N projects and keys with a limit or an alert threshold (nearest
  their limit first); ``openai_org_usage_budget_alert_threshold`` and ``..._alert_crossed``
  with a ``threshold`` label; ``..._budget_scopes_left_out{scope}`` and
  ``..._budget_refused_reads`` (governance reads refused with HTTP 403: what they would show
  is absent, the refresh goes on).
* ``openai_org_usage_last_refresh_timestamp_seconds``, ``..._refresh_duration_seconds``,
  ``..._refreshes_total``, ``..._refresh_errors_total{error}``,
  ``..._period_start_timestamp_seconds``, ``..._period_end_timestamp_seconds`` and
  ``openai_org_usage_info{version,source}``.

No series carries a date: the month-to-date gauges restart with the month instead of
piling up a series per day.
"""

from __future__ import annotations

from ._errors import MissingDependencyError

try:
    import prometheus_client as _prometheus_client  # noqa: F401
except ImportError as _exc:  # pragma: no cover - the extra is installed in development
    raise MissingDependencyError("Prometheus metrics", "metrics", "prometheus-client") from _exc

from ._metrics_budget import SCOPE_LABELS, THRESHOLD_LABEL, shown_scopes
from ._metrics_exposition import (
    DEFAULT_TOP,
    Collector,
    MetricsServer,
    registry_of,
    serve,
    write_textfile,
)
from ._metrics_families import FAMILIES, spend_labels
from ._metrics_refresh import (
    DEFAULT_INTERVAL,
    MIN_INTERVAL,
    Refresher,
    RefreshStatus,
    error_text,
)
from ._metrics_snapshot import (
    ATTRIBUTED_DIMENSIONS,
    BILLED_DIMENSIONS,
    NONE,
    OTHER,
    UNATTRIBUTED,
    Breakdown,
    Share,
    Snapshot,
    collect_snapshot,
    month_start,
)
from ._metrics_view import PREFIX, Family, View

__all__ = [
    "ATTRIBUTED_DIMENSIONS",
    "BILLED_DIMENSIONS",
    "DEFAULT_INTERVAL",
    "DEFAULT_TOP",
    "FAMILIES",
    "MIN_INTERVAL",
    "NONE",
    "OTHER",
    "PREFIX",
    "SCOPE_LABELS",
    "THRESHOLD_LABEL",
    "UNATTRIBUTED",
    "Breakdown",
    "Collector",
    "Family",
    "MetricsServer",
    "RefreshStatus",
    "Refresher",
    "Share",
    "Snapshot",
    "View",
    "collect_snapshot",
    "error_text",
    "month_start",
    "registry_of",
    "serve",
    "shown_scopes",
    "spend_labels",
    "write_textfile",
]
