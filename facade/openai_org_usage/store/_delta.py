"""Delta tables on a filesystem destination (``table_format="delta"``): how they merge.

dlt merges into a Delta table by primary key only (``upsert``: Delta has no
``delete-insert``), and a key column holding a null never matches (``target.c = source.c``).
Group-by values are legitimately null (a cost with no API key), so each row of a Delta table
carries ``_row_key`` (:data:`ROW_KEY`): its group-by values in a fixed order, each spelled
with its length (``7:gpt-4o``) or ``-`` for a null, comma-joined; never null, and equal
exactly when the values are. The primary key is ``(org_id, bucket_start, _row_key)``: a
second load of a bucket updates its rows in place, and a load dlt replays after a kill
changes nothing.

A merge by row key keeps the groups a restatement dropped from a bucket. After every load,
:func:`drop_superseded` deletes each bucket's rows written by a load older than the bucket's
latest: every bucket holds the rows of its latest load only, as on the destinations that merge
on ``(org_id, bucket_start)``. It reads three columns of the table, not this run's loads, so
a run killed before it finished has it done by the next. Until then, a reader sees at most the
dropped groups' old rows, never a row twice. Buckets a restatement emptied are deleted during
the extraction (:class:`DeltaEmptiedBuckets`), as the SQL destinations delete them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import attrs

from openai_org_usage import StoreError

from ._schema import MERGE_KEY, ORG_ID

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "DELTA",
    "LOAD_ID",
    "ROW_KEY",
    "DeltaEmptiedBuckets",
    "delta_hints",
    "drop_superseded",
    "keyed",
    "with_row_key",
]

DELTA = "delta"
"""The one table format ``sync`` offers (on the ``filesystem`` destination)."""
ROW_KEY = "_row_key"
"""A Delta table's column of each row's group-by values (module docstring)."""
LOAD_ID = "_dlt_load_id"


def delta_hints(columns: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """dlt resource hints of a bucket table stored as Delta: upsert on the row key.

    ``columns`` are the table's column hints; the merge key among them is dropped (Delta
    merges by primary key only).
    """
    hinted = {
        name: {k: v for k, v in hint.items() if k != "merge_key"} for name, hint in columns.items()
    }
    hinted[ROW_KEY] = {"data_type": "text", "nullable": False}
    return {
        "table_format": DELTA,
        "write_disposition": {"disposition": "merge", "strategy": "upsert"},
        "primary_key": (*MERGE_KEY, ROW_KEY),
        "columns": hinted,
    }


def with_row_key(table: pa.Table, group: Sequence[str]) -> pa.Table:
    """``table`` with :data:`ROW_KEY` appended, made from its ``group`` columns."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = []
    for name in group:
        values = pc.cast(table.column(name), pa.string())
        lengths = pc.cast(pc.utf8_length(values), pa.string())
        parts.append(pc.fill_null(pc.binary_join_element_wise(lengths, values, ":"), "-"))
    if not parts:
        key: Any = pa.array([""] * table.num_rows, pa.string())
    elif len(parts) == 1:
        key = parts[0]
    else:
        key = pc.binary_join_element_wise(*parts, ",")
    return table.append_column(pa.field(ROW_KEY, pa.string(), nullable=False), key)


def keyed(batches: Iterator[pa.Table], group: Sequence[str]) -> Iterator[pa.Table]:
    """``batches`` with their row keys (a resource's items, as they pass); closing this
    closes ``batches`` at once (a resource's fetch stops when dlt gives up on it)."""
    try:
        for batch in batches:
            yield with_row_key(batch, group)
    finally:
        close = getattr(batches, "close", None)
        if close is not None:
            close()


def drop_superseded(pipeline: Any, names: Iterable[str], target: str) -> None:
    """In each Delta table of ``names``, delete the rows of each ``(org_id, bucket_start)``
    written by a load older than that bucket's latest (module docstring)."""
    import pyarrow.compute as pc

    for name, table in _open(pipeline, names, target):
        rows = table.to_pyarrow_table(columns=[*MERGE_KEY, LOAD_ID])
        if not rows.num_rows:
            continue
        latest = rows.group_by(list(MERGE_KEY)).aggregate([(LOAD_ID, "max")])
        joined = rows.join(latest, list(MERGE_KEY))
        stale = joined.filter(pc.less(joined[LOAD_ID], joined[f"{LOAD_ID}_max"]))
        if not stale.num_rows:
            continue
        groups = stale.group_by([ORG_ID, LOAD_ID]).aggregate([("bucket_start", "distinct")])
        clauses = [
            _bucket_clause(org_id, buckets, load_id)
            for org_id, load_id, buckets in zip(
                groups[ORG_ID].to_pylist(),
                groups[LOAD_ID].to_pylist(),
                groups["bucket_start_distinct"].to_pylist(),
                strict=True,
            )
        ]
        _delete(table, " OR ".join(f"({c})" for c in clauses), name, target)


@attrs.define
class DeltaEmptiedBuckets:
    """Deletes the stored rows of buckets a restatement emptied, from Delta tables
    (``SyncHooks.emptied``; the SQL destinations' twin is in ``_sync``)."""

    target: str
    pipeline: Any = None
    absent: set[str] = attrs.field(factory=set)  # tables the destination does not have yet

    def delete(self, table: str, org_id: str, buckets: list[datetime]) -> None:
        if table in self.absent:
            return
        for name, delta in _open(self.pipeline, [table], self.target):
            _delete(delta, _bucket_clause(org_id, buckets), name, self.target)


def _open(pipeline: Any, names: Iterable[str], target: str) -> Iterator[tuple[str, Any]]:
    """The Delta tables of ``names`` the destination holds (a table not there yet is not)."""
    from dlt.common.destination.exceptions import DestinationUndefinedEntity

    with pipeline.destination_client() as client:
        for name in names:
            try:
                yield name, client.load_open_table(DELTA, name)
            except DestinationUndefinedEntity:
                continue
            except Exception as exc:
                raise StoreError(
                    f"{target}: cannot open the Delta table {name}: {_one_line(exc)}",
                    path=target,
                ) from exc


def _delete(table: Any, predicate: str, name: str, target: str) -> None:
    try:
        table.delete(predicate)
    except Exception as exc:
        raise StoreError(
            f"{target}: cannot delete replaced rows of the Delta table {name}: {_one_line(exc)}",
            path=target,
        ) from exc


def _bucket_clause(org_id: str, buckets: Iterable[datetime], load_id: str | None = None) -> str:
    """A Delta (DataFusion SQL) predicate: ``org_id``'s rows of ``buckets`` (of one load)."""
    starts = ", ".join(
        f"'{b.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%S.%fZ')}'" for b in sorted(buckets)
    )
    clause = f"{ORG_ID} = {_literal(org_id)} AND bucket_start IN ({starts})"
    return clause if load_id is None else f"{clause} AND {LOAD_ID} = {_literal(load_id)}"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
