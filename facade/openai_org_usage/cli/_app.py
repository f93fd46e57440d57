"""The root command and its commands: ``report`` and one per operation (``costs``, ``usage
ENDPOINT``); ``attribute``, ``sync`` and ``fake-server`` come from their own modules.

The data commands are made from the operation table when the app is built (``build_cli``):
an operation under ``/organization/usage/`` is an ENDPOINT of ``usage``, any other is a command
of its own, named like the client's method. Each gets its options (``_options``), its help
(the operation's summary and description, if the table has them) and examples from its
``Operation``; nothing here names an operation.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, NoReturn

import click

from openai_org_usage import (
    OPERATIONS,
    Operation,
    Paginator,
    __version__,
)
from openai_org_usage.attribution import Names
from openai_org_usage.export import columns
from openai_org_usage.timerange import RangeError, TimeRange, resolve

from . import _errors
from ._admin import admin_group
from ._alert import alert_command
from ._attribute import attribute_command
from ._budget import budget_command
from ._fake_server import fake_server
from ._fetch import fetch_all, stream_pages
from ._focus import export_group
from ._mcp import mcp_command
from ._metrics import metrics_group
from ._options import (
    CONTEXT_SETTINGS,
    SETTINGS_ARGUMENTS,
    endpoint_reference,
    filter_options,
    names_options,
    operation_options,
    output_options,
    range_options,
    source_options,
    stderr_line,
)
from ._report import DEFAULT_TOP, REPORT_BUCKET_WIDTH, Report, fetch_report, report_jobs
from ._report_build import build_report
from ._report_tables import render_report
from ._row_tables import render_rows
from ._rows import Record, iso_utc, name_fields, record_chunks, records, with_names
from ._source import (
    DEMO_NOTICE,
    LoadedNames,
    Source,
    SourceSettings,
    demo_errors,
    load_names,
    open_source,
)
from ._stream import named_chunks, write_chunks
from ._sync import sync_command
from ._writers import OutputSettings, lazy_output, open_output

USAGE_GROUP = "usage"
# Operations under this path are the `usage` group's endpoints; any other is a command.
USAGE_PATH = "/organization/usage/"
# Commands of their own, which no operation may take the name of.
_OWN_COMMANDS = (
    "report",
    "attribute",
    "sync",
    "fake-server",
    "export",
    "metrics",
    "mcp",
    "budget",
    "alert",
    "admin",
)
_DEFAULT_RANGE = "Without --start or --last: the last 30 days."


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


_ROOT_EPILOG = """\b
Examples:
  openai-org-usage report --demo
  openai-org-usage report --start 2026-11-01 --end 2026-12-01
  openai-org-usage attribute --by user_id --last 30d
  openai-org-usage costs --last 7d --group-by project_id --format csv -o costs.csv
  openai-org-usage usage completions --group-by model --model gpt-4o --format json
  openai-org-usage sync --db usage.duckdb --since 2026-01-01

The admin key is read from OPENAI_ADMIN_KEY only (never an option, never printed).
Run 'openai-org-usage COMMAND --help' for each command's options."""


def build_cli(operations: Mapping[str, Operation[Any]] = OPERATIONS) -> App:
    """The ``openai-org-usage`` command, with one data command per operation of ``operations``.

    Args:
        operations: The operation table, by client method name (tests pass their own).

    Raises:
        ValueError: An operation's command or option would clash with another.
    """

    @click.group(cls=App, context_settings=CONTEXT_SETTINGS, epilog=_ROOT_EPILOG)
    @click.version_option(__version__, prog_name="openai-org-usage")
    def cli() -> None:
        """Usage and spend of an OpenAI organization, from the Usage and Costs API."""

    cli.add_command(report)
    cli.add_command(attribute_command)
    endpoints = []
    for op in operations.values():
        if op.path.startswith(USAGE_PATH):
            endpoints.append(op)
            continue
        if op.name in (USAGE_GROUP, *_OWN_COMMANDS):
            raise ValueError(f"operation {op.name!r} would replace the {op.name} command")
        cli.add_command(operation_command(op, operations.values()))
    if endpoints:
        cli.add_command(usage_group(endpoints, operations.values()))
    cli.add_command(sync_command(operations))
    cli.add_command(fake_server)
    cli.add_command(export_group)
    cli.add_command(metrics_group)
    cli.add_command(mcp_command)
    cli.add_command(budget_command)
    cli.add_command(alert_command)
    cli.add_command(admin_group)
    return cli


