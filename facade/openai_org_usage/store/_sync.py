"""``sync``: bring a destination's tables up to date with the API, through one dlt pipeline.

::

    from openai_org_usage import UsageClient
    from openai_org_usage.store import sync

    with UsageClient() as client:
        report = sync(client, "usage.duckdb", since="2026-01-01")  # later runs: no since

``db`` is a DuckDB file (the embedded default: no server); ``destination`` is any dlt
destination (``"postgres"``, ``"bigquery"``, ``"filesystem"`` ...), configured the dlt way
(``DESTINATION__POSTGRES__CREDENTIALS``, ``.dlt/secrets.toml`` ...), never through this
package. With ``destination="filesystem"``, ``table_format="delta"`` stores Delta tables
(``deltalake``), which merge like the other destinations (``_delta``); without it, the tables
are Parquet files, appended to. See ``_fetch`` for where a run starts and what it does about
refusals, ``_schema`` for the tables and their key, ``_source`` for the dlt source.

The pipeline's working directory (``pipelines_dir``; default ``<db>.dlt`` next to a DuckDB
file, else ``.openai-org-usage`` in the current directory) holds dlt's local state and any
load package not yet loaded. A run killed at any moment resumes: a package extracted but not
loaded is loaded by the next run first; an extraction cut short is dropped, and the state
(committed by dlt with the rows) still says where the stored rows end, so the next run
fetches from there; a load is replayed per bucket (merge), so nothing is duplicated.
Deleting the working directory is safe: dlt restores the state from the destination.

A table the destination does not have yet is loaded by appending (there is nothing to
replace, and dlt's merge, through a staging table, is most of a first load's time); once it
exists, every load merges. This is decided after any pending package is loaded.

One sync per target at a time: a lock file (``<db>.lock``, or ``<pipelines_dir>/<name>.lock``)
is taken first; a second sync gets ``SyncLockedError`` at once.

A run in which every organization fails and no row is loaded leaves no new DuckDB file behind
(nor the working directory it made for it); a file that was there before is kept. When no
organization has a client at all (its key variable unset), the target is not even opened.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs

from openai_org_usage import (
    OPERATIONS,
    InvalidParameterError,
    StoreError,
    SyncLockedError,
    TimeInput,
    UsageClient,
    to_unix_seconds,
)

from ._delta import DELTA, DeltaEmptiedBuckets, drop_superseded
from ._fetch import floor_day
from ._lock import FileLock
from ._orgs import OrgClient
from ._requires import require_deltalake, require_dlt, require_duckdb
from ._schema import BUCKET_WIDTHS, tables_for
from ._source import (
    ATTRIBUTED_TABLE,
    SOURCE_NAME,
    SourcePlan,
    SyncHooks,
    SyncProgress,
    Tally,
    planned_source,
)
from ._sync_report import SyncReport, sync_report
from ._tuning import (
    bound_duckdb_memory,
    lent_credentials,
    plain_load_files,
    quick_environment_lookups,
    remember_capabilities,
    tune,
)

__all__ = [
    "DEFAULT_DATASET",
    "DUCKDB_DATASET",
    "lock_path",
    "sync",
]

DEFAULT_DATASET = "openai_org_usage"
"""The dataset (schema) the tables land in, in a destination other than a DuckDB file."""
DUCKDB_DATASET = "main"
"""In a DuckDB file the tables land in its default schema: ``SELECT * FROM costs`` works."""
DEFAULT_PIPELINES_DIR = ".openai-org-usage"

logger = logging.getLogger("openai_org_usage")


def lock_path(db: str | os.PathLike[str]) -> Path:
    """The lock file of a DuckDB target: ``usage.duckdb`` -> ``usage.duckdb.lock``."""
    return Path(f"{os.fspath(db)}.lock")


def sync(
    source: UsageClient | Sequence[OrgClient],
    db: str | os.PathLike[str] | None = None,
    *,
    destination: Any = None,
    table_format: str | None = None,
    dataset_name: str | None = None,
    pipelines_dir: str | os.PathLike[str] | None = None,
    pipeline_name: str = SOURCE_NAME,
    org_id: str = "default",
    since: TimeInput | None = None,
    operations: Iterable[str] | None = None,
    trailing_days: int = 3,
    now: datetime | None = None,
    directory: bool = True,
    attribution: bool = False,
    progress: Callable[[SyncProgress], None] | None = None,
    bucket_width: str = "1d",
    governance: bool = False,
    forecasts: bool = False,
    anomalies: bool = False,
) -> SyncReport:
    """Bring the tables of ``db`` (or ``destination``) up to date with the API.

    Args:
        source: A client (its rows get ``org_id``), or several organizations with their
            clients (``open_clients``), fetched concurrently.
        db: A DuckDB file (created if missing). Give this or ``destination``.
        destination: A dlt destination: a name (``"postgres"``) or a destination object
            (``dlt.destinations.postgres(...)``), configured the dlt way.
        table_format: ``"delta"``: with the ``filesystem`` destination, Delta tables
            (``deltalake``, the ``delta`` extra), merged like a database's: a restated
            bucket is replaced, an emptied one removed. Default: Parquet files, appended to
            (readers take each bucket's latest ``_dlt_load_id``).
        dataset_name: The dataset (schema); default ``main`` in a DuckDB file, else
            ``openai_org_usage``.
        pipelines_dir: dlt's working directory (module docstring).
        pipeline_name: The dlt pipeline's name (one state per name and destination).
        org_id: The ``org_id`` of a single client's rows.
        since: Where a first sync starts, or an earlier point to backfill from: a date, an
            aware datetime, an ISO string, or a span such as ``"90d"``; floored to a UTC day.
            Default: 30 days before today on a first sync; the stored state afterwards.
        operations: Operation names (default: every operation of ``OPERATIONS``).
        trailing_days: Days before the stored ``synced_until`` fetched again on each run.
        now: The run's end (aware); default: the current time.
        directory: Load the directory's tables too (projects, users, API keys, service
            accounts).
        attribution: Load ``attributed_costs`` too: this run's costs range attributed to
            project, user and API key per day (one more request per priced endpoint).
        progress: Called after each page is handed to dlt. An exception it raises stops the
            sync; nothing of this run is loaded (the next run fetches it again).
        bucket_width: ``"1d"``: the daily tables. ``"1h"``: hourly tables beside them
            (``usage_completions_1h`` ...), for the operations that serve hourly buckets
            (every usage operation; costs has daily buckets only), with their own state:
            incremental, merged per hour and resumed like the daily ones. Not with
            ``attribution`` (daily).
        governance: Load the governance tables too: ``spend_limits``, ``spend_alerts`` and
            ``rate_limits`` (the organization's, each active project's and each key's own,
            one snapshot per run at ``now``: ``observed_at``) and ``audit_logs`` (each event
            once, from ``since`` on the first run, then from where the last run stopped). A
            few requests per project; a read the key may not make is a note
            (``SyncReport.governance_notes``), not a failure. Off by default here, so a
            library caller's requests and tables stay as they were; the CLI turns it on.
        forecasts: Load ``forecasts`` too: ``budget.budget_status`` at ``now``, one row per
            scope and currency per run (reads a year of costs and the keys' attribution).
        anomalies: Load ``anomalies`` too: the anomalies of the 7 complete days before
            ``now`` per project, key, user and model, with their drivers as JSON (reads 8
            weeks of costs and the attribution).

    Raises:
        InvalidParameterError: a bad argument, before anything is opened or sent.
        SyncLockedError: another sync holds the target.
        StoreError: the DuckDB file cannot be used, or the destination refused the load.
        APIError: with a single client, the API failed (after the client's retries); the
            pages fetched before were loaded. With several organizations, failures are in
            ``SyncReport.failed`` instead, and the others are synced.
        MissingDependencyError: dlt (or duckdb, or deltalake) is not installed.
    """
    end = _now(now)
    if bucket_width not in BUCKET_WIDTHS:
        raise InvalidParameterError("bucket_width", bucket_width, " or ".join(BUCKET_WIDTHS))
    names = _operation_names(operations, bucket_width)
    if attribution and bucket_width != "1d":
        raise InvalidParameterError(
            "attribution", attribution, "False with bucket_width='1h' (attributed costs are daily)"
        )
    if isinstance(trailing_days, bool) or not isinstance(trailing_days, int) or trailing_days < 0:
        raise InvalidParameterError("trailing_days", trailing_days, "an integer >= 0")
    since_day = None
    if since is not None:
        since_day = floor_day(
            datetime.fromtimestamp(to_unix_seconds(since, param="since", now=end), UTC)
        )
        if since_day >= end:
            raise InvalidParameterError("since", since, f"a time before now ({end.isoformat()})")
    plan = SourcePlan(
        org_id,
        names,
        since_day,
        trailing_days,
        end,
        directory=directory,
        attribution=attribution,
        bucket_width=bucket_width,
        governance=governance,
        forecasts=forecasts,
        anomalies=anomalies,
    )
    if (db is None) == (destination is None):
        raise InvalidParameterError(
            "db", db, "a DuckDB file path, or destination=... instead (one of the two)"
        )
    if not isinstance(source, UsageClient):
        source = list(source)
        if not source or not all(isinstance(o, OrgClient) for o in source):
            raise InvalidParameterError(
                "source", source, "a UsageClient or a non-empty list of OrgClient"
            )
    if table_format not in (None, DELTA):
        raise InvalidParameterError("table_format", table_format, f"None or {DELTA!r}")
    if table_format is not None and db is not None:
        raise InvalidParameterError(
            "table_format", table_format, "None with db (a DuckDB file has its own tables)"
        )
    dlt = require_dlt()
    if db is not None:
        path = os.fspath(db)
        _check_path(path)
        dest: Any = None  # the file, opened under the lock (below)
        dataset = dataset_name or DUCKDB_DATASET
        work = Path(pipelines_dir) if pipelines_dir is not None else Path(f"{path}.dlt")
        lock = FileLock(lock_path(path), path)
        target = path
    else:
        from dlt.common.destination.reference import Destination

        dest = Destination.from_reference(destination)
        if dest is None:
            raise InvalidParameterError("destination", destination, "a dlt destination")
        dataset = dataset_name or DEFAULT_DATASET
        work = Path(pipelines_dir) if pipelines_dir is not None else Path(DEFAULT_PIPELINES_DIR)
        target = f"{dest.destination_name} {dataset}"
        lock = FileLock(work / f"{pipeline_name}.lock", target)
    kind = "duckdb" if dest is None else dest.destination_type.rsplit(".", 1)[-1]
    if table_format is not None:
        if kind != "filesystem":
            raise InvalidParameterError(
                "table_format",
                table_format,
                f"None with the {kind} destination (only filesystem stores Delta tables)",
            )
        require_deltalake()
    tally = Tally()
    if not isinstance(source, UsageClient) and all(org.client is None for org in source):
        # Every organization failed before its first request (no key): nothing can be
        # fetched, so the target is neither locked, opened nor created.
        for org in source:
            tally.fail(org.name, None, org.error or "no client")
        return sync_report(tally, source, plan, target, kind, dataset, None, table_format)
    if db is None:
        try:
            work.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(
                f"{work}: cannot create the working directory: {exc.strerror or exc}",
                path=str(work),
            ) from exc
    # Plain files cannot merge: dlt appends, and readers take each bucket's latest load.
    # Delta tables merge (by row key: _delta).
    disposition = "append" if kind == "filesystem" and table_format is None else "merge"
    tune(dlt, pipeline_name)
    emptied: _EmptiedBuckets | DeltaEmptiedBuckets
    emptied = DeltaEmptiedBuckets(target) if table_format == DELTA else _EmptiedBuckets(target)
    with lock:
        # Made by this run: removed again if the run loads nothing (below).
        new_file = db is not None and not os.path.lexists(target)
        new_work = not work.exists()
        # A DuckDB file is opened once, here, and lent to dlt: left to itself, dlt closes the
        # file whenever its last job returns a connection and opens it again for the next
        # (a checkpoint each time), a third of the load's time.
        connection = _open_duckdb(target) if db is not None else None
        try:
            if connection is not None:
                dest = dlt.destinations.duckdb(lent_credentials(connection))
            if dest is not destination:
                # Made for this run (a team's own destination object is left as it is).
                if kind != "filesystem":  # there the files are what is stored
                    plain_load_files(dest)
                remember_capabilities(dest)
            pipeline = dlt.pipeline(
                pipeline_name=pipeline_name,
                pipelines_dir=str(work),
                destination=dest,
                dataset_name=dataset,
            )
            hooks = SyncHooks(
                tally,
                fetch_ahead=True,  # dlt extracts in order ("fifo": _tuning.tune)
                emptied=None if disposition == "append" else emptied.delete,
            )
            data = planned_source(source, plan, disposition, progress, hooks, table_format)
            emptied.pipeline = pipeline
            with quick_environment_lookups():
                info, resumed = _run(pipeline, data, tally, target, kind, emptied)
                if table_format == DELTA:
                    bucketed = [table.name for table in plan.tables]
                    if plan.attribution:
                        bucketed.append(ATTRIBUTED_TABLE)
                    drop_superseded(pipeline, bucketed, target)
        finally:
            tally.stop()
            if connection is not None:
                connection.close()
        if new_file and not resumed and _all_failed_empty(tally, source):
            # Everything failed and nothing was loaded: a new file would hold only dlt's
            # bookkeeping, and a later run would look like a second one. Removed under the
            # lock, so no other sync can have opened it.
            _remove_new(target, work if new_work else None)
    report = sync_report(tally, source, plan, target, kind, dataset, info, table_format)
    if isinstance(source, UsageClient) and report.failed:
        failure = next(iter(report.failed.values()))
        if failure.error is not None:
            raise failure.error
    return report


def _run(
    pipeline: Any,
    data: Any,
    tally: Tally,
    target: str,
    kind: str,
    emptied: _EmptiedBuckets | DeltaEmptiedBuckets,
) -> tuple[Any, bool]:
    """dlt's load info, and whether a package left by an earlier run was loaded first."""
    from dlt.common.configuration.exceptions import ConfigFieldMissingException
    from dlt.extract.exceptions import ResourceExtractionError
    from dlt.pipeline.exceptions import PipelineStepFailed

    resumed = False
    try:
        if pipeline.has_pending_data:
            resumed = True
            # A run killed after its extraction left a package: load it first (dlt's run()
            # would load it and skip the new data). Its state is already the local state,
            # so the extraction below starts where that package ends.
            pipeline.normalize()
            pipeline.load()
        # Fetching starts now, from the state the pipeline holds, while dlt gets ready (a
        # tenth of a second); dlt's extraction checks it started from dlt's own state.
        stored = _stored_states(pipeline)
        for fetch in tally.fetches:
            fetch.start_early(stored)
        for name in _absent_tables(pipeline, data, stored):
            # Nothing stored to replace: append, without a staging table and a merge per
            # table (a first sync's load takes half the time). A package killed before it
            # is loaded is loaded first by the next run (above), before this is decided again.
            data.resources[name].apply_hints(write_disposition="append")
            emptied.absent.add(name)
        return pipeline.run(data), resumed
    except PipelineStepFailed as exc:
        inner = exc.exception
        if exc.step == "extract" and isinstance(inner, Exception):
            # Raised by our side of the extraction (a progress callback): as it was, not in
            # dlt's wrapper naming the resource.
            if isinstance(inner, ResourceExtractionError) and inner.__cause__ is not None:
                raise inner.__cause__ from None
            raise inner from None
        if isinstance(inner, ConfigFieldMissingException):
            # dlt's own message lists every place it looked, over dozens of lines.
            names = ", ".join(
                f"DESTINATION__{kind.upper()}__{field.upper()}" for field in inner.fields
            )
            raise StoreError(
                f"{target}: the {kind} destination is not configured: set {names} "
                f"(or put {', '.join(inner.fields)} in .dlt/secrets.toml under "
                f"[destination.{kind}])",
                path=target,
            ) from exc
        text = " ".join(str(inner).split())
        raise StoreError(f"{target}: dlt's {exc.step} step failed: {text}", path=target) from exc


def _all_failed_empty(tally: Tally, source: UsageClient | Sequence[OrgClient]) -> bool:
    """Whether every organization failed and the run loaded no row (usage, names, attribution)."""
    count = 1 if isinstance(source, UsageClient) else len(source)
    rows = sum(outcome.rows for outcome in tally.outcomes.values())
    return len(tally.failed) >= count and rows == 0 and not any(tally.directory.values())


def _remove_new(path: str, work: Path | None) -> None:
    """Delete a DuckDB file this run created (and its WAL), and ``work`` if it made that too."""
    for name in (path, f"{path}.wal"):
        with contextlib.suppress(FileNotFoundError):
            os.remove(name)
    if work is not None:
        shutil.rmtree(work, ignore_errors=True)


def _check_path(path: str) -> None:
    """Refuse, before a lock file is made, paths that can never be a database file."""
    target = Path(path)
    if target.is_dir():
        raise StoreError(f"{path} is a directory, not a database file", path=path)
    if not target.parent.is_dir():
        raise StoreError(
            f"{path}: the directory {target.parent} does not exist; create it first", path=path
        )


def _open_duckdb(path: str) -> Any:
    """The DuckDB file, open (created if missing), or one clear error for what dlt would fail
    on later."""
    duckdb = require_duckdb()
    try:
        connection = duckdb.connect(path)
    except duckdb.Error as exc:
        text = " ".join(str(exc).split())
        lowered = text.lower()
        if isinstance(exc, duckdb.IOException) and "lock" in lowered:
            raise SyncLockedError(
                f"{path} is open in another process (another sync, or a program holding it "
                f"open for writing); try again when it is closed",
                path=path,
            ) from exc
        if "not a valid duckdb database file" in lowered:
            problem = "is not a DuckDB database"
        elif "permission denied" in lowered or "read-only" in lowered:
            problem = "cannot be written (permission denied)"
        else:
            problem = f"cannot be opened as a DuckDB database ({text})"
        raise StoreError(f"{path} {problem}; nothing was changed", path=path) from exc
    bound_duckdb_memory(connection)
    return connection


@attrs.define
class _EmptiedBuckets:
    """Deletes the stored rows of buckets a restatement emptied (``usage_source(emptied=)``).

    A merge replaces the buckets that come with rows; a bucket that now has none comes with
    nothing, so its old rows are deleted here, as soon as the operation's whole range has
    arrived, during the extraction. Deleting them early is never wrong: whenever the run
    stops, the API already says these buckets are empty, and the next run fetches again
    from the same state if this one's rows were not loaded.
    """

    target: str
    pipeline: Any = None
    absent: set[str] = attrs.field(factory=set)  # tables the destination does not have yet
    unsupported: bool = False  # the destination has no SQL client

    def delete(self, table: str, org_id: str, buckets: list[datetime]) -> None:
        from dlt.common.destination.exceptions import SqlClientNotAvailable
        from dlt.destinations.exceptions import DatabaseException, DatabaseUndefinedRelation

        if table in self.absent or self.unsupported:
            return
        try:
            client = self.pipeline.sql_client()
        except SqlClientNotAvailable:
            self.unsupported = True
            logger.warning(
                "%s: the destination takes no SQL, so rows of buckets the API emptied since "
                "they were stored stay (a merge replaces only buckets that come with rows)",
                self.pipeline.destination.destination_name,
            )
            return
        try:
            with client:
                name = client.make_qualified_table_name(table)
                marks = ", ".join(["%s"] * len(buckets))
                client.execute_sql(
                    f"DELETE FROM {name} WHERE org_id = %s AND bucket_start IN ({marks})",
                    org_id,
                    *buckets,
                )
        except DatabaseUndefinedRelation:
            return  # the table is not there yet: nothing stored
        except DatabaseException as exc:
            text = " ".join(str(exc).split())
            raise StoreError(
                f"{self.target}: cannot delete the rows of {table} buckets the API emptied: {text}",
                path=self.target,
            ) from exc


def _stored_states(pipeline: Any) -> dict[str, Any]:
    """Each table's state by ``org_id``, as the pipeline holds it (in dlt's layout: the
    source's state under its name, each resource's under ``resources``)."""
    sources = pipeline.state.get("sources", {})
    resources = sources.get(SOURCE_NAME, {}).get("resources", {})
    return {name: state.get("orgs", {}) for name, state in resources.items()}


def _absent_tables(pipeline: Any, data: Any, stored: Mapping[str, Any] | None = None) -> list[str]:
    """The source's merged tables the destination does not have yet (none when it cannot
    say: they are merged, which is always right).

    A table with a state in ``stored`` was loaded before (the state is committed with the
    rows), so the destination is asked only about the others: a later run asks nothing.
    """
    names = [
        name
        for name, resource in data.selected_resources.items()
        if resource.write_disposition == "merge" and not (stored or {}).get(name)
    ]
    if not names:
        return []
    try:
        with pipeline.destination_client() as client:
            found = dict(client.get_storage_tables(names))
    except Exception:  # a destination that cannot list its tables: merged into
        return []
    return [name for name in names if not found.get(name)]


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(microsecond=0)
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise InvalidParameterError("now", now, "an aware datetime (e.g. datetime.now(UTC))")
    return now.astimezone(UTC)


def _operation_names(operations: Iterable[str] | None, bucket_width: str) -> tuple[str, ...]:
    served = tables_for(bucket_width)
    if operations is None:
        return tuple(served)
    names = [operations] if isinstance(operations, str) else list(operations)
    for name in names:
        if name not in OPERATIONS:
            raise InvalidParameterError("operations", name, "names from: " + ", ".join(OPERATIONS))
        if name not in served:
            raise InvalidParameterError(
                "operations",
                name,
                f"operations serving {bucket_width} buckets: " + ", ".join(served),
            )
    return tuple(dict.fromkeys(names))
