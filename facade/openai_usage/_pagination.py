"""Lazy paginators: every bucket of a range, in time order, exactly once.

A range longer than one page is split into windows aligned to bucket boundaries, one page
long each (``plan_windows``). Up to ``max_concurrency`` windows are fetched at once, a new one
starting as soon as any finishes; each window follows its own cursor if the server says
``has_more``; windows are yielded strictly in order, and at most ``max_concurrency`` + 2
windows' pages (running or finished and waiting their turn) are held in memory, whatever the
range.
With ``max_concurrency=1`` the whole range is one window: plain sequential cursor paging.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncGenerator, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import httpx

from ._errors import PaginationError
from ._http import AsyncSender, SyncSender
from ._models import Bucket, Page, Row
from ._params import Query
from ._parse import parse_page
from ._time import align_down, from_unix_seconds

if TYPE_CHECKING:
    import pandas as pd

R = TypeVar("R")
Window = tuple[int, int]

# Finished windows that may wait for an earlier one to be yielded, beyond the running ones:
# enough to keep requests flowing when windows finish out of order, few enough that memory
# stays bounded by max_concurrency (see bench/memory.py).
_EXTRA_HELD = 4


def plan_windows(query: Query, max_concurrency: int) -> list[Window]:
    """Split the range into one-page windows whose inner edges fall on bucket boundaries."""
    if max_concurrency <= 1:
        return [(query.start_time, query.end_time)]
    width = query.bucket_seconds
    windows: list[Window] = []
    start = query.start_time
    while start < query.end_time:
        # A partial first bucket counts as one bucket of the page, as the API counts it.
        end = min(align_down(start, query.bucket_width) + query.limit * width, query.end_time)
        windows.append((start, end))
        start = end
    return windows


class _Chain:
    """Checks that pages chain: new cursors, no repeated or overlapping buckets."""

    def __init__(self, query: Query, window: Window) -> None:
        self.query = query
        self.window = window
        self.cursors: set[str] = set()
        self.last_end: int | None = None

    def next_cursor(self, page: Page[Any]) -> str | None:
        """Check ``page``; return the cursor to follow, or None when the window is done."""
        start, end = self.window
        for bucket in page.buckets:
            if not start <= bucket.start_time < end:
                raise self._error(f"bucket {_iso(bucket.start_time)} is outside the window")
            if self.last_end is not None and bucket.start_time < self.last_end:
                raise self._error(f"bucket {_iso(bucket.start_time)} repeats or overlaps")
            self.last_end = bucket.end_time
        if not page.has_more:
            return None
        if not page.buckets:
            # Every page holds at least one bucket; an empty one that promises more would
            # let a server lead the client through cursors forever.
            raise self._error("has_more is true but the page has no buckets")
        if not page.next_page:
            raise self._error("has_more is true but next_page is empty")
        if page.next_page in self.cursors:
            raise self._error(f"cursor {page.next_page[:24]!r} was already followed")
        self.cursors.add(page.next_page)
        return page.next_page

    def kwargs(self, cursor: str | None) -> dict[str, Any]:
        start, end = self.window
        return self.query.request_kwargs(
            start_time=start, end_time=end, limit=self.query.limit, page=cursor
        )

    def _error(self, problem: str) -> PaginationError:
        start, end = self.window
        return PaginationError(
            f"{self.query.operation.name} pages do not chain for "
            f"{_iso(start)}..{_iso(end)}: {problem}",
            request=None,
        )


def _iso(ts: int) -> str:
    return from_unix_seconds(ts).isoformat().replace("+00:00", "Z")


class _Schedule:
    """Which windows may start: ``limit`` requests running, ``limit`` + _EXTRA_HELD held.

    A window is held from its start until the consumer has taken its response; finished
    windows wait there, as bytes, for their turn to be parsed and yielded in order.
    """

    def __init__(self, count: int, limit: int) -> None:
        self.count = count
        self.limit = limit
        self.next_start = 0
        self.running = 0
        self.held = 0
        self.closed = False

    def ready(self) -> list[int]:
        """Start as many windows as the limits allow; return their indexes."""
        out: list[int] = []
        while (
            not self.closed
            and self.next_start < self.count
            and self.running < self.limit
            and self.held < self.limit + _EXTRA_HELD
        ):
            out.append(self.next_start)
            self.next_start += 1
            self.running += 1
            self.held += 1
        return out

    def finished(self) -> None:
        """A window's request ended (answered or failed)."""
        self.running -= 1

    def consumed(self) -> None:
        """The consumer took a window's response."""
        self.held -= 1

    def close(self) -> None:
        """Start nothing more."""
        self.closed = True


