"""The machine formats of a data command, written as the pages arrive.

CSV, JSON and NDJSON hold one chunk of rows at a time (``_rows.record_chunks``: whole buckets,
about a thousand rows), and the pages fetched ahead stay within a byte budget
(``_fetch.stream_pages``), so memory stays flat however long the range and however large the
organization; the bytes are those of collecting every row first (``_rows.records``,
``_rows.with_names``, ``_rows.header``, then ``_writers``). What depends on more than one
row is decided as early as it can be:

* ``--names``: the name columns (ID fields holding a value in some row) are known once every
  candidate field has shown a value, usually at the first row; rows wait until then
  (``_held``: on disk past a few thousand).
* CSV's header: the operation's columns, the name columns, then any field the API sent that
  this client does not know, as the first chunk of rows shows them. A field first seen later
  has no column to go in: it is left out and a warning names it (NDJSON and JSON keep it).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

from openai_org_usage.attribution import NAME_KINDS, Names

from ._held import HeldRows
from ._rows import Record, header, named_row
from ._writers import Writable, write_csv, write_json_array, write_ndjson

__all__ = ["named_chunks", "write_chunks"]


def named_chunks(
    chunks: Iterable[list[Record]], load: Callable[[], Names | None]
) -> Iterator[list[Record]]:
    """``_rows.with_names`` of all the rows, chunk by chunk.

    Args:
        chunks: Rows, a chunk at a time (``_rows.record_chunks``).
        load: The directory; called once, and only if some ID field holds a value (as
            ``with_names`` would name something).
    """
    chunks = iter(chunks)
    with HeldRows() as held:
        candidates: list[str] | None = None
        seen: set[str] = set()
        for chunk in chunks:
            if chunk and candidates is None:
                candidates = [f for f in chunk[0] if f in NAME_KINDS]
            for field in candidates or ():
                if field not in seen and any(row.get(field) for row in chunk):
                    seen.add(field)
            held.add(chunk)
            if candidates is not None and len(seen) == len(candidates):
                break  # decided: no later row can add or remove a name column
        fields = [f for f in candidates or () if f in seen]
        names = load() if fields else None
        for chunk in itertools.chain(held.drain(), chunks):
            yield [named_row(row, fields, names) for row in chunk] if fields else chunk


def write_chunks(
    fmt: str,
    out: Writable,
    operation: str,
    chunks: Iterable[list[Record]],
    *,
    csv_raw: bool = False,
    warn: Callable[[str], None] = lambda _line: None,
) -> None:
    """Write rows in ``fmt`` (``csv``, ``json`` or ``ndjson``) as their chunks arrive.

    Args:
        fmt: The format.
        out: Where to write.
        operation: The rows' operation (CSV's header).
        chunks: Rows, a chunk at a time.
        csv_raw: CSV cells exactly as they are (see ``_writers.csv_value``).
        warn: Told, once, of a field that came too late for CSV's header.
    """
    chunks = iter(chunks)
    if fmt == "json":
        write_json_array(out, itertools.chain.from_iterable(chunks))
    elif fmt == "ndjson":
        write_ndjson(out, itertools.chain.from_iterable(chunks))
    elif fmt == "csv":
        first: list[Record] = []
        for chunk in chunks:
            first = chunk
            if first:
                break
        columns = header(operation, first)
        rest = itertools.chain.from_iterable(chunks)
        rows = itertools.chain(first, _listed(rest, frozenset(columns), warn))
        write_csv(out, columns, rows, raw=csv_raw)
    else:
        raise ValueError(f"not a streamed format: {fmt!r}")


def _listed(
    rows: Iterable[Record], columns: frozenset[str], warn: Callable[[str], None]
) -> Iterator[Record]:
    """``rows`` as they are; a field without a column is reported, once."""
    told: set[str] = set()
    for row in rows:
        late = row.keys() - columns - told
        if late:
            told |= late
            warn(
                f"openai-org-usage: warning: field(s) {', '.join(sorted(late))} first "
                "appeared after the CSV header was written; left out of the CSV "
                "(--format ndjson or json keeps them)"
            )
        yield row
