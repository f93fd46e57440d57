"""The ``export`` group: ``export focus`` writes the reconciled bill as FOCUS rows.

CSV to standard output or a file, Parquet to a file (``-o``). A file is written beside its
name and renamed onto it only once complete, so a failed fetch leaves it as it was.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from typing import IO, Any

import click

from openai_org_usage import InvalidParameterError
from openai_org_usage.focus import (
    DEFAULT_BILLING_ACCOUNT_ID,
    DEFAULT_FOCUS_VERSION,
    FOCUS_FORMATS,
    FOCUS_VERSIONS,
    check_focus_options,
    focus_rows,
    write_focus,
)
from openai_org_usage.timerange import RangeError, resolve

from ._fetch import fetch_all
from ._options import CONTEXT_SETTINGS, range_options, source_options, stderr_line
from ._source import DEMO_NOTICE, SourceSettings, demo_errors, load_names, open_source

_FLAGS = {"version": "--focus-version", "allocation": "--allocation", "format": "--format"}

EPILOG = """\b
Examples:
  openai-org-usage export focus --demo --last 30d -o bill.csv
  openai-org-usage export focus --last 30d --format parquet -o bill.parquet
  openai-org-usage export focus --start 2026-11-01 --end 2026-12-01 --focus-version 1.2
  openai-org-usage export focus --last 7d --allocation --format parquet -o split.parquet

\b
One row per UTC day, project and billed line item: BilledCost is the bill to the cent;
ListUnitPrice and ListCost come from the price data (genai-prices) where it prices the
line item, otherwise ListCost is the bill (x_ListCostSource says which). --allocation
splits each charge among the users and API keys that used it (FOCUS 1.3 Allocated*
columns), in cents that add up to the charge.
Without --start or --last: the last 30 days."""


@click.group("export", context_settings=CONTEXT_SETTINGS)
def export_group() -> None:
    """Export the bill into other tools' formats."""


@export_group.command("focus", context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@range_options
@click.option(
    "--focus-version",
    "version",
    type=click.Choice(FOCUS_VERSIONS),
    default=DEFAULT_FOCUS_VERSION,
    show_default=True,
    help="FOCUS version of the columns.",
)
@click.option(
    "--allocation",
    is_flag=True,
    help="Split each charge among the users and API keys whose usage it bills "
    "(FOCUS 1.3 Allocated* columns; needs --focus-version 1.3).",
)
@click.option(
    "--billing-account-id",
    metavar="ID",
    default=DEFAULT_BILLING_ACCOUNT_ID,
    show_default=True,
    help="BillingAccountId of every row (the API does not name the organization).",
)
@source_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FOCUS_FORMATS),
    default="csv",
    show_default=True,
    help="csv (to standard output or -o) or parquet (needs -o).",
)
@click.option(
    "--output",
    "-o",
    "path",
    type=click.Path(dir_okay=False, writable=True, allow_dash=True),
    help="Write to this file instead of standard output ('-': standard output).",
)
@click.option(
    "--csv-raw",
    is_flag=True,
    help="With --format csv: write every cell exactly as it is. By default a text cell "
    "starting with =, +, -, @, a tab or a carriage return gets a leading ' so that a "
    "spreadsheet shows it rather than running it as a formula (numbers stay numbers).",
)
def focus_command(
    start: str | None,
    end: str | None,
    last: str | None,
    tz: str | None,
    version: str,
    allocation: bool,
    billing_account_id: str,
    api: SourceSettings,
    fmt: str,
    path: str | None,
    csv_raw: bool,
) -> None:
    """The bill as FOCUS rows (FinOps Foundation's open billing format), CSV or Parquet."""
    try:
        check_focus_options(
            version, allocation=allocation, format=fmt, billing_account_id=billing_account_id
        )
    except InvalidParameterError as exc:
        if exc.param == "allocation":
            raise click.UsageError(
                f"--allocation needs --focus-version 1.3 (not {version}): split cost "
                "allocation columns (Allocated*) exist from FOCUS 1.3 on"
            ) from None
        flag = _FLAGS.get(exc.param, "--" + exc.param.replace("_", "-"))
        hint = f"; {exc.hint}" if exc.hint else ""
        raise click.UsageError(
            f"{flag} is not allowed here: expected {exc.allowed}{hint}"
        ) from None
    to_stdout = path is None or path == "-"
    if fmt == "parquet" and to_stdout:
        raise click.UsageError("--format parquet writes a binary file: give it with -o FILE")
    source = open_source(api)
    with source.client, demo_errors(source):
        try:
            time_range = resolve(start=start, end=end, last=last, tz=tz, now=source.now)
        except RangeError as exc:
            raise click.UsageError(str(exc)) from None
        if source.demo:
            stderr_line(DEMO_NOTICE)
        loaded = load_names(source)
        if loaded.summary:
            stderr_line(loaded.summary)
        rows = focus_rows(
            source.client,
            start=time_range.start,
            end=time_range.end,
            version=version,
            allocation=allocation,
            names=loaded.names,
            billing_account_id=billing_account_id,
            fetch=fetch_all,
        )
    if to_stdout:
        write_focus(
            rows, sys.stdout, format="csv", version=version, allocation=allocation, raw=csv_raw
        )
        return
    assert path is not None
    with _replacing(path, binary=fmt == "parquet") as handle:
        write_focus(rows, handle, format=fmt, version=version, allocation=allocation, raw=csv_raw)


@contextlib.contextmanager
def _replacing(path: str, *, binary: bool) -> Iterator[IO[Any]]:
    """``path`` opened for writing through a fresh file beside it, renamed onto it only when
    the block ends without an error (a device or a pipe is written in place)."""
    target = os.path.realpath(path)
    if os.path.exists(target) and not os.path.isfile(target):
        with open(path, "wb") if binary else open(path, "w", encoding="utf-8", newline="") as f:
            yield f
        return
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.partial")
    handle: IO[Any] = (
        open(temporary, "xb")  # noqa: SIM115
        if binary
        else open(temporary, "x", encoding="utf-8", newline="")  # noqa: SIM115
    )
    try:
        if os.path.isfile(target):
            shutil.copymode(target, temporary)
        with handle:
            yield handle
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
        raise
    os.replace(temporary, target)
