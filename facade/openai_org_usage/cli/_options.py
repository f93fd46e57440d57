"""Options of the commands; a data command's are derived from its ``Operation``, never listed.

``--bucket-width`` and ``--group-by`` choices, the filter options and their choices come from
the operation (itself read from the generated client), so an operation or filter added to the
spec becomes a command or an option here without edits. One fixed rule names a filter's option:
a list filter takes the singular of the API name, because each occurrence names one value
(``project_ids`` -> ``--project-id``, ``categories`` -> ``--category``); a boolean filter is a
flag pair (``batch`` -> ``--batch/--no-batch``); an enum filter takes only its values.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar, cast

import attrs
import click

from openai_org_usage import Filter, InvalidParameterError, Operation, check_base_url
from openai_org_usage.timerange import DEFAULT_LAST, RangeError, check_last

from ._shown import shown
from ._source import SourceSettings
from ._writers import OutputSettings

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "csv", "json", "ndjson")

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
"""Every command's click context settings: ``-h`` as well as ``--help``, help 100 columns wide."""


def stderr_line(message: str) -> None:
    """One line for a person on stderr (notes, the demo notice), never mixed into the output.

    Notes quote names and server messages: their control characters are shown escaped.
    """
    click.echo(shown(message), err=True)


def counting_option(flag: str, default: float, help: str) -> Callable[[F], F]:
    """An option taking a number of at least zero (whole if ``default`` is an ``int``), its
    default shown in ``--help``: ``--trailing-days``, ``--latency``."""
    kind = click.IntRange(min=0) if isinstance(default, int) else click.FloatRange(min=0)
    return click.option(flag, type=kind, default=default, show_default=True, help=help)


def choices_option(
    flag: str, dest: str, choices: Sequence[str], help: str, metavar: str | None = None
) -> Callable[[F], F]:
    """A repeatable option taking one of ``choices`` each time (a tuple; empty if not given)."""
    return click.option(
        flag, dest, multiple=True, type=click.Choice(choices), metavar=metavar, help=help
    )


def path_option(flag: str, metavar: str, help: str, *, folder: bool = False) -> Callable[[F], F]:
    """An option naming a file (``folder``: a directory) that need not exist yet."""
    kind = click.Path(file_okay=False) if folder else click.Path(dir_okay=False)
    return click.option(flag, type=kind, metavar=metavar, help=help)


@attrs.frozen
class FilterOption:
    """One filter as a command-line option.

    Attributes:
        api_name: The facade/API parameter (``project_ids``).
        dest: The click parameter name (``project_id``).
        flag: The option as typed (``--project-id``; ``--batch`` for a flag pair).
        kind: ``str`` (repeatable values) or ``bool`` (``--x/--no-x``).
        allowed: Accepted values of an enum filter, or None.
        description: The spec's description of the filter, if the operation carries it.
    """

    api_name: str
    dest: str
    flag: str
    kind: type
    allowed: tuple[str, ...] | None
    description: str | None = None

    @property
    def opts(self) -> tuple[str, ...]:
        """Every spelling of the option (``--batch``, ``--no-batch``)."""
        return (self.flag, f"--no-{self.flag[2:]}") if self.kind is bool else (self.flag,)

    @property
    def shown(self) -> str:
        """The option as ``--help`` shows it (``--project-id``, ``--batch / --no-batch``)."""
        return " / ".join(self.opts)


def singular(api_name: str) -> str:
    """A list filter's option name: one value each time (``project_ids`` -> ``project_id``)."""
    if api_name.endswith("ies"):
        return api_name[:-3] + "y"
    if api_name.endswith("s") and not api_name.endswith("ss"):
        return api_name[:-1]
    return api_name


def filter_option(spec: Filter) -> FilterOption:
    """The option of one filter, by the module docstring's rule."""
    dest = spec.name if spec.kind is bool else singular(spec.name)
    description = getattr(spec, "description", None)
    return FilterOption(
        spec.name,
        dest,
        "--" + dest.replace("_", "-"),
        spec.kind,
        spec.allowed,
        description if isinstance(description, str) and description.strip() else None,
    )


def filter_options(operation: Operation[Any]) -> list[FilterOption]:
    """The operation's filters as options, in the spec's order."""
    return [filter_option(spec) for spec in operation.filters.values()]


