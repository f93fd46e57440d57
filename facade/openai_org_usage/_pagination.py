"""Lazy paginators: every bucket of a range, in time order, exactly once.

A range longer than one page is split into windows aligned to bucket boundaries, one page
long each (``plan_windows``, a generator: a ten-year range at ``1m`` costs nothing until it
is walked). Up to ``max_concurrency`` windows are fetched at once, a new one starting as soon
as any finishes; each window follows its own cursor if the server says ``has_more``;
windows are yielded strictly in order, and at most ``max_concurrency`` + 2 + _EXTRA_HELD
windows' pages (running, or finished and waiting their turn) are held in memory, whatever
the range. With ``max_concurrency=1`` the whole range is one window: plain sequential
cursor paging.

The schedule of a concurrent pull has one owner, ``_Feed``: workers claim the next window
from it and deliver the window's first response to it; the consumer takes responses from it
in window order. Every change to the schedule happens under its one lock, so no window can
be taken before it was claimed, or claimed twice. When the consumer stops (end, error,
``break``), the feed stops: waiting workers return, retry waits and body reads end at once.

How a window ends: when its buckets cover it (the costs endpoint keeps answering
``has_more: true`` with fresh cursors past its last page; the cursor is not followed once
the window is covered), when the server says ``has_more: false``, or at an empty page once
every bucket up to the current one has arrived (a range that reaches into the future).
Anything else that does not chain (a repeated cursor, a gap, an overlap, a bucket of the
wrong width, an empty page short of the range) is a ``PaginationError``. An empty page is
short of the range unless every bucket up to the current one has arrived, whatever its
``has_more`` says: the API answers every past bucket of a range, an empty one with
``results: []``, so a page with no buckets for a past range is not "no usage".

Streaming within a byte budget (``pages(byte_budget=...)``, ``arrow_batches(byte_budget=...)``):
the windows are not planned up front but sized as the pull goes (``_SizedPlan``): the first is
one bucket long (a probe: nothing is known of the organization's size yet; ``first_buckets``
for a caller that knows better), each later one
holds as many buckets as fit a share of the budget at the most bytes per bucket any page has
had so far. A window is claimed only when its expected bytes fit beside the bodies already
held (requested, delivered or being read by the consumer; counted at their real size once
they arrive), so the bytes in flight stay near the budget however large the organization, and
memory stays flat however long the range. Without a budget nothing of this runs.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import threading
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._columnar import ColumnarPage
from ._errors import InvalidParameterError, PaginationError
from ._extras import require_pandas, require_pyarrow
from ._http import AsyncSender, SyncSender
from ._models import Bucket, Page, Row
from ._params import Query
from ._parse import parse_page
from ._time import align_down, count_buckets, iso_utc

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

R = TypeVar("R")
Window = tuple[int, int]

# The clock that says which bucket is the current one (tests replace it).
_clock: Callable[[], float] = time.time

# Finished windows that may wait for an earlier one to be yielded, beyond the running ones:
# enough to keep requests flowing when windows finish out of order, few enough that memory
# stays bounded by max_concurrency (see bench/memory.py).
_EXTRA_HELD = 4


def plan_windows(query: Query, max_concurrency: int) -> Iterator[Window]:
    """Split the range into one-page windows whose inner edges fall on bucket boundaries.

    Lazy: windows are made as they are asked for.
    """
    if max_concurrency <= 1:
        yield (query.start_time, query.end_time)
        return
    width = query.bucket_seconds
    start = query.start_time
    while start < query.end_time:
        # A partial first bucket counts as one bucket of the page, as the API counts it.
        end = min(align_down(start, query.bucket_width) + query.limit * width, query.end_time)
        yield (start, end)
        start = end


class _FixedPlan:
    """``plan_windows``' windows, behind the interface ``_Feed`` claims from."""

    known = True

    def __init__(self, windows: Iterator[Window]) -> None:
        self._windows = windows
        self._next: Window | None = None
        self._ended = False

    def peek(self) -> Window | None:
        if self._next is None and not self._ended:
            self._next = next(self._windows, None)
            self._ended = self._next is None
        return self._next

    def advance(self, window: Window) -> None:
        self._next = None

    def expected(self, window: Window) -> int:
        return 0

    def note(self, size: int, buckets: int) -> None:
        pass


