"""The ``sync`` command's parts: progress on stderr, and the summary of a ``SyncReport``.

The store does the work (``openai_org_usage.store.sync``); this module only watches it (the
``progress`` callback) and renders what it did in the usual formats.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, TextIO

import attrs
import click
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from openai_org_usage import OPERATIONS, Operation

from ._fetch import stderr_is_interactive
from ._options import CONTEXT_SETTINGS, output_options, source_options, stderr_line
from ._render import (
    console_for,
    new_table,
    number,
    open_output,
    titled,
    when,
    write_csv,
    write_json,
    write_ndjson,
)
from ._rows import Record, iso_utc
from ._source import DEMO_NOTICE, open_source
from ._timerange import RangeError, parse_since

if TYPE_CHECKING:
    from openai_org_usage.store import SyncProgress, SyncReport

_COLUMNS = (
    "operation",
    "rows",
    "deleted",
    "requests",
    "start",
    "end",
    "synced_until",
    "group_by",
    "refused_group_by",
    "asked_start",
)


@attrs.define
class SyncWatcher:
    """The ``progress`` callback of ``sync``: draws a status line on a terminal.

    Attributes:
        operations: The operations being synced, in the store's order.
    """

    operations: Sequence[str]
    _progress: Progress | None = attrs.field(default=None, init=False)
    _task: TaskID | None = attrs.field(default=None, init=False)

    def __call__(self, event: SyncProgress) -> None:
        """Record one committed page (called by the store after each transaction)."""
        if self._progress is None or self._task is None:
            return
        self._progress.update(
            self._task,
            completed=self.operations.index(event.operation),
            description=f"{event.operation}: page {event.page}, {number(event.rows)} rows, "
            f"up to {when(event.end)}",
        )

    @contextmanager
    def shown(self) -> Iterator[SyncWatcher]:
        """Show a progress line on stderr while syncing, if stderr is a terminal."""
        if not stderr_is_interactive():
            yield self
            return
        progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("operations"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,  # feedback, not output: leave the terminal clean
        )
        with progress:
            self._progress = progress
            self._task = progress.add_task("syncing", total=len(self.operations))
            try:
                yield self
            finally:
                self._progress = self._task = None


def sync_records(result: SyncReport) -> list[Record]:
    """One record per operation: rows upserted and deleted, requests, range, stored state.

    ``start``/``end`` are null for an operation with nothing due (already up to date);
    ``synced_until`` is where the stored, gap-free range of complete days ends.
    ``group_by`` is what the rows were fetched by (space-separated, as in the other formats'
    cells), ``refused_group_by`` the fields the API refused (empty: none), and
    ``asked_start`` the start the API refused as too old (null: none; ``start`` is where it
    loaded from).
    """
    out: list[Record] = []
    for operation, rows in result.rows.items():
        span = result.ranges.get(operation)
        until = result.synced_until.get(operation)
        clamp = result.clamped.get(operation)
        out.append(
            {
                "operation": operation,
                "rows": rows,
                "deleted": result.deleted.get(operation, 0),
                "requests": result.pages.get(operation, 0),
                "start": iso_utc(span[0]) if span else None,
                "end": iso_utc(span[1]) if span else None,
                "synced_until": iso_utc(until) if until else None,
                "group_by": " ".join(_grain(result, operation)),
                "refused_group_by": " ".join(result.refused.get(operation, ())),
                "asked_start": iso_utc(clamp.asked) if clamp else None,
            }
        )
    return out


def sync_notes(result: SyncReport) -> list[str]:
    """What the API made the run do differently from what was asked, one line each.

    A start older than the API serves (one line for every operation clamped alike), and
    groupings the API refused (one line per operation).
    """
    notes: list[str] = []
    alike: dict[tuple[datetime, datetime, bool], list[str]] = {}
    for operation, clamp in result.clamped.items():
        alike.setdefault((clamp.asked, clamp.served_from, clamp.stated), []).append(operation)
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
    for operation, refused in result.refused.items():
        kept = ", ".join(_grain(result, operation)) or "nothing (totals only)"
        several = len(refused) > 1
        notes.append(
            f"{operation}: the API refused grouping by {', '.join(refused)}; stored grouped by "
            f"{kept} ({'those fields are' if several else 'that field is'} empty in these "
            f"rows; later runs do not ask for {'them' if several else 'it'} again)."
        )
    return notes


def _grain(result: SyncReport, operation: str) -> tuple[str, ...]:
    found = result.group_by.get(operation)
    return found if found is not None else OPERATIONS[operation].group_by


def render_sync(fmt: str, out: TextIO, result: SyncReport, *, db: str, demo: bool) -> None:
    """Write the summary of a sync in ``fmt``."""
    records = sync_records(result)
    if fmt == "json":
        write_json(
            out,
            {
                "db": db,
                "synthetic": demo,
                "start": iso_utc(result.start) if result.start else None,
                "end": iso_utc(result.end),
                "requests": result.requests,
                "total_rows": result.total_rows,
                "operations": records,
            },
        )
    elif fmt == "ndjson":
        write_ndjson(out, records)
    elif fmt == "csv":
        write_csv(out, _COLUMNS, records)
    else:
        console_for(out).print(_sync_table(result, db=db, demo=demo))


def _sync_table(result: SyncReport, *, db: str, demo: bool) -> Table:
    table = new_table(
        titled(f"Sync into {escape(db)}", demo),
        caption=f"{result.requests:,} requests, {result.total_rows:,} rows upserted; "
        "times are UTC; the current day is partial and fetched again next run",
    )
    table.add_column("operation", no_wrap=True)
    for label in ("rows", "deleted", "requests"):
        table.add_column(label, justify="right")
    table.add_column("fetched", no_wrap=True)
    table.add_column("complete until", no_wrap=True)
    # Shown only when some operation is stored coarser than its finest grain.
    coarser = any(
        _grain(result, operation) != OPERATIONS[operation].group_by for operation in result.rows
    )
    if coarser:
        table.add_column("grouped by")
    for operation, rows in result.rows.items():
        span = result.ranges.get(operation)
        until = result.synced_until.get(operation)
        cells = [
            operation,
            number(rows),
            number(result.deleted.get(operation, 0)),
            number(result.pages.get(operation, 0)),
            f"{when(span[0])} to {when(span[1])}" if span else "(nothing due)",
            when(until) if until else "-",
        ]
        if coarser:
            grain = _grain(result, operation)
            cells.append(
                "all fields"
                if grain == OPERATIONS[operation].group_by
                else escape(", ".join(grain) or "(none)")
            )
        table.add_row(*cells)
    return table


# -- the command ---------------------------------------------------------------------------------

_SYNC_EPILOG = """\b
Examples:
  openai-org-usage sync --db usage.duckdb --since 2026-01-01
  openai-org-usage sync --db usage.duckdb
  openai-org-usage sync --db usage.duckdb --operation costs --operation completions
  openai-org-usage sync --db usage.duckdb --since 2025-06-01     (backfill older days)
  openai-org-usage sync --demo --db demo.duckdb --format json

