"""Paging as the live API pages: endless costs cursors, ranges into the future, chain checks,
and a stress test of the concurrent schedule (every bucket exactly once, in order).

Servers are ``httpx.MockTransport`` handlers that serve contiguous buckets for any requested
window, optionally splitting windows into cursor pages and answering after a random pause, so
that windows finish out of order.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from openai_org_usage import (
    AsyncUsageClient,
    AuthenticationError,
    PaginationError,
    UsageClient,
    _pagination,
)
from openai_org_usage.fake import FakeUsageAPI

KEY = "sk-admin-test-dummy"
WIDTHS = {"1m": 60, "1h": 3_600, "1d": 86_400}
D0 = datetime(2026, 1, 1, tzinfo=UTC)
D0_S = int(D0.timestamp())


def result(start: int) -> dict[str, Any]:
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": start,
        "output_tokens": 0,
        "num_model_requests": 1,
    }


def cost(start: int) -> dict[str, Any]:
    return {
        "object": "organization.costs.result",
        "amount": {"value": 1.5, "currency": "usd"},
        "line_item": None,
        "project_id": None,
    }


class ContiguousServer:
    """Serves every bucket of the requested window, ``page_size`` buckets per page at most.

    Pages past the window's end: ``has_more`` false (usage endpoints), or, with
    ``endless=True``, empty pages that promise more forever with fresh cursors (the live
    costs endpoint). ``served_until`` (Unix seconds) caps the data, as the live API has none
    past the current bucket. With ``jitter``, each answer waits a random few milliseconds so
    that concurrent windows finish out of order.
    """

    def __init__(
        self,
        width: int,
        *,
        page_size: int | None = None,
        endless: bool = False,
        served_until: int | None = None,
        jitter: float = 0.0,
        seed: int = 0,
        costs: bool = False,
    ) -> None:
        self.width = width
        self.page_size = page_size
        self.endless = endless
        self.served_until = served_until
        self.jitter = jitter
        self.random = random.Random(seed)
        self.costs = costs
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()
        self.cursors = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
            pause = self.random.uniform(0, self.jitter) if self.jitter else 0.0
            self.cursors += 1
            fresh = f"cursor-{self.cursors}"
        if pause:
            time.sleep(pause)
        params = request.url.params
        start, end = int(params["start_time"]), int(params["end_time"])
        limit = int(params["limit"])
        page = params.get("page")
        position = int(page.split(":")[1]) if page else start
        last = end if self.served_until is None else min(end, self.served_until)
        buckets = []
        t = position
        size = min(limit, self.page_size or limit)
        while t < last and len(buckets) < size:
            natural = t - t % self.width + self.width
            buckets.append(
                {
                    "object": "bucket",
                    "start_time": t,
                    "end_time": natural,
                    "results": [cost(t) if self.costs else result(t)],
                }
            )
            t = natural
        more = t < last
        if more or self.endless:
            body = {
                "object": "page",
                "data": buckets,
                "has_more": True,
                "next_page": f"{fresh}:{t}",
            }
        else:
            body = {"object": "page", "data": buckets, "has_more": False, "next_page": None}
        return httpx.Response(200, json=body)


def starts(buckets: Any) -> list[int]:
    return [b.start_time for b in buckets]


def expected_starts(start: int, end: int, width: int) -> list[int]:
    out = [start]
    t = start - start % width + width
    while t < end:
        out.append(t)
        t += width
    return out


# --- the stress test: every bucket exactly once, in order -------------------------------------

STRESS_RUNS = 300


def _stress_case(seed: int) -> tuple[str, int, int, int, int | None, int]:
    rng = random.Random(seed)
    width_name = rng.choice(["1m", "1h", "1d"])
    width = WIDTHS[width_name]
    limit = rng.choice([1, 2, 3, 5, 7, 11])
    concurrency = rng.choice([1, 2, 3, 4, 8])
    start = D0_S + rng.randrange(0, 40) * width + rng.choice([0, 0, width // 3])
    end = start + rng.randrange(1, 60) * width + rng.choice([0, width // 2])
    page_size = rng.choice([None, None, 1, 2])
    return width_name, limit, concurrency, start, page_size, end


@pytest.mark.parametrize("seed", range(STRESS_RUNS))
def test_stress_every_bucket_once_in_order(seed: int) -> None:
    width_name, limit, concurrency, start, page_size, end = _stress_case(seed)
    width = WIDTHS[width_name]
    server = ContiguousServer(width, page_size=page_size, jitter=0.002, seed=seed)
    with UsageClient(
        KEY, transport=httpx.MockTransport(server), max_concurrency=concurrency
    ) as client:
        got = starts(client.completions(start=start, end=end, bucket_width=width_name, limit=limit))
    assert got == expected_starts(start, end, width)


@pytest.mark.asyncio
@pytest.mark.parametrize("seed", range(0, STRESS_RUNS, 3))
async def test_async_stress_every_bucket_once_in_order(seed: int) -> None:
    width_name, limit, concurrency, start, page_size, end = _stress_case(seed)
    width = WIDTHS[width_name]
    server = ContiguousServer(width, page_size=page_size, jitter=0.002, seed=seed)
    async with AsyncUsageClient(
        KEY, transport=httpx.MockTransport(server), max_concurrency=concurrency
    ) as client:
        paginator = client.completions(start=start, end=end, bucket_width=width_name, limit=limit)
        got = [b.start_time async for b in paginator]
    assert got == expected_starts(start, end, width)


@pytest.mark.parametrize("stop_after", [0, 1, 5, 17])
def test_stress_early_break_leaves_no_worker_behind(stop_after: int) -> None:
    for seed in range(20):
        server = ContiguousServer(60, jitter=0.002, seed=seed)
        with UsageClient(KEY, transport=httpx.MockTransport(server), max_concurrency=4) as client:
            paginator = client.completions(
                start=D0_S, end=D0_S + 600 * 60, bucket_width="1m", limit=7
            )
            iterator = iter(paginator)
            taken = [next(iterator).start_time for _ in range(stop_after + 1)]
            iterator.close()  # type: ignore[attr-defined]
        assert taken == [D0_S + 60 * n for n in range(stop_after + 1)]
        assert not [t for t in threading.enumerate() if t.name.startswith("openai-org-usage-")]


def test_the_reported_costs_pull_on_the_fake_yields_every_day_once() -> None:
    # The pull of the original report: 323 days of costs, 7 per page, 4 windows at once.
    fake = FakeUsageAPI(seed=0)
    for _ in range(20):
        with UsageClient(KEY, transport=fake.transport(), max_concurrency=4) as client:
            buckets = list(client.costs(start="2026-01-01", end="2026-11-20", limit=7))
        days = [b.start.date() for b in buckets]
        first = datetime(2026, 1, 1, tzinfo=UTC).date()
        assert days == [first + timedelta(days=n) for n in range(323)]


# --- the live costs endpoint: has_more forever ------------------------------------------------


def test_costs_covered_by_its_pages_ends_without_following_the_endless_cursor() -> None:
    server = ContiguousServer(86_400, endless=True, costs=True)
    with UsageClient(KEY, transport=httpx.MockTransport(server), max_concurrency=1) as client:
        buckets = list(client.costs(start=D0, end=D0 + timedelta(days=20), limit=7))
    assert len(buckets) == 20
    # 7 + 7 + 6 buckets: three pages, and no request for the empty page promised after them.
    assert len(server.requests) == 3


def test_costs_concurrent_windows_each_end_at_their_edge() -> None:
    server = ContiguousServer(86_400, endless=True, costs=True, jitter=0.002)
    with UsageClient(KEY, transport=httpx.MockTransport(server), max_concurrency=4) as client:
        buckets = list(client.costs(start=D0, end=D0 + timedelta(days=100), limit=7))
    assert starts(buckets) == expected_starts(D0_S, D0_S + 100 * 86_400, 86_400)
    assert len(server.requests) == 15  # ceil(100 / 7) windows, one page each


def test_a_range_into_the_future_ends_at_the_first_empty_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = D0_S + 10 * 86_400 + 3_600  # one hour into day 10
    monkeypatch.setattr(_pagination, "_clock", lambda: float(now))
    # The API has buckets up to the current day (day 10), then empty pages promising more.
    server = ContiguousServer(
        86_400, endless=True, costs=True, served_until=D0_S + 11 * 86_400, page_size=4
    )
    with UsageClient(KEY, transport=httpx.MockTransport(server), max_concurrency=1) as client:
        buckets = list(client.costs(start=D0, end=D0 + timedelta(days=30), limit=30))
    assert starts(buckets) == expected_starts(D0_S, D0_S + 11 * 86_400, 86_400)
    # Pages of 4, 4, 3 buckets, then one empty page: the stream ends there, no loop.
    assert len(server.requests) == 4


def test_an_empty_page_short_of_the_data_is_still_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = D0_S + 25 * 86_400
    monkeypatch.setattr(_pagination, "_clock", lambda: float(now))
    # Data stops at day 11 although day 25 is current: a broken chain, not the end.
    server = ContiguousServer(
        86_400, endless=True, costs=True, served_until=D0_S + 11 * 86_400, page_size=4
    )
    with (
        UsageClient(KEY, transport=httpx.MockTransport(server), max_concurrency=1) as client,
        pytest.raises(PaginationError, match=r"no buckets.*2026-01-12"),
    ):
        list(client.costs(start=D0, end=D0 + timedelta(days=30), limit=30))
    assert len(server.requests) == 4


@pytest.mark.asyncio
async def test_async_costs_endless_cursor_ends_when_covered() -> None:
    server = ContiguousServer(86_400, endless=True, costs=True, page_size=3)
    async with AsyncUsageClient(
        KEY, transport=httpx.MockTransport(server), max_concurrency=1
    ) as client:
        buckets = await client.costs(start=D0, end=D0 + timedelta(days=10), limit=10).to_list()
    assert len(buckets) == 10
    assert len(server.requests) == 4  # 3 + 3 + 3 + 1


# --- buckets that do not chain ----------------------------------------------------------------


def scripted(*pages: dict[str, Any]) -> httpx.MockTransport:
    answers = iter(pages)
    return httpx.MockTransport(lambda request: httpx.Response(200, json=next(answers)))


def bucket(start: int, end: int) -> dict[str, Any]:
    return {"object": "bucket", "start_time": start, "end_time": end, "results": [result(start)]}


def page(*buckets: dict[str, Any]) -> dict[str, Any]:
    return {"object": "page", "data": list(buckets), "has_more": False, "next_page": None}


DAY = 86_400


@pytest.mark.parametrize(
    ("buckets", "problem"),
    [
        ([bucket(D0_S, D0_S + 3_600)], "is not one 1d bucket"),
        ([bucket(D0_S, D0_S + 2 * DAY)], "is not one 1d bucket"),
        ([bucket(D0_S, D0_S + DAY), bucket(D0_S + 2 * DAY, D0_S + 3 * DAY)], "skip"),
        ([bucket(D0_S + DAY, D0_S + 2 * DAY)], "skip"),
        ([bucket(D0_S, D0_S + DAY), bucket(D0_S + DAY - 60, D0_S + 2 * DAY)], "overlaps"),
    ],
    ids=["narrow", "wide", "gap", "late-start", "overlap"],
)
def test_buckets_of_the_wrong_width_or_that_skip_time_are_refused(
    buckets: list[dict[str, Any]], problem: str
) -> None:
    with (
        UsageClient(KEY, transport=scripted(page(*buckets)), max_concurrency=1) as client,
        pytest.raises(PaginationError, match=problem),
    ):
        list(client.completions(start=D0_S, end=D0_S + 3 * DAY))


def test_partial_first_and_last_buckets_are_accepted() -> None:
    start, end = D0_S + 7_200, D0_S + 2 * DAY + 3_600
    clipped = page(
        bucket(start, D0_S + DAY), bucket(D0_S + DAY, D0_S + 2 * DAY), bucket(D0_S + 2 * DAY, end)
    )
    natural = page(
        bucket(start, D0_S + DAY),
        bucket(D0_S + DAY, D0_S + 2 * DAY),
        bucket(D0_S + 2 * DAY, D0_S + 3 * DAY),
    )
    for answer in (clipped, natural):
        with UsageClient(KEY, transport=scripted(answer), max_concurrency=1) as client:
            assert len(list(client.completions(start=start, end=end))) == 3


# --- planning is lazy ---------------------------------------------------------------------------


def test_a_ten_year_minute_range_at_limit_1_plans_lazily() -> None:
    server = ContiguousServer(60)
    with UsageClient(KEY, transport=httpx.MockTransport(server), max_concurrency=4) as client:
        paginator = client.completions(
            start=D0_S, end=D0_S + 3_650 * DAY, bucket_width="1m", limit=1
        )
        tracemalloc.start()
        try:
            iterator = iter(paginator)
            first = next(iterator)
            iterator.close()  # type: ignore[attr-defined]
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert first.start_time == D0_S
    # Planning all 5,256,000 windows up front took hundreds of MB; lazily, a few windows.
    assert peak < 5_000_000
    # At most the window taken plus the windows held (running or waiting their turn).
    assert len(server.requests) <= 1 + 4 + _pagination._EXTRA_HELD


# --- one window fails or the consumer stops: the others stop at once ---------------------------


class FailFirstStallOthers:
    """Window 0 answers 401; every other window answers 429 asking to wait 60 s."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests.append(request)
        if int(request.url.params["start_time"]) == D0_S:
            time.sleep(0.05)  # the others are in their Retry-After waits by then
            return httpx.Response(401, json={"error": {"message": "bad key"}})
        return httpx.Response(
            429, json={"error": {"message": "slow down"}}, headers={"Retry-After": "60"}
        )


