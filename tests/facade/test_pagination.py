"""Lazy paginators: cursor chaining, chain checks, concurrent windows, early stop; sync and async.

Every server here is an ``httpx.MockTransport`` handler that serves one-day buckets for the
requested window (or a scripted sequence of pages) and records each request.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from contextlib import aclosing
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from openai_org_usage import (
    OPERATIONS,
    AsyncPaginator,
    AsyncUsageClient,
    BadRequestError,
    Bucket,
    Page,
    PaginationError,
    Paginator,
    Row,
    UsageClient,
)
from openai_org_usage._pagination import plan_windows
from openai_org_usage._params import build_query

KEY = "sk-admin-test-dummy"
DAY = 86_400
D0 = datetime(2026, 11, 1, tzinfo=UTC)
D0_S = int(D0.timestamp())


def d(n: float) -> int:
    """Unix seconds of day ``n`` after D0."""
    return D0_S + int(n * DAY)


def day(n: int) -> datetime:
    return D0 + timedelta(days=n)


def bucket(start: int, end: int | None = None, tokens: int | None = None) -> dict[str, Any]:
    """A completions bucket with one result whose input_tokens is its day number."""
    n = (start - D0_S) // DAY if tokens is None else tokens
    return {
        "object": "bucket",
        "start_time": start,
        "end_time": end if end is not None else start - start % DAY + DAY,
        "results": [
            {
                "object": "organization.usage.completions.result",
                "input_tokens": n,
                "output_tokens": 0,
                "num_model_requests": 1,
            }
        ],
    }


def page_json(buckets: list[dict[str, Any]], next_page: str | None = None) -> dict[str, Any]:
    return {
        "object": "page",
        "data": buckets,
        "has_more": next_page is not None,
        "next_page": next_page,
    }


def window_of(request: httpx.Request) -> tuple[int, int]:
    return int(request.url.params["start_time"]), int(request.url.params["end_time"])


def days_in(start: int, end: int) -> list[dict[str, Any]]:
    """The one-day buckets of [start, end), the first possibly partial."""
    out = []
    while start < end:
        out.append(bucket(start, min(start - start % DAY + DAY, end)))
        start = start - start % DAY + DAY
    return out


class WindowServer:
    """Thread-safe: serves every requested window in one page, after a per-window delay."""

    def __init__(self, delays: dict[int, float] | None = None) -> None:
        self.delays = delays or {}
        self.lock = threading.Lock()
        self.requests: list[httpx.Request] = []
        self.active = 0
        self.peak = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        start, end = window_of(request)
        with self.lock:
            self.requests.append(request)
            self.active += 1
            self.peak = max(self.peak, self.active)
        time.sleep(self.delays.get(start, 0.0))
        with self.lock:
            self.active -= 1
        return httpx.Response(200, json=page_json(days_in(start, end)))


class AsyncWindowServer(WindowServer):
    """The same, as an async handler (sleeping on the event loop)."""

    async def __call__(self, request: httpx.Request) -> httpx.Response:  # type: ignore[override]
        start, end = window_of(request)
        self.requests.append(request)
        self.active += 1
        self.peak = max(self.peak, self.active)
        await asyncio.sleep(self.delays.get(start, 0.0))
        self.active -= 1
        return httpx.Response(200, json=page_json(days_in(start, end)))


class Pages:
    """Serves scripted pages by cursor (None: the first request) and records requests."""

    def __init__(self, by_cursor: dict[str | None, dict[str, Any]]) -> None:
        self.by_cursor = by_cursor
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=self.by_cursor[request.url.params.get("page")])


def sync_client(handler: Callable[..., Any], max_concurrency: int = 1) -> UsageClient:
    return UsageClient(
        api_key=KEY,
        transport=httpx.MockTransport(handler),
        max_concurrency=max_concurrency,
        max_retries=0,
    )


def async_client(handler: Callable[..., Any], max_concurrency: int = 1) -> AsyncUsageClient:
    return AsyncUsageClient(
        api_key=KEY,
        transport=httpx.MockTransport(handler),
        max_concurrency=max_concurrency,
        max_retries=0,
    )


THREE_PAGES = {
    None: page_json([bucket(d(0)), bucket(d(1)), bucket(d(2))], "cur_1"),
    "cur_1": page_json([bucket(d(3)), bucket(d(4)), bucket(d(5))], "cur_2"),
    "cur_2": page_json([bucket(d(6)), bucket(d(7)), bucket(d(8))]),
}
FILTERS: dict[str, Any] = {
    "group_by": ["model", "project_id"],
    "models": ["gpt-4o", "gpt-4o-mini"],
    "project_ids": "proj_a",
    "api_key_ids": ["key_1"],
    "batch": False,
    "limit": 3,
}
EXPECTED_QUERY = sorted(
    [
        ("start_time", str(d(0))),
        ("end_time", str(d(9))),
        ("bucket_width", "1d"),
        ("limit", "3"),
        ("group_by", "model"),
        ("group_by", "project_id"),
        ("models", "gpt-4o"),
        ("models", "gpt-4o-mini"),
        ("project_ids", "proj_a"),
        ("api_key_ids", "key_1"),
        ("batch", "false"),
    ]
)


def check_three_page_requests(requests: list[httpx.Request]) -> None:
    assert len(requests) == 3
    for request, cursor in zip(requests, [None, "cur_1", "cur_2"], strict=True):
        items = request.url.params.multi_items()
        assert sorted(i for i in items if i[0] != "page") == EXPECTED_QUERY
        assert request.url.params.get_list("page") == ([] if cursor is None else [cursor])
        assert request.url.path == "/v1/organization/usage/completions"


# --- laziness and sequential cursor paging ------------------------------------------------------


def test_creating_a_paginator_sends_nothing() -> None:
    server = Pages(THREE_PAGES)
    with sync_client(server) as client:
        paginator = client.completions(start=day(0), end=day(9), **FILTERS)
        assert isinstance(paginator, Paginator)
        assert repr(paginator).startswith("<Paginator completions ")
        pages = paginator.pages()
        assert server.requests == []
        assert next(pages).next_page == "cur_1"
    assert server.requests, "iteration sends"


def test_sequential_paging_fetches_one_page_at_a_time() -> None:
    server = Pages(THREE_PAGES)
    with sync_client(server) as client:
        for _ in client.completions(start=day(0), end=day(9), **FILTERS):
            break
    assert len(server.requests) == 1


def test_iteration_follows_every_cursor_with_the_original_parameters() -> None:
    server = Pages(THREE_PAGES)
    with sync_client(server) as client:
        buckets = list(client.completions(start=day(0), end=day(9), **FILTERS))
    check_three_page_requests(server.requests)
    assert [(b.start, b.end) for b in buckets] == [(day(n), day(n + 1)) for n in range(9)]
    assert [b.results[0].input_tokens for b in buckets] == list(range(9))


def test_bucket_bounds_are_aware_utc_datetimes() -> None:
    with sync_client(Pages(THREE_PAGES)) as client:
        first = next(iter(client.completions(start=day(0), end=day(9), **FILTERS)))
    assert first.start == datetime(2026, 11, 1, tzinfo=UTC)
    assert first.start.utcoffset() == timedelta(0)
    assert first.end.tzinfo is UTC
    assert (first.start_time, first.end_time) == (d(0), d(1))


def test_pages_yields_page_objects_as_the_api_returned_them() -> None:
    with sync_client(Pages(THREE_PAGES)) as client:
        pages = list(client.completions(start=day(0), end=day(9), **FILTERS).pages())
    assert all(isinstance(p, Page) for p in pages)
    assert [(p.has_more, p.next_page) for p in pages] == [
        (True, "cur_1"),
        (True, "cur_2"),
        (False, None),
    ]
    assert [[b.start_time for b in p.buckets] for p in pages] == [
        [d(0), d(1), d(2)],
        [d(3), d(4), d(5)],
        [d(6), d(7), d(8)],
    ]


def test_results_yields_rows_with_their_bucket_bounds() -> None:
    with sync_client(Pages(THREE_PAGES)) as client:
        rows = list(client.completions(start=day(0), end=day(9), **FILTERS).results())
    assert all(isinstance(r, Row) for r in rows)
    assert [(r.start, r.end, r.result.input_tokens) for r in rows] == [
        (day(n), day(n + 1), n) for n in range(9)
    ]


def test_each_iteration_fetches_afresh() -> None:
    server = Pages(THREE_PAGES)
    with sync_client(server) as client:
        paginator = client.completions(start=day(0), end=day(9), **FILTERS)
        assert len(list(paginator)) == 9
        assert len(list(paginator)) == 9
    assert len(server.requests) == 6


# --- pages that do not chain ------------------------------------------------------------------


class Scripted:
    """Answers the n-th request with the n-th page; fails loudly past the script."""

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        assert self.calls <= len(self.pages), "the client kept requesting past the script"
        return httpx.Response(200, json=self.pages[self.calls - 1])


def test_repeated_cursor_is_a_pagination_error() -> None:
    server = Scripted(
        [
            page_json([bucket(d(0))], "same"),
            page_json([bucket(d(1))], "same"),
            page_json([bucket(d(2))], "same"),
        ]
    )
    with sync_client(server) as client, pytest.raises(PaginationError) as info:
        list(client.completions(start=day(0), end=day(9)))
    assert server.calls == 2
    assert "cursor 'same' was already followed" in str(info.value)
    assert str(info.value).startswith(
        "completions pages do not chain for 2026-11-01T00:00:00Z..2026-11-10T00:00:00Z"
    )


def test_has_more_without_cursor_is_a_pagination_error() -> None:
    broken = {**page_json([bucket(d(0))]), "has_more": True}
    server = Scripted([broken])
    with sync_client(server) as client, pytest.raises(PaginationError, match="next_page is empty"):
        list(client.completions(start=day(0), end=day(9)))
    assert server.calls == 1


def test_empty_page_promising_more_is_a_pagination_error() -> None:
    # Fresh cursors with no buckets would otherwise be followed forever.
    endless = [{**page_json([]), "has_more": True, "next_page": f"cur_{i}"} for i in range(5)]
    server = Scripted(endless)
    with sync_client(server) as client, pytest.raises(PaginationError, match="no buckets"):
        list(client.completions(start=day(0), end=day(9)))
    assert server.calls == 1


@pytest.mark.parametrize("first_days", [0, 2])
def test_empty_last_page_short_of_a_past_range_is_a_pagination_error(first_days: int) -> None:
    # has_more false, no buckets: the API would have sent every past bucket (results: [] when
    # unused), so this is not "no usage" for days first_days..8.
    first = [page_json([bucket(d(n)) for n in range(first_days)], "cur_1")] if first_days else []
    server = Scripted([*first, page_json([])])
    with sync_client(server) as client, pytest.raises(PaginationError) as info:
        list(client.completions(start=day(0), end=day(9)))
    assert server.calls == len(first) + 1
    assert (
        f"has_more is false but the page has no buckets, where buckets "
        f"2026-11-{first_days + 1:02d}T00:00:00Z..2026-11-10T00:00:00Z were expected"
    ) in str(info.value)


@pytest.mark.parametrize(
    "second",
    [
        [bucket(d(1)), bucket(d(2))],  # repeats d1
        [bucket(d(0))],  # goes back
        [bucket(d(1) + 3600, d(2))],  # overlaps d1
    ],
)
def test_repeated_or_overlapping_bucket_is_a_pagination_error(second: list[Any]) -> None:
    server = Scripted([page_json([bucket(d(0)), bucket(d(1))], "c1"), page_json(second)])
    with sync_client(server) as client, pytest.raises(PaginationError, match="repeats or overlaps"):
        list(client.completions(start=day(0), end=day(9)))
    assert server.calls == 2


def test_bucket_outside_the_range_is_a_pagination_error() -> None:
    server = Scripted([page_json([bucket(d(9))])])
    with sync_client(server) as client, pytest.raises(PaginationError, match="outside the window"):
        list(client.completions(start=day(0), end=day(9)))


# --- async ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_async_paginator_is_lazy_and_follows_cursors() -> None:
    server = Pages(THREE_PAGES)
    async with async_client(server) as client:
        paginator = client.completions(start=day(0), end=day(9), **FILTERS)
        assert isinstance(paginator, AsyncPaginator)
        assert server.requests == []
        buckets = [b async for b in paginator]
    check_three_page_requests(server.requests)
    assert [(b.start, b.end) for b in buckets] == [(day(n), day(n + 1)) for n in range(9)]
    assert all(b.start.tzinfo is UTC for b in buckets)


@pytest.mark.asyncio
async def test_async_sequential_paging_fetches_one_page_at_a_time() -> None:
    server = Pages(THREE_PAGES)
    client = async_client(server)
    pages = client.completions(start=day(0), end=day(9)).pages()
    async with client, aclosing(pages) as opened:  # type: ignore[type-var]
        async for _ in opened:
            break
    assert len(server.requests) == 1


@pytest.mark.asyncio
async def test_async_pages_results_and_to_list() -> None:
    server = Pages(THREE_PAGES)
    async with async_client(server) as client:
        paginator = client.completions(start=day(0), end=day(9), **FILTERS)
        pages = [p async for p in paginator.pages()]
        rows = [r async for r in paginator.results()]
        buckets = await paginator.to_list()
    assert [p.next_page for p in pages] == ["cur_1", "cur_2", None]
    assert [(r.start, r.result.input_tokens) for r in rows] == [(day(n), n) for n in range(9)]
    assert [b.start for b in buckets] == [day(n) for n in range(9)]
    assert len(server.requests) == 9


@pytest.mark.asyncio
async def test_async_repeated_cursor_is_a_pagination_error() -> None:
    server = Scripted([page_json([bucket(d(0))], "same"), page_json([bucket(d(1))], "same")])
    async with async_client(server) as client:
        with pytest.raises(PaginationError, match="already followed"):
            await client.completions(start=day(0), end=day(9)).to_list()
    assert server.calls == 2


# --- concurrent windows -------------------------------------------------------------------------

TEN_DAY_WINDOWS = {(d(0), d(3)), (d(3), d(6)), (d(6), d(9)), (d(9), d(10))}
# The first window answers last, the last first: order must come from the paginator.
DELAYS = {d(0): 0.3, d(3): 0.1, d(6): 0.2, d(9): 0.0}


def test_concurrent_windows_are_one_page_each_and_yield_in_order() -> None:
    server = WindowServer(DELAYS)
    with sync_client(server, max_concurrency=4) as client:
        buckets = list(client.completions(start=day(0), end=day(10), limit=3))
    assert {window_of(r) for r in server.requests} == TEN_DAY_WINDOWS
    assert len(server.requests) == 4
    assert all(r.url.params["limit"] == "3" for r in server.requests)
    assert [b.start_time for b in buckets] == [d(n) for n in range(10)]
    assert server.peak >= 2, "windows should have been fetched concurrently"


@pytest.mark.asyncio
async def test_async_concurrent_windows_yield_in_order() -> None:
    server = AsyncWindowServer(DELAYS)
    async with async_client(server, max_concurrency=4) as client:
        buckets = await client.completions(start=day(0), end=day(10), limit=3).to_list()
    assert {window_of(r) for r in server.requests} == TEN_DAY_WINDOWS
    assert len(server.requests) == 4
    assert [b.start_time for b in buckets] == [d(n) for n in range(10)]
    assert server.peak == 4


def test_concurrency_is_capped() -> None:
    server = WindowServer({d(n): 0.05 for n in range(10)})
    with sync_client(server, max_concurrency=3) as client:
        buckets = list(client.completions(start=day(0), end=day(10), limit=1))
    assert len(server.requests) == 10
    assert server.peak <= 3
    assert [b.start_time for b in buckets] == [d(n) for n in range(10)]


class CursorInSecondWindow(WindowServer):
    """Window [d3, d6) comes in two pages; the others in one."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        start, _ = window_of(request)
        if start != d(3):
            return super().__call__(request)
        with self.lock:
            self.requests.append(request)
        if request.url.params.get("page") is None:
            return httpx.Response(200, json=page_json([bucket(d(3))], "w2-c1"))
        assert request.url.params["page"] == "w2-c1"
        return httpx.Response(200, json=page_json([bucket(d(4)), bucket(d(5))]))


