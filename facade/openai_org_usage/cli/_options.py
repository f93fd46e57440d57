"""Options shared by the data commands, built from ``OPERATIONS`` rather than hard-coded.

Group-by values, bucket widths and filters are read from the facade's operation table (itself
read from the generated client), so a new filter in the spec becomes a new option here without
edits. Filter options take the singular of the API name (``project_ids`` -> ``--project-id``)
because each occurrence names one value; ``batch`` is the one boolean, ``--batch/--no-batch``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs
import click

from openai_org_usage import OPERATIONS, InvalidParameterError
from openai_org_usage._client import _checked_base_url
from openai_org_usage._operations import Operation

F = TypeVar("F", bound=Callable[..., Any])

FORMATS = ("table", "csv", "json", "ndjson")
DEFAULT_LAST = "30d"
USAGE_OPERATIONS: Mapping[str, Operation[Any]] = {
    name: op for name, op in OPERATIONS.items() if name != "costs"
}
_SPAN = re.compile(r"[0-9]+[A-Za-z]+")


@attrs.frozen
class FilterOption:
    """One filter as a command-line option.

    Attributes:
        api_name: The facade/API parameter (``project_ids``).
        dest: The click parameter name (``project_id``).
        flag: The option as typed (``--project-id``).
        kind: ``str`` (repeatable values) or ``bool`` (``--x/--no-x``).
        allowed: Accepted values for enum filters, across all operations having the filter.
    """

    api_name: str
    dest: str
    flag: str
    kind: type
    allowed: tuple[str, ...] | None


def _singular(api_name: str) -> str:
    return api_name[:-1] if api_name.endswith("s") else api_name


def filter_options(operations: Iterable[Operation[Any]]) -> list[FilterOption]:
    """The union of the operations' filters, in first-seen order (enum values merged)."""
    found: dict[str, FilterOption] = {}
    for op in operations:
        for name, spec in op.filters.items():
            dest = _singular(name)
            known = found.get(name)
            allowed = spec.allowed
            if known is not None and known.allowed is not None and allowed is not None:
                allowed = known.allowed + tuple(v for v in allowed if v not in known.allowed)
            found[name] = FilterOption(
                name, dest, "--" + dest.replace("_", "-"), spec.kind, allowed
            )
    return list(found.values())


def union(values: Iterable[Iterable[str]]) -> tuple[str, ...]:
    """Every value once, in first-seen order."""
    out: dict[str, None] = {}
    for group in values:
        out.update(dict.fromkeys(group))
    return tuple(out)


def _validate_span(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    # Only the span shape is checked here; the facade's time rules judge the unit and size,
    # so "--last 2026-11-01" is refused instead of being read as a start date.
    if value is not None and not _SPAN.fullmatch(value.strip()):
        raise click.BadParameter("expected a span back from --end, such as 30d, 12h or 2w")
    return value.strip() if value is not None else None


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
        _checked_base_url(value.strip().rstrip("/"), allow_insecure_http=False)
    except InvalidParameterError as exc:
        example = "" if "api.openai.com" in exc.allowed else ", such as https://api.openai.com/v1"
        raise click.BadParameter(
            f"{value!r} is not usable: expected {exc.allowed}{example}"
        ) from None
    return value.strip()


def source_options(f: F) -> F:
    """``--demo`` and ``--base-url`` (the admin key only ever comes from the environment)."""
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
    """``--format`` and ``--output``."""
    f = click.option(
        "--output",
        "-o",
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


def query_options(operations: Iterable[Operation[Any]]) -> Callable[[F], F]:
    """``--bucket-width``, ``--group-by``, ``--limit`` and every filter of ``operations``."""
    ops = list(operations)

    def decorate(f: F) -> F:
        for spec in reversed(filter_options(ops)):
            if spec.kind is bool:
                f = click.option(
                    f"{spec.flag}/--no-{spec.flag[2:]}",
                    spec.dest,
                    default=None,
                    help=f"Only batch ({spec.flag}) or only non-batch usage. Default: both.",
                )(f)
            else:
                f = click.option(
                    spec.flag,
                    spec.dest,
                    multiple=True,
                    metavar="VALUE" if spec.allowed is None else None,
                    type=click.Choice(spec.allowed) if spec.allowed is not None else str,
                    help=f"Only this {spec.dest.replace('_', ' ').replace('api ', 'API ')} "
                    f"(repeatable; API: {spec.api_name}).",
                )(f)
        f = click.option(
            "--limit",
            type=int,
            metavar="N",
            help="Buckets per request page (the API's limit). Default: the most the width "
            "allows, i.e. the fewest requests. Does not cap the output.",
        )(f)
        f = click.option(
            "--group-by",
            "group_by",
            multiple=True,
            metavar="FIELD",
            type=click.Choice(union(op.group_by for op in ops)),
            help="Split results by this field (repeatable)"
            + (f": {', '.join(ops[0].group_by)}." if len(ops) == 1 else "; see below."),
        )(f)
        widths = union(op.bucket_widths for op in ops)
        f = click.option(
            "--bucket-width",
            type=click.Choice(widths),
            default=None,
            help="Bucket size, aligned to UTC. Default: 1d."
            if len(widths) > 1
            else "Bucket size (costs are daily only).",
        )(f)
        return f

    return decorate


def endpoint_reference(operations: Iterable[Operation[Any]]) -> str:
    """Help text: each endpoint's --group-by fields and filter options (click ``\\b`` block)."""
    lines = ["\b", "Group-by fields and filters by endpoint:"]
    for op in operations:
        flags = " ".join(spec.flag for spec in filter_options([op]))
        lines.append(f"  {op.name}:")
        lines.append(f"    --group-by {'|'.join(op.group_by)}")
        lines.append(f"    {flags}")
    return "\n".join(lines)
