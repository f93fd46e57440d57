"""The click commands: ``report``, ``costs``, ``usage ENDPOINT``, ``sync`` and ``fake-server``."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, NoReturn

import click

from openai_org_usage import OPERATIONS, Paginator, __version__

from . import _errors
from ._fetch import fetch_all
from ._options import (
    USAGE_OPERATIONS,
    endpoint_reference,
    filter_options,
    output_options,
    query_options,
    range_options,
    source_options,
)
from ._render import open_output, render_report, render_rows
from ._report import (
    DEFAULT_TOP,
    REPORT_BUCKET_WIDTH,
    Report,
    build_report,
    fetch_report,
    report_jobs,
)
from ._rows import records
from ._source import DEMO_NOTICE, Source, open_source
from ._timerange import RangeError, TimeRange, parse_since, resolve

_ALL_FILTERS = filter_options(OPERATIONS.values())


class App(click.Group):
    """The root group; turns every expected failure into one ``openai-org-usage: error:`` line."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> NoReturn:
        """Run and exit; unlike click's default, always exits (``standalone_mode`` ignored).

        Non-standalone mode lets the errors reach :func:`_errors.exit_for` instead of click
        printing its multi-line usage banner.
        """
        try:
            result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except BaseException as exc:  # every kind is mapped or re-raised
            _errors.exit_for(exc)
        sys.exit(result if isinstance(result, int) else 0)


@click.group(
    cls=App,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog="""\b
Examples:
  openai-org-usage report --demo
  openai-org-usage report --start 2026-11-01 --end 2026-12-01
  openai-org-usage costs --last 7d --group-by project_id --format csv -o costs.csv
  openai-org-usage usage completions --group-by model --model gpt-4o --format json
  openai-org-usage sync --db usage.duckdb --since 2026-01-01

The admin key is read from OPENAI_ADMIN_KEY only (never an option, never printed).
Run 'openai-org-usage COMMAND --help' for each command's options.""",
)
@click.version_option(__version__, prog_name="openai-org-usage")
def cli() -> None:
    """Usage and spend of an OpenAI organization, from the Usage and Costs API."""


def _stderr(message: str) -> None:
    click.echo(message, err=True)


def _range(
    source: Source, start: str | None, end: str | None, last: str | None, tz: str | None
) -> TimeRange:
    try:
        time_range = resolve(start=start, end=end, last=last, tz=tz, now=source.now)
    except RangeError as exc:
        raise click.UsageError(str(exc)) from None
    return time_range


def _announce(source: Source, time_range: TimeRange, bucket_width: str) -> None:
    """Say what the data is, once every parameter has been validated, before fetching."""
    if source.demo:
        _stderr(DEMO_NOTICE)
    note = time_range.boundary_note(bucket_width)
    if note:
        _stderr(f"openai-org-usage: note: {note}")


@cli.command(
    epilog="""\b
Examples:
  openai-org-usage report --demo
  openai-org-usage report --start 2026-11-01 --end 2026-12-01 --tz Europe/Paris
  openai-org-usage report --last 7d --format json -o report.json
  openai-org-usage report --demo --html report.html --png charts/

\b
Without --start or --last the report covers the last 30 days, ending now.
Sums are over daily (UTC) buckets; vector store bytes are the latest day's level.
--html and --png need the charts extra: pip install 'openai-org-usage[charts]'."""
)
@range_options
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=DEFAULT_TOP,
    show_default=True,
    help="Users and API keys to list.",
)
@click.option(
    "--html",
    "html_path",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    metavar="FILE",
    help="Also write a self-contained HTML report (charts and tables) to FILE. '-' writes "
    "the page to standard output instead of the --format output (which then goes only to "
    "--output FILE, if given).",
)
@click.option(
    "--png",
    "png_dir",
    type=click.Path(file_okay=False),
    callback=lambda _ctx, _param, value: _not_dash(value, "--png"),
    metavar="DIR",
    help="Also write each chart as DIR/<chart>.png (DIR created if missing).",
)
@source_options
@output_options
def report(
    start: str | None,
    end: str | None,
    last: str | None,
    tz: str | None,
    top: int,
    html_path: str | None,
    png_dir: str | None,
    demo: bool,
    base_url: str | None,
    fmt: str,
    output: str | None,
) -> None:
    """Summary of a range: spend, tokens by model, top users and keys, other endpoints.

    Spend by project and by line item comes from the costs endpoint; tokens and requests
    from completions grouped by model, user and API key; then totals of every other endpoint.
    With --html or --png, also charts: daily spend by project and by line item, tokens by
    model, requests by endpoint. The --format output is written as usual either way
    (with --html -, the page takes standard output and --format goes only to --output).
    """
    html_to_stdout = html_path == "-"
    if html_to_stdout and output == "-":
        raise click.UsageError(
            "--html - and --output - both write to standard output; give one of them a file"
        )
    charts_wanted = html_path is not None or png_dir is not None
    if charts_wanted:
        # Imported here: matplotlib is optional, and checked before the first request.
        from . import _charts

        _charts.require()
    source = open_source(demo=demo, base_url=base_url)
    with source.client:
        time_range = _range(source, start, end, last, tz)
        jobs = report_jobs(source.client, time_range)
        _announce(source, time_range, REPORT_BUCKET_WIDTH)
        data = fetch_report(jobs, fetch_all)
    result = build_report(data, time_range, demo=source.demo, top=top)
    if charts_wanted:
        _write_charts(result, html_path, png_dir)
    if html_to_stdout and output is None:
        return  # standard output holds the page; the --format output was not asked a file
    with open_output(output) as out:
        render_report(fmt, out, result)


