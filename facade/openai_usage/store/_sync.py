"""Incremental sync: fetch what is new (and what may have been revised), upsert it, remember.

Each operation is fetched at its finest grain (grouped by *every* field it allows; costs by
``project_id``, ``line_item`` and ``api_key_id``) in one-day buckets, so a row's identity is
stable from run to run, and any coarser view is a ``GROUP BY`` away.

Where a run starts, per operation (all times UTC, days aligned to midnight):

* first run: ``since`` (default: 30 days before today);
* later runs: ``synced_until - trailing_days`` (not before ``synced_from``), so the last days
  are fetched again and the API's late revisions (costs settle over a few days) replace what
  was stored. A ``since``
  later than that wins (``max``); a ``since`` *earlier* than the stored range is a backfill:
  the run starts there and re-fetches everything up to now.

Every run ends at ``now``; the current day's bucket is written too (partial numbers), but only
complete buckets (``end <= now``) advance the state.

Crash safety: every page is written in its own transaction, together with the state that
records it (``synced_until`` = end of the last complete bucket written so far in this run, as
the range written is contiguous). A crash loses at most the page in flight, and the next run
starts at or before the stored ``synced_until``, so there is never a gap; re-fetched buckets
are upserted by ``row_key``, and rows of a re-fetched bucket that the API no longer returns
are deleted, so there is never a duplicate or a stale row either.

A second run over an unchanged range sends one request per operation: the trailing window
(4 buckets with the default 3 days) fits in one page, since the facade asks for the largest
page the width allows (31 days of usage, 180 of costs).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from .._client import UsageClient
from .._errors import InvalidParameterError, OpenAIUsageError, SyncLockedError
from .._models import Row
from .._operations import OPERATIONS
from .._time import TimeInput, to_unix_seconds
from ._schema import TABLES, Backend, SyncState, TableSchema

if TYPE_CHECKING:
    from .._pagination import Paginator

__all__ = [
    "DEFAULT_SINCE_DAYS",
    "SyncLockedError",
    "SyncProgress",
    "SyncReport",
    "advance_state",
    "plan_start",
    "sync",
]

DEFAULT_SINCE_DAYS = 30
"""How far back a first sync reaches when no ``since`` is given."""

_DAY = timedelta(days=1)
logger = logging.getLogger("openai_usage")


@attrs.frozen
class SyncProgress:
    """One committed page, as passed to ``sync(progress=...)``.

    Attributes:
        operation: The operation's name.
        page: The page's number within this operation's run, from 1.
        rows: Rows upserted from this page.
        deleted: Stale rows deleted from this page's buckets.
        start: Start of the page's first bucket.
        end: End of the page's last bucket.
        synced_until: The stored ``synced_until`` after this page (None: no complete bucket
            written yet).
    """

    operation: str
    page: int
    rows: int
    deleted: int
    start: datetime
    end: datetime
    synced_until: datetime | None


@attrs.frozen
class SyncReport:
    """What a sync did.

    Attributes:
        rows: Rows upserted, by operation (every requested operation, 0 included).
        deleted: Stale rows deleted from re-fetched buckets, by operation.
        requests: Pages fetched: successful requests (retries of a failed one not counted).
        pages: Pages fetched, by operation (every requested operation, 0 included).
        ranges: The ``[start, end)`` fetched, by operation; missing when nothing was due.
        synced_until: The stored ``synced_until`` after the run, by operation.
        start: The earliest start fetched (None when nothing was fetched).
        end: The end of the run (``now``).
    """

    rows: Mapping[str, int]
    deleted: Mapping[str, int]
    requests: int
    pages: Mapping[str, int]
    ranges: Mapping[str, tuple[datetime, datetime]]
    synced_until: Mapping[str, datetime | None]
    start: datetime | None
    end: datetime

    @property
    def total_rows(self) -> int:
        """Rows upserted over every operation."""
        return sum(self.rows.values())


def sync(
    client: UsageClient,
    db: str | os.PathLike[str] | Backend,
    *,
    since: TimeInput | None = None,
    operations: Iterable[str] | None = None,
    trailing_days: int = 3,
    now: datetime | None = None,
    progress: Callable[[SyncProgress], None] | None = None,
) -> SyncReport:
    """Bring the tables of ``db`` up to date with the API (see the module docstring).

    Args:
        client: The client to fetch with; the caller makes it (a real key, or a fake-backed
            client for demos and tests) and closes it.
        db: A DuckDB file path (opened, locked and closed here), or an open ``Backend``
            (used as is and left open).
        since: Where a first sync starts, or an earlier point to backfill from: a date, an
            aware datetime, an ISO string, or a span such as ``"90d"``; floored to a UTC day.
            Default: 30 days before today on a first sync; the stored state afterwards.
        operations: Operation names (default: all eleven).
        trailing_days: Days before the stored ``synced_until`` fetched again on each run.
        now: The run's end (aware); default: the current time.
        progress: Called after each committed page. An exception it raises stops the sync;
            what was committed stays (the next run resumes from it).

    Raises:
        SyncLockedError: another sync or process has the database open.
        InvalidParameterError: a bad argument, before anything is opened or sent.
        APIError: the API failed (after the client's retries); pages committed so far stay.
        MissingDependencyError: duckdb is not installed (``pip install 'openai-usage[duckdb]'``).

    Example::

        from openai_usage import UsageClient
        from openai_usage.store import sync

        with UsageClient() as client:
            report = sync(client, "usage.duckdb", since="2026-01-01")
        print(report.rows, report.requests)
    """
    end = _now(now)
    names = _operation_names(operations)
    if isinstance(trailing_days, bool) or not isinstance(trailing_days, int) or trailing_days < 0:
        raise InvalidParameterError("trailing_days", trailing_days, "an integer >= 0")
    since_day = None
    if since is not None:
        since_day = _floor_day(
            datetime.fromtimestamp(to_unix_seconds(since, param="since", now=end), UTC)
        )
        if since_day >= end:
            raise InvalidParameterError("since", since, f"a time before now ({end.isoformat()})")

    if isinstance(db, Backend):
        return _run(client, db, names, since_day, trailing_days, end, progress)
    from ._duckdb import DuckDBBackend

    backend = DuckDBBackend(db)
    try:
        return _run(client, backend, names, since_day, trailing_days, end, progress)
    finally:
        backend.close()


def plan_start(
    state: SyncState | None, since: datetime | None, now: datetime, trailing_days: int
) -> datetime:
    """Where one operation's run starts (``since`` and the result are UTC midnights)."""
    if state is None:
        return since if since is not None else _floor_day(now) - DEFAULT_SINCE_DAYS * _DAY
    # Never before the stored range: the window must not reach back past the first since.
    resume = max(state.synced_from, state.synced_until - trailing_days * _DAY)
    if since is None:
        return resume
    if since < state.synced_from:
        return since  # a backfill: the stored range does not reach back that far
    return max(since, resume)


def advance_state(
    state: SyncState | None,
    operation: str,
    run_start: datetime,
    written_until: datetime,
    updated_at: datetime,
) -> SyncState | None:
    """The state after this run has written ``[run_start, written_until)`` without gaps.

    The stored range stays one contiguous range: it is merged with the run's when the two
    touch; a run entirely after it (a ``since`` past ``synced_until``) replaces it, since the
    gap between them was never fetched; a backfill that has not yet reached it leaves it as
    is until it does.
    """
    if written_until <= run_start:
        return state
    if state is None:
        return SyncState(operation, run_start, written_until, updated_at)
    if run_start <= state.synced_until and written_until >= state.synced_from:
        return SyncState(
            operation,
            min(state.synced_from, run_start),
            max(state.synced_until, written_until),
            updated_at,
        )
    if run_start > state.synced_until:
        return SyncState(operation, run_start, written_until, updated_at)
    return state


def _run(
    client: UsageClient,
    backend: Backend,
    names: Sequence[str],
    since: datetime | None,
    trailing_days: int,
    end: datetime,
    progress: Callable[[SyncProgress], None] | None,
) -> SyncReport:
    tables = [TABLES[name] for name in names]
    with backend.transaction():
        backend.create_tables(tables)
    rows: dict[str, int] = dict.fromkeys(names, 0)
    deleted: dict[str, int] = dict.fromkeys(names, 0)
    pages: dict[str, int] = dict.fromkeys(names, 0)
    ranges: dict[str, tuple[datetime, datetime]] = {}
    synced_until: dict[str, datetime | None] = {}
    requests = 0
    for table in tables:
        name = table.operation
        state = backend.read_state(name)
        start = plan_start(state, since, end, trailing_days)
        if start >= end:
            synced_until[name] = state.synced_until if state else None
            continue
        ranges[name] = (start, end)
        written_until = start
        for number, page in enumerate(_paginator(client, name, start, end).pages(), 1):
            requests += 1
            pages[name] += 1
            page_rows = _page_rows(table, page.buckets)
            complete = [bucket.end for bucket in page.buckets if bucket.end <= end]
            if complete:
                written_until = max(written_until, *complete)
            new_state = advance_state(state, name, start, written_until, datetime.now(UTC))
            with backend.transaction():
                upserted = backend.upsert_rows(table, page_rows)
                removed = backend.delete_other_rows(
                    table, [bucket.start for bucket in page.buckets], {r[-1] for r in page_rows}
                )
                if new_state is not None:
                    backend.write_state(new_state)
            state = new_state
            rows[name] += upserted
            deleted[name] += removed
            if progress is not None and page.buckets:
                progress(
                    SyncProgress(
                        operation=name,
                        page=number,
                        rows=upserted,
                        deleted=removed,
                        start=page.buckets[0].start,
                        end=page.buckets[-1].end,
                        synced_until=state.synced_until if state else None,
                    )
                )
        synced_until[name] = state.synced_until if state else None
    return SyncReport(
        rows=rows,
        deleted=deleted,
        requests=requests,
        pages=pages,
        ranges=ranges,
        synced_until=synced_until,
        start=min((start for start, _ in ranges.values()), default=None),
        end=end,
    )


def _paginator(client: UsageClient, name: str, start: datetime, end: datetime) -> Paginator[Any]:
    method: Callable[..., Paginator[Any]] = getattr(client, name)
    # The finest grain: every group-by field, so each row is one stable (bucket, group) key.
    # limit is left to the facade, which asks for the largest page (fewest requests).
    return method(start=start, end=end, bucket_width="1d", group_by=list(OPERATIONS[name].group_by))


def _page_rows(table: TableSchema, buckets: Sequence[Any]) -> list[tuple[Any, ...]]:
    by_key: dict[str, tuple[Any, ...]] = {}
    for bucket in buckets:
        for result in bucket.results:
            values = table.row(Row(bucket.start, bucket.end, result))
            if values[-1] in by_key:
                # Grouped by every field, a key cannot repeat unless the API broke grouping;
                # one INSERT ... ON CONFLICT cannot take the same key twice, so keep the last.
                logger.warning(
                    "%s: duplicate row %s in one page; kept the last", table.name, values[-1]
                )
            by_key[values[-1]] = values
    return list(by_key.values())


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC).replace(microsecond=0)
    if not isinstance(now, datetime) or now.tzinfo is None:
        raise InvalidParameterError("now", now, "an aware datetime (e.g. datetime.now(UTC))")
    return now.astimezone(UTC)


def _floor_day(value: datetime) -> datetime:
    return value.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _operation_names(operations: Iterable[str] | None) -> list[str]:
    if operations is None:
        return list(OPERATIONS)
    names = [operations] if isinstance(operations, str) else list(operations)
    for name in names:
        if name not in OPERATIONS:
            raise InvalidParameterError("operations", name, "names from: " + ", ".join(OPERATIONS))
    return list(dict.fromkeys(names))
