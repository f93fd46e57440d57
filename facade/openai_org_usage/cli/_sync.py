"""The ``sync`` command: options, progress on stderr, and the summary of a ``SyncReport``.

The store does the work (``openai_org_usage.store.sync``, a dlt pipeline); this module picks
the target and the organizations from the options, watches the run (the ``progress``
callback) and renders what it did in the usual formats.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TextIO

import attrs
import click
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress, TaskID, TimeElapsedColumn
from rich.table import Table

from openai_org_usage import OPERATIONS, Operation, UsageClient
from openai_org_usage.timerange import RangeError, parse_since

from ._fetch import DescriptionColumn, stderr_is_interactive
from ._formatting import number, when
from ._options import (
    CONTEXT_SETTINGS,
    choices_option,
    counting_option,
    output_options,
    path_option,
    source_options,
    stderr_line,
)
from ._rows import Record, iso_utc
from ._source import DEMO_NOTICE, SourceSettings, open_source
from ._table import console_for, new_table, titled
from ._writers import OutputSettings, open_output, write_csv, write_json, write_ndjson

if TYPE_CHECKING:
    from openai_org_usage.store import OperationReport, OrgClient, SyncProgress, SyncReport

_COLUMNS = (
    "org",
    "org_id",
    "operation",
    "table",
    "rows",
    "requests",
    "start",
    "end",
    "synced_until",
    "group_by",
    "refused_group_by",
    "asked_start",
)
FAILED = 1


@attrs.define
class SyncWatcher:
    """The ``progress`` callback of ``sync``: draws a status line on a terminal."""

    _progress: Progress | None = attrs.field(default=None, init=False)
    _task: TaskID | None = attrs.field(default=None, init=False)

    def __call__(self, event: SyncProgress) -> None:
        """Record one page handed to dlt."""
        if self._progress is None or self._task is None:
            return
        upto = f", up to {when(event.end)}" if event.end else ""
        self._progress.update(
            self._task,
            description=f"{event.org} {event.operation}: page {event.page}, "
            f"{number(event.rows)} rows{upto}",
        )

    @contextmanager
    def shown(self) -> Iterator[SyncWatcher]:
        """Show a progress line on stderr while syncing, if stderr is a terminal."""
        if not stderr_is_interactive():
            yield self
            return
        progress = Progress(
            DescriptionColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,  # feedback, not output: leave the terminal clean
        )
        with progress:
            self._progress = progress
            self._task = progress.add_task("syncing", total=None)
            try:
                yield self
            finally:
                self._progress = self._task = None


def sync_records(result: SyncReport) -> list[Record]:
    """One record per organization and operation: rows, requests, range, stored state.

    ``start``/``end`` are null for an operation with nothing due (already up to date);
    ``synced_until`` is where the stored, gap-free range of complete days ends.
    ``group_by`` is what the rows were fetched by (space-separated, as in the other formats'
    cells), ``refused_group_by`` the fields the API refused (empty: none), and
    ``asked_start`` the start the API refused as too old (null: none; ``start`` is where it
    loaded from).
    """
    return [
        {
            "org": op.org,
            "org_id": op.org_id,
            "operation": op.operation,
            "table": op.table,
            "rows": op.rows,
            "requests": op.pages,
            "start": iso_utc(op.start) if op.start else None,
            "end": iso_utc(op.end) if op.end else None,
            "synced_until": iso_utc(op.synced_until) if op.synced_until else None,
            "group_by": " ".join(op.group_by),
            "refused_group_by": " ".join(op.refused),
            "asked_start": iso_utc(op.clamp.asked) if op.clamp else None,
        }
        for op in result.operations
    ]


def sync_notes(result: SyncReport) -> list[str]:
    """What the API made the run do differently from what was asked, one line each.

    A start older than the API serves (one line for every operation clamped alike), groupings
    the API refused in this run (one line per organization and operation; a later run does
    not ask for them, so it says nothing), a directory not loaded, and the governance reads
    the key may not make (their rows are missing; the rest loaded).
    """
    several = len({op.org for op in result.operations}) > 1
    notes: list[str] = []
    alike: dict[tuple[datetime, datetime, bool], list[str]] = {}
    for op in result.operations:
        if op.clamp is not None:
            key = (op.clamp.asked, op.clamp.served_from, op.clamp.stated)
            alike.setdefault(key, []).append(_who(op.org, op.operation, several))
    for (asked, served, stated), operations in alike.items():
        which = "" if len(alike) == 1 else f" ({', '.join(operations)})"
        if stated:
            notes.append(
                f"The API serves data from {served:%Y-%m-%d}; loaded from there "
                f"(asked for {asked:%Y-%m-%d}){which}."
            )
        else:
            notes.append(
                f"The API refused {asked:%Y-%m-%d} as too old without saying how far back it "
                f"serves; loaded from {served:%Y-%m-%d}, a year back{which}."
            )
    for op in result.operations:
        # Said once, by the run the API refused: later runs do not ask again (the refusal is
        # kept in the pipeline's state), and their summary shows the grain the rows have.
        if not op.refused_now:
            continue
        kept = ", ".join(op.group_by) or "nothing (totals only)"
        many = len(op.refused_now) > 1
        notes.append(
            f"{_who(op.org, op.operation, several)}: the API refused grouping by "
            f"{', '.join(op.refused_now)}; stored grouped by {kept} "
            f"({'those fields are' if many else 'that field is'} empty in these rows; later "
            f"runs do not ask for {'them' if many else 'it'} again)."
        )
    for org, why in result.directory_skipped.items():
        prefix = "" if not several else f"{org}: "
        notes.append(f"{prefix}names (projects, users, API keys) not loaded: {why}.")
    for org, found in result.governance_notes.items():
        prefix = "" if not several else f"{org}: "
        notes += [f"{prefix}governance: {note}." for note in found]
    return notes


def failure_lines(result: SyncReport) -> list[str]:
    """One line per organization that failed: where and why."""
    lines = []
    for org, failure in result.failed.items():
        where = f" on {failure.operation}" if failure.operation else ""
        lines.append(f"organization {org} failed{where}: {failure.message}")
    return lines


def _who(org: str, operation: str, several: bool) -> str:
    return f"{org} {operation}" if several else operation


def render_sync(
    fmt: str,
    out: TextIO,
    result: SyncReport,
    *,
    demo: bool,
    csv_raw: bool = False,
    kept: bool = True,
) -> None:
    """Write the summary of a sync in ``fmt`` (``kept=False``: the DuckDB file the run would
    have created was not, since nothing was loaded)."""
    records = sync_records(result)
    if fmt == "json":
        write_json(
            out,
            {
                "target": result.target,
                "destination": result.destination,
                "table_format": result.table_format,
                "dataset": result.dataset,
                "synthetic": demo,
                "start": iso_utc(result.start) if result.start else None,
                "end": iso_utc(result.end),
                "requests": result.requests,
                "total_rows": result.total_rows,
                "operations": records,
                "failed": {
                    org: {"operation": f.operation, "error": f.message}
                    for org, f in result.failed.items()
                },
                "directory": [
                    {"org": org, "table": table, "rows": rows}
                    for (org, table), rows in result.directory.items()
                ],
                "directory_skipped": dict(result.directory_skipped),
                "governance": [
                    {"org": org, "table": table, "rows": rows}
                    for (org, table), rows in result.governance.items()
                ],
                "governance_notes": {
                    org: list(notes) for org, notes in result.governance_notes.items()
                },
            },
        )
    elif fmt == "ndjson":
        write_ndjson(out, records)
    elif fmt == "csv":
        write_csv(out, _COLUMNS, records, raw=csv_raw)
    else:
        console_for(out).print(_sync_table(result, demo=demo, kept=kept))


def _sync_table(result: SyncReport, *, demo: bool, kept: bool = True) -> Table:
    """The summary for people; ``kept=False``: the DuckDB file was not created."""
    requests = "request" if result.requests == 1 else "requests"
    parts = [f"{result.requests:,} {requests}, {result.total_rows:,} rows loaded"]
    if result.failed:
        count = len(result.failed)
        parts.append(f"{count} organization{'s' if count != 1 else ''} failed")
    if result.governance:
        tables = len({table for _, table in result.governance})
        rows = sum(result.governance.values())
        parts.append(f"governance: {rows:,} rows in {tables} tables")
    if not kept:
        parts.append(f"{escape(result.target)} was not created")
    if result.operations:
        parts.append("times are UTC")
    if any(op.end is not None and not _failed_on(result, op) for op in result.operations):
        parts.append("the current day is partial and fetched again next run")
    summary = "; ".join(parts)
    title = titled(f"Sync into {escape(result.target)}", demo)
    if not result.operations:
        # Every organization failed before its first operation: no table to show, and the
        # failures follow on stderr.
        table = new_table(title)
        table.empty = summary
        return table
    table = new_table(title, caption=summary)
    several = len({op.org for op in result.operations}) > 1
    if several:
        table.add_column("org", no_wrap=True)
    table.add_column("operation", no_wrap=True)
    for label in ("rows", "requests"):
        table.add_column(label, justify="right")
    table.add_column("fetched", no_wrap=True)
    table.add_column("complete until", no_wrap=True)
    # Shown only when some operation is stored coarser than its finest grain.
    coarser = any(op.group_by != OPERATIONS[op.operation].group_by for op in result.operations)
    if coarser:
        # Wrapped at spaces, never shortened: which fields the rows have matters.
        table.add_column("grouped by", overflow="fold")
    for op in result.operations:
        cells = [escape(op.org)] if several else []
        cells += [
            op.operation,
            number(op.rows),
            number(op.pages),
            _fetched(result, op),
            when(op.synced_until) if op.synced_until else "-",
        ]
        if coarser:
            cells.append(
                "all fields"
                if op.group_by == OPERATIONS[op.operation].group_by
                else escape(", ".join(op.group_by) or "(none)")
            )
        table.add_row(*cells)
    return table


def _fetched(result: SyncReport, op: OperationReport) -> str:
    """The range an operation was fetched over, as a table shows it."""
    if _failed_on(result, op):
        return "failed"  # not the whole range: the error line says where and why
    if op.start and op.end:
        return f"{when(op.start)} to {when(op.end)}"
    return "(nothing due)"


def _failed_on(result: SyncReport, op: OperationReport) -> bool:
    """Whether ``op`` is where its organization failed (its range was not fetched whole)."""
    failure = result.failed.get(op.org)
    return failure is not None and failure.operation == op.operation


# -- the command ---------------------------------------------------------------------------------

_SYNC_EPILOG = """\b
Examples:
  openai-org-usage sync --db usage.duckdb --since 2026-01-01
  openai-org-usage sync --db usage.duckdb
  openai-org-usage sync --db usage.duckdb --operation costs --operation completions
  openai-org-usage sync --destination postgres --since 2026-01-01
  openai-org-usage sync --destination filesystem --config orgs.toml
  openai-org-usage sync --destination filesystem --table-format delta
  openai-org-usage sync --demo --db demo.duckdb --format json

