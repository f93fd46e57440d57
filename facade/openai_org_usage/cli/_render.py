"""Output: rich tables for people; CSV, JSON and NDJSON for programs.

Human formatting (thousands separators, ``$1,234.56``, dates without midnight times) is
applied only to tables. The machine formats write raw numbers (floats as their shortest
round-tripping repr), ISO-8601 UTC times and every field, so nothing is lost; raw rows have
the package's one row shape (``_rows``): the columns of records, DataFrames and the store.
"""

from __future__ import annotations

import contextlib
import csv
import json
import math
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any, TextIO

import attrs
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from openai_org_usage import Operation

from ._report import OTHER_METRICS, Report, Spend, Tokens
from ._rows import Record, breakdown_columns, header

SYNTHETIC = "synthetic demo data"
_TABLE_SPEND_ROWS = 15
_NONE = "(none)"
# Tables keep the cached-input breakdown: it is what explains a cheaper-than-expected bill.
_TABLE_BREAKDOWNS = frozenset({"input_cached_tokens"})
_SUMMARY_KEYS = (
    "start",
    "end",
    "tz",
    "bucket_width",
    "synthetic",
    "currency",
    "total_spend",
    "user_count",
    "api_key_count",
    "vector_stores_as_of",
)
# Short table headers; the machine formats keep the column names.
_LABELS = {
    "amount_value": "amount",
    "num_model_requests": "requests",
    "num_requests": "calls",
    "num_sessions": "sessions",
    "input_cached_tokens": "cached input",
    "usage_bytes": "bytes",
}
_OTHER_LABELS: dict[tuple[str, str], str] = {
    ("embeddings", "input_tokens"): "input tokens",
    ("moderations", "input_tokens"): "input tokens",
    ("images", "images"): "images",
    ("audio_speeches", "characters"): "characters",
    ("audio_transcriptions", "seconds"): "seconds",
    ("vector_stores", "usage_bytes"): "stored bytes (latest day)",
    ("code_interpreter_sessions", "num_sessions"): "sessions",
    ("file_search_calls", "num_requests"): "calls",
    ("web_search_calls", "num_requests"): "calls",
}


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or ``path`` (opened only now: a failed fetch leaves no empty file)."""
    if path is None or path == "-":
        yield sys.stdout
        return
    # newline="": the csv module writes its own line endings.
    with open(path, "w", encoding="utf-8", newline="") as handle:
        yield handle


def console_for(out: TextIO) -> Console:
    """A console that colours only real terminals and does not squeeze files to 80 columns."""
    interactive = out.isatty()
    width = None if interactive or os.environ.get("COLUMNS") else 120
    return Console(file=out, width=width, highlight=False, soft_wrap=False)


# -- machine formats -------------------------------------------------------------------------


def csv_value(value: Any) -> str:
    """A CSV cell: empty for null, JSON spelling for booleans and nested values."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def write_csv(out: TextIO, header: Sequence[str], rows: Sequence[Record]) -> None:
    """Write ``rows`` under a fixed ``header`` (missing fields are empty cells)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_value(row.get(column)) for column in header])


def write_json(out: TextIO, data: Any) -> None:
    """Indented JSON (still one document: ``json.load`` reads it)."""
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_ndjson(out: TextIO, rows: Sequence[Record]) -> None:
    """One compact JSON object per line."""
    for row in rows:
        out.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False) + "\n")


# -- human formatting --------------------------------------------------------------------------


def money(value: float, currency: str) -> str:
    """``$1,234.56`` for US dollars; ``1,234.56 EUR`` otherwise."""
    sign = "-" if value < 0 else ""
    if currency == "usd":
        return f"{sign}${abs(value):,.2f}"
    return f"{sign}{abs(value):,.2f} {currency.upper()}"


def number(value: Any) -> str:
    """Thousands separators; whole floats without decimals; text as is; objects as JSON."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    return str(value)


