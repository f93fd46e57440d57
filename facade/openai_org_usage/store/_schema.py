"""The tables a sync writes: one per operation, in the package's row shape plus ``org_id``.

One table per operation of ``OPERATIONS`` (``usage_<name>`` for the usage operations, and
``costs``), so an operation added to the registry gets its table with no edit here. Columns:
``org_id``, then exactly the columns of :func:`openai_org_usage.export.columns` (the columns of
records and DataFrames), in the same order; dlt adds ``_dlt_load_id`` (the load that wrote
the row).

A row is identified by ``org_id``, ``bucket_start`` and every group-by field of its operation
(:attr:`TableSchema.key_columns`). The load merges on ``(org_id, bucket_start)``
(:data:`MERGE_KEY`): a load replaces *every* row of each organization's bucket it carries,
so a restated bucket is updated in place, a group the API no longer returns for that bucket
goes, and a bucket is never stored at two grains (after a refused grouping, see ``_fetch``).
A bucket restated to no rows at all carries nothing to merge: ``sync`` deletes its rows
(``usage_source(emptied=...)``).
Merging on the full identity instead would keep vanished groups, and group-by values are
legitimately null (a cost with no API key), which dlt refuses in key columns.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs

from openai_org_usage import OPERATIONS
from openai_org_usage.export import Column, columns

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "BUCKET_WIDTHS",
    "HOURLY_TABLES",
    "MERGE_KEY",
    "ORG_ID",
    "TABLES",
    "TableSchema",
    "table_name",
    "tables_for",
]

ORG_ID = "org_id"
MERGE_KEY = (ORG_ID, "bucket_start")
"""The columns a load replaces rows by: every stored row of an organization's bucket."""


BUCKET_WIDTHS = ("1d", "1h")
"""The bucket widths a sync stores: daily tables, and hourly ones beside them."""


def table_name(operation: str, bucket_width: str = "1d") -> str:
    """``costs`` for costs, ``usage_<operation>`` for the usage operations; an hourly table
    has ``_1h`` after that (``usage_completions_1h``), beside the daily one."""
    name = operation if operation == "costs" else f"usage_{operation}"
    return name if bucket_width == "1d" else f"{name}_{bucket_width}"


@attrs.frozen
class TableSchema:
    """One operation's table.

    Attributes:
        operation: The operation's name (``"completions"``).
        name: The table's name (``"usage_completions"``).
        columns: The row shape's columns (``org_id`` is not among them).
        bucket_width: The width of its buckets (``"1d"``, ``"1h"``).
    """

    operation: str
    name: str
    columns: tuple[Column, ...]
    bucket_width: str = "1d"

    @property
    def column_names(self) -> tuple[str, ...]:
        """Every column in table order: ``org_id``, then the row shape."""
        return (ORG_ID, *(c.name for c in self.columns))

    @property
    def key_columns(self) -> tuple[str, ...]:
        """A row's identity: ``org_id``, ``bucket_start`` and every group-by field."""
        return (*MERGE_KEY, *(c.name for c in self.columns if c.group))

    def arrow_schema(self) -> pa.Schema:
        """The Arrow schema of the rows handed to dlt (bounds and ``org_id`` not null)."""
        import pyarrow as pa

        types: Mapping[str, Any] = {
            "timestamp": pa.timestamp("us", tz="UTC"),
            "string": pa.string(),
            "boolean": pa.bool_(),
            "integer": pa.int64(),
            "float": pa.float64(),
        }
        fields = [pa.field(ORG_ID, pa.string(), nullable=False)]
        fields += [
            pa.field(c.name, types[c.kind], nullable=c.name not in (*MERGE_KEY, "bucket_end"))
            for c in self.columns
        ]
        return pa.schema(fields)

    def dlt_columns(self) -> dict[str, dict[str, Any]]:
        """dlt column hints: the merge key only.

        Every column's type and nullability come with the rows: they reach dlt as Arrow
        tables of :meth:`arrow_schema`, whose types hold even for a column of nulls. Hinting
        them as well costs dlt a validation and a copy of every hint per item and per run.
        """
        return {name: {"nullable": False, "merge_key": True} for name in MERGE_KEY}


TABLES: Mapping[str, TableSchema] = {
    name: TableSchema(name, table_name(name), columns(op)) for name, op in OPERATIONS.items()
}
"""Every operation's table, by operation name."""

HOURLY_TABLES: Mapping[str, TableSchema] = {
    name: TableSchema(name, table_name(name, "1h"), columns(op), "1h")
    for name, op in OPERATIONS.items()
    if "1h" in op.bucket_widths
}
"""The hourly table of every operation that serves hourly buckets (costs has daily only)."""


def tables_for(bucket_width: str) -> Mapping[str, TableSchema]:
    """The tables of one bucket width (:data:`BUCKET_WIDTHS`), by operation name."""
    return TABLES if bucket_width == "1d" else HOURLY_TABLES
