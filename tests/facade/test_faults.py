"""Fault tests: the facade against the fake API when requests fail at random.

Each seed draws a fault schedule (429 with ``Retry-After``, 500, timeouts, dropped connections)
for a concurrent multi-window fetch. Every run must either yield every bucket exactly once, in
order, identical to a fault-free fetch, or raise a clear ``APIError`` once one request has used
up its retries; any buckets yielded before that error are an exact prefix of the reference.

Retry waits are recorded, never taken: the sender's ``sleep`` is replaced by a recorder, and
``time.sleep`` is booby-trapped so any other real wait fails the test. The fake runs in
process (its timeouts and disconnects raise at once) except in the one loopback test.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

import httpx
import pytest

from openai_org_usage import (
    APIConnectionError,
    APIError,
    AsyncUsageClient,
    BadRequestError,
    Bucket,
    InternalServerError,
    RateLimitError,
    UsageClient,
)
from openai_org_usage.fake import FakeUsageAPI, FaultSchedule, running_server

KEY = "sk-admin-test-dummy"
MAX_RETRIES = 5
ATTEMPTS = MAX_RETRIES + 1
MAX_CONCURRENCY = 4
SEEDS = range(20)
MAX_JITTER = 8.0  # RetryPolicy.max_backoff: the longest wait without a Retry-After


@dataclass(frozen=True)
class Fetch:
    """One call, ``method(start=..., end=..., **kwargs)``, on a client of ``max_concurrency``."""

    method: str
    start: datetime
    end: datetime
    requests: int
    """Requests a fault-free fetch makes: one per window, or one per page when sequential."""
    kwargs: dict[str, Any]
    max_concurrency: int = MAX_CONCURRENCY

    def paginator(self, client: UsageClient | AsyncUsageClient) -> Any:
        return getattr(client, self.method)(start=self.start, end=self.end, **self.kwargs)


AUG_1, NOV_1 = datetime(2026, 8, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
DAILY = {"bucket_width": "1d", "group_by": ["model", "project_id"]}
FETCHES = {
    # 92 days at 7 buckets a page: 14 windows, 4 at a time.
    "1d": Fetch("completions", AUG_1, NOV_1, requests=14, kwargs={**DAILY, "limit": 7}),
    # 167.5 hours (a partial first bucket) at 12 buckets a page: 14 windows, 4 at a time.
    "1h": Fetch(
        "embeddings",
        datetime(2026, 11, 10, 0, 30, tzinfo=UTC),
        datetime(2026, 11, 17, tzinfo=UTC),
        requests=14,
        kwargs={"bucket_width": "1h", "limit": 12, "group_by": "project_id"},
    ),
    # The 92 days as one window: 14 pages chained by cursor, each resent as is after a fault.
    "1d-cursor": Fetch(
        "completions", AUG_1, NOV_1, requests=14, kwargs={**DAILY, "limit": 7}, max_concurrency=1
    ),
    # The 92 days one bucket a page: 92 windows (the loopback test).
    "1d-pages-of-1": Fetch("completions", AUG_1, NOV_1, requests=92, kwargs={**DAILY, "limit": 1}),
}
SEEDED_FETCHES = ["1d", "1h", "1d-cursor"]


BucketKey = tuple[int, int, tuple[dict[str, Any], ...]]


def bucket_key(bucket: Bucket[Any]) -> BucketKey:
    """A bucket as comparable data: its bounds and every result's fields."""
    assert bucket.unknown_results == []
    return (bucket.start_time, bucket.end_time, tuple(r.to_dict() for r in bucket.results))


class SleepRecorder:
    """Stands in for the sender's ``sleep``: records each wait instead of taking it."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class AsyncSleepRecorder(SleepRecorder):
    async def __call__(self, seconds: float) -> None:  # type: ignore[override]
        self.calls.append(seconds)


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail loudly if anything calls ``time.sleep`` (fake latency, a loopback hang ...).

    The sender's own default was bound at import; each test replaces it with a recorder.
    """

    def refuse(seconds: float) -> None:
        raise AssertionError(f"a real time.sleep({seconds}) was attempted")

    monkeypatch.setattr(time, "sleep", refuse)


def schedule(seed: int) -> FaultSchedule:
    """Seed ``seed``'s faults. The intensity varies by seed too: from a few percent of requests
    failing (retries always win) to two thirds (one request may fail six times running)."""
    rng = random.Random(seed)
    total = rng.uniform(0.1, 0.65)
    weights = [rng.random() + 0.2 for _ in range(4)]
    r429, r500, rtimeout, rdisconnect = (total * w / sum(weights) for w in weights)
    return FaultSchedule(
        seed=seed,
        rate_429=r429,
        rate_500=r500,
        rate_timeout=rtimeout,
        rate_disconnect=rdisconnect,
    )


def client_for(
    fake: FakeUsageAPI, max_concurrency: int = MAX_CONCURRENCY
) -> tuple[UsageClient, SleepRecorder]:
    client = UsageClient(
        KEY, max_concurrency=max_concurrency, max_retries=MAX_RETRIES, transport=fake.transport()
    )
    sleep = SleepRecorder()
    client._sender.sleep = sleep
    return client, sleep


