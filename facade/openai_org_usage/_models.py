"""What the facade hands back: buckets with real datetimes and typed results."""

from __future__ import annotations

from datetime import datetime
from typing import Generic, TypeVar

import attrs

from openai_org_usage_client.models import UnknownUsageResult

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

    @property
    def start_time(self) -> int:
        """Start as Unix seconds."""
        return int(self.start.timestamp())

    @property
    def end_time(self) -> int:
        """End as Unix seconds."""
        return int(self.end.timestamp())


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
