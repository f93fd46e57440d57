"""``pages(byte_budget=...)``: the same buckets in the same order, fetched in windows sized so
the response bodies held at once stay near the budget."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import httpx
import pytest

from openai_org_usage import AsyncUsageClient, InvalidParameterError, UsageClient
from openai_org_usage.fake import FakeUsageAPI

START, END = "2026-10-01", "2026-11-20"
GROUPS = ["model", "project_id", "user_id", "api_key_id"]


class BodyCounter(httpx.BaseTransport):
    """The fake's transport, noting each usage page's body size in the order served."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.sizes: list[int] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if "/usage/" in request.url.path:
            response.read()
            self.sizes.append(len(response.content))
        return response


def _buckets(pages: Any) -> list[tuple[Any, ...]]:
    return [(b.start, b.end, tuple(b.results)) for page in pages for b in page.buckets]


def _paginator(client: UsageClient) -> Any:
    return client.completions(start=START, end=END, bucket_width="1h", group_by=GROUPS)


@pytest.mark.parametrize("concurrency", [1, 4])
@pytest.mark.parametrize("budget", [1, 60_000, 1 << 40])
def test_the_buckets_are_those_of_plain_paging_in_order(concurrency: int, budget: int) -> None:
    fake = FakeUsageAPI(seed=0)
    with UsageClient("sk-admin-x", transport=fake.transport(), max_concurrency=4) as client:
        expected = _buckets(_paginator(client).pages())
    counter = BodyCounter(fake.transport())
    with UsageClient("sk-admin-x", transport=counter, max_concurrency=concurrency) as client:
        got = _buckets(_paginator(client).pages(byte_budget=budget))
    assert got == expected
    assert len(expected) == 50 * 24


def test_a_small_budget_sends_smaller_pages_and_a_large_one_the_usual_ones() -> None:
    fake = FakeUsageAPI(seed=0)
    counts = {}
    for budget in (80_000, 1 << 40):
        counter = BodyCounter(fake.transport())
        with UsageClient("sk-admin-x", transport=counter, max_concurrency=4) as client:
            list(_paginator(client).pages(byte_budget=budget))
        counts[budget] = len(counter.sizes)
        if budget == 80_000:
            # The probe is one bucket; the windows after it are sized to a share of the budget.
            assert max(counter.sizes[1:]) <= 80_000 // 8 * 2
    # 1,200 hourly buckets: the probe, then windows of 168 (the width's limit).
    assert counts[1 << 40] == 1 + 8
    assert counts[80_000] > 3 * counts[1 << 40]