@cache
def reference(fetch_name: str) -> tuple[BucketKey, ...]:
    """The buckets of a fault-free fetch (same fake seed)."""
    fetch = FETCHES[fetch_name]
    fake = FakeUsageAPI(seed=0)
    client, sleep = client_for(fake, fetch.max_concurrency)
    with client:
        buckets = tuple(bucket_key(b) for b in fetch.paginator(client))
    assert len(fake.requests) == fetch.requests
    assert sleep.calls == []
    starts = [start for start, _, _ in buckets]
    assert starts == sorted(set(starts))
    assert any(results for _, _, results in buckets)
    return buckets


def test_references_agree_however_the_range_is_paged() -> None:
    assert reference("1d") == reference("1d-cursor") == reference("1d-pages-of-1")


@dataclass(frozen=True)
class Outcome:
    """What one faulty fetch produced."""

    buckets: tuple[BucketKey, ...]
    error: APIError | None
    requests: int
    sleeps: tuple[float, ...]


def check(outcome: Outcome, fetch_name: str) -> None:
    """Exactly once, in order; or a clear error after every attempt, with a clean prefix."""
    expected = reference(fetch_name)
    if outcome.error is None:
        assert outcome.buckets == expected
        # One wait per failed attempt: each page was answered once.
        assert len(outcome.sleeps) == outcome.requests - FETCHES[fetch_name].requests
    else:
        assert isinstance(outcome.error, RateLimitError | InternalServerError | APIConnectionError)
        assert outcome.error.attempts == ATTEMPTS
        assert f"after {ATTEMPTS} attempts" in str(outcome.error)
        assert outcome.buckets == expected[: len(outcome.buckets)]
    # No wait longer than the Retry-After sent (1 s) or the jitter cap.
    assert all(0.0 <= s <= MAX_JITTER for s in outcome.sleeps)


@cache
def run_sync(fetch_name: str, seed: int) -> Outcome:
    fetch = FETCHES[fetch_name]
    fake = FakeUsageAPI(seed=0, faults=schedule(seed))
    client, sleep = client_for(fake, fetch.max_concurrency)
    buckets: list[BucketKey] = []
    error: APIError | None = None
    with client:
        try:
            for bucket in fetch.paginator(client):
                buckets.append(bucket_key(bucket))
        except APIError as exc:
            error = exc
    return Outcome(tuple(buckets), error, len(fake.requests), tuple(sleep.calls))


@pytest.mark.parametrize("fetch_name", SEEDED_FETCHES)
@pytest.mark.parametrize("seed", SEEDS)
def test_concurrent_fetch_under_faults_yields_each_bucket_once_or_fails_clearly(
    fetch_name: str, seed: int
) -> None:
    check(run_sync(fetch_name, seed), fetch_name)


@pytest.mark.parametrize("fetch_name", SEEDED_FETCHES)
def test_seeds_cover_both_outcomes(fetch_name: str) -> None:
    """The seeds are not vacuous: faults really hit, most runs recover, some give up."""
    outcomes = [run_sync(fetch_name, seed) for seed in SEEDS]
    fault_free = FETCHES[fetch_name].requests
    recovered = [o for o in outcomes if o.error is None and o.requests > fault_free]
    gave_up = [o for o in outcomes if o.error is not None]
    assert len(recovered) >= len(SEEDS) // 2
    assert 1 <= len(gave_up) <= len(SEEDS) // 2


# --- async ------------------------------------------------------------------------------------

# The first few seeds whose schedule faults one of the first 14 requests: whatever order the
# windows' requests arrive in, every fetch then meets a fault.
ASYNC_SEEDS = [s for s in SEEDS if any(schedule(s).fault_for(i) for i in range(14))][:5]


@pytest.mark.asyncio
@pytest.mark.parametrize("fetch_name", SEEDED_FETCHES)
@pytest.mark.parametrize("seed", ASYNC_SEEDS)
async def test_async_concurrent_fetch_under_faults(fetch_name: str, seed: int) -> None:
    fetch = FETCHES[fetch_name]
    fake = FakeUsageAPI(seed=0, faults=schedule(seed))
    client = AsyncUsageClient(
        KEY,
        max_concurrency=fetch.max_concurrency,
        max_retries=MAX_RETRIES,
        transport=fake.transport(),
    )
    sleep = AsyncSleepRecorder()
    client._sender.sleep = sleep
    buckets: list[BucketKey] = []
    error: APIError | None = None
    async with client:
        try:
            async for bucket in fetch.paginator(client):
                buckets.append(bucket_key(bucket))
        except APIError as exc:
            error = exc
    assert error is not None or len(fake.requests) > fetch.requests
    check(Outcome(tuple(buckets), error, len(fake.requests), tuple(sleep.calls)), fetch_name)


# --- what the waits are, and what is not retried ----------------------------------------------


