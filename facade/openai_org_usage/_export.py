"""Flatten results into rows with a fixed schema: plain records, or a typed pandas DataFrame.

Both functions take the operation first and the rows second, ``(operation, rows)``, so a
paginator can hand over itself or its ``.results()``::

    from openai_org_usage import UsageClient
    from openai_org_usage._export import to_pandas, to_records

    with UsageClient() as client:
        paginator = client.costs(start="30d", group_by=["project_id", "line_item"])
        frame = to_pandas("costs", paginator.results())
        frame.groupby("project_id")["amount_value"].sum()

Columns, in order (see :func:`columns`):

1. ``bucket_start``, ``bucket_end``: the bucket's bounds, timezone-aware UTC.
2. The operation's group-by fields, in the generated model's field order: strings (``batch``
   is a boolean). A field the call did not group by is missing (None / ``<NA>``).
3. Its metrics, in the same order: integers (token and request counts, bytes, seconds ...) and
   floats (``quantity``); a nested object is flattened with its name as prefix, so the costs'
   ``amount`` becomes ``amount_value`` (float) and ``amount_currency`` (string).

The columns and their types are derived from the generated attrs models
(``attrs.fields(operation.result_cls)`` and their type annotations), never from the data, so
every frame of one operation has the same columns and dtypes, an empty one included.
The constant ``object`` field is left out: it only repeats the result type.

Decisions:

* A field the API left out (``UNSET``) or sent as ``null`` is ``None`` in records and ``<NA>``
  / ``NaN`` in frames.
* Timestamps are ``datetime`` objects (aware, UTC) in records, not ISO strings: they go into
  pandas, databases and ``csv`` without parsing, and ``.isoformat()`` is one call away.
* Fields the API sent that this client does not know (``result.additional_properties``) are
  kept in records under their own names (after the fixed columns, never overriding one), unless
  ``extras=False``; frames never have them, because a frame's columns must not depend on the
  data.

pandas is imported only by :func:`to_pandas`; without it, ``MissingDependencyError`` names
the ``pandas`` extra.
"""

from __future__ import annotations

import json
import types
import typing
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

import attrs

import openai_org_usage_client.models as _models
from openai_org_usage_client.types import Unset

from ._errors import InvalidParameterError, MissingDependencyError
from ._models import Bucket, Row
from ._operations import OPERATIONS, Operation

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PANDAS_DTYPES",
    "Column",
    "ColumnKind",
    "Rows",
    "columns",
    "row_key",
    "row_values",
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

