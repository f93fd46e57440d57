"""The columnar path: pages decoded straight into Arrow columns, no Python object per result.

A page body is decoded by the operation's ``columns`` decoders (``_decode``: typed msgspec
structs, every JSON type checked in C, keys the schema lacks skipped), a few buckets' results
at a time; each column of the row shape (``export.columns``) is read off those structs with one
compiled list comprehension and handed to Arrow as a typed array, and the page's pieces are
joined into one record batch. The bucket bounds are repeated per result from the bucket list.
Nothing per result outlives its chunk.

When this path runs, and what becomes of a page its decoders refuse (the object path reads
it, and its results become the same batch): ``_parse``'s module docstring, path 3.

pyarrow is imported on first use; without it ``MissingDependencyError`` names the ``arrow``
extra.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import httpx
import msgspec

from ._decode import decoders, per_operation
from ._errors import ResponseValidationError
from ._extras import require_pyarrow
from ._models import Bucket, Row
from ._operations import Field, Operation
from ._parse import gc_paused, page_errors, parse_page

if TYPE_CHECKING:
    import pyarrow as pa

    from .export import Column


@attrs.frozen
class ColumnarPage:
    """One page as a record batch, with what the paging checks need.

    Attributes:
        starts: Each bucket's start, Unix seconds, in page order.
        ends: Each bucket's end.
        has_more: Whether the API said more buckets follow.
        next_page: The cursor to the next page, if any.
        batch: The page's results in the row shape (``export.arrow_schema``).
    """

    starts: list[int]
    ends: list[int]
    has_more: bool
    next_page: str | None
    batch: pa.RecordBatch


Extract = Callable[[list[Any]], list[list[Any]]]


@attrs.frozen
class _Plan:
    """How one operation's structs become columns."""

    schema: pa.Schema
    columns: tuple[Column, ...]
    extract: Extract  # result structs -> one list per non-bound column
    types: tuple[pa.DataType, ...]  # their Arrow types


@per_operation
def _plan(operation: Operation[Any]) -> _Plan:
    from .export import arrow_schema, columns

    cols = columns(operation)
    schema = arrow_schema(operation)
    values = [c for c in cols if c.path]
    return _Plan(
        schema=schema,
        columns=cols,
        extract=_compile_extract(operation, values),
        types=tuple(schema.field(c.name).type for c in values),
    )


def _struct_paths(fields: Sequence[Field]) -> dict[tuple[str, ...], tuple[int, ...]]:
    """Attribute path (as ``export.Column.path``) -> struct attribute indexes (``f<i>``)."""
    out: dict[tuple[str, ...], tuple[int, ...]] = {}

    def walk(fs: Sequence[Field], names: tuple[str, ...], indexes: tuple[int, ...]) -> None:
        for index, field in enumerate(fs):
            here, at = (*names, field.name), (*indexes, index)
            if field.kind == "object":
                walk(field.nested, here, at)
            else:
                out[here] = at

    walk(fields, (), ())
    return out


def _compile_extract(operation: Operation[Any], cols: Sequence[Column]) -> Extract:
    """One list comprehension per column, each reading one attribute (path) of every struct.

    A nested object's list is made once and shared by its columns; a missing or null object
    gives None in each of them.
    """
    paths = _struct_paths(operation.fields)
    lines: list[str] = []
    made: dict[tuple[int, ...], str] = {(): "rs"}

    def objects(indexes: tuple[int, ...]) -> str:
        # The list of the objects at ``indexes`` (None where missing), made once.
        name = made.get(indexes)
        if name is None:
            parent = objects(indexes[:-1])
            name = made[indexes] = f"o{len(made)}"
            lines.append(_comprehension(name, parent, indexes[-1], nested=len(indexes) > 1))
        return name

    outputs: list[str] = []
    for position, col in enumerate(cols):
        indexes = paths.get(col.path)
        if indexes is None:
            raise TypeError(f"{operation.name}: column {col.name} has no field in the schema")
        parent = objects(indexes[:-1])
        name = f"c{position}"
        lines.append(_comprehension(name, parent, indexes[-1], nested=len(indexes) > 1))
        outputs.append(name)
    source = (
        "def extract(rs):\n"
        + "".join(f"    {line}\n" for line in lines)
        + f"    return [{', '.join(outputs)}]\n"
    )
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<columns {operation.name}>", "exec"), namespace)
    extract: Extract = namespace["extract"]
    return extract


def _comprehension(name: str, parent: str, index: int, *, nested: bool) -> str:
    if nested:
        return f"{name} = [None if o is None else o.f{index} for o in {parent}]"
    return f"{name} = [o.f{index} for o in {parent}]"


def schema(operation: Operation[Any]) -> pa.Schema:
    """The Arrow schema of ``operation``'s rows (see ``export.arrow_schema``)."""
    return _plan(operation).schema