def faults_sent(fake: FakeUsageAPI) -> list[str | None]:
    """The fault the fake injected into each request it received, in order."""
    assert fake.faults is not None
    return [fake.faults.fault_for(index) for index in range(len(fake.requests))]


@pytest.mark.parametrize("retry_after", [1, 3])
def test_waits_after_429_are_the_retry_after_sent(retry_after: int) -> None:
    fake = FakeUsageAPI(seed=0, faults=FaultSchedule(seed=7, rate_429=0.4, retry_after=retry_after))
    client, sleep = client_for(fake)
    with client:
        buckets = tuple(bucket_key(b) for b in FETCHES["1d"].paginator(client))
    assert buckets == reference("1d")
    rate_limited = faults_sent(fake).count("429")
    assert rate_limited >= 3
    assert sleep.calls == [float(retry_after)] * rate_limited


def test_each_wait_matches_the_fault_it_follows() -> None:
    """Sequentially, the n-th wait follows the n-th fault: Retry-After for 429, jitter else."""
    fake = FakeUsageAPI(
        seed=0,
        faults=FaultSchedule(
            seed=5,
            rate_429=0.15,
            rate_500=0.1,
            rate_timeout=0.1,
            rate_disconnect=0.1,
            retry_after=4,
        ),
    )
    client = UsageClient(
        KEY, max_concurrency=1, max_retries=MAX_RETRIES, transport=fake.transport()
    )
    sleep = SleepRecorder()
    client._sender.sleep = sleep
    with client:
        buckets = tuple(bucket_key(b) for b in FETCHES["1h"].paginator(client))
    assert buckets == reference("1h")
    faults = [fault for fault in faults_sent(fake) if fault is not None]
    assert {"429", "500", "timeout", "disconnect"} <= set(faults)
    assert len(sleep.calls) == len(faults)
    for fault, wait in zip(faults, sleep.calls, strict=True):
        if fault == "429":
            assert wait == 4.0
        else:
            assert 0.0 <= wait <= MAX_JITTER


def test_running_out_of_retries_on_429_says_so() -> None:
    fake = FakeUsageAPI(seed=0, faults=FaultSchedule(seed=0, rate_429=1.0, retry_after=2))
    client, sleep = client_for(fake)
    with client, pytest.raises(RateLimitError) as caught:
        list(FETCHES["1d"].paginator(client))
    assert caught.value.attempts == ATTEMPTS
    assert caught.value.retry_after == 2.0
    assert f"after {ATTEMPTS} attempts" in str(caught.value)
    assert set(sleep.calls) == {2.0}


class UnknownParameter(httpx.BaseTransport):
    """Adds a parameter the fake does not know, so the fake itself answers 400."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.url = request.url.copy_add_param("bogus", "1")
        return self.inner.handle_request(request)


@pytest.mark.parametrize(
    ("script", "attempts"),
    [([], 1), (["500", "429", "timeout"], 4)],
    ids=["first-answer", "after-retried-faults"],
)
def test_400_is_never_retried(script: list[str], attempts: int) -> None:
    fake = FakeUsageAPI(seed=0, faults=FaultSchedule.scripted(script, retry_after=1))
    client = UsageClient(
        KEY,
        max_concurrency=1,
        max_retries=MAX_RETRIES,
        transport=UnknownParameter(fake.transport()),
    )
    sleep = SleepRecorder()
    client._sender.sleep = sleep
    with client, pytest.raises(BadRequestError) as caught:
        list(FETCHES["1d"].paginator(client))
    assert caught.value.param == "bogus"
    assert caught.value.attempts == attempts
    assert len(fake.requests) == attempts  # retries left, yet none after the 400
    assert len(sleep.calls) == attempts - 1


# --- over loopback --------------------------------------------------------------------------


def test_loopback_server_with_faults_yields_each_bucket_once() -> None:
    # Seed 3 faults no request before the 16th and drops no connection before the 73rd:
    # 92 windows reach both.
    fake = FakeUsageAPI(
        faults=FaultSchedule(seed=3, rate_500=0.2, rate_disconnect=0.1), latency=0.0
    )
    fetch = FETCHES["1d-pages-of-1"]
    # Faults go by the server's request number, and which window gets which number depends on
    # thread timing: with 5 retries a window could meet six faults now and then. Each attempt
    # takes a new number, and the first 200 numbers hold only 61 faults (while 92 windows need
    # at most 92 + 61 numbers), so with 64 retries no window can run out: never flaky.
    assert sum(fake.faults.fault_for(i) is not None for i in range(200)) == 61
    with running_server(fake) as base_url:
        client = UsageClient(
            KEY, base_url=base_url, max_concurrency=MAX_CONCURRENCY, max_retries=64
        )
        sleep = SleepRecorder()
        client._sender.sleep = sleep
        with client:
            buckets = tuple(bucket_key(b) for b in fetch.paginator(client))
    assert buckets == reference("1d-pages-of-1")
    assert set(faults_sent(fake)) >= {"500", "disconnect"}
    # A retry per fault; a pooled connection the server had just closed may add one more.
    assert len(sleep.calls) >= len(fake.requests) - fetch.requests > 0