class Ahead(httpx.BaseTransport):
    """Counts the bytes served and not yet consumed: what the pull holds ahead of its reader."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.served: dict[int, int] = {}  # window start (Unix seconds) -> body bytes
        self.lock = threading.Lock()  # the pull's workers serve while the reader sums

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if "/usage/" in request.url.path:
            response.read()
            with self.lock:
                self.served[int(request.url.params["start_time"])] = len(response.content)
        return response

    def from_on(self, first: int) -> int:
        """Bytes served for windows starting at ``first`` or later."""
        with self.lock:
            return sum(n for start, n in self.served.items() if start >= first)


BUDGET = 4_000_000  # a large organization's hour is about 0.7 MB: a few pages at once


@pytest.mark.parametrize("budget", [BUDGET, None])
def test_the_bytes_held_ahead_of_the_reader_stay_within_the_budget(budget: int | None) -> None:
    fake = FakeUsageAPI(seed=0, size="large")
    ahead = Ahead(fake.transport())
    peak = 0
    with UsageClient("sk-admin-x", transport=ahead, max_concurrency=4) as client:
        paginator = client.completions(
            start="2026-11-10", end="2026-11-14", bucket_width="1h", group_by=GROUPS
        )
        for page in paginator.pages(byte_budget=budget):
            first = page.buckets[0].start_time
            # Every body served for this page or a later one is held (being read or ahead).
            peak = max(peak, ahead.from_on(first))
    largest = max(ahead.served.values())
    if budget is not None:
        # A window is claimed only when its expected bytes fit beside those held; a heavier
        # hour than any seen may overshoot the estimate, by less than one page.
        assert peak <= budget + largest, (peak, largest)
        assert len(ahead.served) > 24
    else:
        assert peak > 10 * BUDGET  # without a budget: the four days are one page


def test_a_budget_is_checked_before_any_request() -> None:
    fake = FakeUsageAPI(seed=0)
    counter = BodyCounter(fake.transport())
    with UsageClient("sk-admin-x", transport=counter) as client:
        for bad in (0, -1, True, 1.5):
            with pytest.raises(InvalidParameterError, match="byte_budget"):
                _paginator(client).pages(byte_budget=bad)  # type: ignore[arg-type]
    assert counter.sizes == []


def test_the_async_paginator_takes_the_same_budget() -> None:
    fake = FakeUsageAPI(seed=0)
    with UsageClient("sk-admin-x", transport=fake.transport()) as client:
        expected = _buckets(_paginator(client).pages())

    async def pull() -> list[tuple[Any, ...]]:
        async with AsyncUsageClient("sk-admin-x", transport=fake.transport()) as client:
            paginator = client.completions(start=START, end=END, bucket_width="1h", group_by=GROUPS)
            pages = [page async for page in paginator.pages(byte_budget=60_000)]
        return _buckets(pages)

    assert asyncio.run(pull()) == expected


def test_first_buckets_sizes_the_first_window_instead_of_a_probe() -> None:
    """A caller that knows a short range fits one page asks for it in one request."""
    fake = FakeUsageAPI(seed=0)
    with UsageClient("sk-admin-x", transport=fake.transport()) as client:
        expected = _buckets(_paginator(client).pages())
        short = _buckets(
            client.completions(
                start="2026-11-10", end="2026-11-14", bucket_width="1h", group_by=GROUPS
            ).pages()
        )
    counts = {}
    for first in (None, 24 * 4, 168):
        counter = BodyCounter(fake.transport())
        with UsageClient("sk-admin-x", transport=counter, max_concurrency=4) as client:
            paginator = client.completions(
                start="2026-11-10", end="2026-11-14", bucket_width="1h", group_by=GROUPS
            )
            got = _buckets(paginator.pages(byte_budget=1 << 40, first_buckets=first))
        counts[first] = len(counter.sizes)
        assert got == short
    assert counts == {None: 2, 24 * 4: 1, 168: 1}  # the probe and the rest, or one page
    # Longer than the range's limit: the first window is the limit (168 hours), then sized.
    counter = BodyCounter(fake.transport())
    with UsageClient("sk-admin-x", transport=counter, max_concurrency=4) as client:
        got = _buckets(_paginator(client).pages(byte_budget=60_000, first_buckets=10_000))
    assert got == expected
    assert counter.sizes[0] > 60_000  # the first window was not a probe


@pytest.mark.parametrize("concurrency", [1, 4])
def test_arrow_batches_take_first_buckets_too(concurrency: int) -> None:
    fake = FakeUsageAPI(seed=0)
    counter = BodyCounter(fake.transport())
    with UsageClient("sk-admin-x", transport=counter, max_concurrency=concurrency) as client:
        paginator = client.completions(
            start="2026-11-01", end="2026-11-05", bucket_width="1d", group_by=GROUPS
        )
        batches = list(paginator.arrow_batches(byte_budget=1 << 30, first_buckets=31))
        plain = paginator.to_arrow()
    assert len(counter.sizes) == 1 + 1  # ours, one page; then to_arrow's one page
    assert sum(b.num_rows for b in batches) == plain.num_rows


def test_first_buckets_is_checked_before_any_request() -> None:
    fake = FakeUsageAPI(seed=0)
    counter = BodyCounter(fake.transport())
    with UsageClient("sk-admin-x", transport=counter) as client:
        for bad in (0, -1, True, 1.5):
            with pytest.raises(InvalidParameterError, match="first_buckets"):
                _paginator(client).pages(byte_budget=1_000, first_buckets=bad)  # type: ignore[arg-type]
        with pytest.raises(InvalidParameterError, match="with byte_budget"):
            _paginator(client).pages(first_buckets=24)
        with pytest.raises(InvalidParameterError, match="first_buckets"):
            _paginator(client).arrow_batches(first_buckets=24)
    assert counter.sizes == []