\b
--destination is any dlt destination (postgres, bigquery, snowflake, clickhouse,
filesystem ...), configured the dlt way, never on this command line:
  DESTINATION__POSTGRES__CREDENTIALS=postgresql://user@host:5432/db
  DESTINATION__FILESYSTEM__BUCKET_URL=file:///data/openai   (Parquet files)
or .dlt/secrets.toml. The tables land in the dataset (schema) openai_org_usage (--dataset);
in a DuckDB file, in its main schema. Plain Parquet files are appended to: readers take
each bucket from its latest _dlt_load_id. --table-format delta stores Delta tables instead
([delta] extra), which merge like a database: restated buckets are replaced.

\b
--config orgs.toml syncs several organizations, concurrently, within one budget:
  max_concurrency = 4
  [[organizations]]
  name = "acme"
  org_id = "org-abc123"
  key_env = "OPENAI_ADMIN_KEY_ACME"
One that fails does not stop the others; the exit status is 1 and stderr says why.

\b
Then query the tables (costs, usage_completions, ..., projects, users, api_keys), e.g.:
  duckdb usage.duckdb "SELECT date_trunc('month', bucket_start) AS month, project_id,
    round(sum(amount_value), 2) AS usd FROM costs GROUP BY ALL ORDER BY month, usd DESC"