def _validate_span(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # Only the span shape is checked here; the facade's time rules judge the unit and size,
    # so "--last 2026-11-01" is refused instead of being read as a start date.
    # Refused in the words of every other --last refusal, whichever rule the value breaks.
    try:
        return None if value is None else check_last(value)
    except RangeError as exc:
        raise click.UsageError(str(exc), ctx) from None


def range_options(f: F) -> F:
    """``--start``/``--end``/``--last``/``--tz``."""
    decorators = [
        click.option(
            "--start",
            metavar="WHEN",
            help="First instant (inclusive): a date (2026-11-01), an ISO datetime "
            "(2026-11-01T09:00+01:00), a span back from now (7d) or Unix seconds. "
            "Dates and offset-less times are read in --tz (default UTC).",
        ),
        click.option(
            "--end",
            metavar="WHEN",
            help="Instant to stop before (exclusive), same forms as --start. Default: now.",
        ),
        click.option(
            "--last",
            metavar="SPAN",
            callback=_validate_span,
            help=f"Span ending at --end: 30d, 12h, 2w ... Not with --start. "
            f"Default when neither is given: {DEFAULT_LAST}.",
        ),
        click.option(
            "--tz",
            metavar="ZONE",
            help="Zone for dates and offset-less times: Europe/Paris, +05:30, UTC. "
            "Buckets stay UTC-aligned whatever the zone.",
        ),
    ]
    for decorator in reversed(decorators):
        f = decorator(f)
    return f


def _validate_base_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # Checked while parsing, before the key is looked up or anything is sent: a typo here
    # must not surface as a connection error after retries, or send the key somewhere odd.
    if value is None or not value.strip():
        return None
    try:
        check_base_url(value.strip())
    except InvalidParameterError as exc:
        example = "" if "api.openai.com" in exc.allowed else ", such as https://api.openai.com/v1"
        raise click.BadParameter(
            f"{value!r} is not usable: expected {exc.allowed}{example}"
        ) from None
    return value.strip()


SETTINGS_ARGUMENTS = ("api", "output")
"""What :func:`source_options` and :func:`output_options` hand a command: no option may take
these names."""


def _handed_as(name: str, settings: type[Any]) -> Callable[[F], F]:
    """Hand a command the options named like the fields of ``settings`` (an attrs class) as
    one argument, ``name=settings(...)``, instead of one argument each."""
    fields = [field.name for field in attrs.fields(settings)]

    def decorate(f: F) -> F:
        @functools.wraps(f)
        def command(*args: Any, **options: Any) -> Any:
            grouped = settings(**{field: options.pop(field) for field in fields})
            return f(*args, **{name: grouped}, **options)

        return cast(F, command)

    return decorate


DEMO_SIZES = ("small", "large")
"""The fake's size presets (``openai_org_usage.fake.SIZE_PRESETS``; a test keeps them equal),
named here so that building the CLI does not import the fake."""
DEMO_SIZE_HELP = (
    "small: 4 projects, 8 users, 6 API keys, 14 models, 2 service accounts (the default); "
    "large: 60 projects, 2,000 users, 300 API keys, 25 models, 40 service accounts, with "
    "heavy users, shared service keys and nightly and month-end batch jobs."
)


def size_option(help_text: str, name: str = "--size", dest: str = "size") -> Callable[[F], F]:
    """``--size small|large`` (or ``name``, into ``dest``): how big the fake's synthetic
    organization is."""
    return click.option(
        name,
        dest,
        type=click.Choice(DEMO_SIZES),
        default="small",
        show_default=True,
        help=f"{help_text} {DEMO_SIZE_HELP}",
    )


def source_options(f: F) -> F:
    """``--demo``, ``--demo-size`` and ``--base-url`` (the admin key only ever comes from the
    environment), handed to the command as ``api: SourceSettings``."""
    f = _handed_as("api", SourceSettings)(f)
    # Not --size: usage images has a --size filter (image sizes).
    f = size_option(
        "With --demo: how big the synthetic organization is.", "--demo-size", "demo_size"
    )(f)
    f = click.option(
        "--base-url",
        envvar="OPENAI_BASE_URL",
        show_envvar=True,
        metavar="URL",
        callback=_validate_base_url,
        help="API base URL: https://..., or http:// to this machine (a fake or a proxy). "
        "Default: https://api.openai.com/v1.",
    )(f)
    f = click.option(
        "--demo",
        is_flag=True,
        help="Use the embedded fake API (synthetic data, no network, no key needed).",
    )(f)
    return f


def output_options(f: F) -> F:
    """``--format``, ``--output`` and ``--csv-raw``, handed to the command as
    ``output: OutputSettings``."""
    f = _handed_as("output", OutputSettings)(f)
    f = click.option(
        "--csv-raw",
        is_flag=True,
        help="With --format csv: write every cell exactly as it is. By default a text cell "
        "starting with =, +, -, @, a tab or a carriage return gets a leading ' so that a "
        "spreadsheet shows it rather than running it as a formula (numbers stay numbers).",
    )(f)
    f = click.option(
        "--output",
        "-o",
        "path",
        type=click.Path(dir_okay=False, writable=True, allow_dash=True),
        help="Write to this file instead of standard output ('-': standard output).",
    )(f)
    f = click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="table for people; csv, json, ndjson are lossless, with raw numbers "
        "and ISO-8601 UTC times.",
    )(f)
    return f