def human_bytes(value: int) -> str:
    """Decimal units, as storage is billed: ``3.99 GB``."""
    size = float(value)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(size) < 1000 or unit == "TB":
            return f"{size:,.0f} {unit}" if unit == "B" else f"{size:,.2f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def when(instant: datetime) -> str:
    """A UTC instant for tables: the date alone at midnight, else date and time."""
    if (instant.hour, instant.minute, instant.second) == (0, 0, 0):
        return f"{instant:%Y-%m-%d}"
    return f"{instant:%Y-%m-%d %H:%M}"


def describe_range(start: datetime, end: datetime) -> str:
    """``2026-11-01 to 2026-11-07 (7 UTC days)`` for whole days, else the exact UTC instants."""
    midnight = (0, 0, 0)
    if (start.hour, start.minute, start.second) == midnight == (end.hour, end.minute, end.second):
        days = (end - start).days
        last = end - timedelta(days=1)
        span = f"{start:%Y-%m-%d}" if days == 1 else f"{start:%Y-%m-%d} to {last:%Y-%m-%d}"
        return f"{span} ({days} UTC day{'s' if days != 1 else ''})"
    return f"{start:%Y-%m-%d %H:%M} to {end:%Y-%m-%d %H:%M} UTC (end exclusive)"


def titled(text: str, demo: bool) -> str:
    """A table title (rich markup), tagged "synthetic demo data" in demo mode."""
    return f"{text} [bold yellow]- {SYNTHETIC}[/]" if demo else text


def new_table(title: str | None = None, caption: str | None = None) -> Table:
    """An empty table in the command's style."""
    # A common minimum width keeps the stacked report tables (and their titles) in line.
    return Table(
        title=title, caption=caption, box=box.SIMPLE_HEAD, title_justify="left", min_width=80
    )


# -- raw rows ----------------------------------------------------------------------------------


def render_rows(
    fmt: str,
    out: TextIO,
    operation: Operation[Any],
    rows: Sequence[Record],
    *,
    start: datetime,
    end: datetime,
    demo: bool,
) -> None:
    """Write raw rows (``_rows.records``) in ``fmt``; every format has the same columns."""
    if fmt == "json":
        write_json(out, list(rows))
    elif fmt == "ndjson":
        write_ndjson(out, rows)
    else:
        columns = header(operation.name, rows)
        if fmt == "csv":
            write_csv(out, columns, rows)
        else:
            title = titled(f"{operation.name}: {describe_range(start, end)}", demo)
            console_for(out).print(_rows_table(operation.name, columns, rows, title))


def _rows_table(
    operation: str, columns: Sequence[str], rows: Sequence[Record], title: str
) -> Table:
    hidden = breakdown_columns(operation) - _TABLE_BREAKDOWNS
    shown = [c for c in columns[2:] if c not in hidden and any(r.get(c) is not None for r in rows)]
    if "amount_value" in shown and "amount_currency" in shown:
        shown.remove("amount_currency")  # folded into the amount cell: "$12.34"
    # Dimensions first, then numbers: reads like "on this day, this model used N tokens".
    numeric = {
        c
        for c in shown
        if any(isinstance(r.get(c), int | float) and not isinstance(r.get(c), bool) for r in rows)
    }
    ordered = [c for c in shown if c not in numeric] + [c for c in shown if c in numeric]
    bounds = [
        (datetime.fromisoformat(r["bucket_start"]), datetime.fromisoformat(r["bucket_end"]))
        for r in rows
    ]
    unit = _whole_bucket_unit(bounds)
    table = new_table(title, caption=f"{len(rows):,} rows; times are UTC")
    if unit:
        table.add_column(unit, no_wrap=True)
    else:
        table.add_column("start", no_wrap=True)
        table.add_column("end", no_wrap=True)
    for column in ordered:
        table.add_column(
            _LABELS.get(column, column.replace("_", " ")),
            justify="right" if column in numeric else "left",
            no_wrap=column not in numeric,
        )
    for row, (start, end) in zip(rows, bounds, strict=True):
        cells = [when(start)] if unit else [when(start), when(end)]
        for column in ordered:
            value = row.get(column)
            if column == "amount_value" and isinstance(value, int | float):
                cells.append(money(value, str(row.get("amount_currency") or "usd")))
            else:
                cells.append(escape(number(value)))
        table.add_row(*cells)
    return table


