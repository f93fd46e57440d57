"""One organization's one operation: where a run starts, what it asks for, how it recovers.

Each operation is fetched at its finest grain (grouped by *every* field it allows; costs by
``project_id``, ``line_item``, ``api_key_id``, ``user_id`` and ``api_source``; fewer where
the API refuses a combination, see below) in one-day buckets (or one-hour buckets, for the
hourly tables), so a row's identity is stable
from run to run, and any coarser view is a ``GROUP BY`` away.

Where a run starts, per organization and operation (all times UTC, days aligned to midnight):

* first run: ``since`` (default: 30 days before today);
* later runs: ``synced_until - trailing_days`` (not before ``synced_from``), so the last days
  are fetched again and the API's late revisions (costs are restated for up to 48 hours)
  replace what was stored. A ``since`` later than that wins (``max``); a ``since``
  *earlier* than the stored range is a backfill: the run starts there and re-fetches
  everything up to now.

Every run ends at ``now``; the current day's bucket is written too (partial numbers), but only
complete buckets (``end <= now``) advance the state. Pages arrive as Arrow record batches
(``Paginator.arrow_batches()``: decoded straight into columns, no Python object per row), to
which ``org_id`` is added; a run that reaches ``now`` has every bucket (the paginator raises on
a gap), so its state advances to today's midnight even when its last days have no rows.

The state (:class:`OpState`) lives in dlt's resource state, which dlt commits together with
the rows of the load: a run killed before its load completes leaves the state where the
stored rows are.

A second run over an unchanged range sends one request per operation: the trailing window
(4 buckets with the default 3 days; up to 96 hourly ones) fits in the first page
(:data:`FIRST_BUCKETS`).

What the live API refuses, and what a run does about it (never more than a bounded number of
extra requests; anything else refused fails the organization):

* **History older than the API serves** (about a year; HTTP 400
  ``reporting_lookback_exceeded``, ``LookbackExceededError``). The run starts again, once,
  from the earliest day the API says it serves (its ``earliest_start``, rounded up to a UTC
  midnight; if it names none, today's UTC midnight minus 365 days plus one day), and the
  report says so (``LookbackClamp``). A second refusal is an error, never retried.
* **A group-by combination refused** (``GroupingRefusedError``, e.g. costs by ``user_id``
  with ``project_id``). The run asks again without one field, then another, until the API
  accepts, in this order: ``user_id``, ``api_key_id``, any field not named here, then
  ``vector_store_id``, ``context_level``, ``source``, ``size``, ``service_tier``,
  ``api_source``, ``batch``, ``model``, ``line_item`` and ``project_id`` last. It goes on
  from the first bucket not yet fetched. The refused fields are stored in the state and not
  asked for by later runs, so a refusal costs one request once. A dropped field is null in
  the rows fetched without it; a load replaces whole buckets (see ``_schema``), so a bucket
  never has rows of two grains.

Pages are sized by bytes, not by a fixed number of buckets: the client fetches up to
``max_concurrency`` pages at once and holds a few more waiting their turn, so what it holds is
the unit of the sync's memory. Each operation is pulled with ``arrow_batches(byte_budget=``
:data:`BYTE_BUDGET` ``)``: the first page is :data:`FIRST_BUCKETS` long (a month of days, a
week of hours; the API's longest usage page, so a range that short, such as a later run's
trailing window, is one request), and every later one holds as many buckets as fit a share of
the budget at the most bytes per bucket seen so far, up to the API's longest page (31 days of
usage, 180 of costs, 168 hours). A small organization's year takes the requests of the longest
pages (135 for every daily table); a large one's sends more, smaller pages, and its memory
stays flat however many days it loads.

An hourly table (``TableSchema.bucket_width`` ``"1h"``) is fetched the same way, bucket by
hour: the state's ``synced_until`` is then the end of the last complete hour.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import attrs

from openai_org_usage import (
    OPERATIONS,
    GroupingRefusedError,
    LookbackExceededError,
    Paginator,
    UsageClient,
)

from ._schema import ORG_ID, TableSchema

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "BYTE_BUDGET",
    "DEFAULT_SINCE_DAYS",
    "FIRST_BUCKETS",
    "LOOKBACK_DAYS",
    "Fetched",
    "LookbackClamp",
    "OpState",
    "advance_state",
    "bucket_starts",
    "empty_buckets",
    "fetch_operation",
    "floor_bucket",
    "plan_start",
    "width_of",
]

DEFAULT_SINCE_DAYS = 30
"""How far back a first sync reaches when no ``since`` is given."""

LOOKBACK_DAYS = 365
"""The history the API serves, when a refusal does not say: ``start`` from today's UTC midnight
minus this many days plus one day is assumed to be served."""

BYTE_BUDGET = 64 << 20
"""Response bytes one operation's pull holds at once (fetched ahead, waiting, being decoded)."""
FIRST_BUCKETS = {"1d": 31, "1h": 168}
"""Buckets of an operation's first page, by bucket width (module docstring)."""