_COLUMNS: dict[tuple[str, type[Any]], tuple[Column, ...]] = {}
_SKIPPED_FIELDS = frozenset({"object_", "additional_properties"})
_SCALAR_KINDS: Mapping[Any, ColumnKind] = {
    bool: "boolean",
    int: "integer",
    float: "float",
    str: "string",
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
    """

    name: str
    kind: ColumnKind
    path: tuple[str, ...] = ()
    group: bool = False


def columns(operation: Operation[Any] | str) -> tuple[Column, ...]:
    """The fixed columns of ``operation``'s rows, in order.

    Example::

        >>> [c.name for c in columns("costs")]  # doctest: +NORMALIZE_WHITESPACE
        ['bucket_start', 'bucket_end', 'line_item', 'project_id', 'api_key_id',
         'amount_value', 'amount_currency', 'quantity', 'quantity_unit']
    """
    return _columns(_operation(operation))


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
        TypeError: a result of another operation, or a value of the wrong type.

    Example::

        records = to_records("completions", client.completions(start="7d").results())
        records[0]["bucket_start"]  # datetime.datetime(2026, 11, 18, 0, 0, tzinfo=UTC)
    """
    op = _operation(operation)
    cols = _columns(op)
    names = [c.name for c in cols]
    out: list[dict[str, Any]] = []
    for row in _iter_rows(op, rows):
        record = dict(zip(names, row_values(cols, row), strict=True))
        if extras:
            additional = getattr(row.result, "additional_properties", None) or {}
            for name, value in additional.items():
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
        TypeError: a result of another operation, or a value of the wrong type.

    Example::

        frame = to_pandas("completions", client.completions(start="7d", group_by="model"))
        frame.groupby("model")[["input_tokens", "output_tokens"]].sum()
    """
    try:
        import pandas
    except ImportError as exc:
        raise MissingDependencyError("DataFrames", "pandas", "pandas") from exc
    op = _operation(operation)
    cols = _columns(op)
    values: list[list[Any]] = [[] for _ in cols]
    for row in _iter_rows(op, rows):
        for column_values, value in zip(values, row_values(cols, row), strict=True):
            column_values.append(value)
    data = {
        col.name: _pandas_column(pandas, col.kind, vals)
        for col, vals in zip(cols, values, strict=True)
    }
    # An explicit index, so that empty and non-empty frames both get a RangeIndex.
    return pandas.DataFrame(data, index=pandas.RangeIndex(len(values[0])))


def row_values(cols: tuple[Column, ...], row: Row[Any]) -> tuple[Any, ...]:
    """The values of ``row`` for ``cols`` (from :func:`columns`), checked and converted.

    ``UNSET`` and ``null`` become None; ints that arrive as whole floats become ints, and
    ints in float columns floats. Anything else of the wrong type raises ``TypeError``,
    rather than landing in a typed column as garbage.
    """
    out: list[Any] = []
    for col in cols:
        if col.name == "bucket_start":
            value: Any = _utc(row.start)
        elif col.name == "bucket_end":
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
    readable: ``["2026-11-01T00:00:00Z","proj_abc",null,true]``.
    """
    key: list[Any] = []
    for col, value in zip(cols, values, strict=True):
        if col.name == "bucket_start":
            key.append(value.strftime("%Y-%m-%dT%H:%M:%SZ"))
        elif col.group:
            key.append(value)
    return json.dumps(key, separators=(",", ":"), ensure_ascii=False)


# -- deriving the columns -------------------------------------------------------------------


def _columns(op: Operation[Any]) -> tuple[Column, ...]:
    # Cached by name and result class: operations themselves are unhashable (they hold dicts).
    key = (op.name, op.result_cls)
    cached = _COLUMNS.get(key)
    if cached is None:
        cached = _COLUMNS[key] = _derive_columns(op.name, op.result_cls, op.group_by)
    return cached


def _derive_columns(
    name: str, result_cls: type[Any], group_by: tuple[str, ...]
) -> tuple[Column, ...]:
    fields = _fields(result_cls, ())
    names = {f.path[0] for f in fields}
    missing = set(group_by) - names
    if missing:
        # The generated model and the request builder disagree: fail loudly, at first use.
        raise TypeError(f"{name}: group-by fields without a result field: {sorted(missing)}")
    groups = [attrs.evolve(f, group=True) for f in fields if f.path[0] in group_by]
    metrics = [f for f in fields if f.path[0] not in group_by]
    bounds = (Column("bucket_start", "timestamp"), Column("bucket_end", "timestamp"))
    return (*bounds, *groups, *metrics)


def _fields(cls: type[Any], prefix: tuple[str, ...]) -> list[Column]:
    # The generated modules use string annotations and import some classes only under
    # TYPE_CHECKING (e.g. CostsResultAmount), so resolve them in the models package too.
    hints = typing.get_type_hints(cls, localns=vars(_models))
    out: list[Column] = []
    for field in attrs.fields(cls):
        if field.name in _SKIPPED_FIELDS:
            continue
        path = (*prefix, field.name)
        hint = hints[field.name]
        nested = _nested_class(hint)
        if nested is not None:
            out.extend(_fields(nested, path))
            continue
        out.append(Column("_".join(path), _kind(cls, field.name, hint), path))
    return out


def _union_args(hint: Any) -> list[Any]:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint) if origin in (typing.Union, types.UnionType) else (hint,)
    return [a for a in args if a is not Unset and a is not type(None)]


def _nested_class(hint: Any) -> type[Any] | None:
    args = _union_args(hint)
    if len(args) == 1 and isinstance(args[0], type) and attrs.has(args[0]):
        return args[0]
    return None


def _kind(cls: type[Any], name: str, hint: Any) -> ColumnKind:
    kinds: set[ColumnKind] = set()
    for arg in _union_args(hint):
        if typing.get_origin(arg) is Literal:
            # Enums are generated as Literal aliases of strings (quantity_unit ...).
            arg = str if all(isinstance(v, str) for v in typing.get_args(arg)) else arg
        kind = _SCALAR_KINDS.get(arg)
        if kind is None:
            raise TypeError(f"{cls.__name__}.{name}: no column type for {arg!r}")
        kinds.add(kind)
    if kinds == {"integer", "float"}:
        return "float"
    if len(kinds) != 1:
        raise TypeError(f"{cls.__name__}.{name}: no single column type for {hint!r}")
    return kinds.pop()


# -- values ---------------------------------------------------------------------------------


def _operation(operation: Operation[Any] | str) -> Operation[Any]:
    if isinstance(operation, Operation):
        return operation
    found = OPERATIONS.get(operation)
    if found is None:
        raise InvalidParameterError("operation", operation, "one of " + ", ".join(OPERATIONS))
    return found


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