def _whole_bucket_unit(bounds: Sequence[tuple[datetime, datetime]]) -> str | None:
    """ "day", "hour" or "minute" when every row is one whole, aligned UTC bucket of that size.

    Then one column says it all; partial edge buckets need both start and end shown.
    """
    for unit, seconds in (("day", 86_400), ("hour", 3_600), ("minute", 60)):
        if bounds and all(
            (end - start).total_seconds() == seconds and int(start.timestamp()) % seconds == 0
            for start, end in bounds
        ):
            return unit
    return None


# -- report ------------------------------------------------------------------------------------


def render_report(fmt: str, out: TextIO, report: Report) -> None:
    """Write the report in ``fmt``."""
    if fmt == "json":
        write_json(out, report.to_dict())
    elif fmt == "ndjson":
        write_ndjson(out, report_records(report))
    elif fmt == "csv":
        write_csv(out, ("section", "name", "metric", "value"), report_long(report))
    else:
        console = console_for(out)
        for table in report_tables(report):
            console.print(table)


def report_records(report: Report) -> list[Record]:
    """The report as one object per entity, each tagged with its ``section``."""
    data = report.to_dict()
    records: list[Record] = [
        {"section": "summary"} | {key: data[key] for key in _SUMMARY_KEYS},
        {"section": "completions"} | data["completions"],
    ]
    for section in (
        "spend_by_project",
        "spend_by_line_item",
        "models",
        "top_users",
        "top_api_keys",
    ):
        records.extend({"section": section} | entry for entry in data[section])
    records.extend(
        {"section": "other", "endpoint": name} | fields for name, fields in data["other"].items()
    )
    return records


def report_long(report: Report) -> list[Record]:
    """The report as ``section, name, metric, value`` rows: a header that never changes."""
    rows: list[Record] = []
    for record in report_records(report):
        section = record.pop("section")
        name_field = next(
            (
                k
                for k in ("project_id", "line_item", "model", "user_id", "api_key_id", "endpoint")
                if k in record
            ),
            None,
        )
        name = record.pop(name_field) if name_field else None
        rows.extend(
            {"section": section, "name": name, "metric": metric, "value": value}
            for metric, value in record.items()
        )
    return rows


@attrs.frozen
class Column:
    """A column of a :class:`PlainTable`; ``numeric`` columns are right-aligned."""

    label: str
    numeric: bool = False


@attrs.frozen
class PlainTable:
    """A report table as plain text cells, before any markup.

    The text report (rich) and the HTML report both render these, so they always show the
    same tables with the same numbers; each renderer escapes the cells for its own markup.

    Attributes:
        title: The heading.
        columns: The columns, in order.
        rows: One tuple of cell texts per row.
        show_header: Whether the column labels are shown (the summary has none).
        caption: A note under the table.
        strong_rows: Indexes of rows shown in bold (the total spend).
        synthetic: Whether the title carries the "synthetic demo data" tag.
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    show_header: bool = True
    caption: str | None = None
    strong_rows: frozenset[int] = frozenset()
    synthetic: bool = False


def report_plain_tables(report: Report) -> list[PlainTable]:
    """The report's tables, summary first (what the text and HTML reports show)."""
    cur = report.currency
    done = report.completions
    summary = PlainTable(
        title=f"Usage report, {describe_range(report.start, report.end)}",
        columns=(Column("what"), Column("total", numeric=True)),
        rows=(
            ("Total spend", money(report.total_spend, cur)),
            ("Completions requests", number(done.num_model_requests)),
            (
                "Input tokens (cached)",
                f"{number(done.input_tokens)} ({number(done.input_cached_tokens)})",
            ),
            ("Output tokens", number(done.output_tokens)),
        ),
        show_header=False,
        caption=f"dates read in {report.tz}; buckets are UTC days" if report.tz else None,
        strong_rows=frozenset({0}),
        synthetic=report.demo,
    )
    return [
        summary,
        _spend_table("Spend by project", "project", report.spend_by_project, report),
        _spend_table("Spend by line item", "line item", report.spend_by_line_item, report),
        _models_table(report.models),
        _top_table(
            f"Top users by tokens ({len(report.top_users)} of {report.user_count})",
            "user",
            report.top_users,
        ),
        _top_table(
            f"Top API keys by tokens ({len(report.top_api_keys)} of {report.api_key_count})",
            "API key",
            report.top_api_keys,
        ),
        _other_table(report),
    ]