_DAY = timedelta(days=1)
_WIDTHS = {"1d": _DAY, "1h": timedelta(hours=1)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
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
class OpState:
    """What is stored for one organization's operation.

    Attributes:
        synced_from: Start of the range of complete buckets written without gaps.
        synced_until: Its end; everything in ``[synced_from, synced_until)`` was loaded.
        group_by: The group-by fields the last run asked for.
        refused: Group-by fields the API refused; later runs do not ask for them.
    """

    synced_from: datetime
    synced_until: datetime
    group_by: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        """The form kept in dlt's state (JSON: Unix seconds and lists)."""
        return {
            "synced_from": int(self.synced_from.timestamp()),
            "synced_until": int(self.synced_until.timestamp()),
            "group_by": list(self.group_by),
            "refused": list(self.refused),
        }

    @classmethod
    def from_json(cls, data: Any) -> OpState | None:
        """The state back from dlt's state; None when there is none (or it is unreadable)."""
        if not isinstance(data, dict):
            return None
        try:
            return cls(
                _EPOCH + timedelta(seconds=int(data["synced_from"])),
                _EPOCH + timedelta(seconds=int(data["synced_until"])),
                tuple(str(f) for f in data.get("group_by") or ()),
                tuple(str(f) for f in data.get("refused") or ()),
            )
        except (KeyError, TypeError, ValueError):
            return None


@attrs.frozen
class Fetched:
    """One page, as Arrow, with the state that holds once it is loaded.

    Attributes:
        table: The page's rows (``TableSchema.arrow_schema``).
        state: The state after this page (None: no complete bucket yet).
        start: Start of the page's first bucket (None: an empty page).
        end: End of the page's last bucket.
    """

    table: pa.Table
    state: OpState | None
    start: datetime | None
    end: datetime | None


@attrs.define
class Outcome:
    """What one organization's operation did (filled in as it goes)."""

    start: datetime | None = None
    end: datetime | None = None
    pages: int = 0
    rows: int = 0
    state: OpState | None = None
    group_by: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()
    refused_now: tuple[str, ...] = ()  # of ``refused``, those the API refused in this run
    clamp: LookbackClamp | None = None


def bucket_starts(columns: Sequence[pa.ChunkedArray]) -> set[int]:
    """The distinct bucket starts in ``columns`` (``bucket_start`` columns of pages), in
    microseconds since the epoch.

    As integers: as ``datetime`` objects, each with its time zone, they cost ten times as much
    to make.
    """
    import pyarrow as pa

    chunks = [chunk for column in columns for chunk in column.chunks]
    starts = pa.chunked_array(chunks, pa.timestamp("us", tz="UTC")).unique()
    return set(starts.cast(pa.int64()).to_pylist())


def empty_buckets(outcome: Outcome, filled: set[int], bucket_width: str = "1d") -> list[datetime]:
    """The buckets (``bucket_width`` wide) of the range an operation was fetched over
    (``outcome``) whose starts (:func:`bucket_starts`) are not in ``filled``: the buckets
    that came without rows."""
    if outcome.start is None or outcome.end is None:
        return []
    step = width_of(bucket_width)
    empty = []
    bucket = outcome.start
    while bucket < outcome.end:
        if (bucket - _EPOCH) // _MICROSECOND not in filled:
            empty.append(bucket)
        bucket += step
    return empty


def width_of(bucket_width: str) -> timedelta:
    """A bucket width (``"1d"``, ``"1h"``) as a ``timedelta``."""
    return _WIDTHS[bucket_width]


def floor_bucket(value: datetime, bucket_width: str) -> datetime:
    """The start of the UTC bucket ``bucket_width`` wide that holds ``value``."""
    day = floor_day(value)
    step = width_of(bucket_width)
    return day + (value.astimezone(UTC) - day) // step * step


def plan_start(
    state: OpState | None, since: datetime | None, now: datetime, trailing_days: int
) -> datetime:
    """Where one operation's run starts (``since`` and the result are UTC midnights)."""
    if state is None:
        return since if since is not None else floor_day(now) - DEFAULT_SINCE_DAYS * _DAY
    # Never before the stored range: the window must not reach back past the first since.
    resume = max(state.synced_from, state.synced_until - trailing_days * _DAY)
    if since is None:
        return resume
    if since < state.synced_from:
        return since  # a backfill: the stored range does not reach back that far
    return max(since, resume)


def advance_state(
    state: OpState | None, run_start: datetime, written_until: datetime
) -> OpState | None:
    """The state after this run has written ``[run_start, written_until)`` without gaps.

    The stored range stays one contiguous range: it is merged with the run's when the two
    touch; a run entirely after it (a ``since`` past ``synced_until``) replaces it, since the
    gap between them was never fetched; a backfill that has not yet reached it leaves it as
    is until it does.
    """
    if written_until <= run_start:
        return state
    if state is None:
        return OpState(run_start, written_until)
    if run_start <= state.synced_until and written_until >= state.synced_from:
        return attrs.evolve(
            state,
            synced_from=min(state.synced_from, run_start),
            synced_until=max(state.synced_until, written_until),
        )
    if run_start > state.synced_until:
        return attrs.evolve(state, synced_from=run_start, synced_until=written_until)
    return state


def fetch_operation(
    client: UsageClient,
    table: TableSchema,
    org_id: str,
    stored: OpState | None,
    since: datetime | None,
    trailing_days: int,
    end: datetime,
    emit: Callable[[Fetched], bool],
    outcome: Outcome,
) -> None:
    """Fetch one operation of one organization, page by page, handing each page to ``emit``
    (and, when the run completes with days no page could record, an empty page whose state
    records them). ``emit`` returns False when the consumer is gone: the fetch stops.

    Survives one lookback refusal and refused groupings (module docstring); any other error
    is raised, after the pages emitted so far (their state included). ``outcome`` is filled
    in as the run goes, so it is right when this raises too.
    """
    name = table.operation
    width = table.bucket_width
    state = stored
    refused = list(stored.refused) if stored is not None else []
    group_by = [f for f in OPERATIONS[name].group_by if f not in refused]
    outcome.group_by, outcome.refused = tuple(group_by), tuple(refused)
    outcome.state = stored
    start = plan_start(stored, since, end, trailing_days)
    if start >= end:
        if stored is not None and stored.group_by:
            outcome.group_by = stored.group_by
        return
    outcome.start, outcome.end = start, end
    # run_start .. written_until: the complete buckets fetched in this run, without a gap;
    # position: where the next request starts (the end of the last page emitted).
    run_start = position = written_until = start
    clamped = False
    while True:
        try:
            pages = _paginator(client, name, width, position, end, group_by)
            batches = pages.arrow_batches(
                byte_budget=BYTE_BUDGET, first_buckets=FIRST_BUCKETS[width]
            )
            for batch in batches:
                outcome.pages += 1
                rows = _with_org(table, org_id, batch)
                first, last, complete = _bounds(rows, end)
                if complete is not None:
                    written_until = max(written_until, complete)
                if last is not None:
                    position = max(position, last)
                state = _advanced(state, run_start, written_until, group_by, refused)
                outcome.rows += rows.num_rows
                outcome.state = state
                if not emit(Fetched(rows, state, first, last)):
                    return  # the consumer went away: stop asking
            # Every bucket of [position, end) arrived (the paginator raises on a gap), so
            # the range is complete up to the last whole day, whether or not its last
            # buckets held rows: an operation nobody uses still advances.
            whole = floor_bucket(end, table.bucket_width)
            if whole > written_until:
                written_until = whole
                state = _advanced(state, run_start, written_until, group_by, refused)
                outcome.state = state
                emit(Fetched(_with_org(table, org_id, None), state, None, None))
            return
        except LookbackExceededError as exc:
            if clamped:
                raise  # the corrected start was refused too: never a second guess
            served, stated = served_from(exc, end)
            # Where the run would have started had the caller asked for that day: with a
            # stored range from there on, only the trailing window is fetched again.
            new_start = max(position, plan_start(stored, served, end, trailing_days))
            if new_start <= position or new_start >= end:
                raise  # the API refuses a start it says it serves, or serves nothing
            clamped = True
            outcome.clamp = LookbackClamp(position, new_start, stated)
            outcome.start = new_start
            logger.warning(
                "%s %s: the API serves data from %s only; loading from there (asked for %s)",
                org_id,
                name,
                new_start.date(),
                position.date(),
            )
            run_start = position = written_until = new_start
        except GroupingRefusedError:
            field = next_to_drop(group_by)
            if field is None:
                raise
            group_by.remove(field)
            refused.append(field)
            outcome.group_by, outcome.refused = tuple(group_by), tuple(refused)
            outcome.refused_now = (*outcome.refused_now, field)
            logger.warning(
                "%s %s: the API refused group_by %s; asking again without %s",
                org_id,
                name,
                ",".join([*group_by, field]),
                field,
            )


def served_from(exc: LookbackExceededError, now: datetime) -> tuple[datetime, bool]:
    """The earliest UTC midnight the API serves, and whether the API said so itself."""
    earliest = getattr(exc, "earliest_start", None)
    if isinstance(earliest, datetime):
        if earliest.tzinfo is None:
            earliest = earliest.replace(tzinfo=UTC)
        day = floor_day(earliest)
        # A day boundary, so that bucket starts (part of each row's key) stay midnights.
        return (day if day == earliest.astimezone(UTC) else day + _DAY), True
    return floor_day(now) - LOOKBACK_DAYS * _DAY + _DAY, False


def next_to_drop(group_by: Sequence[str]) -> str | None:
    """The group-by field to ask without after a refusal (order: the module docstring)."""
    order = [f for f in _DROP_FIRST if f in group_by]
    order += [f for f in group_by if f not in _DROP_FIRST and f not in _KEEP_LONGEST]
    order += [f for f in reversed(_KEEP_LONGEST) if f in group_by]
    return order[0] if order else None


def floor_day(value: datetime) -> datetime:
    """The UTC midnight at or before ``value``."""
    return value.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _paginator(
    client: UsageClient,
    name: str,
    bucket_width: str,
    start: datetime,
    end: datetime,
    group_by: Sequence[str],
) -> Paginator[Any]:
    method: Callable[..., Paginator[Any]] = getattr(client, name)
    # The finest grain the API accepts: every group-by field not refused, so each row is one
    # stable (bucket, group) key. group_by=None, not [], when every field was refused.
    # No limit: the API's longest pages, which the byte budget shortens (module docstring).
    return method(start=start, end=end, bucket_width=bucket_width, group_by=list(group_by) or None)


def _advanced(
    state: OpState | None,
    run_start: datetime,
    written_until: datetime,
    group_by: Sequence[str],
    refused: Sequence[str],
) -> OpState | None:
    state = advance_state(state, run_start, written_until)
    if state is None:
        return None
    return attrs.evolve(state, group_by=tuple(group_by), refused=tuple(refused))


def _with_org(table: TableSchema, org_id: str, batch: pa.RecordBatch | None) -> pa.Table:
    """The page's rows as the table's Arrow schema: ``org_id``, then the row shape."""
    import pyarrow as pa

    schema = table.arrow_schema()
    if batch is None:
        return schema.empty_table()
    rows = pa.Table.from_batches([batch])
    org = pa.array([org_id] * rows.num_rows, pa.string())
    return rows.add_column(0, schema.field(ORG_ID), org)


def _bounds(
    rows: pa.Table, end: datetime
) -> tuple[datetime | None, datetime | None, datetime | None]:
    """The first bucket start, the last bucket end, and the last complete bucket's end."""
    import pyarrow.compute as pc

    if rows.num_rows == 0:
        return None, None, None
    ends = rows.column("bucket_end")
    complete = pc.max(pc.filter(ends, pc.less_equal(ends, end))).as_py()
    return pc.min(rows.column("bucket_start")).as_py(), pc.max(ends).as_py(), complete
