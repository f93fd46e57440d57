"""Retries: which failures are retried, how long each wait is, and what running out looks like.

The sender's ``sleep`` is replaced by a recorder, so every wait is checked and none is taken.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from openai_org_usage import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AsyncUsageClient,
    InternalServerError,
    RateLimitError,
    UsageClient,
)

KEY = "sk-admin-test-dummy"
DAY = 86_400
D0 = datetime(2026, 11, 1, tzinfo=UTC)
D0_S = int(D0.timestamp())
# RetryPolicy defaults: full jitter in [0, min(8.0, 0.5 * 2**n)] for the n-th retry.
INITIAL, MAX_BACKOFF = 0.5, 8.0
Failure = Callable[[httpx.Request], httpx.Response]


def day(n: int) -> datetime:
    return D0 + timedelta(days=n)


def page_json(start: int, end: int, next_page: str | None = None) -> dict[str, Any]:
    buckets = [
        {
            "object": "bucket",
            "start_time": t,
            "end_time": t + DAY,
            "results": [
                {
                    "object": "organization.usage.completions.result",
                    "input_tokens": (t - D0_S) // DAY,
                    "output_tokens": 0,
                    "num_model_requests": 1,
                }
            ],
        }
        for t in range(start, end, DAY)
    ]
    return {"object": "page", "data": buckets, "has_more": bool(next_page), "next_page": next_page}


def ok_window(request: httpx.Request) -> httpx.Response:
    start, end = int(request.url.params["start_time"]), int(request.url.params["end_time"])
    return httpx.Response(200, json=page_json(start, end))


def status(code: int, headers: dict[str, str] | None = None) -> Failure:
    return lambda _: httpx.Response(code, json={"error": {"message": f"e{code}"}}, headers=headers)


def transport_error(cls: type[httpx.TransportError]) -> Failure:
    def fail(request: httpx.Request) -> httpx.Response:
        raise cls(f"{cls.__name__} for test", request=request)

    return fail


class Flaky:
    """Fails the first ``failures`` attempts of each window/cursor, then answers normally."""

    def __init__(self, failure: Failure, failures: int, ok: Failure = ok_window) -> None:
        self.failure = failure
        self.failures = failures
        self.ok = ok
        self.attempts: dict[tuple[str, ...], int] = {}
        self.calls = 0
        self.lock = threading.Lock()  # windows may be fetched from several threads

    def __call__(self, request: httpx.Request) -> httpx.Response:
        key = (request.url.params["start_time"], request.url.params.get("page", ""))
        with self.lock:
            self.calls += 1
            self.attempts[key] = self.attempts.get(key, 0) + 1
            attempt = self.attempts[key]
        if attempt <= self.failures:
            return self.failure(request)
        return self.ok(request)


class SleepRecorder:
    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class AsyncSleepRecorder(SleepRecorder):
    async def __call__(self, seconds: float) -> None:  # type: ignore[override]
        self.calls.append(seconds)


def make_client(
    handler: Failure, *, max_retries: int = 3, max_concurrency: int = 1, **kwargs: Any
) -> tuple[UsageClient, SleepRecorder]:
    client = UsageClient(
        api_key=KEY,
        transport=httpx.MockTransport(handler),
        max_retries=max_retries,
        max_concurrency=max_concurrency,
        **kwargs,
    )
    sleep = SleepRecorder()
    client._sender.sleep = sleep
    return client, sleep


def days(client: UsageClient, n: int = 1, **kwargs: Any) -> list[int]:
    """Fetch n days; return each bucket's start as a day number."""
    buckets = client.completions(start=day(0), end=day(n), **kwargs)
    return [(b.start_time - D0_S) // DAY for b in buckets]


# --- what is retried ----------------------------------------------------------------------------


def test_retry_after_seconds_is_honoured() -> None:
    handler = Flaky(status(429, {"Retry-After": "2"}), failures=1)
    client, sleep = make_client(handler)
    with client:
        assert days(client) == [0]
    assert sleep.calls == [2.0]
    assert handler.calls == 2


def test_retry_after_ms_is_honoured() -> None:
    handler = Flaky(status(429, {"retry-after-ms": "250", "Retry-After": "5"}), failures=2)
    client, sleep = make_client(handler)
    with client:
        assert days(client) == [0]
    assert sleep.calls == [0.25, 0.25]
    assert handler.calls == 3


@pytest.mark.parametrize("code", [429, 500, 502, 503, 504, 408, 409])
def test_retryable_statuses_then_success(code: int) -> None:
    # A 429 is retried as a rate limit when it says how long to wait (0: the jitter decides).
    headers = {"Retry-After": "0"} if code == 429 else None
    handler = Flaky(status(code, headers), failures=2)
    client, sleep = make_client(handler)
    with client:
        assert days(client, 3) == [0, 1, 2]
    assert handler.calls == 3
    assert len(sleep.calls) == 2
    assert 0 <= sleep.calls[0] <= INITIAL
    assert 0 <= sleep.calls[1] <= 2 * INITIAL


def test_429_without_retry_after_is_retried_once_and_says_it_may_be_a_quota() -> None:
    handler = Flaky(status(429), failures=100)
    client, sleep = make_client(handler, max_retries=5)
    with client, pytest.raises(RateLimitError) as info:
        days(client)
    assert handler.calls == 2
    assert len(sleep.calls) == 1
    assert info.value.attempts == 2
    assert info.value.retry_after is None
    assert "quota" in str(info.value)


@pytest.mark.parametrize(
    "error", [httpx.ConnectError, httpx.ReadTimeout, httpx.RemoteProtocolError]
)
def test_transport_errors_then_success(error: type[httpx.TransportError]) -> None:
    handler = Flaky(transport_error(error), failures=3)
    client, sleep = make_client(handler)
    with client:
        assert days(client, 2) == [0, 1]
    assert handler.calls == 4
    assert len(sleep.calls) == 3


def test_retries_mid_pagination_yield_every_bucket_once_and_resend_the_cursor() -> None:
    cursors = {"": ("c1", 0, 3), "c1": ("c2", 3, 6), "c2": (None, 6, 9)}
    seen: list[httpx.Request] = []

    def ok(request: httpx.Request) -> httpx.Response:
        next_page, first, last = cursors[request.url.params.get("page", "")]
        return httpx.Response(200, json=page_json(D0_S + first * DAY, D0_S + last * DAY, next_page))

    flaky = Flaky(status(503), failures=2, ok=ok)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return flaky(request)

    client, sleep = make_client(handler)
    with client:
        assert days(client, 9, limit=3, group_by="model") == list(range(9))
    assert [r.url.params.get("page") for r in seen] == [None] * 3 + ["c1"] * 3 + ["c2"] * 3
    assert len({str(r.url.copy_remove_param("page")) for r in seen}) == 1
    assert len(sleep.calls) == 6


def test_retries_in_concurrent_windows_yield_every_bucket_once() -> None:
    handler = Flaky(status(500), failures=1)
    client, _ = make_client(handler, max_concurrency=4)
    with client:
        assert days(client, 10, limit=3) == list(range(10))
    assert handler.calls == 8
    assert all(count == 2 for count in handler.attempts.values())


# --- running out ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failure", "cls"),
    [
        (status(503), InternalServerError),
        (status(429, {"Retry-After": "1"}), RateLimitError),
        (transport_error(httpx.ConnectError), APIConnectionError),
        (transport_error(httpx.ReadTimeout), APITimeoutError),
    ],
)
def test_running_out_of_retries_says_how_many_attempts(
    failure: Failure, cls: type[Exception]
) -> None:
    handler = Flaky(failure, failures=100)
    client, sleep = make_client(handler, max_retries=3)
    with client, pytest.raises(cls) as info:
        days(client)
    assert type(info.value) is cls
    assert info.value.attempts == 4  # type: ignore[attr-defined]
    assert str(info.value).endswith(" after 4 attempts")
    assert handler.calls == 4
    assert len(sleep.calls) == 3