def command_words(operation: Operation[Any]) -> tuple[str, ...]:
    """How the command line names an operation's command: ``("usage", "completions")``."""
    if operation.path.startswith(USAGE_PATH):
        return (USAGE_GROUP, operation.name)
    return (operation.name,)


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
        stderr_line(DEMO_NOTICE)
    note = time_range.boundary_note(bucket_width)
    if note:
        stderr_line(f"openai-org-usage: note: {note}")


@click.command(
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
    help="Entries per table: users and API keys (projects, line items and models: at least "
    "15); one last row sums the rest.",
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
@click.option(
    "--ids",
    is_flag=True,
    help="Show raw project, user and API key IDs instead of names (no directory lookup).",
)
def report(
    start: str | None,
    end: str | None,
    last: str | None,
    tz: str | None,
    top: int,
    html_path: str | None,
    png_dir: str | None,
    api: SourceSettings,
    output: OutputSettings,
    ids: bool,
) -> None:
    """Summary of a range: spend, tokens by model, top users and keys, other endpoints.

    Spend by project and by line item comes from the costs endpoint; spend by user and by
    API key is usage at list prices reconciled to that bill (see 'attribute'); tokens and
    requests from completions grouped by model, user and API key; then totals of every other
    endpoint. Projects, users and keys are shown by name (--ids: raw IDs).
    It opens with This month: the UTC calendar month (the billing month) holding the report's
    end, whatever the range: spend against the spend limits, the month-end forecast with its
    interval and the day a limit is reached (as 'budget'), the same days of last month, and
    the anomalies of the last 7 complete days (as 'alert'). Notes come at the end.
    With --html or --png, also charts: daily spend by project and by line item, tokens by
    model, requests by endpoint. The --format output is written as usual either way
    (with --html -, the page takes standard output and --format goes only to --output).
    """
    html_to_stdout = html_path == "-"
    if html_to_stdout and output.path == "-":
        raise click.UsageError(
            "--html - and --output - both write to standard output; give one of them a file"
        )
    charts_wanted = html_path is not None or png_dir is not None
    if charts_wanted:
        # Imported here: matplotlib is optional, and checked before the first request.
        from . import _charts

        _charts.require()
    source = open_source(api)
    with source.client, demo_errors(source):
        time_range = _range(source, start, end, last, tz)
        jobs = report_jobs(source.client, time_range, now=source.now)
        _announce(source, time_range, REPORT_BUCKET_WIDTH)
        loaded = LoadedNames(None) if ids else load_names(source)
        if loaded.summary and output.fmt != "table":
            # A table ends with its notes; other formats are for machines, so say it here.
            stderr_line(loaded.summary)
        data = fetch_report(jobs, fetch_all)
    result = build_report(
        data, time_range, demo=source.demo, top=top, names=loaded.names, notes=loaded.notes
    )
    if charts_wanted:
        _write_charts(result, html_path, png_dir)
    if html_to_stdout and output.path is None:
        return  # standard output holds the page; the --format output was not asked a file
    with open_output(output.path) as out:
        render_report(output.fmt, out, result, csv_raw=output.csv_raw)


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


# -- one command per operation ------------------------------------------------------------------


class OperationCommand(click.Command):
    """A data command; names the endpoint when given a filter that only other endpoints have.

    Attributes:
        operation: The operation the command fetches.
        foreign_flags: Filter options of the other operations (``--size`` for ``embeddings``).
    """

    def __init__(
        self,
        *args: Any,
        operation: Operation[Any],
        foreign_flags: Iterable[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.operation = operation
        self.foreign_flags = frozenset(foreign_flags)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse as click does; an option of another endpoint's filter gets its own message."""
        try:
            return super().parse_args(ctx, args)
        except click.NoSuchOption as exc:
            if exc.option_name not in self.foreign_flags:
                raise
            own = " ".join(spec.shown for spec in filter_options(self.operation))
            raise click.UsageError(
                f"{exc.option_name} is not valid for endpoint '{self.operation.name}' "
                f"(its filters: {own or 'none'})",
                ctx,
            ) from None


def _text(value: object) -> str | None:
    """A help text from the operation table, if it has one (a str, not only whitespace)."""
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def _example_filter(operation: Operation[Any]) -> str | None:
    """One filter as typed, for the examples: an enum's first value, else a placeholder."""
    for spec in filter_options(operation):
        if spec.kind is bool:
            continue
        return f"{spec.flag} {spec.allowed[0] if spec.allowed else spec.dest.upper()}"
    return None


def examples(operation: Operation[Any]) -> list[str]:
    """Command lines for ``--help``, built from what the operation accepts."""
    command = " ".join(("openai-org-usage", *command_words(operation)))
    lines = [f"{command} --demo --last 7d"]
    if operation.group_by:
        lines.append(
            f"{command} --last 30d --group-by {operation.group_by[0]} --format csv "
            f"-o {operation.name}.csv"
        )
    example = _example_filter(operation)
    if example is not None:
        lines.append(f"{command} --start 2026-11-01 --end 2026-11-08 {example} --format ndjson")
    finer = [w for w in operation.bucket_widths if w != operation.default_bucket_width]
    if finer:
        lines.append(f"{command} --bucket-width {finer[0]} --last 24h --format json")
    return lines


def _help(operation: Operation[Any]) -> tuple[str, str, str]:
    """``(short help, help, epilog)`` of an operation's command."""
    summary = (
        _text(getattr(operation, "summary", None))
        or f"Raw {operation.name.replace('_', ' ')} rows, one per bucket and group."
    )
    description = _text(getattr(operation, "description", None))
    text = [summary]
    if description and description != summary:
        text.append(description)
    text.append(
        f"API: GET {operation.path}. One row per result: bucket start and end (UTC) and every "
        "field of the API's result."
    )
    epilog = ["\b", "Examples:", *(f"  {line}" for line in examples(operation)), ""]
    names = ", ".join(column.name for column in columns(operation))
    epilog += [f"Columns, in every format: {names}.", "", _DEFAULT_RANGE]
    return summary, "\n\n".join(text), "\n".join(epilog)


def operation_command(
    operation: Operation[Any], operations: Iterable[Operation[Any]] = ()
) -> OperationCommand:
    """The command that fetches ``operation``'s rows, with its options, help and examples.

    Args:
        operation: The operation.
        operations: The whole table: their filters that ``operation`` lacks are refused
            with a message naming the endpoint.

    Raises:
        ValueError: A filter's option would take the name of another option.
    """
    own = {spec.flag for spec in filter_options(operation)}
    foreign = {
        opt
        for other in operations
        for spec in filter_options(other)
        for opt in spec.opts
        if spec.flag not in own
    }

    def run(**options: Any) -> None:
        _run_operation(operation, options)

    short_help, help_text, epilog = _help(operation)
    # Shown in this order: range, query and filters, source, output.
    decorated = range_options(
        operation_options(operation)(source_options(output_options(names_options(run))))
    )
    command = click.command(
        operation.name,
        cls=OperationCommand,
        operation=operation,
        foreign_flags=foreign,
        help=help_text,
        short_help=short_help,
        epilog=epilog,
        context_settings=CONTEXT_SETTINGS,
    )(decorated)
    _refuse_clashes(command)
    return command


def _refuse_clashes(command: click.Command) -> None:
    # A filter named like a common option ("limits" -> --limit) must fail when the app is
    # built, not shadow the other option (click only warns).
    # Nor the name of an argument the options are handed to the command as.
    seen = {name: f"the {name} settings" for name in SETTINGS_ARGUMENTS}
    for param in command.params:
        names = [param.name or "", *param.opts, *param.secondary_opts]
        for name in names:
            if name in seen and seen[name] != param.name:
                raise ValueError(
                    f"{command.name}: option {name} is both {seen[name]} and {param.name}"
                )
            seen[name] = param.name or ""


def _api_filters(operation: Operation[Any], options: Mapping[str, Any]) -> dict[str, Any]:
    """The given filter options as the client's arguments (``project_id`` -> ``project_ids``)."""
    out: dict[str, Any] = {}
    for spec in filter_options(operation):
        value = options.get(spec.dest)
        if value is None or value == ():
            continue
        out[spec.api_name] = list(value) if isinstance(value, tuple) else value
    return out


def _run_operation(operation: Operation[Any], options: Mapping[str, Any]) -> None:
    """The body of every data command: fetch the rows, render them."""
    filters = _api_filters(operation, options)
    width = options["bucket_width"] or operation.default_bucket_width
    output: OutputSettings = options["output"]
    source = open_source(options["api"])
    with source.client, demo_errors(source):
        time_range = _range(
            source, options["start"], options["end"], options["last"], options["tz"]
        )
        # The clients have one method per operation, named as in the table.
        method: Callable[..., Paginator[Any]] = getattr(source.client, operation.name)
        paginator = method(
            start=time_range.start,
            end=time_range.end,
            bucket_width=options["bucket_width"],
            group_by=list(options["group_by"]) or None,
            limit=options["limit"],
            **filters,
        )
        _announce(source, time_range, width)
        if output.fmt != "table":
            _export(operation, paginator, source, output, names=options["names"])
            return
        (buckets,) = fetch_all([(operation.name, paginator)])
        rows = records(buckets, operation.name)
        # Tables are read by people: names beside IDs. Exports stay exact unless --names.
        if options["names"] or (output.fmt == "table" and not options["ids"]):
            loaded = load_names(source) if _has_ids(rows) else LoadedNames(None)
            if loaded.summary:
                stderr_line(loaded.summary)
            if loaded.names is not None or options["names"]:
                rows = with_names(rows, loaded.names)
    if output.fmt == "table":
        rows = _clipped(rows, source.now)
    with open_output(output.path) as out:
        render_rows(
            output.fmt,
            out,
            operation,
            rows,
            start=time_range.start,
            end=time_range.end,
            demo=source.demo,
            csv_raw=output.csv_raw,
        )


def _export(
    operation: Operation[Any],
    paginator: Paginator[Any],
    source: Source,
    output: OutputSettings,
    *,
    names: bool,
) -> None:
    """CSV, JSON or NDJSON, written page by page as it is fetched (``_stream``)."""

    def load() -> Names | None:
        loaded = load_names(source)
        if loaded.summary:
            stderr_line(loaded.summary)
        return loaded.names

    to_terminal = output.path in (None, "-") and sys.stdout.isatty()
    # Rows scrolling on the terminal are progress enough; a bar would be drawn over them.
    pages = stream_pages(operation.name, paginator, bar=not to_terminal)
    chunks = record_chunks(pages, operation.name)
    if names:
        chunks = named_chunks(chunks, load)
    with lazy_output(output.path) as out:
        write_chunks(
            output.fmt, out, operation.name, chunks, csv_raw=output.csv_raw, warn=stderr_line
        )


def _has_ids(rows: Sequence[Mapping[str, Any]]) -> bool:
    return bool(name_fields(rows))


def _clipped(rows: list[Record], now: datetime) -> list[Record]:
    """Rows for a table, the current bucket ending at ``now`` (the source's clock).

    The API gives the first bucket of a range that starts mid-bucket the range's start, so
    a table shows it as the part it is (``12:00`` to the next midnight); it gives the last
    its whole UTC length, although nothing has happened after now. So the bucket holding
    ``now`` is shown to ``now`` too, not as a whole day. (A bucket ending before now is whole
    even past an ``--end`` inside it: the API counts its whole day.) Exports keep the API's
    bounds.
    """
    bound = now.astimezone(UTC).replace(microsecond=0) + (
        timedelta(seconds=1) if now.microsecond else timedelta()
    )
    shown = iso_utc(bound)
    return [
        row | {"bucket_end": shown}
        if datetime.fromisoformat(row["bucket_end"]) > bound
        and datetime.fromisoformat(row["bucket_start"]) < bound
        else row
        for row in rows
    ]


# -- usage ENDPOINT ----------------------------------------------------------------------------


class EndpointGroup(click.Group):
    """``usage``: one subcommand per endpoint, in the table's order.

    Options may come before the ENDPOINT (``usage --demo completions``), as when ``usage``
    was one command taking ENDPOINT as an argument.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The endpoints in the operation table's order (not sorted)."""
        return list(self.commands)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Move the ENDPOINT in front of the options given before it, then parse as click."""
        return super().parse_args(ctx, self._endpoint_first(ctx, args))

    def _endpoint_first(self, ctx: click.Context, args: list[str]) -> list[str]:
        takes_value = {
            opt
            for command in self.commands.values()
            for param in command.params
            if isinstance(param, click.Option) and not param.is_flag and not param.count
            for opt in param.opts
        }
        i = 0
        while i < len(args) and args[i] != "--":
            token = args[i]
            if not token.startswith("-") or token == "-":
                return [token, *args[:i], *args[i + 1 :]]
            i += 2 if token in takes_value else 1
        if ctx.resilient_parsing or set(args) & set(ctx.help_option_names):
            return args
        raise click.UsageError(f"missing ENDPOINT: {self._choices()}", ctx)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """The endpoint's command; an unknown ENDPOINT is refused with the list of them."""
        if args and args[0] not in self.commands and not ctx.resilient_parsing:
            raise click.UsageError(f"unknown ENDPOINT {args[0]!r}: {self._choices()}", ctx)
        return super().resolve_command(ctx, args)

    def _choices(self) -> str:
        return f"one of {', '.join(self.commands)}"


def usage_group(
    endpoints: Sequence[Operation[Any]], operations: Iterable[Operation[Any]] = ()
) -> EndpointGroup:
    """``usage ENDPOINT``: a subcommand per operation of ``endpoints``."""
    first = endpoints[0]
    group = EndpointGroup(
        USAGE_GROUP,
        help="Raw usage rows of one ENDPOINT, one per bucket and group.",
        subcommand_metavar="ENDPOINT [OPTIONS]",
        context_settings=CONTEXT_SETTINGS,
        epilog="\n".join(
            [
                endpoint_reference(endpoints),
                "",
                "Every endpoint also takes --start, --end, --last, --tz, --bucket-width, "
                "--group-by, --limit, --demo, --base-url, --format and --output. Filters and "
                "--group-by values must exist for the chosen endpoint (listed above). One row "
                "per result: bucket start and end (UTC) and every field of the API's result. "
                + _DEFAULT_RANGE,
                "",
                "\b",
                "Examples:",
                *(f"  {line}" for line in examples(first)),
                "",
                "Run 'openai-org-usage usage ENDPOINT --help' for an endpoint's options.",
            ]
        ),
    )
    table = list(operations)
    for op in endpoints:
        group.add_command(operation_command(op, table))
    return group


cli = build_cli()
"""The ``openai-org-usage`` command (``main()`` runs it)."""