def test_a_window_with_more_pages_follows_its_own_cursor() -> None:
    server = CursorInSecondWindow()
    with sync_client(server, max_concurrency=4) as client:
        buckets = list(client.completions(start=day(0), end=day(10), limit=3, models="m"))
    second = [r for r in server.requests if window_of(r) == (d(3), d(6))]
    assert [r.url.params.get("page") for r in second] == [None, "w2-c1"]
    assert all(r.url.params.get_list("models") == ["m"] for r in second)
    assert len(server.requests) == 5
    assert [b.start_time for b in buckets] == [d(n) for n in range(10)]


def test_partial_first_bucket_counts_as_one_bucket_of_the_first_window() -> None:
    query = build_query(
        OPERATIONS["completions"],
        start=day(0) + timedelta(hours=12),
        end=day(7),
        bucket_width="1d",
        group_by=None,
        limit=3,
        filters={},
    )
    assert list(plan_windows(query, 4)) == [(d(0.5), d(3)), (d(3), d(6)), (d(6), d(7))]
    assert list(plan_windows(query, 1)) == [(d(0.5), d(7))]


def test_hourly_windows_align_to_hours() -> None:
    start = day(0) + timedelta(hours=10, minutes=30)
    query = build_query(
        OPERATIONS["embeddings"],
        start=start,
        end=day(0) + timedelta(hours=15),
        bucket_width="1h",
        group_by=None,
        limit=2,
        filters={},
    )
    hour = 3600
    assert list(plan_windows(query, 2)) == [
        (d(0) + 10 * hour + 1800, d(0) + 12 * hour),
        (d(0) + 12 * hour, d(0) + 14 * hour),
        (d(0) + 14 * hour, d(0) + 15 * hour),
    ]