def test_max_retries_zero_makes_one_attempt() -> None:
    handler = Flaky(status(503), failures=100)
    client, sleep = make_client(handler, max_retries=0)
    with client, pytest.raises(InternalServerError) as info:
        days(client)
    assert handler.calls == 1
    assert sleep.calls == []
    assert info.value.attempts == 1
    assert "attempts" not in str(info.value)


def test_retry_budget_stops_a_wait_that_would_pass_it() -> None:
    handler = Flaky(status(429, {"Retry-After": "2"}), failures=100)
    client, sleep = make_client(handler, retry_budget=1.0)
    with client, pytest.raises(RateLimitError) as info:
        days(client)
    assert handler.calls == 1
    assert sleep.calls == []
    assert info.value.retry_after == 2.0


def test_retry_after_above_the_maximum_fails_fast() -> None:
    handler = Flaky(status(429, {"Retry-After": "600"}), failures=100)
    client, sleep = make_client(handler, retry_budget=1000.0)
    with client, pytest.raises(RateLimitError) as info:
        days(client)
    assert sleep.calls == []
    assert handler.calls == 1
    assert info.value.retry_after == 600.0


# --- jittered waits ---------------------------------------------------------------------------

UPPER = [min(MAX_BACKOFF, INITIAL * 2**n) for n in range(6)]


