"""Admin records (``ListOperation.record``, ``ObjectOperation.record``) as a table for people.

The columns are the operation's ``columns``, in spec order, those null in every row shown left
out. How a column is shown follows from the operation table alone: an integer field that the
spec describes in Unix seconds (or named ``*_at``) is a UTC date and time; other numbers have
thousands separators, and one described in cents says so in its header. Numbers and times are
right-aligned. Long listings show the first ``--top`` rows and one last row counting the rest;
the machine formats always write every record. Text is escaped for rich and shown with control
characters visible (``_table``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Literal, TextIO

import attrs
from rich.markup import escape

from openai_org_usage import Field, ListOperation

from ._admin_options import AdminOperation
from ._formatting import number, when
from ._options import singular
from ._table import FitTable, console_for, rest_label, titled, top_and_rest

__all__ = [
    "DEFAULT_TOP",
    "AdminColumn",
    "admin_columns",
    "cell",
    "noun",
    "render_admin_table",
    "shown_columns",
]

DEFAULT_TOP = 50
"""Rows a listing's table shows before the last row counts the rest (``--top``)."""

_UNIX_SECONDS = re.compile(r"\bunix seconds\b", re.IGNORECASE)
_CENTS = re.compile(r"\bcents\b", re.IGNORECASE)
# Label words written as people write them.
_WORDS = {"api": "API", "id": "ID", "ip": "IP"}


@attrs.frozen
class AdminColumn:
    """One column of an admin table.

    Attributes:
        name: The record's key (``owner_user_id``).
        label: The header (``owner user ID``; ``threshold amount (cents)``).
        kind: ``time`` (Unix seconds, shown as a UTC date and time), ``number`` or ``text``.
    """

    name: str
    label: str
    kind: Literal["time", "number", "text"]


def _descriptions(fields: Sequence[Field], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Each flattened column's name and its field's description (``_operations`` flattens
    nested fields the same way: keys joined with ``_``)."""
    for field in fields:
        if field.kind == "object":
            yield from _descriptions(field.nested, f"{prefix}{field.key}_")
        else:
            yield prefix + field.key, field.description


def _label(name: str) -> str:
    return " ".join(_WORDS.get(word, word) for word in name.split("_"))


def admin_columns(operation: AdminOperation) -> list[AdminColumn]:
    """Every column of the operation's records, as a table shows it, in spec order."""
    described: Mapping[str, str] = dict(_descriptions(operation.fields))
    out = []
    for column in operation.columns:
        text = described.get(column.name, "")
        label = _label(column.name)
        kind: Literal["time", "number", "text"] = "text"
        if column.kind == "integer" and (_UNIX_SECONDS.search(text) or column.name.endswith("_at")):
            kind = "time"
        elif column.kind in ("integer", "number"):
            kind = "number"
            if _CENTS.search(text):
                label += " (cents)"
        out.append(AdminColumn(column.name, label, kind))
    return out


def shown_columns(
    operation: AdminOperation, rows: Sequence[Mapping[str, Any]]
) -> list[AdminColumn]:
    """The columns a table of ``rows`` shows: those with a value in some row."""
    return [c for c in admin_columns(operation) if any(r.get(c.name) is not None for r in rows)]


def cell(column: AdminColumn, value: Any) -> str:
    """One value as the table shows it (plain text, not yet escaped)."""
    if column.kind == "time" and isinstance(value, int) and not isinstance(value, bool):
        try:
            return when(datetime.fromtimestamp(value, UTC))
        except (OverflowError, OSError, ValueError):
            return number(value)  # not a time after all: the number, whole
    if isinstance(value, float) and not value.is_integer():
        # A threshold (0.005) is a setting, not a measure: every digit it has.
        return f"{value:,}"
    return number(value)


def noun(operation: AdminOperation, count: int) -> str:
    """``3 project API keys``, ``1 project API key``."""
    words = _label(operation.name).split()
    if count == 1:
        words[-1] = singular(words[-1])
    return f"{count:,} {' '.join(words)}"


def render_admin_table(
    out: TextIO,
    operation: AdminOperation,
    rows: Sequence[Mapping[str, Any]],
    *,
    title: str,
    demo: bool,
    top: int = DEFAULT_TOP,
    limit: int | None = None,
) -> None:
    """Print ``rows`` (records of ``operation``) as a table fitted to ``out``.

    Args:
        out: Where to print (a terminal gets its width; a file or pipe everything whole).
        operation: The operation the records are of.
        rows: The records, in the API's order.
        title: The table's title, plain text (escaped here).
        demo: Tag the title as synthetic demo data.
        top: Rows shown before one last row counts the rest (lists only).
        limit: The ``--limit`` the listing stopped at, if it was given.
    """
    listed = isinstance(operation, ListOperation)
    shown, rest = top_and_rest(rows, top) if listed else (rows, rows[len(rows) :])
    columns = shown_columns(operation, shown)
    caption = _caption(operation, rows, columns, rest, top=top, limit=limit) if listed else None
    table = FitTable(title=titled(escape(title), demo), caption=caption, empty="Nothing listed.")
    for column in columns:
        # Times are aligned as numbers are: values, never shortened, and what a too-wide
        # table stacks its sections after (the text columns before them repeat).
        value = column.kind != "text"
        table.add_column(escape(column.label), justify="right" if value else "left", no_wrap=True)
    for row in shown:
        table.add_row(*(escape(cell(column, row.get(column.name))) for column in columns))
    if rest and columns:
        table.add_row(rest_label(len(rest)), *([""] * (len(columns) - 1)))
    console_for(out).print(table)


def _caption(
    operation: AdminOperation,
    rows: Sequence[Mapping[str, Any]],
    columns: Sequence[AdminColumn],
    rest: Sequence[Any],
    *,
    top: int,
    limit: int | None,
) -> str | None:
    if not rows:
        return None
    parts = [noun(operation, len(rows))]
    if limit is not None and len(rows) >= limit:
        parts[0] += f" (stopped at --limit {limit:,}; more may follow)"
    if any(c.kind == "time" for c in columns):
        parts.append("times are UTC")
    if rest:
        parts.append(
            f"the first {top:,} shown: --top {len(rows)} lists them all, --format csv writes "
            "every one"
        )
    return "; ".join(parts)
