"""The tables a sync writes, its state, and the interface a storage backend implements.

One table per operation of ``OPERATIONS`` (``usage_<name>`` for the usage operations, and
``costs``), so an operation added to the registry gets its table with no edit here, with
exactly the columns of the package's row shape (:func:`openai_org_usage.export.columns`, the
columns of records and DataFrames), in the same order, plus ``row_key``, the primary key.

Why ``row_key`` and not ``PRIMARY KEY (bucket_start, <group-by fields>)``: group-by fields are
legitimately null (a cost with no API key, a field the API leaves out), and SQL refuses nulls
in primary-key columns and treats them as distinct in unique ones, so ``ON CONFLICT`` would
never match such a row and every re-sync would duplicate it. Replacing null with ``''`` would
work but makes the table disagree with the DataFrames (``<NA>``) and with ``IS NULL`` queries.
So group columns keep their nulls, and ``row_key`` encodes the same identity null-safely:
``["2026-11-01T00:00:00Z","proj_abc",null,true]`` (JSON of bucket start and every group-by
field of the operation, in column order). It is unique per (bucket, group) like the natural
key, and it is the ``ON CONFLICT`` target.

The grain. ``sync`` asks for every group-by field; when the API refuses a combination it asks
again without some fields (see ``_sync``), and those fields are then null in the rows it
writes, and in their ``row_key``. One bucket is always stored at one grain: every page
replaces *all* rows of the buckets it holds (``upsert_rows`` then ``delete_other_rows``), so
when a bucket is fetched again at another grain, the rows of the old grain are deleted in the
same transaction, and a sum over the table never counts a bucket twice. Buckets fetched at
different times can have different grains; ``sync_state.group_by`` says what the last run
asked for, ``sync_state.group_by_refused`` what the API refused (not asked again).

Types are chosen to mean the same in DuckDB and PostgreSQL: ``TIMESTAMPTZ``, ``TEXT``,
``BOOLEAN``, ``BIGINT``, ``DOUBLE PRECISION``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any, Protocol, runtime_checkable

import attrs

from openai_org_usage import OPERATIONS, Row
from openai_org_usage.export import Column, ColumnKind, columns, row_key, row_values

__all__ = [
    "ROW_KEY",
    "SQL_TYPES",
    "STATE_COLUMNS",
    "STATE_SQL",
    "STATE_TABLE",
    "TABLES",
    "Backend",
    "SyncState",
    "TableSchema",
    "table_name",
]

ROW_KEY = "row_key"
STATE_TABLE = "sync_state"

SQL_TYPES: Mapping[ColumnKind, str] = {
    "timestamp": "TIMESTAMPTZ",
    "string": "TEXT",
    "boolean": "BOOLEAN",
    "integer": "BIGINT",
    "float": "DOUBLE PRECISION",
}
"""The SQL type of each column kind."""


def table_name(operation: str) -> str:
    """``costs`` for costs, ``usage_<operation>`` for the usage operations."""
    return operation if operation == "costs" else f"usage_{operation}"


@attrs.frozen
class TableSchema:
    """One operation's table.

    Attributes:
        operation: The operation's name (``"completions"``).
        name: The table's name (``"usage_completions"``).
        columns: The data columns, as in DataFrames (``row_key`` is not among them).
    """

    operation: str
    name: str
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every column in table order: the data columns, then ``row_key``."""
        return (*(c.name for c in self.columns), ROW_KEY)

    @property
    def key_columns(self) -> tuple[str, ...]:
        """The natural key that ``row_key`` encodes: ``bucket_start`` and the group fields."""
        return ("bucket_start", *(c.name for c in self.columns if c.group))

    def sql_columns(self) -> list[tuple[str, str]]:
        """``(name, SQL type)`` for every column in table order."""
        return [(c.name, SQL_TYPES[c.kind]) for c in self.columns] + [(ROW_KEY, "TEXT")]

    def create_sql(self) -> str:
        """Portable ``CREATE TABLE IF NOT EXISTS`` for this table."""
        lines = []
        for name, sql_type in self.sql_columns():
            not_null = " NOT NULL" if name in ("bucket_start", "bucket_end", ROW_KEY) else ""
            lines.append(f"    {name} {sql_type}{not_null}")
        lines.append(f"    PRIMARY KEY ({ROW_KEY})")
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n" + ",\n".join(lines) + "\n)"

    def row(self, row: Row[Any]) -> tuple[Any, ...]:
        """The values of one result in table order (``row_key`` last)."""
        values = row_values(self.columns, row)
        return (*values, row_key(self.columns, values))


