"""Keep usage and costs in any warehouse: an incremental, idempotent sync built on dlt.

::

    from openai_org_usage import UsageClient
    from openai_org_usage.store import sync

    with UsageClient() as client:
        report = sync(client, "usage.duckdb", since="2026-01-01")  # later runs: no since
        # or any dlt destination, configured the dlt way:
        report = sync(client, destination="postgres", since="2026-01-01")

One table per operation of ``OPERATIONS`` (``usage_completions`` ... ``usage_web_search_calls``,
``costs``) with ``org_id`` and the package's row shape (``openai_org_usage.export.columns``),
merged on ``(org_id, bucket_start)``; the directory's ``projects``, ``users``, ``api_keys`` and
``service_accounts`` when it is installed; with ``governance=True``, ``spend_limits``,
``spend_alerts`` and ``rate_limits`` (a snapshot per run, ``observed_at``) and ``audit_logs``
(incremental), and ``forecasts`` and ``anomalies`` when asked (``GOVERNANCE_TABLES``, their
keys; ``_governance``). ``usage_source`` is the dlt source, for a
pipeline of your own; ``load_organizations`` and ``open_clients`` sync several organizations
within one request budget. See ``_fetch`` (where a run starts, refusals), ``_schema`` (the
key), ``_source`` (the source) and ``_sync`` (the pipeline, locking, resuming).

Example queries (DuckDB)::

    SELECT date_trunc('month', bucket_start) AS month, project_id, sum(amount_value) AS usd
    FROM costs GROUP BY ALL ORDER BY month, usd DESC;
"""

from openai_org_usage import StoreError, SyncLockedError

from ._fetch import (
    DEFAULT_SINCE_DAYS,
    LOOKBACK_DAYS,
    LookbackClamp,
    OpState,
    advance_state,
    plan_start,
)
from ._governance import ANOMALY_DAYS, GOVERNANCE_TABLES, OBSERVED_AT
from ._orgs import (
    DEFAULT_MAX_CONCURRENCY,
    Organization,
    OrgClient,
    OrgsConfig,
    budget_transport,
    load_organizations,
    open_clients,
)
from ._schema import MERGE_KEY, ORG_ID, TABLES, TableSchema, table_name
from ._source import DIRECTORY_TABLES, SOURCE_NAME, OrgFailure, SyncProgress, usage_source
from ._sync import DEFAULT_DATASET, DUCKDB_DATASET, lock_path, sync
from ._sync_report import OperationReport, SyncReport

__all__ = [
    "ANOMALY_DAYS",
    "DEFAULT_DATASET",
    "DEFAULT_MAX_CONCURRENCY",
    "DEFAULT_SINCE_DAYS",
    "DIRECTORY_TABLES",
    "DUCKDB_DATASET",
    "GOVERNANCE_TABLES",
    "LOOKBACK_DAYS",
    "MERGE_KEY",
    "OBSERVED_AT",
    "ORG_ID",
    "SOURCE_NAME",
    "TABLES",
    "LookbackClamp",
    "OpState",
    "OperationReport",
    "OrgClient",
    "OrgFailure",
    "Organization",
    "OrgsConfig",
    "StoreError",
    "SyncLockedError",
    "SyncProgress",
    "SyncReport",
    "TableSchema",
    "advance_state",
    "budget_transport",
    "load_organizations",
    "lock_path",
    "open_clients",
    "plan_start",
    "sync",
    "table_name",
    "usage_source",
]
