"""Raw rows of one operation in any format; in a table, with short headers and human numbers.

Raw rows have the package's one row shape (``_rows``): the columns of records, DataFrames and
the store; every format shows the same columns. A raw table is not a summary: it lists every
row, and when that is more than a screenful it says so, on standard error before the table
and under it, and points to ``--format csv``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO

from rich.markup import escape
from rich.table import Table

from openai_org_usage import Operation

from ._formatting import describe_range, money, number, when
from ._options import stderr_line
from ._rows import Record, breakdown_columns, header
from ._table import console_for, new_table, titled
from ._writers import write_csv, write_json, write_ndjson

__all__ = ["LONG_TABLE_ROWS", "long_table_note", "render_rows", "table_columns"]

LONG_TABLE_ROWS = 50
"""Rows past which a raw table is more than a screenful, and says what else to use."""

# Tables keep the cached-input breakdown: it is what explains a cheaper-than-expected bill.
_TABLE_BREAKDOWNS = frozenset({"input_cached_tokens"})
# Short table headers; the machine formats keep the column names.
_LABELS = {
    "amount_value": "amount",
    "num_model_requests": "requests",
    "num_requests": "calls",
    "num_sessions": "sessions",
    "input_cached_tokens": "cached input",
    "usage_bytes": "bytes",
}


def render_rows(
    fmt: str,
    out: TextIO,
    operation: Operation[Any],
    rows: Sequence[Record],
    *,
    start: datetime,
    end: datetime,
    demo: bool,
    csv_raw: bool = False,
) -> None:
    """Write raw rows (``_rows.records``) in ``fmt``; every format has the same columns.

    ``csv_raw``: CSV cells exactly as they are (see :func:`csv_value`).
    """
    if fmt == "json":
        write_json(out, list(rows))
    elif fmt == "ndjson":
        write_ndjson(out, rows)
    else:
        columns = header(operation.name, rows)
        if fmt == "csv":
            write_csv(out, columns, rows, raw=csv_raw)
        else:
            title = titled(f"{operation.name}: {describe_range(start, end)}", demo)
            note = long_table_note(len(rows))
            if note:
                # Said first too: the caption comes after thousands of lines.
                stderr_line(f"openai-org-usage: note: {note}")
            console_for(out).print(_rows_table(operation.name, columns, rows, title))


_LONG_HINT = (
    "--format csv -o FILE writes them for a spreadsheet; fewer --group-by fields or a wider "
    "--bucket-width make fewer"
)


def long_table_note(count: int) -> str | None:
    """What to say about a raw table of ``count`` rows; None when it fits a screen."""
    if count <= LONG_TABLE_ROWS:
        return None
    return f"a long table of {count:,} rows, one per bucket and group: {_LONG_HINT}"


def table_columns(operation: str, columns: Sequence[str], rows: Sequence[Record]) -> list[str]:
    """The columns a rows table shows after its time columns, in order: the dimensions, then
    the numbers (breakdowns and columns null in every row left out; the currency folded into
    the amount)."""
    hidden = breakdown_columns(operation) - _TABLE_BREAKDOWNS
    shown = [c for c in columns[2:] if c not in hidden and any(r.get(c) is not None for r in rows)]
    if "amount_value" in shown and "amount_currency" in shown:
        shown.remove("amount_currency")  # folded into the amount cell: "$12.34"
    numeric = _numeric_columns(shown, rows)
    # Dimensions first, then numbers: reads like "on this day, this model used N tokens".
    return [c for c in shown if c not in numeric] + [c for c in shown if c in numeric]


def _numeric_columns(columns: Sequence[str], rows: Sequence[Record]) -> set[str]:
    return {
        c
        for c in columns
        if any(isinstance(r.get(c), int | float) and not isinstance(r.get(c), bool) for r in rows)
    }


def _rows_table(
    operation: str, columns: Sequence[str], rows: Sequence[Record], title: str
) -> Table:
    ordered = table_columns(operation, columns, rows)
    numeric = _numeric_columns(ordered, rows)
    bounds = [
        (datetime.fromisoformat(r["bucket_start"]), datetime.fromisoformat(r["bucket_end"]))
        for r in rows
    ]
    unit = _whole_bucket_unit(bounds)
    caption = f"{len(rows):,} row{'s' if len(rows) != 1 else ''}; times are UTC" if rows else None
    if caption and len(rows) > LONG_TABLE_ROWS:
        caption += f". A long table: {_LONG_HINT}"
    table = new_table(title, caption=caption)
    if unit:
        table.add_column(unit, no_wrap=True)
    else:
        table.add_column("start", no_wrap=True)
        table.add_column("end", no_wrap=True)
    for column in ordered:
        table.add_column(
            # A field the API added is named by the server: markup in it is text.
            escape(_column_label(column)),
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


def _column_label(column: str) -> str:
    """A short header: ``amount``, ``project name`` (for ``project_id_name``), ``line item``."""
    if column in _LABELS:
        return _LABELS[column]
    if column.endswith("_id_name"):
        return column.removesuffix("_id_name").replace("_", " ") + " name"
    return column.replace("_", " ")


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
