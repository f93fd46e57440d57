"""The machine formats: CSV, JSON and NDJSON, and where they go.

They write raw numbers (floats as their shortest round-tripping repr), ISO-8601 UTC times and
every field, so nothing is lost. CSV cells that a spreadsheet would run as a formula get a
leading ``'`` (:func:`csv_value`) unless ``raw``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, TextIO

import attrs

from ._rows import Record

__all__ = [
    "FORMULA_STARTS",
    "OutputSettings",
    "csv_value",
    "open_output",
    "write_csv",
    "write_json",
    "write_ndjson",
]


@attrs.frozen
class OutputSettings:
    """What ``--format``, ``--output`` and ``--csv-raw`` ask of a command's output.

    Attributes:
        fmt: ``table``, ``csv``, ``json`` or ``ndjson``.
        path: The file to write (None or ``-``: standard output).
        csv_raw: CSV cells exactly as they are (no leading ``'`` before a formula).
    """

    fmt: str
    path: str | None
    csv_raw: bool


@contextlib.contextmanager
def open_output(path: str | None) -> Iterator[TextIO]:
    """Standard output, or ``path`` (opened only now: a failed fetch leaves no empty file)."""
    if path is None or path == "-":
        yield sys.stdout
        return
    # newline="": the csv module writes its own line endings.
    with open(path, "w", encoding="utf-8", newline="") as handle:
        yield handle


# OWASP's CSV injection rule: a spreadsheet runs a cell starting with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_value(value: Any, *, raw: bool = False) -> str:
    """A CSV cell: empty for null, JSON spelling for booleans and nested values.

    A text cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a
    leading ``'``, so a spreadsheet shows it instead of running it as a formula (OWASP's
    rule); numbers stay numbers (``-1.5`` from a float is not text). ``raw`` writes the text
    exactly.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    if not raw and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def write_csv(
    out: TextIO, header: Sequence[str], rows: Sequence[Record], *, raw: bool = False
) -> None:
    """Write ``rows`` under a fixed ``header`` (missing fields are empty cells).

    Text cells, header included (a field the API added is named by the server), follow
    :func:`csv_value`'s formula rule unless ``raw``. Rows end with ``\n``; a cell holding a
    line break, ``\r`` included, is quoted, so it never starts a row of its own.
    """
    writer = csv.writer(out, lineterminator="\n")
    # The csv module quotes a cell only for the characters of its line terminator: a lone CR
    # would be written bare, and readers take it for the end of the row. A row holding one
    # goes through a writer ending rows with CRLF, which quotes it; its ending becomes LF.
    buffer = io.StringIO()
    crlf = csv.writer(buffer, lineterminator="\r\n")

    def put(cells: list[str]) -> None:
        if not any("\r" in cell for cell in cells):
            writer.writerow(cells)
            return
        crlf.writerow(cells)
        out.write(buffer.getvalue().removesuffix("\r\n") + "\n")
        buffer.seek(0)
        buffer.truncate()

    put([csv_value(column, raw=raw) for column in header])
    for row in rows:
        put([csv_value(row.get(column), raw=raw) for column in header])


def write_json(out: TextIO, data: Any) -> None:
    """Indented JSON (still one document: ``json.load`` reads it)."""
    out.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def write_ndjson(out: TextIO, rows: Sequence[Record]) -> None:
    """One compact JSON object per line."""
    for row in rows:
        out.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False) + "\n")