def test_jitter_upper_bounds_double_up_to_the_maximum(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(random, "uniform", lambda low, high: high)
    handler = Flaky(status(500), failures=100)
    client, sleep = make_client(handler, max_retries=6)
    with client, pytest.raises(InternalServerError):
        days(client)
    assert UPPER == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
    assert sleep.calls == UPPER


def test_jitter_lower_bound_is_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(random, "uniform", lambda low, high: low)
    handler = Flaky(status(500), failures=100)
    client, sleep = make_client(handler, max_retries=4)
    with client, pytest.raises(InternalServerError):
        days(client)
    assert sleep.calls == [0.0] * 4


def test_jittered_waits_stay_within_full_jitter_bounds() -> None:
    for _ in range(20):
        handler = Flaky(status(502), failures=100)
        client, sleep = make_client(handler, max_retries=6)
        with client, pytest.raises(InternalServerError):
            days(client)
        assert len(sleep.calls) == 6
        for wait, upper in zip(sleep.calls, UPPER, strict=True):
            assert 0.0 <= wait <= upper


# --- async ------------------------------------------------------------------------------------


def make_async_client(
    handler: Failure, *, max_retries: int = 3, max_concurrency: int = 1
) -> tuple[AsyncUsageClient, SleepRecorder]:
    client = AsyncUsageClient(
        api_key=KEY,
        transport=httpx.MockTransport(handler),
        max_retries=max_retries,
        max_concurrency=max_concurrency,
    )
    sleep = AsyncSleepRecorder()
    client._sender.sleep = sleep
    return client, sleep


@pytest.mark.asyncio
async def test_async_retry_after_is_honoured() -> None:
    handler = Flaky(status(429, {"Retry-After": "2"}), failures=1)
    client, sleep = make_async_client(handler)
    async with client:
        buckets = await client.completions(start=day(0), end=day(2)).to_list()
    assert [b.start for b in buckets] == [day(0), day(1)]
    assert sleep.calls == [2.0]
    assert handler.calls == 2


@pytest.mark.asyncio
async def test_async_concurrent_windows_with_retries_yield_every_bucket_once() -> None:
    handler = Flaky(transport_error(httpx.ConnectError), failures=2)
    client, sleep = make_async_client(handler, max_concurrency=4)
    async with client:
        buckets = await client.completions(start=day(0), end=day(10), limit=3).to_list()
    assert [b.start for b in buckets] == [day(n) for n in range(10)]
    assert handler.calls == 12
    assert len(sleep.calls) == 8


@pytest.mark.asyncio
async def test_async_running_out_of_retries() -> None:
    handler = Flaky(status(500), failures=100)
    client, sleep = make_async_client(handler, max_retries=3)
    async with client:
        with pytest.raises(InternalServerError) as info:
            await client.completions(start=day(0), end=day(1)).to_list()
    assert info.value.attempts == 4
    assert "after 4 attempts" in str(info.value)
    assert handler.calls == 4
    assert len(sleep.calls) == 3


@pytest.mark.asyncio
async def test_async_client_errors_are_not_retried() -> None:
    handler = Flaky(status(401), failures=100)
    client, sleep = make_async_client(handler, max_retries=3)
    async with client:
        with pytest.raises(APIStatusError) as info:
            await client.costs(start=day(0), end=day(1)).to_list()
    assert info.value.status_code == 401
    assert handler.calls == 1
    assert sleep.calls == []
