"""One row shape for every result: plain records, typed pandas DataFrames, and their columns.

This module is the one definition of what a row looks like. ``to_records`` and ``to_pandas``
build rows from it; the ``openai-org-usage`` command writes CSV, JSON and NDJSON with it, and
``openai_org_usage.store`` makes its tables from it, so all of them have the same columns, in
the same order, with the same value types. Both functions take the operation first and the
rows second, ``(operation, rows)``, so a paginator can hand over itself or its ``.results()``::

    from openai_org_usage import UsageClient
    from openai_org_usage.export import to_pandas, to_records

    with UsageClient() as client:
        paginator = client.costs(start="30d", group_by=["project_id", "line_item"])
        frame = to_pandas("costs", paginator.results())
        frame.groupby("project_id")["amount_value"].sum()

The row shape of an operation (:func:`columns`), in order:

1. ``bucket_start``, ``bucket_end``: the bucket's bounds, timezone-aware UTC.
2. The result's fields, in the order the spec lists them, under the API's names. A nested
   object is flattened with ``_``: the costs' ``amount`` becomes ``amount_value`` (float) and
   ``amount_currency`` (string). Group-by fields are strings (``batch`` is a boolean) and
   missing (None / ``<NA>``) when the call did not group by them; counts are integers
   (tokens, requests, bytes, seconds ...), other numbers floats (``quantity``). The constant
   ``object`` field is left out: it only repeats the result type.

The columns and their types come from the operation's result schema as the operation
registry describes it (``Operation.fields``), never from the data, so every frame of one
operation has the same columns and dtypes, an empty one included. This module reads nothing
of the generated package's structure itself.

Decisions:

* A field the API left out or sent as ``null`` is ``None`` in records and ``<NA>`` / ``NaN``
  in frames.
* Timestamps are ``datetime`` objects (aware, UTC) in records, not ISO strings: they go into
  pandas, databases and ``csv`` without parsing, and ``.isoformat()`` is one call away.
* Fields the API sent that this client does not know are kept in records under their own
  names, after the fixed columns and never overriding one (an unknown field inside a nested
  object is flattened like a known one: ``amount_tax``), unless ``extras=False``; frames never
  have them, because a frame's columns must not depend on the data.

Arrow: :func:`arrow_schema` is the row shape as an Arrow schema (``bucket_start`` and
``bucket_end`` ``timestamp[us, UTC]``, strings ``string``, booleans ``bool``, counts
``int64``, other numbers ``float64``; every column nullable but the bucket bounds).
``Paginator.to_arrow()`` and ``Paginator.arrow_batches()`` decode pages straight into it;
:func:`to_arrow` builds the same table from typed rows, and :func:`arrow_to_pandas` turns such a
table into the DataFrame :func:`to_pandas` would make (``Paginator.to_pandas()`` is built from
the pages' Arrow batches, one page at a time).

pandas is imported only by :func:`to_pandas`, :func:`arrow_to_pandas` and
:func:`frame_from_batches`, pyarrow only by the Arrow functions (both through ``_extras``);
without them, ``MissingDependencyError`` names the extra to install.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import attrs

from ._errors import InvalidParameterError
from ._extras import require_pandas, require_pyarrow
from ._models import Bucket, Row
from ._operations import OPERATIONS, Field, Operation, Unset
from ._time import iso_utc

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = [
    "PANDAS_DTYPES",
    "Column",
    "ColumnKind",
    "Rows",
    "arrow_schema",
    "arrow_to_pandas",
    "columns",
    "frame_from_batches",
    "row_key",
    "row_values",
    "to_arrow",
    "to_pandas",
    "to_records",
]

ColumnKind = Literal["timestamp", "string", "boolean", "integer", "float"]

PANDAS_DTYPES: Mapping[ColumnKind, str] = {
    # Microseconds: what Python datetimes and SQL timestamps hold; the same on pandas 2 and 3.
    "timestamp": "datetime64[us, UTC]",
    "string": "string",
    "boolean": "boolean",
    "integer": "Int64",
    "float": "float64",
}
"""The pandas dtype of each column kind (all of them hold missing values)."""

Rows = Iterable[Row[Any]] | Iterable[Bucket[Any]]
"""What the functions read: ``Row`` objects (``paginator.results()``), or buckets (a paginator
itself, or a list of buckets), which are expanded into one row per result."""

_START = "bucket_start"
_END = "bucket_end"
# The column kind of each scalar kind of the spec (``Field.kind``); objects are flattened.
_KINDS: Mapping[str, ColumnKind] = {
    "string": "string",
    "integer": "integer",
    "number": "float",
    "boolean": "boolean",
}


@attrs.frozen
class Column:
    """One column of an operation's rows.

    Attributes:
        name: Column name (``bucket_start``, ``model``, ``amount_value`` ...).
        kind: Its type; ``PANDAS_DTYPES[kind]`` is its pandas dtype.
        path: Attribute names leading to the value on a result (``("amount", "value")``);
            empty for the bucket bounds, which come from the row.
        group: Whether it is a group-by field (part of a row's identity within its bucket).
        required: Whether the API always sends it: the spec requires the field and every
            object on its path (a total such as ``input_tokens``, not a breakdown such as
            ``input_cached_tokens``). The bucket bounds are required.
    """

    name: str
    kind: ColumnKind
    path: tuple[str, ...] = ()
    group: bool = False
    required: bool = False


def columns(operation: Operation[Any] | str) -> tuple[Column, ...]:
    """The fixed columns of ``operation``'s rows, in order: the row shape.

    Args:
        operation: An operation or its name (a key of ``OPERATIONS``).

    Raises:
        InvalidParameterError: no operation of that name.

    Example::

        >>> [c.name for c in columns("costs")][:4]
        ['bucket_start', 'bucket_end', 'amount_value', 'amount_currency']
    """
    return _shape(_operation(operation)).columns


def to_records(
    operation: Operation[Any] | str, rows: Rows, *, extras: bool = True
) -> list[dict[str, Any]]:
    """One plain ``dict`` per result, keyed by :func:`columns` (plus unknown fields).

    Args:
        operation: The operation the rows come from (or its name, e.g. ``"completions"``).
        rows: ``Row`` objects or buckets of that operation, e.g. ``paginator.results()``.
        extras: Keep fields this client does not know under their own names. Pass False for
            exactly the fixed columns (e.g. for ``csv.DictWriter``).

    Raises:
        InvalidParameterError: no operation of that name.
        TypeError: a result of another operation, or a value of the wrong type.

    Example::

        records = to_records("completions", client.completions(start="7d").results())
        records[0]["bucket_start"]  # datetime.datetime(2026, 11, 18, 0, 0, tzinfo=UTC)
    """
    op = _operation(operation)
    shape = _shape(op)
    names = [c.name for c in shape.columns]
    out: list[dict[str, Any]] = []
    for row in _iter_rows(op, rows):
        record = dict(zip(names, row_values(shape.columns, row), strict=True))
        if extras:
            for name, value in _extras(shape, row.result):
                record.setdefault(name, value)
        out.append(record)
    return out


def to_pandas(operation: Operation[Any] | str, rows: Rows) -> pd.DataFrame:
    """A DataFrame with one row per result and the fixed columns and dtypes of ``operation``.

    Args:
        operation: The operation the rows come from (or its name).
        rows: ``Row`` objects or buckets of that operation, e.g. ``paginator.results()``.

    Raises:
        MissingDependencyError: pandas is not installed
            (``pip install 'openai-org-usage[pandas]'``).
        InvalidParameterError: no operation of that name.
        TypeError: a result of another operation, or a value of the wrong type.

    Example::

        frame = to_pandas("completions", client.completions(start="7d", group_by="model"))
        frame.groupby("model")[["input_tokens", "output_tokens"]].sum()
    """
    pandas = require_pandas()
    op = _operation(operation)
    cols = _shape(op).columns
    values = _column_values(op, cols, rows)
    data = {
        col.name: _pandas_column(pandas, col.kind, vals)
        for col, vals in zip(cols, values, strict=True)
    }
    # An explicit index, so that empty and non-empty frames both get a RangeIndex.
    frame: pd.DataFrame = pandas.DataFrame(data, index=pandas.RangeIndex(len(values[0])))
    return frame


def arrow_schema(operation: Operation[Any] | str) -> pa.Schema:
    """The row shape of ``operation`` as an Arrow schema: :func:`columns`, typed.

    Every batch ``Paginator.arrow_batches()`` yields, and every table ``to_arrow`` makes, has
    exactly this schema, an empty one included.

    Raises:
        MissingDependencyError: pyarrow is not installed
            (``pip install 'openai-org-usage[arrow]'``).
        InvalidParameterError: no operation of that name.

    Example::

        >>> arrow_schema("costs").field("amount_value").type
        DataType(double)
    """
    pa = require_pyarrow()
    types = {
        "timestamp": pa.timestamp("us", tz="UTC"),
        "string": pa.string(),
        "boolean": pa.bool_(),
        "integer": pa.int64(),
        "float": pa.float64(),
    }
    return pa.schema(
        [
            pa.field(col.name, types[col.kind], nullable=col.name not in (_START, _END))
            for col in columns(operation)
        ]
    )


def to_arrow(operation: Operation[Any] | str, rows: Rows) -> pa.Table:
    """An Arrow table of typed rows, with :func:`arrow_schema` (needs the ``arrow`` extra).

    The same table ``Paginator.to_arrow()`` decodes from the pages directly; use this for rows
    you already hold.

    Raises:
        MissingDependencyError: pyarrow is not installed.
        InvalidParameterError: no operation of that name.
        TypeError: a result of another operation, or a value of the wrong type.
    """
    pa = require_pyarrow()
    op = _operation(operation)
    schema = arrow_schema(op)
    values = _column_values(op, _shape(op).columns, rows)
    arrays = [pa.array(v, type=f.type) for v, f in zip(values, schema, strict=True)]
    return pa.Table.from_arrays(arrays, schema=schema)


def arrow_to_pandas(table: pa.Table | pa.RecordBatch) -> pd.DataFrame:
    """The DataFrame of a table with an operation's :func:`arrow_schema`, in the row shape's dtypes.

    What :func:`to_pandas` makes of the same rows: ``datetime64[us, UTC]``, ``string``,
    ``boolean``, ``Int64``, ``float64`` (missing values ``<NA>``, ``NaN`` for floats).

    Raises:
        MissingDependencyError: pandas or pyarrow is not installed.
        TypeError: a column of a type the row shape does not use.

    Example::

        frame = arrow_to_pandas(client.costs(start="30d").to_arrow())
    """
    pa = require_pyarrow("DataFrames")
    if isinstance(table, pa.RecordBatch):
        table = pa.Table.from_batches([table])
    return frame_from_batches(table.schema, table.to_batches())


def frame_from_batches(schema: pa.Schema, batches: Iterable[pa.RecordBatch]) -> pd.DataFrame:
    """The DataFrame of record batches with an operation's :func:`arrow_schema`, batch by batch.

    Each batch is copied into the frame's columns as it comes and can then go, so a
    generator of pages is never held whole (``Paginator.to_pandas()`` builds its frame so).
    The frame is the one :func:`arrow_to_pandas` makes of the same rows.

    Args:
        schema: The batches' schema (``arrow_schema(operation)``).
        batches: Record batches, each with ``schema``.

    Returns:
        One DataFrame, in the row shape's dtypes (an empty one when there are no batches).

    Raises:
        MissingDependencyError: pandas or pyarrow is not installed.
        TypeError: a batch of another schema, or a column type the row shape does not use.

    Example::

        frame = frame_from_batches(arrow_schema("costs"), client.costs(start="30d").arrow_batches())
    """
    builder = _FrameBuilder(schema)
    for batch in batches:
        builder.append(batch)
    return builder.finish()


class _FrameBuilder:
    """Builds a DataFrame from record batches as they come, without holding them all.

    Numeric, boolean and timestamp columns grow in place (numpy ``resize``: ``realloc``, which
    moves large blocks by remapping pages, not by copying them), so each batch's values are
    copied once into the frame's own arrays and the batch can go: the peak is the frame plus
    one page, not the batches beside a finished copy (bench/run_all.py measures it). String
    columns keep the batches' Arrow chunks, which pandas' Arrow-backed ``string`` dtype uses
    as they are.
    """

    def __init__(self, schema: pa.Schema) -> None:
        self._pd = require_pandas()
        import numpy

        self._np = numpy
        self._pa = require_pyarrow("DataFrames")
        self._schema = schema
        self._rows = 0
        self._chunks: dict[str, list[Any]] = {}
        self._values: dict[str, Any] = {}
        self._masks: dict[str, Any] = {}
        pa = self._pa
        for field in schema:
            kind = field.type
            if pa.types.is_string(kind) or pa.types.is_large_string(kind):
                self._chunks[field.name] = []
                continue
            if pa.types.is_boolean(kind):
                dtype: Any = numpy.bool_
            elif pa.types.is_float64(kind):
                dtype = numpy.float64
            elif pa.types.is_int64(kind) or pa.types.is_timestamp(kind):
                dtype = numpy.int64
            else:
                raise TypeError(f"no pandas column for Arrow type {kind}")
            self._values[field.name] = numpy.empty(0, dtype=dtype)
            if not pa.types.is_float64(kind):
                self._masks[field.name] = numpy.empty(0, dtype=numpy.bool_)

    def append(self, batch: pa.RecordBatch) -> None:
        import pyarrow.compute as pc

        np, pa = self._np, self._pa
        if not batch.schema.equals(self._schema):
            raise TypeError(f"a batch of another schema: {batch.schema}")
        start, count = self._rows, batch.num_rows
        self._rows = end = start + count
        for field, column in zip(self._schema, batch.columns, strict=True):
            name = field.name
            if name in self._chunks:
                # pandas' Arrow-backed strings are large_string: cast now, a page at a time,
                # rather than the whole column at the end.
                self._chunks[name].append(
                    pc.cast(column, pa.large_string(), memory_pool=pa.system_memory_pool())
                )
                continue
            values = self._values[name]
            values.resize(end, refcheck=False)
            if pa.types.is_boolean(field.type):
                # Bits: unpacked by Arrow (nulls as False; the mask says which).
                unpacked = column.fill_null(False).to_numpy(zero_copy_only=False)
                values[start:end] = unpacked
            elif count:
                # The batch's own data buffer, read in place (values under nulls are masked,
                # or made NaN below).
                values[start:end] = np.frombuffer(
                    column.buffers()[1], dtype=values.dtype, count=count, offset=column.offset * 8
                )
            if pa.types.is_float64(field.type):
                if column.null_count:
                    values[start:end][self._nulls(column)] = np.nan
                continue
            mask = self._masks[name]
            mask.resize(end, refcheck=False)
            mask[start:end] = self._nulls(column) if column.null_count else False

    def _nulls(self, column: Any) -> Any:
        import pyarrow.compute as pc

        nulls = pc.is_null(column, memory_pool=self._pa.system_memory_pool())
        return self._np.asarray(nulls, dtype=bool)

    def finish(self) -> pd.DataFrame:
        pandas, np, pa = self._pd, self._np, self._pa
        data: dict[str, Any] = {}
        for field in self._schema:
            name, kind = field.name, field.type
            if name in self._chunks:
                chunked = pa.chunked_array(self._chunks.pop(name), type=pa.large_string())
                data[name] = pandas.api.types.pandas_dtype(PANDAS_DTYPES["string"]).__from_arrow__(
                    chunked
                )
                continue
            values = self._values.pop(name)
            if pa.types.is_float64(kind):
                data[name] = values
                continue
            mask = self._masks.pop(name)
            if pa.types.is_timestamp(kind):
                stamps = values.view(f"datetime64[{kind.unit}]")
                stamps[mask] = np.datetime64("NaT")
                data[name] = pandas.DatetimeIndex(stamps).tz_localize(kind.tz).array
            elif pa.types.is_boolean(kind):
                data[name] = pandas.arrays.BooleanArray(values, mask, copy=False)
            else:
                data[name] = pandas.arrays.IntegerArray(values, mask, copy=False)
        frame: pd.DataFrame = pandas.DataFrame(
            data, index=pandas.RangeIndex(self._rows), copy=False
        )
        return frame


def row_values(cols: tuple[Column, ...], row: Row[Any]) -> tuple[Any, ...]:
    """The values of ``row`` for ``cols`` (from :func:`columns`), checked and converted.

    ``UNSET`` and ``null`` become None; ints that arrive as whole floats become ints, and
    ints in float columns floats. Anything else of the wrong type raises ``TypeError``,
    rather than landing in a typed column as garbage.

    Args:
        cols: The columns of the row's operation.
        row: One result with its bucket's bounds.

    Returns:
        One value per column, in column order.

    Raises:
        TypeError: a value of the wrong type, or naive bucket bounds.

    Example::

        cols = columns("costs")
        values = row_values(cols, next(client.costs(start="1d").results()))
    """
    out: list[Any] = []
    for col in cols:
        if col.name == _START:
            value: Any = _utc(row.start)
        elif col.name == _END:
            value = _utc(row.end)
        else:
            value = row.result
            for name in col.path:
                value = getattr(value, name, None)
                if value is None or isinstance(value, Unset):
                    value = None
                    break
            value = _convert(col, value)
        out.append(value)
    return tuple(out)


def row_key(cols: tuple[Column, ...], values: tuple[Any, ...]) -> str:
    """A string identifying a row: its bucket start and every group-by value, nulls included.

    JSON, so it is unambiguous (``null`` differs from ``"null"`` and from ``""``) and still
    readable: ``["2026-11-01T00:00:00Z","proj_abc",null,true]``. Group values come in column
    order (the group-by fields' own order in the spec).

    Args:
        cols: The columns of the row's operation.
        values: The row's values, from :func:`row_values`.

    Returns:
        The key (what the store's ``row_key`` column holds).

    Example::

        cols = columns("costs")
        key = row_key(cols, row_values(cols, row))
    """
    key: list[Any] = []
    for col, value in zip(cols, values, strict=True):
        if col.name == _START:
            key.append(iso_utc(value))
        elif col.group:
            key.append(value)
    return json.dumps(key, separators=(",", ":"), ensure_ascii=False)


# -- the row shape ----------------------------------------------------------------------------


@attrs.frozen
class _Shape:
    """An operation's columns, and where unknown fields may hide (for ``extras``)."""

    columns: tuple[Column, ...]
    # (attribute path, column-name prefix) of each nested object: ((), "") is the result.
    objects: tuple[tuple[tuple[str, ...], str], ...]


_SHAPES: dict[tuple[str, type[Any]], _Shape] = {}


def _shape(op: Operation[Any]) -> _Shape:
    # Cached by name and result class: operations themselves are unhashable (they hold dicts).
    key = (op.name, op.result_cls)
    shape = _SHAPES.get(key)
    if shape is None:
        shape = _SHAPES[key] = _derive_shape(op.name, op.fields, op.group_by)
    return shape


def _derive_shape(name: str, fields: tuple[Field, ...], group_by: tuple[str, ...]) -> _Shape:
    """The row shape from the result schema (``Operation.fields``, in spec order)."""
    missing = set(group_by) - {f.key for f in fields}
    if missing:
        # The result schema and the request's group-by values disagree: fail loudly, at
        # first use.
        raise TypeError(f"{name}: group-by fields without a result field: {sorted(missing)}")
    cols = [
        Column(_START, "timestamp", required=True),
        Column(_END, "timestamp", required=True),
    ]
    objects: list[tuple[tuple[str, ...], str]] = [((), "")]

    def flatten(field: Field, path: tuple[str, ...], prefix: str, required: bool) -> None:
        path = (*path, field.name)
        column = prefix + field.key
        required = required and field.required
        if field.kind == "object":
            objects.append((path, column + "_"))
            for sub in field.nested:
                flatten(sub, path, column + "_", required)
            return
        kind = _KINDS.get(field.kind)
        if kind is None:
            raise TypeError(f"{name}: no column type for {column} of kind {field.kind!r}")
        group = len(path) == 1 and field.key in group_by
        cols.append(Column(column, kind, path, group, required))

    for field in fields:
        if field.key != "object":  # the constant discriminator: it only repeats the type
            flatten(field, (), "", True)
    names = [c.name for c in cols]
    if len(set(names)) != len(names):
        raise TypeError(f"{name}: flattened columns collide: {names}")
    return _Shape(tuple(cols), tuple(objects))


# -- values ---------------------------------------------------------------------------------


def _operation(operation: Operation[Any] | str) -> Operation[Any]:
    if isinstance(operation, Operation):
        return operation
    found = OPERATIONS.get(operation)
    if found is None:
        raise InvalidParameterError("operation", operation, "one of " + ", ".join(OPERATIONS))
    return found


def _column_values(op: Operation[Any], cols: tuple[Column, ...], rows: Rows) -> list[list[Any]]:
    """The values of ``rows`` for ``cols``, one list per column (for a frame or a table)."""
    values: list[list[Any]] = [[] for _ in cols]
    for row in _iter_rows(op, rows):
        for column_values, value in zip(values, row_values(cols, row), strict=True):
            column_values.append(value)
    return values


def _iter_rows(op: Operation[Any], rows: Rows) -> Iterator[Row[Any]]:
    for item in rows:
        if isinstance(item, Bucket):
            for result in item.results:
                yield _checked(op, Row(item.start, item.end, result))
        elif isinstance(item, Row):
            yield _checked(op, item)
        else:
            raise TypeError(f"expected Row or Bucket objects, got {type(item).__name__}")


def _checked(op: Operation[Any], row: Row[Any]) -> Row[Any]:
    if not isinstance(row.result, op.result_cls):
        # Mixing operations would silently misalign columns; say so instead.
        raise TypeError(
            f"a {type(row.result).__name__} is not a {op.name} result ({op.result_cls.__name__})"
        )
    return row


def _extras(shape: _Shape, result: Any) -> Iterator[tuple[str, Any]]:
    """Fields the API sent that the schema does not have, named as a column would be."""
    for path, prefix in shape.objects:
        value = result
        for name in path:
            value = getattr(value, name, None)
        additional = getattr(value, "additional_properties", None)
        if isinstance(additional, dict):
            for name, extra in additional.items():
                yield prefix + name, extra


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise TypeError(f"bucket bounds must be timezone-aware, got {value!r}")
    return value.astimezone(UTC)


def _convert(col: Column, value: Any) -> Any:
    if value is None:
        return None
    kind = col.kind
    if kind == "string":
        ok = isinstance(value, str)
    elif kind == "boolean":
        ok = isinstance(value, bool)
    elif isinstance(value, bool):
        ok = False  # bool is an int subclass, but True is not a token count
    elif kind == "integer":
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        ok = isinstance(value, int)
    else:
        ok = isinstance(value, int | float)
        value = float(value) if ok else value
    if not ok:
        raise TypeError(f"{col.name}: expected a {kind} value, got {value!r}")
    return value


def _pandas_column(pd: types.ModuleType, kind: ColumnKind, values: list[Any]) -> Any:
    # Built per column with an explicit dtype, so the dtype never depends on the values.
    if kind == "timestamp":
        # to_datetime(utc=True) then as_unit: the same dtype whatever pandas infers by default.
        return pd.to_datetime(values, utc=True).as_unit("us")
    if kind == "float":
        return pd.array([float("nan") if v is None else v for v in values], dtype="float64")
    return pd.array(values, dtype=PANDAS_DTYPES[kind])