def _window_pages(
    sender: SyncSender, query: Query, window: Window, first: Page[Any] | None = None
) -> Iterator[Page[Any]]:
    chain = _Chain(query, window)
    cursor: str | None = None
    page = first
    while True:
        if page is None:
            page = sender.fetch(query.operation, chain.kwargs(cursor))
        cursor = chain.next_cursor(page)
        yield page
        if cursor is None:
            return
        page = None


async def _async_window_pages(
    sender: AsyncSender, query: Query, window: Window, first: Page[Any] | None = None
) -> AsyncGenerator[Page[Any]]:
    chain = _Chain(query, window)
    cursor: str | None = None
    page = first
    while True:
        if page is None:
            page = await sender.fetch(query.operation, chain.kwargs(cursor))
        cursor = chain.next_cursor(page)
        yield page
        if cursor is None:
            return
        page = None


class Paginator(Generic[R]):
    """Every bucket of one call, fetched lazily.

    Nothing is requested until iteration starts. Iterate for buckets, or use ``pages()`` or
    ``results()``; ``list(paginator)`` works. Each iteration fetches afresh.

    Example::

        for bucket in client.completions(start="7d", group_by="model"):
            print(bucket.start, sum(r.input_tokens for r in bucket.results))
    """

    def __init__(self, query: Query, sender: SyncSender, max_concurrency: int) -> None:
        self.query = query
        self._sender = sender
        self._max_concurrency = max_concurrency

    def __repr__(self) -> str:
        return f"<Paginator {_describe(self.query)}>"

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
        from ._export import to_records

        return to_records(self.query.operation, self.results())

    def to_pandas(self) -> pd.DataFrame:
        """Every result as a DataFrame row, with typed columns (needs the ``pandas`` extra).

        Raises:
            MissingDependencyError: pandas is not installed.

        Example::

            df = client.completions(start="30d", group_by="model").to_pandas()
            df.groupby("model")["input_tokens"].sum()
        """
        from ._export import to_pandas

        return to_pandas(self.query.operation, self.results())

    def pages(self) -> Iterator[Page[R]]:
        """Every page, in time order."""
        windows = plan_windows(self.query, self._max_concurrency)
        if len(windows) == 1:
            # One window: page by page, so stopping early stops the requests too.
            yield from _window_pages(self._sender, self.query, windows[0])
            return
        yield from self._concurrent_pages(windows)

    def _concurrent_pages(self, windows: list[Window]) -> Iterator[Page[R]]:
        executor = ThreadPoolExecutor(
            max_workers=self._max_concurrency, thread_name_prefix="openai-usage"
        )
        schedule = _Schedule(len(windows), self._max_concurrency)
        started: dict[int, Future[tuple[httpx.Response, int]]] = {}
        lock = threading.RLock()  # re-entered when a callback runs at once on a done future

        def launch() -> None:
            with lock:
                for index in schedule.ready():
                    future = executor.submit(
                        self._sender.send_page,
                        self.query.operation,
                        _Chain(self.query, windows[index]).kwargs(None),
                    )
                    started[index] = future
                    future.add_done_callback(finished)

        def finished(_: Future[tuple[httpx.Response, int]]) -> None:
            # A slot is free as soon as any window's request ends, not when the oldest
            # window has been yielded: the next request starts right away.
            with lock:
                schedule.finished()
            launch()

        try:
            launch()
            for index, window in enumerate(windows):
                with lock:
                    head = started.pop(index)
                response, attempts = head.result()
                # Parsed here, in the consumer's thread, when its turn comes: windows waiting
                # their turn are held as compact bytes, not as thousands of model objects.
                first = parse_page(self.query.operation, response, attempts=attempts)
                with lock:
                    schedule.consumed()
                launch()
                yield from _window_pages(self._sender, self.query, window, first)
        finally:
            with lock:
                schedule.close()
                for future in started.values():
                    future.cancel()
            executor.shutdown(wait=True, cancel_futures=True)