def report_tables(report: Report) -> list[Table]:
    """The report as rich tables, summary first."""
    return [_rich_table(plain) for plain in report_plain_tables(report)]


def _rich_table(plain: PlainTable) -> Table:
    title = titled(escape(plain.title), plain.synthetic)
    table = new_table(title, caption=escape(plain.caption) if plain.caption else None)
    table.show_header = plain.show_header
    for column in plain.columns:
        table.add_column(column.label, justify="right" if column.numeric else "left")
    for index, row in enumerate(plain.rows):
        cells = [escape(cell) for cell in row]
        if index in plain.strong_rows:
            cells = [f"[bold]{cell}[/]" for cell in cells]
        table.add_row(*cells)
    return table


def _spend_table(title: str, what: str, spends: Sequence[Spend], report: Report) -> PlainTable:
    rows: list[tuple[str, ...]] = []

    def add(name: str, amount: float) -> None:
        share = amount / report.total_spend * 100 if report.total_spend else 0.0
        rows.append((name, money(amount, report.currency), f"{share:.1f}%"))

    # The long tail is folded into one row; the machine formats list every entry.
    shown = spends if len(spends) <= _TABLE_SPEND_ROWS + 1 else spends[:_TABLE_SPEND_ROWS]
    for spend in shown:
        add(spend.name or _NONE, spend.amount)
    rest = spends[len(shown) :]
    if rest:
        add(f"({len(rest)} more)", math.fsum(s.amount for s in rest))
    columns = (Column(what), Column("spend", numeric=True), Column("share", numeric=True))
    return PlainTable(title, columns, tuple(rows))


def _models_table(models: Sequence[Tokens]) -> PlainTable:
    labels = ("requests", "input tokens", "cached input", "output tokens")
    rows = tuple(
        (
            m.name or _NONE,
            number(m.num_model_requests),
            number(m.input_tokens),
            number(m.input_cached_tokens),
            number(m.output_tokens),
        )
        for m in models
    )
    columns = (Column("model"), *(Column(label, numeric=True) for label in labels))
    return PlainTable("Completions by model", columns, rows)


def _top_table(title: str, what: str, entries: Sequence[Tokens]) -> PlainTable:
    labels = ("tokens", "input", "output", "requests")
    rows = tuple(
        (
            t.name or _NONE,
            number(t.total_tokens),
            number(t.input_tokens),
            number(t.output_tokens),
            number(t.num_model_requests),
        )
        for t in entries
    )
    columns = (Column(what), *(Column(label, numeric=True) for label in labels))
    return PlainTable(title, columns, rows)


def _other_table(report: Report) -> PlainTable:
    rows: list[tuple[str, ...]] = []
    for name, fields in OTHER_METRICS.items():
        for field in fields:
            value = report.other[name][field]
            label = _OTHER_LABELS.get((name, field), field.replace("_", " ").replace("num ", ""))
            shown = number(value)
            if field == "usage_bytes":
                shown = f"{shown} ({human_bytes(value)})"
                if report.vector_stores_as_of:
                    label = f"stored bytes on {when(report.vector_stores_as_of)}"
            rows.append((name.replace("_", " "), label, shown))
    columns = (Column("endpoint"), Column("metric"), Column("total", numeric=True))
    return PlainTable("Other endpoints", columns, tuple(rows))