def _run_with_guard(target: Any) -> BaseException | None:
    """Run ``target`` in a thread; fail the test if it is still running after 30 s (a hang)."""
    outcome: list[BaseException | None] = [None]

    def run() -> None:
        try:
            target()
        except BaseException as exc:  # handed to the test
            outcome[0] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(30)
    assert not thread.is_alive(), "the pull waited out another window's Retry-After"
    return outcome[0]


def test_an_error_in_one_window_does_not_wait_out_the_others_retry_after() -> None:
    server = FailFirstStallOthers()

    def pull() -> None:
        with UsageClient(KEY, transport=httpx.MockTransport(server), max_concurrency=4) as client:
            list(client.completions(start=D0_S, end=D0_S + 20 * DAY, limit=2))

    error = _run_with_guard(pull)
    assert isinstance(error, AuthenticationError)
    # Each other window was asked once; none was retried after the pull stopped.
    others = [r for r in server.requests if int(r.url.params["start_time"]) != D0_S]
    assert len(others) == len({r.url.params["start_time"] for r in others})


def test_a_break_does_not_wait_out_the_others_retry_after() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if int(request.url.params["start_time"]) == D0_S:
            return ContiguousServer(DAY)(request)
        return httpx.Response(
            429, json={"error": {"message": "slow"}}, headers={"Retry-After": "60"}
        )

    def pull() -> None:
        with UsageClient(KEY, transport=httpx.MockTransport(handler), max_concurrency=4) as client:
            for _ in client.completions(start=D0_S, end=D0_S + 20 * DAY, limit=2):
                time.sleep(0.05)  # the other windows are in their waits by now
                break

    assert _run_with_guard(pull) is None
    assert not [t for t in threading.enumerate() if t.name.startswith("openai-org-usage-")]


@pytest.mark.asyncio
async def test_async_error_in_one_window_cancels_the_others_waits() -> None:
    server = FailFirstStallOthers()
    async with AsyncUsageClient(
        KEY, transport=httpx.MockTransport(server), max_concurrency=4
    ) as client:
        with pytest.raises(AuthenticationError):
            await asyncio.wait_for(
                client.completions(start=D0_S, end=D0_S + 20 * DAY, limit=2).to_list(), 30
            )
