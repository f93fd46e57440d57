"""Incremental sync: fetch what is new (and what may have been revised), upsert it, remember.

Each operation is fetched at its finest grain (grouped by *every* field it allows; costs by
``project_id``, ``line_item``, ``api_key_id``, ``user_id`` and ``api_source``; fewer where
the API refuses a combination, see below) in one-day buckets, so a row's identity is stable
from run to run, and any coarser view is a ``GROUP BY`` away.

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

What the live API refuses, and what a run does about it (never more than a bounded number of
extra requests; anything else refused is raised):

* **History older than the API serves** (about a year; HTTP 400
  ``reporting_lookback_exceeded``, ``LookbackExceededError``). The run starts again, once per
  operation, from the earliest day the API says it serves (its ``earliest_start``, rounded
  up to a UTC midnight; if it names none, today's UTC midnight minus 365 days plus one day),
  and ``SyncReport.clamped`` says so. A second refusal is raised, never retried. (Windows of
  a long range fetched at once are each refused before the first refusal surfaces: at most
  the client's ``max_concurrency`` refused requests per operation.)
* **A group-by combination refused** (``GroupingRefusedError``, e.g. costs by ``user_id``
  with ``project_id``, or by ``api_key_id``). The run asks again without one field, then
  another, until the API accepts, in this order: ``user_id``, ``api_key_id``, any field not
  named here, then ``vector_store_id``, ``context_level``, ``source``, ``size``,
  ``service_tier``, ``api_source``, ``batch``, ``model``, ``line_item`` and ``project_id``
  last (``api_source``, Agents API or not, is a coarse attribute like ``batch``: it splits a
  group in two at most, so it is kept longer than a field not named here). So costs, where
  the live API refuses ``user_id`` with ``project_id``, are stored by every other field
  after one refused request. It goes on from the first bucket not yet written. The refused
  fields are stored (``sync_state.group_by_refused``) and not asked for by later runs, so a
  refusal costs one request once, not on every run; clear that column to try them again. A
  dropped field is null in the rows fetched without it (see ``_schema`` on why a bucket
  never has rows of two grains). ``SyncReport.group_by`` is what each operation was fetched
  by.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import attrs

from openai_org_usage import (
    OPERATIONS,
    GroupingRefusedError,
    InvalidParameterError,
    LookbackExceededError,
    Paginator,
    Row,
    SyncLockedError,
    TimeInput,
    UsageClient,
    to_unix_seconds,
)

from ._schema import TABLES, Backend, SyncState, TableSchema

__all__ = [
    "DEFAULT_SINCE_DAYS",
    "LOOKBACK_DAYS",
    "LookbackClamp",
    "SyncLockedError",
    "SyncProgress",
    "SyncReport",
    "advance_state",
    "plan_start",
    "sync",
]

DEFAULT_SINCE_DAYS = 30
"""How far back a first sync reaches when no ``since`` is given."""

LOOKBACK_DAYS = 365
"""The history the API serves, when a refusal does not say: ``start`` from today's UTC midnight
minus this many days plus one day is assumed to be served."""

_DAY = timedelta(days=1)
# Group-by fields dropped first when the API refuses a combination: the ones public reports
# show refused (user_id with project_id; costs by api_key_id) ...
_DROP_FIRST = ("user_id", "api_key_id")
# ... and, after any field not named in either list, these in reverse: project_id is kept
# longest, as every report splits spend by project. api_source (agents_api or unlabeled) is a
# coarse attribute of a request like batch and service_tier: it multiplies rows by at most
# two, so it is kept longer than a field of unknown cardinality.
_KEEP_LONGEST = (
    "project_id",
    "line_item",
    "model",
    "batch",
    "api_source",
    "service_tier",
    "size",
    "source",
    "context_level",
    "vector_store_id",
)
logger = logging.getLogger("openai_org_usage")


@attrs.frozen
class LookbackClamp:
    """A start the API refused as older than it serves, and where the run loaded from instead.

    Attributes:
        asked: The start the API refused (a UTC midnight).
        served_from: Where the run started instead (a UTC midnight).
        stated: Whether the API named its earliest day (False: a year back was assumed).
    """

    asked: datetime
    served_from: datetime
    stated: bool


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
        clamped: Operations whose start the API refused as too old, and where they were
            loaded from instead (missing: no refusal).
        group_by: The group-by fields each operation was fetched by (for an operation with
            nothing due: what the stored state says, or all of its fields).
        refused: Group-by fields the API refused, by operation (stored; not asked again);
            missing when none.
    """

    rows: Mapping[str, int]
    deleted: Mapping[str, int]
    requests: int
    pages: Mapping[str, int]
    ranges: Mapping[str, tuple[datetime, datetime]]
    synced_until: Mapping[str, datetime | None]
    start: datetime | None
    end: datetime
    clamped: Mapping[str, LookbackClamp] = attrs.field(factory=dict)
    group_by: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)
    refused: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

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
        operations: Operation names (default: every operation of ``OPERATIONS``).
        trailing_days: Days before the stored ``synced_until`` fetched again on each run.
        now: The run's end (aware); default: the current time.
        progress: Called after each committed page. An exception it raises stops the sync;
            what was committed stays (the next run resumes from it).

    Raises:
        SyncLockedError: another sync or process has the database open.
        StoreError: the database file cannot be used (not a DuckDB file, damaged, read-only,
            a table of our name that this package did not make ...); nothing was changed.
        InvalidParameterError: a bad argument, before anything is opened or sent.
        APIError: the API failed (after the client's retries); pages committed so far stay.
            A start older than the API serves and a refused grouping are handled (see the
            module docstring), not raised, unless the API refuses the corrected request too.
        MissingDependencyError: duckdb is not installed
            (``pip install 'openai-org-usage[duckdb]'``).

    Example::

        from openai_org_usage import UsageClient
        from openai_org_usage.store import sync

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


@attrs.define
class _Tally:
    """What a run did so far, by operation (the fields of ``SyncReport``)."""

    rows: dict[str, int]
    deleted: dict[str, int]
    pages: dict[str, int]
    ranges: dict[str, tuple[datetime, datetime]] = attrs.field(factory=dict)
    synced_until: dict[str, datetime | None] = attrs.field(factory=dict)
    clamped: dict[str, LookbackClamp] = attrs.field(factory=dict)
    group_by: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    refused: dict[str, tuple[str, ...]] = attrs.field(factory=dict)
    requests: int = 0


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
    tally = _Tally(
        rows=dict.fromkeys(names, 0), deleted=dict.fromkeys(names, 0), pages=dict.fromkeys(names, 0)
    )
    for table in tables:
        _sync_operation(client, backend, table, since, trailing_days, end, progress, tally)
    return SyncReport(
        rows=tally.rows,
        deleted=tally.deleted,
        requests=tally.requests,
        pages=tally.pages,
        ranges=tally.ranges,
        synced_until=tally.synced_until,
        start=min((start for start, _ in tally.ranges.values()), default=None),
        end=end,
        clamped=tally.clamped,
        group_by=tally.group_by,
        refused=tally.refused,
    )


def _sync_operation(
    client: UsageClient,
    backend: Backend,
    table: TableSchema,
    since: datetime | None,
    trailing_days: int,
    end: datetime,
    progress: Callable[[SyncProgress], None] | None,
    tally: _Tally,
) -> None:
    """Fetch and store one operation; survive one lookback refusal and refused groupings."""
    name = table.operation
    stored = state = backend.read_state(name)
    refused = list(state.refused) if state is not None else []
    group_by = [field for field in OPERATIONS[name].group_by if field not in refused]
    start = plan_start(state, since, end, trailing_days)
    if start >= end:
        tally.synced_until[name] = state.synced_until if state else None
        known = state.group_by if state is not None else None
        tally.group_by[name] = known if known is not None else tuple(group_by)
        if refused:
            tally.refused[name] = tuple(refused)
        return
    tally.ranges[name] = (start, end)
    # run_start .. written_until: the complete buckets written in this run, without a gap;
    # position: where the next request starts (the end of the last page committed).
    run_start = position = written_until = start
    clamped = False
    number = 0
    while True:
        try:
            for page in _paginator(client, name, position, end, group_by).pages():
                number += 1
                tally.requests += 1
                tally.pages[name] += 1
                page_rows = _page_rows(table, page.buckets)
                complete = [bucket.end for bucket in page.buckets if bucket.end <= end]
                if complete:
                    written_until = max(written_until, *complete)
                new_state = advance_state(state, name, run_start, written_until, datetime.now(UTC))
                if new_state is not None:
                    new_state = attrs.evolve(
                        new_state, group_by=tuple(group_by), refused=tuple(refused)
                    )
                with backend.transaction():
                    upserted = backend.upsert_rows(table, page_rows)
                    # Every other row of these buckets goes: rows the API no longer returns,
                    # and rows of another grain (fetched before a group-by was refused).
                    removed = backend.delete_other_rows(
                        table, [bucket.start for bucket in page.buckets], {r[-1] for r in page_rows}
                    )
                    if new_state is not None:
                        backend.write_state(new_state)
                state = new_state
                tally.rows[name] += upserted
                tally.deleted[name] += removed
                if page.buckets:
                    position = max(position, page.buckets[-1].end)
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
            break
        except LookbackExceededError as exc:
            if clamped:
                raise  # the corrected start was refused too: never a second guess
            served, stated = _served_from(exc, end)
            # Where the run would have started had the caller asked for that day: with a
            # stored range from there on, only the trailing window is fetched again.
            new_start = max(position, plan_start(stored, served, end, trailing_days))
            if new_start <= position or new_start >= end:
                raise  # the API refuses a start it says it serves, or serves nothing
            clamped = True
            tally.clamped[name] = LookbackClamp(position, new_start, stated)
            tally.ranges[name] = (new_start, end)
            logger.warning(
                "%s: the API serves data from %s only; loading from there (asked for %s)",
                name,
                new_start.date(),
                position.date(),
            )
            run_start = position = written_until = new_start
        except GroupingRefusedError:
            field = _next_to_drop(group_by)
            if field is None:
                raise
            group_by.remove(field)
            refused.append(field)
            logger.warning(
                "%s: the API refused group_by %s; asking again without %s",
                name,
                ",".join([*group_by, field]),
                field,
            )
    tally.synced_until[name] = state.synced_until if state else None
    tally.group_by[name] = tuple(group_by)
    if refused:
        tally.refused[name] = tuple(refused)


def _served_from(exc: LookbackExceededError, now: datetime) -> tuple[datetime, bool]:
    """The earliest UTC midnight the API serves, and whether the API said so itself."""
    earliest = getattr(exc, "earliest_start", None)
    if isinstance(earliest, datetime):
        if earliest.tzinfo is None:
            earliest = earliest.replace(tzinfo=UTC)
        day = _floor_day(earliest)
        # A day boundary, so that bucket starts (part of each row's key) stay midnights.
        return (day if day == earliest.astimezone(UTC) else day + _DAY), True
    return _floor_day(now) - LOOKBACK_DAYS * _DAY + _DAY, False


def _next_to_drop(group_by: Sequence[str]) -> str | None:
    """The group-by field to ask without after a refusal (order: the module docstring)."""
    order = [f for f in _DROP_FIRST if f in group_by]
    order += [f for f in group_by if f not in _DROP_FIRST and f not in _KEEP_LONGEST]
    order += [f for f in reversed(_KEEP_LONGEST) if f in group_by]
    return order[0] if order else None


def _paginator(
    client: UsageClient, name: str, start: datetime, end: datetime, group_by: Sequence[str]
) -> Paginator[Any]:
    method: Callable[..., Paginator[Any]] = getattr(client, name)
    # The finest grain the API accepts: every group-by field not refused, so each row is one
    # stable (bucket, group) key. limit is left to the facade, which asks for the largest
    # page (fewest requests). group_by=None, not [], when every field was refused.
    return method(start=start, end=end, bucket_width="1d", group_by=list(group_by) or None)


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
