"""Raw rows as the command writes them: the package's one row shape, in text.

A record is one result as ``openai_org_usage.export.to_records`` makes it (``bucket_start``,
``bucket_end``, then the result's fields flattened with ``_``: ``amount_value``; fields the
API added after this client was generated last), with the bounds as ISO-8601 UTC strings.
So CSV, JSON and NDJSON have the same keys, in the same order, as records, DataFrames and
the store's tables. Nothing here reads the generated models: the columns come from
``openai_org_usage.export.columns``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any

from openai_org_usage import OPERATIONS, Bucket, Page
from openai_org_usage.attribution import NAME_KINDS, Names
from openai_org_usage.export import columns, to_records

NAME_SUFFIX = "_name"

Record = dict[str, Any]


def iso_utc(instant: datetime) -> str:
    """``2026-11-01T00:00:00Z``: ISO-8601, UTC, whole seconds (the API's resolution)."""
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def records(buckets: Iterable[Bucket[Any]], operation: str | None = None) -> list[Record]:
    """One record per result, in bucket order, in the row shape (times as ISO-8601 text).

    Args:
        buckets: Buckets of one operation.
        operation: Its name; default: the operation whose result type the buckets hold.
    """
    buckets = list(buckets)
    name = operation if operation is not None else _operation_of(buckets)
    if name is None:
        return []  # no result at all: no row, whatever the operation
    return [
        {key: iso_utc(value) if isinstance(value, datetime) else value for key, value in r.items()}
        for r in to_records(name, buckets)
    ]


# Rows made into records at once: a record (a dict of some 25 fields) takes several times
# the bytes of its result, so a page of tens of thousands of results is not made whole.
CHUNK_ROWS = 1000


def record_chunks(
    pages: Iterable[Page[Any]], operation: str, *, chunk_rows: int = CHUNK_ROWS
) -> Iterator[list[Record]]:
    """:func:`records` as the pages arrive, a few buckets at a time.

    Each chunk holds whole buckets of one page, at least ``chunk_rows`` rows where the page
    has them (a bucket is never split; a page's last chunk may be smaller). Together they are
    ``records`` of every bucket, in order.

    Args:
        pages: Pages of ``operation`` (``Paginator.pages()``); read lazily.
        operation: Their operation's name.
        chunk_rows: Rows a chunk reaches before it is yielded.
    """
    for page in pages:
        buckets = page.buckets
        del page  # the chunks' buckets are all that is kept of it
        start = rows = 0
        for end, bucket in enumerate(buckets, start=1):
            rows += len(bucket.results)
            if rows >= chunk_rows:
                yield records(buckets[start:end], operation)
                start, rows = end, 0
        if start < len(buckets) or not buckets:
            yield records(buckets[start:], operation)


def header(operation: str, rows: Iterable[Record]) -> list[str]:
    """A stable header: the operation's columns, then any fields they lack, sorted.

    Unknown fields are ones the API added after this client was generated; they are kept
    (lossless) rather than dropped.
    """
    known = [c.name for c in columns(operation)]
    keys = {key for row in rows for key in row}
    named = {f"{c}{NAME_SUFFIX}" for c in known if f"{c}{NAME_SUFFIX}" in keys}
    extra = sorted(keys - set(known) - named)
    out: list[str] = []
    for column in known:
        out.append(column)
        if f"{column}{NAME_SUFFIX}" in named:
            out.append(f"{column}{NAME_SUFFIX}")  # a name beside the id it names
    return out + extra


def name_fields(rows: Iterable[Mapping[str, Any]]) -> list[str]:
    """The ID fields of ``rows`` a directory names (``project_id``, ``user_id`` ...) that
    hold a value in some row, in column order."""
    rows = list(rows)
    if not rows:
        return []
    return [f for f in rows[0] if f in NAME_KINDS and any(r.get(f) for r in rows)]


def with_names(rows: Sequence[Record], names: Names | None) -> list[Record]:
    """``rows`` with a ``<field>_name`` after each ID field a directory names.

    The name is None where the directory does not know the id (or there is none): the id
    column stays as it was, so nothing of the row changes but the added columns.
    """
    fields = name_fields(rows)
    if not fields:
        return list(rows)
    return [named_row(row, fields, names) for row in rows]


def named_row(row: Record, fields: Sequence[str], names: Names | None) -> Record:
    """``row`` with a ``<field>_name`` after each of ``fields`` (None where not known)."""
    named: Record = {}
    for key, value in row.items():
        named[key] = value
        if key in fields:
            known = names.name(key, value) if names and isinstance(value, str) else None
            named[f"{key}{NAME_SUFFIX}"] = known
    return named


def breakdown_columns(operation: str) -> frozenset[str]:
    """Optional counts: breakdowns of a required total (text/audio/image tokens ...).

    Tables leave them out to stay readable; the machine formats keep every field.
    """
    return frozenset(
        c.name for c in columns(operation) if c.kind == "integer" and not c.required and not c.group
    )


def _operation_of(buckets: Sequence[Bucket[Any]]) -> str | None:
    by_type = {op.result_cls: name for name, op in OPERATIONS.items()}
    for bucket in buckets:
        for result in bucket.results:
            name = by_type.get(type(result))
            if name is None:
                raise TypeError(f"{type(result).__name__} is not the result of any operation")
            return name
    return None
