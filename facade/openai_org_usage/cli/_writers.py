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
import os
import secrets
import shutil
import sys
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Protocol, TextIO

import attrs

from ._rows import Record

__all__ = [
    "FORMULA_STARTS",
    "OutputSettings",
    "Writable",
    "csv_value",
    "lazy_output",
    "open_output",
    "write_csv",
    "write_json",
    "write_json_array",
    "write_ndjson",
]


class Writable(Protocol):
    """Where the writers write: a text file, or :func:`lazy_output`'s file."""

    def write(self, text: str, /) -> int:
        """Write ``text``."""
        ...


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


class _LazyFile:
    """A text file opened at its first write (``newline=""``, as :func:`open_output`).

    A regular file (or a new one) is written beside its final name and renamed onto it only
    when the whole output is written (:meth:`commit`), so a fetch failing midway leaves the
    file as it was, never a partial export that reads as complete. A device or a pipe
    (``/dev/stdout``, a FIFO) is written in place: it cannot be renamed onto.
    """

    def __init__(self, path: str) -> None:
        self._path = path
        self._temporary: str | None = None
        self.handle: TextIO | None = None

    def write(self, text: str, /) -> int:
        if self.handle is None:
            self.handle = self._open()
        return self.handle.write(text)

    def _open(self) -> TextIO:
        target = os.path.realpath(self._path)
        if os.path.exists(target) and not os.path.isfile(target):
            return open(self._path, "w", encoding="utf-8", newline="")
        folder, name = os.path.split(target)
        # A fresh name beside the target ("x": never someone else's file), with the mode
        # open() gives a new file; an existing export's mode is kept.
        self._temporary = os.path.join(folder, f".{name}.{secrets.token_hex(6)}.partial")
        handle = open(self._temporary, "x", encoding="utf-8", newline="")  # noqa: SIM115
        if os.path.isfile(target):
            shutil.copymode(target, self._temporary)
        return handle

    def commit(self) -> None:
        """Close the file and, if it was written beside its name, put it in place."""
        if self.handle is not None:
            self.handle.close()
        if self._temporary is not None:
            os.replace(self._temporary, os.path.realpath(self._path))
            self._temporary = None

    def discard(self) -> None:
        """Close the file and remove what was written beside its name."""
        if self.handle is not None:
            self.handle.close()
        if self._temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.remove(self._temporary)
            self._temporary = None


@contextlib.contextmanager
def lazy_output(path: str | None) -> Iterator[Writable]:
    """Standard output, or ``path`` opened at the first write, for output written as it is
    fetched: a fetch failing at any point leaves the file as it was (no empty, truncated or
    partial export).

    On success the file exists even if nothing was written (an empty NDJSON export).
    """
    if path is None or path == "-":
        yield sys.stdout
        return
    lazy = _LazyFile(path)
    try:
        yield lazy
        if lazy.handle is None:
            lazy.write("")
    except BaseException:
        lazy.discard()
        raise
    lazy.commit()


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
    out: Writable, header: Sequence[str], rows: Iterable[Record], *, raw: bool = False
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


def write_json_array(out: Writable, rows: Iterable[Record]) -> None:
    """The bytes of ``write_json(out, list(rows))``, written one row at a time."""
    first = True
    for row in rows:
        # Inside the array each line of a row is indented one level more (JSON text never
        # holds a raw line break: one in a string is escaped).
        text = json.dumps(row, indent=2, ensure_ascii=False).replace("\n", "\n  ")
        out.write(("[\n  " if first else ",\n  ") + text)
        first = False
    out.write("[]\n" if first else "\n]\n")


def write_ndjson(out: Writable, rows: Iterable[Record]) -> None:
    """One compact JSON object per line."""
    for row in rows:
        out.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False) + "\n")