\b
Governance (on; --no-governance leaves it out): spend_limits, spend_alerts and rate_limits
(the organization's, each project's and each key's own), a snapshot per run (observed_at),
and audit_logs, each event once (from --since, then from where the last run stopped). A
read the key may not make is a note, not a failure. --forecasts adds forecasts (the month-end
forecast per scope, as the budget command shows it) and --anomalies the last 7 complete
days' anomalies per project, key, user and model; both read up to a year of costs.

\b
The first run starts at --since (default: 30 days ago); later runs start 3 days
(--trailing-days) before where the last one stopped, to pick up restated costs, and end now.
Each bucket is replaced as a whole, so re-running never duplicates (in plain Parquet
files, a bucket's latest load is its current rows). One sync per target at a
time. The API serves about a year of history: an older --since loads from its earliest day.
A grouping the API refuses is dropped (user_id first, then api_key_id ...); a note says so."""


def sync_command(operations: Mapping[str, Operation[Any]]) -> click.Command:
    """``sync``, its ``--operation`` choices taken from ``operations``."""
    table = tuple(operations)
    operations_of = operations

    @click.command("sync", epilog=_SYNC_EPILOG, context_settings=CONTEXT_SETTINGS)
    @path_option(
        "--db",
        "PATH",
        "DuckDB database file (created if missing): the embedded default, no server.",
    )
    @click.option(
        "--destination",
        metavar="NAME",
        help="A dlt destination instead of --db (postgres, bigquery, filesystem ...), "
        "configured through dlt's environment variables or .dlt/secrets.toml.",
    )
    @click.option(
        "--table-format",
        type=click.Choice(["delta"]),
        help="With --destination filesystem: Delta tables ([delta] extra), which merge "
        "(restated buckets are replaced), instead of Parquet files, which are appended to.",
    )
    @click.option(
        "--dataset",
        metavar="NAME",
        help="The dataset (schema) of the tables. Default: openai_org_usage (main in --db).",
    )
    @path_option(
        "--pipelines-dir",
        "DIR",
        "dlt's working directory. Default: PATH.dlt next to --db, else "
        ".openai-org-usage in the current directory.",
        folder=True,
    )
    @path_option(
        "--config",
        "FILE",
        "TOML file listing the organizations to sync (see below); default: the one "
        "organization of OPENAI_ADMIN_KEY. Not with --demo.",
    )
    @click.option(
        "--org-id",
        default="default",
        show_default=True,
        metavar="ID",
        help="The org_id stored in the rows when syncing one organization without --config.",
    )
    @click.option(
        "--since",
        metavar="WHEN",
        help="Where a first sync starts, or an earlier day to backfill from: a date "
        "(2026-01-01), an ISO datetime (without an offset: UTC) or a span back from now (90d); "
        "floored to a UTC day. Default: 30 days ago on a first sync, then where the last sync "
        "stopped. Older than the API serves (about a year): loads from its earliest day, "
        "and says so.",
    )
    @choices_option(
        "--operation",
        "operations",
        table,
        f"Sync only this operation (repeatable). Default: all of {', '.join(table)}.",
        metavar="NAME",
    )
    @click.option(
        "--bucket-width",
        type=click.Choice(["1d", "1h"]),
        default="1d",
        show_default=True,
        help="1h: hourly tables (usage_completions_1h ...) beside the daily ones, for the "
        "operations that serve hours (not costs); incremental and merged like the daily.",
    )
    @counting_option(
        "--trailing-days",
        3,
        "Days before the last sync's end fetched again (costs are restated for 2 days).",
    )
    @click.option(
        "--names/--no-names",
        default=True,
        show_default=True,
        help="Also load the projects, users, API keys and service accounts tables.",
    )
    @click.option(
        "--attributed-costs/--no-attributed-costs",
        "attributed",
        default=False,
        show_default=True,
        help="Also load attributed_costs: each day's bill attributed to project, user and API "
        "key (estimates reconciled to the cent); one more request per priced endpoint.",
    )
    @click.option(
        "--governance/--no-governance",
        default=True,
        show_default=True,
        help="Also load spend_limits, spend_alerts and rate_limits (a snapshot per run) and "
        "audit_logs (incremental); a few requests per project.",
    )
    @click.option(
        "--forecasts/--no-forecasts",
        default=False,
        show_default=True,
        help="Also load forecasts: each scope's month-end forecast and limit at this run "
        "(as budget shows them); reads a year of costs.",
    )
    @click.option(
        "--anomalies/--no-anomalies",
        default=False,
        show_default=True,
        help="Also load anomalies: the last 7 complete days' anomalies per project, key, "
        "user and model, with their drivers (JSON); reads 8 weeks of costs.",
    )
    @source_options
    @output_options
    def sync(
        db: str | None,
        destination: str | None,
        table_format: str | None,
        dataset: str | None,
        pipelines_dir: str | None,
        config: str | None,
        org_id: str,
        since: str | None,
        operations: tuple[str, ...],
        bucket_width: str,
        trailing_days: int,
        names: bool,
        attributed: bool,
        governance: bool,
        forecasts: bool,
        anomalies: bool,
        api: SourceSettings,
        output: OutputSettings,
    ) -> None:
        """Copy usage and costs into a DuckDB file or any dlt destination, fetching only
        what is new.

        Each operation is stored at its finest grain (daily buckets grouped by every field the
        API accepts), one table per operation, with the organization's org_id; what is stored
        is recorded with the rows, so the next run resumes from there.
        """
        from openai_org_usage.store import load_organizations, open_clients
        from openai_org_usage.store import sync as store_sync

        if (db is None) == (destination is None):
            raise click.UsageError("give --db PATH (a DuckDB file) or --destination NAME")
        if table_format is not None and db is not None:
            raise click.UsageError(
                "--table-format is for --destination filesystem, not --db (a DuckDB file "
                "has tables of its own)"
            )
        if api.demo and config is not None:
            # Synthetic rows under the org_ids of real organizations, maybe in their real
            # tables, would pass for their data.
            raise click.UsageError(
                "--demo and --config cannot be combined: --demo syncs one synthetic "
                "organization from the embedded fake, --config the real organizations its "
                "file lists; give one of them"
            )
        orgs_config = load_organizations(config) if config is not None else None
        # Whether the DuckDB file is there before the run (the store removes a new one that
        # the run loaded nothing into).
        existed = db is None or os.path.lexists(db)
        # The table's order, whatever the flags' order (and each operation once); hourly:
        # the operations that serve hours.
        served = [name for name in table if bucket_width in operations_of[name].bucket_widths]
        refused = [name for name in operations if name not in served]
        if refused:
            raise click.UsageError(
                f"--operation {refused[0]} serves no {bucket_width} buckets; with "
                f"--bucket-width {bucket_width}: {', '.join(served)}"
            )
        if attributed and bucket_width != "1d":
            raise click.UsageError("--attributed-costs is daily: sync it without --bucket-width 1h")
        chosen = [name for name in served if name in operations] or served
        watcher = SyncWatcher()
        with ExitStack() as stack:
            source: UsageClient | list[OrgClient]
            if orgs_config is None:
                opened = open_source(api)
                stack.enter_context(opened.client)
                source, now, is_demo = opened.client, opened.now, opened.demo
            else:
                source = open_clients(
                    orgs_config.organizations, max_concurrency=orgs_config.max_concurrency
                )
                for org in source:
                    if org.client is not None:
                        stack.enter_context(org.client)
                now, is_demo = datetime.now(UTC), False
            try:
                # Read against the source's clock: the fake's in demo mode, like --start.
                since_at = None if since is None else parse_since(since, now=now)
            except RangeError as exc:
                raise click.UsageError(str(exc)) from None
            with watcher.shown():
                result = store_sync(
                    source,
                    db,
                    destination=destination,
                    table_format=table_format,
                    dataset_name=dataset,
                    pipelines_dir=pipelines_dir,
                    org_id=org_id,
                    since=since_at,
                    operations=chosen,
                    trailing_days=trailing_days,
                    # The fake's clock in demo mode: its data ends there, whatever today is.
                    now=now if is_demo else None,
                    directory=names,
                    attribution=attributed,
                    governance=governance,
                    forecasts=forecasts,
                    anomalies=anomalies,
                    progress=watcher,
                    bucket_width=bucket_width,
                )
        if is_demo:
            # After the run, not before: a refused run (locked, bad --since) then says one
            # thing on stderr, its error line.
            stderr_line(DEMO_NOTICE)
        for note in sync_notes(result):
            stderr_line(f"openai-org-usage: note: {note}")
        kept = existed or os.path.lexists(result.target)
        with open_output(output.path) as out:
            render_sync(output.fmt, out, result, demo=is_demo, csv_raw=output.csv_raw, kept=kept)
        if result.failed:
            from ._errors import error_line

            for line in failure_lines(result):
                error_line(line)
            sys.exit(FAILED)

    return sync