class _SizedPlan:
    """Windows sized so each page is expected to stay under ``page_bytes``. Sans-IO.

    The first window is ``first`` buckets (the probe; at most ``query.limit``); after it, a
    window holds
    ``page_bytes // bytes_per_bucket`` buckets (at least 1, at most ``query.limit``), where
    ``bytes_per_bucket`` is the largest average any page has had so far: windows only shrink
    as heavier hours show up, never grow back into a spike.
    """

    def __init__(self, query: Query, page_bytes: int, first: int = 1) -> None:
        self.query = query
        self.page_bytes = page_bytes
        self.first = first
        self.start = query.start_time
        self.per_bucket: float | None = None  # bytes per bucket; None until a page arrives

    @property
    def known(self) -> bool:
        """Whether a page has arrived to size windows by."""
        return self.per_bucket is not None

    def limit(self) -> int:
        """Buckets the next window holds."""
        if self.per_bucket is None:
            return min(self.first, self.query.limit)
        if self.per_bucket <= 0:
            return self.query.limit
        return max(1, min(self.query.limit, int(self.page_bytes // self.per_bucket)))

    def peek(self) -> Window | None:
        """The next window at the current estimate (None: the range is planned)."""
        query = self.query
        if self.start >= query.end_time:
            return None
        first = align_down(self.start, query.bucket_width)
        return (self.start, min(first + self.limit() * query.bucket_seconds, query.end_time))

    def advance(self, window: Window) -> None:
        self.start = window[1]

    def expected(self, window: Window) -> int:
        """The bytes ``window``'s page should take (0 while nothing is known)."""
        if self.per_bucket is None:
            return 0
        buckets = count_buckets(window[0], window[1], self.query.bucket_width)
        return math.ceil(self.per_bucket * buckets)

    def note(self, size: int, buckets: int) -> None:
        """A page of ``size`` body bytes held ``buckets`` buckets."""
        average = size / buckets if buckets else 0.0
        self.per_bucket = max(self.per_bucket or 0.0, average)


P = TypeVar("P", Page[Any], ColumnarPage)
Decode = Callable[..., P]
"""``(operation, response, *, attempts) -> page``: ``parse_page`` or ``_columnar.decode_page``."""


class _Chain:
    """Checks that one window's pages chain, and says when the window is done.

    Buckets must follow each other without gap or overlap from the window's start, each one
    bucket wide (the first may start inside its bucket; the last may end at the window's end
    inside its bucket); cursors must be new.
    """

    def __init__(self, query: Query, window: Window) -> None:
        self.query = query
        self.window = window
        self.cursors: set[str] = set()
        self.next_start = window[0]
        self.cursor: str | None = None  # the next page's, once a page says where it is
        self.more = True  # until a page ends the window

    def accept(self, page: P) -> P:
        """Check ``page`` (``next_cursor``) and note whether and where the window goes on."""
        self.cursor = self.next_cursor(page)
        self.more = self.cursor is not None
        return page

    def request(self) -> dict[str, Any]:
        """The arguments of the next page's request."""
        return self.kwargs(self.cursor)

    def next_cursor(self, page: Page[Any] | ColumnarPage) -> str | None:
        """Check ``page``; return the cursor to follow, or None when the window is done.

        Works on the buckets' Unix seconds (the API's own integers, kept by both page kinds),
        never on datetimes: a 1m pull checks tens of thousands of buckets.
        """
        if isinstance(page, Page):
            starts = [b.start_time for b in page.buckets]
            ends = [b.end_time for b in page.buckets]
        else:
            starts, ends = page.starts, page.ends
        end = self.window[1]
        width = self.query.bucket_seconds
        next_start = self.next_start
        for begins, ends_at in zip(starts, ends, strict=True):
            if begins != next_start:
                self.next_start = next_start
                if begins < next_start:
                    raise self._error(f"bucket {iso_utc(begins)} repeats or overlaps")
                if begins >= end:
                    raise self._error(f"bucket {iso_utc(begins)} is outside the window")
                raise self._error(f"buckets skip from {iso_utc(next_start)} to {iso_utc(begins)}")
            natural_end = begins - begins % width + width
            if ends_at != natural_end and not (ends_at == end and ends_at < natural_end):
                raise self._error(
                    f"bucket {iso_utc(begins)}..{iso_utc(ends_at)} is not one "
                    f"{self.query.bucket_width} bucket"
                )
            next_start = ends_at
        self.next_start = next_start
        if next_start >= end:
            return None
        if not starts or not page.has_more:
            # This page ends the window short of its end: fine only where nothing can follow,
            # from the current (open) bucket on. The API answers every bucket before it, an
            # empty one with ``results: []``, so anything else is wrong: promising more with no
            # buckets, following it would let a server lead the client through cursors forever;
            # saying it is the last, it would pass missing buckets off as no usage.
            current = self._current_bucket()
            if next_start >= current:
                return None
            missing = f"buckets {iso_utc(next_start)}..{iso_utc(min(end, current))}"
            why = "(the API returns every past bucket, an empty one with results: [])"
            if starts:
                raise self._error(f"has_more is false, but {missing} are missing {why}")
            flag = "true" if page.has_more else "false"
            raise self._error(
                f"has_more is {flag} but the page has no buckets, where {missing} were "
                f"expected {why}"
            )
        if not page.next_page:
            raise self._error("has_more is true but next_page is empty")
        if page.next_page in self.cursors:
            raise self._error(f"cursor {page.next_page[:24]!r} was already followed")
        self.cursors.add(page.next_page)
        return page.next_page

    def _current_bucket(self) -> int:
        """The start of the current (open) bucket, by the client's clock."""
        return align_down(int(_clock()), self.query.bucket_width)

    def kwargs(self, cursor: str | None) -> dict[str, Any]:
        start, end = self.window
        return self.query.request_kwargs(
            start_time=start, end_time=end, limit=self.query.limit, page=cursor
        )

    def _error(self, problem: str) -> PaginationError:
        start, end = self.window
        return PaginationError(
            f"{self.query.operation.name} pages do not chain for "
            f"{iso_utc(start)}..{iso_utc(end)}: {problem}",
            request=None,
        )


Outcome = tuple[httpx.Response, int] | BaseException
"""A window's first request as a worker ended it: the response and attempts, or the error."""


class _Feed:
    """The schedule of one concurrent pull, and its only owner.

    Workers ``claim`` windows (in order; at most ``hold`` claimed and not yet taken) and
    ``deliver`` what their first request got; the consumer ``take``s those in window order,
    ``note``s the size of each page it decodes and ``release``s a window when done with it.
    With a ``budget``, a window is claimed only while the bytes of the windows claimed and not
    released (expected until delivered, then real) leave room for it, or when none is held;
    and, before any page has arrived to size windows by, only the probe window is claimed.
    All state changes under one lock.
    """

    def __init__(self, plan: _FixedPlan | _SizedPlan, hold: int, budget: int | None = None) -> None:
        self._plan = plan
        self._hold = hold
        self._budget = budget
        self._cond = threading.Condition()
        self._claimed = 0
        self._taken = 0
        self._end: int | None = None  # the number of windows, once the plan is exhausted
        self._done: dict[int, tuple[Window, Outcome]] = {}
        self._weights: dict[int, int] = {}  # bytes of each window claimed and not released
        self.in_flight = 0  # their sum
        self.peak_in_flight = 0
        self.sized = isinstance(plan, _SizedPlan)
        self.stopped = threading.Event()

    def _room(self) -> Window | bool | None:
        """The window to claim now; None: the plan is exhausted; False: wait."""
        if self._claimed - self._taken >= self._hold:
            return False
        window = self._plan.peek()
        if window is None:
            return None
        if self._claimed and not self._plan.known:
            return False  # the probe is out: wait for its size
        cost = self._plan.expected(window)
        if self._budget is not None and self._weights and self.in_flight + cost > self._budget:
            return False
        return window

    def claim(self) -> tuple[int, Window] | None:
        """The next window to fetch; None when there is none or the pull stopped."""
        with self._cond:
            while True:
                if self.stopped.is_set() or self._end is not None:
                    return None
                window = self._room()
                if window is None:
                    self._end = self._claimed
                    self._cond.notify_all()
                    return None
                if window is not False:
                    break
                self._cond.wait()
            assert isinstance(window, tuple)
            self._plan.advance(window)
            index = self._claimed
            self._claimed += 1
            self._weigh(index, self._plan.expected(window))
            return index, window

    def _weigh(self, index: int, size: int) -> None:
        self.in_flight += size - self._weights.get(index, 0)
        self._weights[index] = size
        self.peak_in_flight = max(self.peak_in_flight, self.in_flight)

    def deliver(self, index: int, window: Window, outcome: Outcome) -> None:
        with self._cond:
            if not isinstance(outcome, BaseException) and index in self._weights:
                self._weigh(index, len(outcome[0].content))
            self._done[index] = (window, outcome)
            self._cond.notify_all()

    def take(self, index: int) -> tuple[Window, Outcome] | None:
        """Window ``index`` and its outcome, waiting for it; None past the last window."""
        with self._cond:
            while index not in self._done:
                if self._end is not None and index >= self._end:
                    return None
                self._cond.wait()
            self._taken += 1
            self._cond.notify_all()
            return self._done.pop(index)

    def note(self, size: int, buckets: int) -> None:
        """A page of ``size`` body bytes held ``buckets`` buckets (sizes later windows)."""
        with self._cond:
            self._plan.note(size, buckets)
            self._cond.notify_all()

    def release(self, index: int) -> None:
        """The consumer is done with window ``index``: its bytes no longer count."""
        with self._cond:
            self.in_flight -= self._weights.pop(index, 0)
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self.stopped.set()
            self._done.clear()
            self._cond.notify_all()


Note = Callable[[int, int], None]
"""``(body bytes, buckets)`` of each page decoded: what sizes a byte budget's windows."""


def _buckets_in(page: Page[Any] | ColumnarPage) -> int:
    return len(page.buckets) if isinstance(page, Page) else len(page.starts)


def _window_pages(
    sender: SyncSender,
    query: Query,
    window: Window,
    decode: Decode[P],
    first: P | None = None,
    note: Note | None = None,
) -> Iterator[P]:
    chain = _Chain(query, window)
    if first is not None:
        yield chain.accept(first)
    while chain.more:
        response, attempts = sender.send_page(query.operation, chain.request())
        page = decode(query.operation, response, attempts=attempts)
        if note is not None:
            note(len(response.content), _buckets_in(page))
        del response
        yield chain.accept(page)
        del page  # not held while the next page is fetched


async def _async_window_pages(
    sender: AsyncSender,
    query: Query,
    window: Window,
    decode: Decode[P],
    first: P | None = None,
    note: Note | None = None,
) -> AsyncGenerator[P]:
    chain = _Chain(query, window)
    if first is not None:
        yield chain.accept(first)
    while chain.more:
        response, attempts = await sender.send_page(query.operation, chain.request())
        # Decoding a large page takes milliseconds of CPU; in a worker thread, other
        # windows' responses keep arriving meanwhile.
        page = await asyncio.to_thread(decode, query.operation, response, attempts=attempts)
        if note is not None:
            note(len(response.content), _buckets_in(page))
        del response
        yield chain.accept(page)
        del page


def _first_request(query: Query, window: Window) -> dict[str, Any]:
    return query.request_kwargs(
        start_time=window[0], end_time=window[1], limit=query.limit, page=None
    )


def _single(windows: Iterator[Window]) -> tuple[Window | None, Iterator[Window]]:
    """The only window, if the plan has exactly one; else the plan, unconsumed."""
    first = next(windows)
    second = next(windows, None)
    if second is None:
        return first, iter(())
    return None, itertools.chain((first, second), windows)


def _page_bytes(byte_budget: int | None, max_concurrency: int) -> int | None:
    """The bytes one page may take of ``byte_budget`` (None: no budget), checked.

    A concurrent pull holds up to ``max_concurrency + _EXTRA_HELD`` windows: each gets an
    equal share, so all of them fit.
    """
    if byte_budget is None:
        return None
    if isinstance(byte_budget, bool) or not isinstance(byte_budget, int) or byte_budget < 1:
        raise InvalidParameterError("byte_budget", byte_budget, "a positive number of bytes")
    if max_concurrency <= 1:
        return byte_budget
    return max(1, byte_budget // (max_concurrency + _EXTRA_HELD))


def _first(first_buckets: int | None, byte_budget: int | None) -> int:
    """The first window's buckets under a byte budget (1, the probe, unless told), checked."""
    if first_buckets is None:
        return 1
    if (
        isinstance(first_buckets, bool)
        or not isinstance(first_buckets, int)
        or first_buckets < 1
        or byte_budget is None
    ):
        allowed = "a positive number of buckets, with byte_budget"
        raise InvalidParameterError("first_buckets", first_buckets, allowed)
    return first_buckets


SenderT = TypeVar("SenderT", SyncSender, AsyncSender)


class _Pull(Generic[SenderT]):
    """What both paginators hold: the validated query, the sender and the concurrency."""

    def __init__(self, query: Query, sender: SenderT, max_concurrency: int) -> None:
        self.query = query
        self._sender: SenderT = sender
        self._max_concurrency = max_concurrency

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {_describe(self.query)}>"


class Paginator(_Pull[SyncSender], Generic[R]):
    """Every bucket of one call, fetched lazily.

    Nothing is requested until iteration starts. Iterate for buckets, or use ``pages()`` or
    ``results()``; ``list(paginator)`` works. Each iteration fetches afresh.

    Example::

        for bucket in client.completions(start="7d", group_by="model"):
            print(bucket.start, sum(r.input_tokens for r in bucket.results))
    """

    def __iter__(self) -> Iterator[Bucket[R]]:
        for page in self.pages():
            yield from page.buckets

    def results(self) -> Iterator[Row[R]]:
        """Every result as a flat row carrying its bucket's start and end."""
        for bucket in self:
            for result in bucket.results:
                yield Row(bucket.start, bucket.end, result)

    def to_records(self) -> list[dict[str, Any]]:
        """Every result as a plain dict: bucket bounds, group-by fields and metrics.

        Example::

            rows = client.costs(start="7d", group_by="project_id").to_records()
        """
        from .export import to_records

        return to_records(self.query.operation, self.results())

    def to_pandas(self) -> pd.DataFrame:
        """Every result as a DataFrame row, with typed columns (needs the ``pandas`` extra).

        Built from the pages' Arrow batches (``arrow_batches()``), each copied into the frame as
        it arrives: the pages are decoded into columns, never into one object per result. The
        frame equals ``export.to_pandas(operation, paginator.results())``: same columns, dtypes
        and values.

        Raises:
            MissingDependencyError: pandas (or pyarrow, part of the ``pandas`` extra) is not
                installed.

        Example::

            df = client.completions(start="30d", group_by="model").to_pandas()
            df.groupby("model")["input_tokens"].sum()
        """
        from ._columnar import schema
        from .export import frame_from_batches

        require_pandas()
        require_pyarrow("DataFrames")
        # Each page's batch goes into the frame as it arrives (see export.frame_from_batches).
        return frame_from_batches(schema(self.query.operation), self.arrow_batches())

    def pages(
        self, *, byte_budget: int | None = None, first_buckets: int | None = None
    ) -> Iterator[Page[R]]:
        """Every page, in time order.

        Args:
            byte_budget: For a caller that writes each page out and drops it: keep the
                response bodies held at once (fetched ahead, waiting their turn, being read)
                near this many bytes, whatever the organization's size. Windows are then sized
                from the bytes per bucket of the pages seen so far (the first is one bucket),
                and a window is requested only when it fits beside those held, so a large
                organization sends more, smaller requests. None (the default): pages of
                ``limit`` buckets, ``max_concurrency`` at a time, as for every other method.
            first_buckets: With ``byte_budget``, the buckets of the first window (at most
                ``limit``) instead of one: for a caller that knows a page of that many fits
                (a short range asked for again: one request, not a probe and the rest).

        Raises:
            InvalidParameterError: ``byte_budget`` or ``first_buckets`` is not a positive
                integer, or ``first_buckets`` is given without ``byte_budget``.

        Example::

            for page in client.completions(start="30d", bucket_width="1h").pages(
                byte_budget=64 << 20
            ):
                write(page.buckets)
        """
        page_bytes = _page_bytes(byte_budget, self._max_concurrency)
        return self._pull(parse_page, page_bytes, _first(first_buckets, byte_budget))

    def arrow_batches(
        self, *, byte_budget: int | None = None, first_buckets: int | None = None
    ) -> Iterator[pa.RecordBatch]:
        """Every page as an Arrow record batch, in time order (needs the ``arrow`` extra).

        One batch per page, each with exactly ``export.arrow_schema(operation)`` (an empty page
        gives an empty batch), rows in the row shape of ``export.columns``. Pages are decoded
        straight into columns, with no Python object per result, and checked as the object
        path checks them: a page that is invalid or does not chain raises
        ``ResponseValidationError`` / ``PaginationError``, never a partial result. Memory stays
        bounded by the pages in flight (``byte_budget``: by about that many bytes of
        response bodies, as for ``pages()``, and ``first_buckets`` as there); stop iterating
        to stop the requests.

        Raises:
            MissingDependencyError: pyarrow is not installed.
            InvalidParameterError: ``byte_budget`` or ``first_buckets`` is not a positive
                integer, or ``first_buckets`` is given without ``byte_budget``.

        Example::

            for batch in client.completions(start="30d", bucket_width="1h").arrow_batches():
                writer.write_batch(batch)
        """
        from ._columnar import decode_page

        require_pyarrow()  # now, not at the first batch
        page_bytes = _page_bytes(byte_budget, self._max_concurrency)
        first = _first(first_buckets, byte_budget)
        return (page.batch for page in self._pull(decode_page, page_bytes, first))

    def to_arrow(self) -> pa.Table:
        """Every result as one Arrow table with ``export.arrow_schema`` (needs ``arrow``).

        The batches of ``arrow_batches()``, in order; an empty range gives an empty table with
        the same schema.

        Raises:
            MissingDependencyError: pyarrow is not installed.

        Example::

            table = client.costs(start="30d", group_by="project_id").to_arrow()
        """
        from ._columnar import schema

        pa = require_pyarrow()
        return pa.Table.from_batches(
            list(self.arrow_batches()), schema=schema(self.query.operation)
        )

    def _pull(
        self, decode: Decode[P], page_bytes: int | None = None, probe: int = 1
    ) -> Iterator[P]:
        if page_bytes is not None:
            plan = _SizedPlan(self.query, page_bytes, probe)
            if self._max_concurrency <= 1:
                # One window at a time, each sized by the pages before it.
                while (window := plan.peek()) is not None:
                    plan.advance(window)
                    yield from _window_pages(
                        self._sender, self.query, window, decode, note=plan.note
                    )
                return
            hold = self._max_concurrency + _EXTRA_HELD
            yield from self._concurrent_pages(_Feed(plan, hold, page_bytes * hold), decode)
            return
        only, windows = _single(plan_windows(self.query, self._max_concurrency))
        if only is not None:
            # One window: page by page, so stopping early stops the requests too.
            yield from _window_pages(self._sender, self.query, only, decode)
            return
        feed = _Feed(_FixedPlan(windows), self._max_concurrency + _EXTRA_HELD)
        yield from self._concurrent_pages(feed, decode)

    def _concurrent_pages(self, feed: _Feed, decode: Decode[P]) -> Iterator[P]:
        operation = self.query.operation
        note = feed.note if feed.sized else None

        def work() -> None:
            while (claimed := feed.claim()) is not None:
                index, window = claimed
                outcome: Outcome
                try:
                    outcome = self._sender.send_page(
                        operation, _first_request(self.query, window), feed.stopped
                    )
                except BaseException as exc:  # handed to the consumer, raised there
                    outcome = exc
                feed.deliver(index, window, outcome)
                del outcome  # a finished response is held by the feed alone

        # Daemon threads: a paginator abandoned mid-iteration and never collected must not
        # keep the interpreter from exiting.
        workers = [
            threading.Thread(target=work, name=f"openai-org-usage-{n}", daemon=True)
            for n in range(self._max_concurrency)
        ]
        for worker in workers:
            worker.start()
        try:
            for index in itertools.count():
                taken = feed.take(index)
                if taken is None:
                    return
                window, outcome = taken
                del taken
                if isinstance(outcome, BaseException):
                    raise outcome
                response, attempts = outcome
                del outcome
                # Parsed here, in the consumer's thread, when its turn comes: windows waiting
                # their turn are held as compact bytes, not as thousands of model objects.
                first = decode(operation, response, attempts=attempts)
                if note is not None:
                    note(len(response.content), _buckets_in(first))
                del response
                yield from _window_pages(self._sender, self.query, window, decode, first, note)
                del first
                feed.release(index)
        finally:
            feed.stop()
            for worker in workers:
                worker.join()


class AsyncPaginator(_Pull[AsyncSender], Generic[R]):
    """Every bucket of one call, fetched lazily; use with ``async for``.

    Example::

        async for bucket in client.costs(start="30d", group_by="line_item"):
            print(bucket.start, [r.amount.value for r in bucket.results])
    """

    async def __aiter__(self) -> AsyncGenerator[Bucket[R]]:
        async for page in self.pages():
            for bucket in page.buckets:
                yield bucket

    async def results(self) -> AsyncGenerator[Row[R]]:
        """Every result as a flat row carrying its bucket's start and end."""
        async for bucket in self:
            for result in bucket.results:
                yield Row(bucket.start, bucket.end, result)

    async def pages(
        self, *, byte_budget: int | None = None, first_buckets: int | None = None
    ) -> AsyncGenerator[Page[R]]:
        """Every page, in time order.

        Args:
            byte_budget: As for ``Paginator.pages``; windows sized to it are fetched one at
                a time here.
            first_buckets: As for ``Paginator.pages``.

        Raises:
            InvalidParameterError: ``byte_budget`` or ``first_buckets`` is not a positive
                integer, or ``first_buckets`` is given without ``byte_budget``.
        """
        page_bytes = _page_bytes(byte_budget, 1)
        first = _first(first_buckets, byte_budget)
        async for page in self._pull(parse_page, page_bytes, first):
            yield page

    def arrow_batches(self) -> AsyncIterator[pa.RecordBatch]:
        """Every page as an Arrow record batch, for ``async for`` (see ``Paginator.arrow_batches``).

        Raises:
            MissingDependencyError: pyarrow is not installed (at the call).
        """
        from ._columnar import decode_page

        require_pyarrow()

        async def batches() -> AsyncGenerator[pa.RecordBatch]:
            async for page in self._pull(decode_page):
                yield page.batch

        return batches()

    async def to_arrow(self) -> pa.Table:
        """Every result as one Arrow table (see ``Paginator.to_arrow``)."""
        from ._columnar import schema

        pa = require_pyarrow()
        batches = [batch async for batch in self.arrow_batches()]
        return pa.Table.from_batches(batches, schema=schema(self.query.operation))

    async def _pull(
        self, decode: Decode[P], page_bytes: int | None = None, probe: int = 1
    ) -> AsyncGenerator[P]:
        if page_bytes is not None:
            plan = _SizedPlan(self.query, page_bytes, probe)
            while (window := plan.peek()) is not None:
                plan.advance(window)
                async for page in _async_window_pages(
                    self._sender, self.query, window, decode, note=plan.note
                ):
                    yield page
            return
        only, windows = _single(plan_windows(self.query, self._max_concurrency))
        if only is not None:
            async for page in _async_window_pages(self._sender, self.query, only, decode):
                yield page
            return
        # As in Paginator, with tasks for threads: workers claim windows in order and put
        # each window's first response in its slot; the consumer takes the slots in order.
        # Everything runs on the event loop's thread, so the schedule needs no lock.
        operation = self.query.operation
        hold = self._max_concurrency + _EXTRA_HELD
        slots: dict[int, asyncio.Future[tuple[httpx.Response, int]]] = {}
        window_of: dict[int, Window] = {}
        room = asyncio.Semaphore(hold)
        claimed = itertools.count()
        loop = asyncio.get_running_loop()

        async def work() -> None:
            while True:
                await room.acquire()
                window = next(windows, None)
                if window is None:
                    room.release()
                    return
                index = next(claimed)
                slot = slots.setdefault(index, loop.create_future())
                window_of[index] = window
                try:
                    outcome = await self._sender.send_page(
                        operation, _first_request(self.query, window)
                    )
                except Exception as exc:
                    slot.set_exception(exc)
                else:
                    slot.set_result(outcome)

        workers = [asyncio.ensure_future(work()) for _ in range(self._max_concurrency)]
        try:
            for index in itertools.count():
                slot = slots.setdefault(index, loop.create_future())
                # The slot is filled by a worker, or never: when every worker has returned
                # with the plan exhausted, there is no window ``index``.
                while not slot.done():
                    if all(worker.done() for worker in workers):
                        for worker in workers:
                            worker.result()  # a worker that failed outside a request
                        if not slot.done():
                            return
                    waits: list[asyncio.Future[Any]] = [slot]
                    waits.extend(w for w in workers if not w.done())
                    await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
                del slots[index]
                window = window_of.pop(index)
                response, attempts = slot.result()
                room.release()
                first = await asyncio.to_thread(decode, operation, response, attempts=attempts)
                del response, slot
                async for page in _async_window_pages(
                    self._sender, self.query, window, decode, first
                ):
                    yield page
                del first
        finally:
            for worker in workers:
                worker.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            for slot in slots.values():
                if slot.done() and not slot.cancelled():
                    slot.exception()  # retrieved: no "exception never retrieved" warning
                slot.cancel()

    async def to_list(self) -> list[Bucket[R]]:
        """Every bucket, collected (``list()`` for async code)."""
        return [bucket async for bucket in self]

    async def to_records(self) -> list[dict[str, Any]]:
        """Every result as a plain dict (see ``Paginator.to_records``)."""
        from .export import to_records

        return to_records(self.query.operation, [row async for row in self.results()])

    async def to_pandas(self) -> pd.DataFrame:
        """Every result as a DataFrame row (see ``Paginator.to_pandas``)."""
        from ._columnar import schema
        from .export import frame_from_batches

        require_pandas()
        require_pyarrow("DataFrames")
        batches = [batch async for batch in self.arrow_batches()]
        return frame_from_batches(schema(self.query.operation), batches)


def _describe(query: Query) -> str:
    parts = [
        query.operation.name,
        f"{iso_utc(query.start_time)}..{iso_utc(query.end_time)}",
        f"bucket_width={query.bucket_width}",
    ]
    if query.group_by:
        parts.append(f"group_by={','.join(query.group_by)}")
    parts.extend(f"{name}={value}" for name, value in query.filters.items())
    return " ".join(parts)