def decode_page(
    operation: Operation[Any], response: httpx.Response, *, attempts: int = 1
) -> ColumnarPage:
    """Decode one response of ``operation`` into a record batch.

    Raises:
        APIStatusError: for a non-2xx status.
        ResponseValidationError: for a body that is not a valid page of this operation.
    """
    invalid = page_errors(operation.name, response, attempts)
    pa = require_pyarrow()
    plan = _plan(operation)
    with gc_paused():
        page = _fast_page(pa, operation, plan, response.content, invalid)
        if page is not None:
            return page
        # The object path names the fault, or builds a page the fast decoder does not take
        # (unknown result types): its rows, as columns.
        typed = parse_page(operation, response, attempts=attempts)
        try:
            batch = batch_from_buckets(operation, typed.buckets)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
            # A value the row shape's type cannot hold (an integer beyond 64 bits).
            raise invalid(f"a value does not fit its column: {exc}") from exc
        return ColumnarPage(
            starts=[b.start_time for b in typed.buckets],
            ends=[b.end_time for b in typed.buckets],
            has_more=typed.has_more,
            next_page=typed.next_page,
            batch=batch,
        )


# Results decoded and turned into Arrow arrays at a time: enough for Arrow's per-call cost not
# to matter, few enough that a large page's Python values never all exist at once (a page of
# 42,000 fully grouped results holds ~50 MB of them; bench/run_all.py measures the peak).
_CHUNK = 8192


def _fast_page(
    pa: Any,
    operation: Operation[Any],
    plan: _Plan,
    body: bytes,
    invalid: Callable[[str], ResponseValidationError],
) -> ColumnarPage | None:
    """The page as a batch, if the fast decoders accept it whole; else None."""
    found = decoders(operation)
    try:
        decoded = found.columns.decode(body)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return None
    data = decoded.data
    starts = [b.start_time for b in data]
    ends = [b.end_time for b in data]
    if any(s >= e for s, e in zip(starts, ends, strict=True)):
        return None
    # The system allocator, not Arrow's default (mimalloc): a page's arrays are short-lived
    # when a frame is built from them, and memory they free is then reused by the next page's
    # Python objects and numpy arrays instead of staying reserved for Arrow (with mimalloc the
    # peak of a million-row to_pandas() was 1.5x the frame; with malloc 1.2x: bench/run_all.py).
    pool = pa.system_memory_pool()
    counts: list[int] = []
    parts: list[list[Any]] = [[] for _ in plan.types]
    pending: list[Any] = []

    def flush() -> None:
        values = plan.extract(pending)
        pending.clear()
        for index, (col, kind) in enumerate(zip(plan.columns[2:], plan.types, strict=True)):
            try:
                parts[index].append(pa.array(values[index], type=kind, memory_pool=pool))
            except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError, TypeError) as exc:
                # A value the row shape's type cannot hold (an integer beyond 64 bits).
                raise invalid(f"{col.name}: {exc}") from exc
            values[index] = []  # its Python values go now, not with the last column

    decode_results = found.column_results.decode
    for bucket in data:
        try:
            results = decode_results(bucket.results)
        except (msgspec.ValidationError, msgspec.DecodeError):
            # DecodeError too: the outer pass checks the results' syntax but not their UTF-8
            # (page_errors checks that first); whatever is refused, the object path names it.
            return None
        counts.append(len(results))
        pending.extend(results)
        if len(pending) >= _CHUNK:
            flush()
    if pending or not counts or not parts[0]:
        flush()
    timestamp = plan.schema.field(0).type
    try:
        arrays: list[Any] = [
            pa.array(_repeat(starts, counts), type=timestamp, memory_pool=pool),
            pa.array(_repeat(ends, counts), type=timestamp, memory_pool=pool),
        ]
    except (pa.ArrowInvalid, OverflowError):
        return None  # a time no timestamp holds: the object path says so
    for chunks in parts:
        arrays.append(chunks[0] if len(chunks) == 1 else pa.concat_arrays(chunks, memory_pool=pool))
    batch = pa.RecordBatch.from_arrays(arrays, schema=plan.schema)
    return ColumnarPage(starts, ends, decoded.has_more, decoded.next_page, batch)


def _repeat(seconds: list[int], counts: list[int]) -> list[int]:
    # Microseconds, as the row shape's timestamps hold them; one value per result.
    return list(
        itertools.chain.from_iterable(
            itertools.repeat(s * 1_000_000, n) for s, n in zip(seconds, counts, strict=True)
        )
    )


def batch_from_buckets(operation: Operation[Any], buckets: Iterable[Bucket[Any]]) -> pa.RecordBatch:
    """The record batch of typed buckets (the object path's rows, as columns)."""
    from .export import row_values

    pa = require_pyarrow()
    plan = _plan(operation)
    rows = [row_values(plan.columns, Row(b.start, b.end, r)) for b in buckets for r in b.results]
    arrays = [
        pa.array([row[i] for row in rows], type=plan.schema.field(i).type)
        for i in range(len(plan.columns))
    ]
    return pa.RecordBatch.from_arrays(arrays, schema=plan.schema)