def _not_with_ids(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    if value and ctx.params.get("ids"):
        raise click.UsageError("--ids shows raw IDs and --names adds names: give one of them")
    return value


def names_options(f: F) -> F:
    """``--ids`` (tables show raw IDs) and ``--names`` (exports gain ``*_name`` columns)."""
    f = click.option(
        "--names",
        is_flag=True,
        callback=_not_with_ids,
        help="csv/json/ndjson: add a <field>_name column after each project, user and API key "
        "ID (read from the organization's directory). Tables show names unless --ids.",
    )(f)
    f = click.option(
        "--ids",
        is_flag=True,
        is_eager=True,  # read before --names, which refuses to be given with it
        help="Tables show raw IDs only (no directory lookup).",
    )(f)
    return f


def _filter_help(spec: FilterOption) -> str:
    if spec.kind is bool:
        return f"Only {spec.dest} ({spec.flag}) or only non-{spec.dest} usage. Default: both."
    what = spec.description or (f"Only this {spec.dest.replace('_', ' ').replace('api ', 'API ')}.")
    return f"{what.rstrip('.')} (repeatable; API: {spec.api_name})."


def _limit_help(operation: Operation[Any]) -> str:
    maxima = ", ".join(
        f"{maximum} at {width}" for width, (_default, maximum) in operation.limits.items()
    )
    return (
        f"Buckets per request page (the API's limit; at most {maxima}). Default: the most "
        "the width allows, i.e. the fewest requests. Does not cap the output."
    )


def operation_options(operation: Operation[Any]) -> Callable[[F], F]:
    """``--bucket-width``, ``--group-by``, ``--limit`` and every filter of ``operation``."""

    def decorate(f: F) -> F:
        for spec in reversed(filter_options(operation)):
            if spec.kind is bool:
                f = click.option(
                    f"{spec.flag}/--no-{spec.flag[2:]}",
                    spec.dest,
                    default=None,
                    help=_filter_help(spec),
                )(f)
            else:
                f = click.option(
                    spec.flag,
                    spec.dest,
                    multiple=True,
                    metavar="VALUE" if spec.allowed is None else None,
                    type=click.Choice(spec.allowed) if spec.allowed is not None else str,
                    help=_filter_help(spec),
                )(f)
        f = click.option("--limit", type=int, metavar="N", help=_limit_help(operation))(f)
        f = click.option(
            "--group-by",
            "group_by",
            multiple=True,
            type=click.Choice(operation.group_by),
            help="Split results by this field (repeatable; any combination).",
        )(f)
        widths = operation.bucket_widths
        f = click.option(
            "--bucket-width",
            type=click.Choice(widths),
            default=None,
            help=f"Bucket size, aligned to UTC. Default: {operation.default_bucket_width}."
            if len(widths) > 1
            else f"Bucket size ({operation.name} has only {widths[0]}).",
        )(f)
        return f

    return decorate


def endpoint_reference(operations: Iterable[Operation[Any]]) -> str:
    """Help text: each endpoint's --group-by fields and filter options (click ``\\b`` block)."""
    lines = ["\b", "Group-by fields and filters by endpoint:"]
    for op in operations:
        flags = " ".join(spec.shown for spec in filter_options(op))
        lines.append(f"  {op.name}:")
        lines.append(f"    --group-by {'|'.join(op.group_by)}")
        if flags:
            lines.append(f"    {flags}")
    return "\n".join(lines)
