"""Keep usage and costs in a database that dashboards read: incremental, idempotent sync.

::

    from openai_org_usage import UsageClient
    from openai_org_usage.store import sync

    with UsageClient() as client:
        report = sync(client, "usage.duckdb", since="2026-01-01")  # later runs: no since

One table per operation of ``OPERATIONS`` (``usage_completions`` ... ``usage_web_search_calls``,
``costs``) with the package's row shape (``openai_org_usage.export.columns``: the columns of
records and DataFrames) plus ``row_key``, the primary key; ``sync_state`` records, per
operation, the range stored without gaps and the group-by fields asked for (and refused by the
API). See ``_sync`` for how a run picks its range and survives crashes, ``_schema`` for the
key, and ``_duckdb`` for locking. DuckDB (the ``duckdb`` extra) is the built-in backend;
others implement ``Backend``. The store uses only the package's public API.

Example queries (DuckDB)::

    SELECT date_trunc('month', bucket_start) AS month, project_id, sum(amount_value) AS usd
    FROM costs GROUP BY ALL ORDER BY month, usd DESC;
"""

from openai_org_usage import StoreError

from ._duckdb import DuckDBBackend, lock_path
from ._schema import ROW_KEY, STATE_TABLE, TABLES, Backend, SyncState, TableSchema, table_name
from ._sync import (
    DEFAULT_SINCE_DAYS,
    LOOKBACK_DAYS,
    LookbackClamp,
    SyncLockedError,
    SyncProgress,
    SyncReport,
    advance_state,
    plan_start,
    sync,
)

__all__ = [
    "DEFAULT_SINCE_DAYS",
    "LOOKBACK_DAYS",
    "ROW_KEY",
    "STATE_TABLE",
    "TABLES",
    "Backend",
    "DuckDBBackend",
    "LookbackClamp",
    "StoreError",
    "SyncLockedError",
    "SyncProgress",
    "SyncReport",
    "SyncState",
    "TableSchema",
    "advance_state",
    "lock_path",
    "plan_start",
    "sync",
    "table_name",
]