def test_partial_first_bucket_end_to_end() -> None:
    server = WindowServer()
    with sync_client(server, max_concurrency=4) as client:
        buckets = list(client.completions(start=d(0.5), end=day(7), limit=3))
    assert {window_of(r) for r in server.requests} == {(d(0.5), d(3)), (d(3), d(6)), (d(6), d(7))}
    assert [(b.start_time, b.end_time) for b in buckets] == [(d(0.5), d(1))] + [
        (d(n), d(n + 1)) for n in range(1, 7)
    ]


class FailingSecondWindow(WindowServer):
    """Window [d3, d6) answers 400; the others serve their days (the first one slowly)."""

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if window_of(request)[0] == d(3):
            with self.lock:
                self.requests.append(request)
            return httpx.Response(400, json={"error": {"message": "bad window"}})
        return super().__call__(request)


def test_an_error_in_one_window_comes_after_the_earlier_windows() -> None:
    server = FailingSecondWindow({d(0): 0.1})
    seen: list[int] = []
    with sync_client(server, max_concurrency=4) as client, pytest.raises(BadRequestError):
        seen.extend(b.start_time for b in client.completions(start=day(0), end=day(10), limit=3))
    assert seen == [d(0), d(1), d(2)]


async def drain(paginator: AsyncPaginator[Any], seen: list[int]) -> None:
    async for b in paginator:
        seen.append(b.start_time)