def _not_dash(value: str | None, flag: str) -> str | None:
    """Refuse '-' for an option that writes several files (click would make a folder "-")."""
    if value == "-":
        raise click.BadParameter(
            f"{flag} takes a directory for one PNG file per chart; '-' (standard output) "
            "cannot hold them: give a directory"
        )
    return value


def _write_charts(result: Report, html_path: str | None, png_dir: str | None) -> None:
    """Render the charts once; write the HTML page and/or the PNG files."""
    from ._charts import render_charts
    from ._html import render_html, write_html, write_pngs

    generated = datetime.now(UTC).replace(microsecond=0)
    charts = render_charts(result)
    if html_path == "-":
        click.echo(render_html(result, charts, generated), nl=False)
    elif html_path is not None:
        write_html(html_path, result, charts, generated)
    if png_dir is not None:
        write_pngs(png_dir, charts)


def _raw(
    operation_name: str,
    options: Mapping[str, Any],
    call: Callable[[Source, TimeRange], Paginator[Any]],
) -> None:
    """Shared body of ``costs`` and ``usage``: fetch rows, render them."""
    operation = OPERATIONS[operation_name]
    width = options["bucket_width"] or operation.default_bucket_width
    source = open_source(demo=options["demo"], base_url=options["base_url"])
    with source.client:
        time_range = _range(
            source, options["start"], options["end"], options["last"], options["tz"]
        )
        paginator = call(source, time_range)
        _announce(source, time_range, width)
        (buckets,) = fetch_all([(operation_name, paginator)])
    rows = records(buckets)
    with open_output(options["output"]) as out:
        render_rows(
            options["fmt"],
            out,
            operation,
            rows,
            start=time_range.start,
            end=time_range.end,
            demo=source.demo,
        )


