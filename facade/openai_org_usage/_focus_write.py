"""FOCUS records as an Arrow table, a Parquet file or CSV text.

Parquet keeps every value exact and typed: decimals as ``decimal128(38, 18)``, times as UTC
timestamps, text as it came. CSV writes decimals in fixed notation with a decimal point
(``1000.0``: a reader that types a column by its text reads a decimal, not an integer), times
as ISO 8601 with ``Z``, and, unless ``raw``, a text cell a spreadsheet would run as a formula
with a leading ``'`` (OWASP's rule, as the command's other CSV exports).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import IO, Any, Final

from ._extras import require_pyarrow
from ._focus_columns import COLUMN_KINDS

__all__ = ["DECIMAL_SCALE", "FORMULA_STARTS", "csv_cell", "to_arrow", "write_csv", "write_parquet"]

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")
"""Text cells starting with these get a leading ``'`` in CSV unless ``raw`` (the CLI's
``FORMULA_STARTS``; a test keeps them equal)."""

DECIMAL_SCALE: Final = 18
_QUANTUM: Final = Decimal(1).scaleb(-DECIMAL_SCALE)


def _decimal_text(value: Decimal) -> str:
    text = format(value, "f")
    return text if "." in text else text + ".0"


def csv_cell(column: str, value: Any, *, raw: bool = False) -> str:
    """One CSV cell of ``column`` (its kind from the column table)."""
    if value is None:
        return ""
    kind = COLUMN_KINDS.get(column, "string")
    if kind == "decimal" and isinstance(value, Decimal):
        return _decimal_text(value)
    if kind == "datetime" and isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    text = str(value)
    if not raw and kind == "string" and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(
    out: IO[str], header: Sequence[str], records: Iterable[Mapping[str, Any]], *, raw: bool
) -> None:
    """Write ``records`` under ``header`` (``out`` opened with ``newline=""``)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for record in records:
        writer.writerow([csv_cell(c, record.get(c), raw=raw) for c in header])


def _exact(value: Decimal | None) -> Decimal | None:
    # Arrow's decimal type has a fixed scale; amounts are cents and prices a few digits
    # more, so this changes no value the API or the price data gives.
    return None if value is None else value.quantize(_QUANTUM, rounding=ROUND_HALF_EVEN)


def to_arrow(header: Sequence[str], records: Sequence[Mapping[str, Any]]) -> Any:
    """The records as a ``pyarrow.Table`` with typed columns (``arrow`` extra)."""
    pa = require_pyarrow("FOCUS Parquet exports")
    types = {
        "decimal": pa.decimal128(38, DECIMAL_SCALE),
        "string": pa.string(),
        "json": pa.string(),
        "datetime": pa.timestamp("us", tz="UTC"),
    }
    arrays = []
    for column in header:
        kind = COLUMN_KINDS.get(column, "string")
        values = [record.get(column) for record in records]
        if kind == "decimal":
            values = [_exact(v) for v in values]
        arrays.append(pa.array(values, type=types[kind]))
    return pa.Table.from_arrays(arrays, names=list(header))


def write_parquet(table: Any, where: Any) -> None:
    """Write an Arrow table as Parquet to a path or a binary file."""
    require_pyarrow("FOCUS Parquet exports")
    import pyarrow.parquet as pq

    pq.write_table(table, where)