@pytest.mark.asyncio
async def test_async_error_in_one_window_comes_after_the_earlier_windows() -> None:
    server = FailingSecondWindow({d(0): 0.1})
    seen: list[int] = []
    async with async_client(server, max_concurrency=4) as client:
        with pytest.raises(BadRequestError, match="bad window"):
            await drain(client.completions(start=day(0), end=day(10), limit=3), seen)
    assert seen == [d(0), d(1), d(2)]


# --- stopping early ---------------------------------------------------------------------------


def test_breaking_early_neither_hangs_nor_raises() -> None:
    server = WindowServer({d(n): 0.05 for n in range(10)})
    outcome: list[object] = []

    def consume() -> None:
        try:
            with sync_client(server, max_concurrency=4) as client:
                for b in client.completions(start=day(0), end=day(10), limit=1):
                    outcome.append(b.start_time)
                    break
        except BaseException as exc:  # reported below, not swallowed
            outcome.append(exc)

    worker = threading.Thread(target=consume, daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "iteration hung after break"
    assert outcome == [d(0)]
    assert len(server.requests) < 10, "windows after the break should not all be fetched"


@pytest.mark.asyncio
async def test_async_breaking_early_neither_hangs_nor_raises() -> None:
    server = AsyncWindowServer({d(n): 0.05 for n in range(10)})

    async def consume() -> list[int]:
        seen = []
        async with async_client(server, max_concurrency=4) as client:
            paginator = client.completions(start=day(0), end=day(10), limit=1)
            async with aclosing(paginator.__aiter__()) as buckets:  # type: ignore[type-var]
                async for b in buckets:
                    seen.append(b.start_time)
                    break
        return seen

    assert await asyncio.wait_for(consume(), timeout=10) == [d(0)]
    await asyncio.sleep(0.2)
    assert len(server.requests) < 10


@pytest.mark.asyncio
async def test_async_break_without_explicit_close() -> None:
    server = AsyncWindowServer({d(n): 0.05 for n in range(10)})

    async def consume() -> list[Bucket[Any]]:
        seen = []
        async with async_client(server, max_concurrency=4) as client:
            async for b in client.completions(start=day(0), end=day(10), limit=1):
                seen.append(b)
                break
        return seen

    seen = await asyncio.wait_for(consume(), timeout=10)
    assert [b.start_time for b in seen] == [d(0)]
    await asyncio.sleep(0.2)
    assert len(server.requests) < 10


def test_repr_describes_the_query() -> None:
    with sync_client(Pages(THREE_PAGES)) as client:
        paginator = client.completions(start=day(0), end=day(9), group_by="model", models="m")
    assert repr(paginator) == (
        "<Paginator completions 2026-11-01T00:00:00Z..2026-11-10T00:00:00Z bucket_width=1d "
        "group_by=model models=['m']>"
    )