\b
Then query the tables (costs, usage_completions, usage_embeddings, ...), e.g. with the
duckdb command or Python's duckdb package; spend per month and project:
  duckdb usage.duckdb "SELECT date_trunc('month', bucket_start) AS month, project_id,
    round(sum(amount_value), 2) AS usd FROM costs GROUP BY ALL ORDER BY month, usd DESC"

\b
The first run starts at --since (default: 30 days ago); later runs start 3 days
(--trailing-days) before where the last one stopped, to pick up late revisions of costs,
and end now. Rows are keyed, so re-running never duplicates. One sync per file at a time.
The API serves about a year of history: an older --since loads from its earliest day.
A grouping the API refuses is dropped (user_id first, then api_key_id ...); a note says so.
Needs the duckdb extra: pip install 'openai-org-usage[duckdb]'."""


# -- sync --------------------------------------------------------------------------------------


def sync_command(operations: Mapping[str, Operation[Any]]) -> click.Command:
    """``sync``, its ``--operation`` choices taken from ``operations``."""
    table = tuple(operations)

    @click.command("sync", epilog=_SYNC_EPILOG, context_settings=CONTEXT_SETTINGS)
    @click.option(
        "--db",
        "db",
        required=True,
        type=click.Path(dir_okay=False),
        metavar="PATH",
        help="DuckDB database file (created if missing).",
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
    @click.option(
        "--operation",
        "operations",
        multiple=True,
        type=click.Choice(table),
        metavar="NAME",
        help=f"Sync only this operation (repeatable). Default: all of {', '.join(table)}.",
    )
    @click.option(
        "--trailing-days",
        type=click.IntRange(min=0),
        default=3,
        show_default=True,
        help="Days before the last sync's end fetched again (costs settle over a few days).",
    )
    @source_options
    @output_options
    def sync(
        db: str,
        since: str | None,
        operations: tuple[str, ...],
        trailing_days: int,
        demo: bool,
        base_url: str | None,
        fmt: str,
        output: str | None,
    ) -> None:
        """Copy usage and costs into a DuckDB file, fetching only what is new.

        Each operation is stored at its finest grain (daily buckets grouped by every field the
        API accepts), one table per operation; what is stored is recorded, so the next run
        resumes from there.
        """
        from openai_org_usage.store import sync as store_sync

        source = open_source(demo=demo, base_url=base_url)
        # The table's order, whatever the flags' order (and each operation once).
        names = [name for name in table if name in operations] or list(table)
        watcher = SyncWatcher(names)
        with source.client:
            try:
                # Read against the source's clock: the fake's in demo mode, like --start.
                since_at = None if since is None else parse_since(since, now=source.now)
            except RangeError as exc:
                raise click.UsageError(str(exc)) from None
            with watcher.shown():
                result = store_sync(
                    source.client,
                    db,
                    since=since_at,
                    operations=names,
                    trailing_days=trailing_days,
                    # The fake's clock in demo mode: its data ends there, whatever today is.
                    now=source.now if source.demo else None,
                    progress=watcher,
                )
        if source.demo:
            # After the run, not before: a refused run (locked, no duckdb, bad --since) then
            # says one thing on stderr, its error line.
            stderr_line(DEMO_NOTICE)
        for note in sync_notes(result):
            stderr_line(f"openai-org-usage: note: {note}")
        with open_output(output) as out:
            render_sync(fmt, out, result, db=db, demo=source.demo)

    return sync