class AsyncPaginator(Generic[R]):
    """Every bucket of one call, fetched lazily; use with ``async for``.

    Example::

        async for bucket in client.costs(start="30d", group_by="line_item"):
            print(bucket.start, [r.amount.value for r in bucket.results])
    """

    def __init__(self, query: Query, sender: AsyncSender, max_concurrency: int) -> None:
        self.query = query
        self._sender = sender
        self._max_concurrency = max_concurrency

    def __repr__(self) -> str:
        return f"<AsyncPaginator {_describe(self.query)}>"

    async def __aiter__(self) -> AsyncGenerator[Bucket[R]]:
        async for page in self.pages():
            for bucket in page.buckets:
                yield bucket

    async def results(self) -> AsyncGenerator[Row[R]]:
        """Every result as a flat row carrying its bucket's start and end."""
        async for bucket in self:
            for result in bucket.results:
                yield Row(bucket.start, bucket.end, result)

    async def pages(self) -> AsyncGenerator[Page[R]]:
        """Every page, in time order."""
        windows = plan_windows(self.query, self._max_concurrency)
        if len(windows) == 1:
            async for page in _async_window_pages(self._sender, self.query, windows[0]):
                yield page
            return
        schedule = _Schedule(len(windows), self._max_concurrency)
        started: dict[int, asyncio.Task[tuple[httpx.Response, int]]] = {}

        def launch() -> None:
            for index in schedule.ready():
                task = asyncio.ensure_future(
                    self._sender.send_page(
                        self.query.operation, _Chain(self.query, windows[index]).kwargs(None)
                    )
                )
                started[index] = task
                task.add_done_callback(finished)

        def finished(_: asyncio.Task[tuple[httpx.Response, int]]) -> None:
            # As in Paginator: the next request starts when any ends.
            schedule.finished()
            launch()

        try:
            launch()
            for index, window in enumerate(windows):
                response, attempts = await started.pop(index)
                first = await self._sender.parse(self.query.operation, response, attempts)
                schedule.consumed()
                launch()
                async for page in _async_window_pages(self._sender, self.query, window, first):
                    yield page
        finally:
            schedule.close()
            for task in started.values():
                task.cancel()
            if started:
                await asyncio.gather(*started.values(), return_exceptions=True)

    async def to_list(self) -> list[Bucket[R]]:
        """Every bucket, collected (``list()`` for async code)."""
        return [bucket async for bucket in self]

    async def to_records(self) -> list[dict[str, Any]]:
        """Every result as a plain dict (see ``Paginator.to_records``)."""
        from ._export import to_records

        return to_records(self.query.operation, [row async for row in self.results()])

    async def to_pandas(self) -> pd.DataFrame:
        """Every result as a DataFrame row (see ``Paginator.to_pandas``)."""
        from ._export import to_pandas

        return to_pandas(self.query.operation, [row async for row in self.results()])


def _describe(query: Query) -> str:
    parts = [
        query.operation.name,
        f"{_iso(query.start_time)}..{_iso(query.end_time)}",
        f"bucket_width={query.bucket_width}",
    ]
    if query.group_by:
        parts.append(f"group_by={','.join(query.group_by)}")
    parts.extend(f"{name}={value}" for name, value in query.filters.items())
    return " ".join(parts)
