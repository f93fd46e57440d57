"""What the facade hands back: buckets with real datetimes and typed results."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

import attrs

from ._operations import UnknownUsageResult

R = TypeVar("R")


@attrs.frozen
class Bucket(Generic[R]):
    """One UTC time bucket and its results.

    Attributes:
        start: Inclusive start, timezone-aware UTC.
        end: Exclusive end, timezone-aware UTC.
        results: This operation's results (generated models, e.g. ``UsageCompletionsResult``),
            one per combination of the grouped fields. Empty when nothing was used.
        unknown_results: Results of an ``object`` type this client does not know yet (the API
            added one). Kept here, with every field, instead of being dropped or failing the
            page; a warning is logged once per type.
    """

    start: datetime
    end: datetime
    results: list[R]
    unknown_results: list[UnknownUsageResult] = attrs.field(factory=list)
    # The API's integers, kept beside the datetimes (the parser passes them as ``start_time``
    # and ``end_time``) rather than derived on each access: the paging checks compare them for
    # every bucket, and a 1m pull has tens of thousands.
    _start_time: int = attrs.field(
        kw_only=True,
        repr=False,
        eq=False,
        default=attrs.Factory(lambda self: int(self.start.timestamp()), takes_self=True),
    )
    _end_time: int = attrs.field(
        kw_only=True,
        repr=False,
        eq=False,
        default=attrs.Factory(lambda self: int(self.end.timestamp()), takes_self=True),
    )

    @property
    def start_time(self) -> int:
        """Start as Unix seconds."""
        return self._start_time

    @property
    def end_time(self) -> int:
        """End as Unix seconds."""
        return self._end_time


_slot_setters = tuple(
    Bucket.__dict__[name].__set__
    for name in ("start", "end", "results", "unknown_results", "_start_time", "_end_time")
)


def new_bucket(
    start: datetime, end: datetime, results: list[R], start_time: int, end_time: int
) -> Bucket[R]:
    """``Bucket(start, end, results, start_time=..., end_time=...)``, made 2-3x faster.

    The parser makes one per bucket, tens of thousands in a 1m pull: this fills the slots
    directly instead of going through the frozen class's checked ``__setattr__``. The result is
    the same object (``tests/export/test_columnar_parse.py`` compares them).
    """
    bucket: Bucket[R] = object.__new__(Bucket)
    set_start, set_end, set_results, set_unknown, set_start_time, set_end_time = _slot_setters
    set_start(bucket, start)
    set_end(bucket, end)
    set_results(bucket, results)
    set_unknown(bucket, [])
    set_start_time(bucket, start_time)
    set_end_time(bucket, end_time)
    return bucket


@attrs.frozen
class Page(Generic[R]):
    """One page as the API returned it.

    Attributes:
        buckets: The page's buckets, oldest first.
        has_more: Whether the API said more buckets follow.
        next_page: The cursor to the next page, if any.
    """

    buckets: list[Bucket[R]]
    has_more: bool
    next_page: str | None


@attrs.frozen
class Row(Generic[R]):
    """One result with its bucket's bounds: what ``.results()`` yields.

    Attributes:
        start: The bucket's start (UTC).
        end: The bucket's end (UTC).
        result: The typed result.
    """

    start: datetime
    end: datetime
    result: R