TABLES: Mapping[str, TableSchema] = {
    name: TableSchema(name, table_name(name), columns(op)) for name, op in OPERATIONS.items()
}
"""Every operation's table, by operation name."""


@attrs.frozen
class SyncState:
    """What is stored for one operation: the range of complete buckets written without gaps.

    Attributes:
        operation: The operation's name.
        synced_from: Start of the covered range.
        synced_until: End of the last complete bucket of the covered range; everything in
            ``[synced_from, synced_until)`` has been written.
        updated_at: When this state was written (wall clock).
        group_by: The group-by fields the last run asked for (None: unknown, written by a
            release that always asked for every field).
        refused: Group-by fields the API refused for this operation; later runs do not ask
            for them (clear ``group_by_refused`` in the table to try them again).
    """

    operation: str
    synced_from: datetime
    synced_until: datetime
    updated_at: datetime
    group_by: tuple[str, ...] | None = None
    refused: tuple[str, ...] = ()


STATE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("operation", "TEXT"),
    ("synced_from", "TIMESTAMPTZ"),
    ("synced_until", "TIMESTAMPTZ"),
    ("updated_at", "TIMESTAMPTZ"),
    ("group_by", "TEXT"),
    ("group_by_refused", "TEXT"),
)
"""The state table's columns; ``group_by`` and ``group_by_refused`` hold comma-separated
field names (``group_by`` null: written by a release that always asked for every field)."""

STATE_SQL = f"""CREATE TABLE IF NOT EXISTS {STATE_TABLE} (
    operation TEXT NOT NULL,
    synced_from TIMESTAMPTZ NOT NULL,
    synced_until TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    group_by TEXT,
    group_by_refused TEXT,
    PRIMARY KEY (operation)
)"""
"""Portable DDL of the sync state table."""


@runtime_checkable
class Backend(Protocol):
    """What ``sync`` needs from a database: the seam for adding e.g. PostgreSQL next to DuckDB.

    An open backend must hold exclusive write access for sync (raising ``SyncLockedError``
    when another sync has it) until ``close()``. ``sync`` calls ``create_tables`` once, then
    per page, inside one ``transaction()``: ``upsert_rows``, ``delete_other_rows`` and
    ``write_state``, so a page and the state that records it commit together or not at all.

    A PostgreSQL backend maps one to one: the DDL of ``TableSchema.create_sql`` and
    ``STATE_SQL`` as is, ``INSERT ... ON CONFLICT (row_key) DO UPDATE``, and
    ``pg_try_advisory_lock`` for the exclusive access.
    """

    def create_tables(self, tables: Sequence[TableSchema]) -> None:
        """Create missing tables (and the state table); add columns missing from old ones.

        Raises ``StoreError``, changing nothing, when a table of the same name exists that
        this package did not make (other columns or types, no ``row_key`` primary key).
        """
        ...

    def upsert_rows(self, table: TableSchema, rows: Sequence[tuple[Any, ...]]) -> int:
        """Insert rows (values in ``table.column_names`` order), replacing rows with the same
        ``row_key``; return how many were written."""
        ...

    def delete_other_rows(
        self, table: TableSchema, bucket_starts: Sequence[datetime], keep: Collection[str]
    ) -> int:
        """Delete rows of these buckets whose ``row_key`` is not in ``keep``; return how many.

        This is how a revision that drops a group (a line item that moved) reaches the table.
        """
        ...

    def read_state(self, operation: str) -> SyncState | None:
        """The stored state of ``operation``, or None before its first sync."""
        ...

    def write_state(self, state: SyncState) -> None:
        """Insert or replace the state of ``state.operation``."""
        ...

    def transaction(self) -> AbstractContextManager[None]:
        """Commit on normal exit, roll back on any exception."""
        ...

    def close(self) -> None:
        """Close the connection and give up exclusive access."""
        ...