def _api_filters(operation_name: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """Given filter options as API arguments; a filter the operation lacks is a usage error."""
    operation = OPERATIONS[operation_name]
    out: dict[str, Any] = {}
    for spec in _ALL_FILTERS:
        value = options.get(spec.dest)
        if value is None or value == ():
            continue
        if spec.api_name not in operation.filters:
            valid = [s.flag for s in _ALL_FILTERS if s.api_name in operation.filters]
            raise click.UsageError(
                f"{spec.flag} is not valid for endpoint '{operation_name}' "
                f"(its filters: {', '.join(valid) or 'none'})"
            )
        out[spec.api_name] = list(value) if isinstance(value, tuple) else value
    group_by = options.get("group_by") or ()
    for field in group_by:
        if field not in operation.group_by:
            raise click.UsageError(
                f"--group-by {field} is not valid for endpoint '{operation_name}' "
                f"(choose from: {', '.join(operation.group_by)})"
            )
    return out


def _paginator(
    operation_name: str, options: Mapping[str, Any]
) -> Callable[[Source, TimeRange], Paginator[Any]]:
    filters = _api_filters(operation_name, options)

    def call(source: Source, time_range: TimeRange) -> Paginator[Any]:
        method: Callable[..., Paginator[Any]] = getattr(source.client, operation_name)
        return method(
            start=time_range.start,
            end=time_range.end,
            bucket_width=options["bucket_width"],
            group_by=list(options["group_by"]) or None,
            limit=options["limit"],
            **filters,
        )

    return call


@cli.command(
    epilog="""\b
Examples:
  openai-org-usage costs --demo --start 2026-11-01 --end 2026-11-08
  openai-org-usage costs --last 30d --group-by project_id --group-by line_item --format csv
  openai-org-usage costs --start 2026-10-01 --project-id proj_abc --format ndjson -o costs.ndjson

\b
One row per result: bucket start and end (UTC) and every field of the API's result.
Without --start or --last: the last 30 days."""
)
@range_options
@query_options([OPERATIONS["costs"]])
@source_options
@output_options
def costs(**options: Any) -> None:
    """Raw spend rows, one per daily bucket and group (costs endpoint)."""
    _raw("costs", options, _paginator("costs", options))


@cli.command(
    "usage",
    epilog=endpoint_reference(USAGE_OPERATIONS.values())
    + """

\b
Examples:
  openai-org-usage usage completions --demo --start 2026-11-01 --end 2026-11-08 --group-by model
  openai-org-usage usage images --last 7d --group-by size --size 1024x1024 --format csv
  openai-org-usage usage completions --bucket-width 1h --last 24h --no-batch --format ndjson

\b
Filters and --group-by values must exist for the chosen endpoint (listed above).
One row per result: bucket start and end (UTC) and every field of the API's result.
Without --start or --last: the last 30 days.""",
)
@click.argument("endpoint", type=click.Choice(tuple(USAGE_OPERATIONS)), metavar="ENDPOINT")
@range_options
@query_options(USAGE_OPERATIONS.values())
@source_options
@output_options
def usage_command(endpoint: str, **options: Any) -> None:
    """Raw usage rows of one ENDPOINT, one per bucket and group."""
    _raw(endpoint, options, _paginator(endpoint, options))


@cli.command(
    epilog="""\b
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
Needs the duckdb extra: pip install 'openai-org-usage[duckdb]'.""",
)
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
    type=click.Choice(tuple(OPERATIONS)),
    metavar="NAME",
    help=f"Sync only this operation (repeatable). Default: all of {', '.join(OPERATIONS)}.",
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

    from ._sync import SyncWatcher, render_sync, sync_notes

    source = open_source(demo=demo, base_url=base_url)
    # The table's order, whatever the flags' order (and each operation once).
    names = [name for name in OPERATIONS if name in operations] or list(OPERATIONS)
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
        _stderr(DEMO_NOTICE)
    for note in sync_notes(result):
        _stderr(f"openai-org-usage: note: {note}")
    with open_output(output) as out:
        render_sync(fmt, out, result, db=db, demo=source.demo)


@cli.command(
    "fake-server",
    epilog="""\b
Examples:
  openai-org-usage fake-server
  openai-org-usage fake-server --port 9000 --seed 7 --latency 0.05

\b
Then, in another shell:
  OPENAI_BASE_URL=http://127.0.0.1:8089/v1 OPENAI_ADMIN_KEY=sk-fake openai-org-usage report""",
)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8089,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Picks the synthetic organization and its traffic.",
)
@click.option(
    "--latency",
    type=click.FloatRange(min=0),
    default=0.0,
    show_default=True,
    help="Seconds added to every response.",
)
def fake_server(port: int, host: str, seed: int, latency: float) -> None:
    """Serve the embedded fake Usage API on loopback until Ctrl-C.

    The data is synthetic and deterministic; its clock is fixed, so the same request always
    gets the same answer. Any non-empty bearer key is accepted.
    """
    from openai_org_usage.fake import FakeUsageAPI, serve

    api = FakeUsageAPI(seed, latency=latency)
    server = serve(api, host, port)
    try:
        bound_host, bound_port = server.server_address[:2]
        shown = bound_host.decode() if isinstance(bound_host, bytes) else str(bound_host)
        if ":" in shown:
            shown = f"[{shown}]"
        base_url = f"http://{shown}:{bound_port}/v1"
        click.echo(f"Fake OpenAI Usage API (synthetic data, seed {seed}) at {base_url}")
        click.echo(f"Its clock is fixed at {api.now:%Y-%m-%dT%H:%M:%SZ}. Ctrl-C to stop. Try:")
        click.echo(
            f"  OPENAI_BASE_URL={base_url} OPENAI_ADMIN_KEY=sk-fake "
            f"openai-org-usage report --start 2026-11-01 --end 2026-11-08"
        )
        sys.stdout.flush()
        server.serve_forever()
    finally:
        server.server_close()
