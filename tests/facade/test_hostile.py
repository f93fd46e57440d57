"""Hostile responses and transports: nothing hangs, loops, leaks the key, or escapes the error tree.

Every server is an in-process ``httpx.MockTransport``; waits between retries are recorded, not
slept, except where a test checks that a stopped pull does not sleep at all.
"""

from __future__ import annotations

import asyncio
import gzip
import inspect
import time
from collections.abc import AsyncIterator, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from openai_org_usage import (
    APIConnectionError,
    APITimeoutError,
    AsyncUsageClient,
    AuthenticationError,
    GroupingRefusedError,
    InvalidParameterError,
    LookbackExceededError,
    OpenAIUsageError,
    QuotaExceededError,
    RateLimitError,
    RedirectError,
    ResponseValidationError,
    UsageClient,
    check_base_url,
)

# Assembled, so no key-shaped literal sits in the repository; the value is a placeholder.
KEY = "sk-" + "admin-hostile-0123456789abcdefghijklmnop"
D0 = datetime(2026, 11, 1, tzinfo=UTC)
D0_S = int(D0.timestamp())
DAY = 86_400


def good_page(request: httpx.Request) -> dict[str, Any]:
    start = int(request.url.params["start_time"])
    return {
        "object": "page",
        "data": [
            {
                "object": "bucket",
                "start_time": start,
                "end_time": start + DAY,
                "results": [],
            }
        ],
        "has_more": False,
        "next_page": None,
    }


class Recorder:
    def __init__(self, answer: Callable[[httpx.Request], httpx.Response]) -> None:
        self.answer = answer
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.answer(request)


def client_for(handler: Callable[[httpx.Request], httpx.Response], **kwargs: Any) -> UsageClient:
    client = UsageClient(KEY, transport=httpx.MockTransport(handler), max_concurrency=1, **kwargs)
    client._sender.sleep = lambda seconds: None
    return client


def one_day(client: UsageClient) -> list[Any]:
    return list(client.completions(start=D0, end=D0 + timedelta(days=1)))


def assert_no_key(exc: BaseException) -> None:
    for text in (str(exc), repr(exc), getattr(exc, "message", "")):
        assert KEY not in text
        assert KEY[10:30] not in text


# --- a body dribbled a byte at a time ------------------------------------------------------------


class Dribble(httpx.SyncByteStream):
    def __iter__(self) -> Iterator[bytes]:
        for _ in range(100_000):
            time.sleep(0.01)  # 1,000 s in all: each read is quick, the whole is not
            yield b" "


class AsyncDribble(httpx.AsyncByteStream):
    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(100_000):
            await asyncio.sleep(0.01)
            yield b" "


def test_a_dribbled_body_hits_the_whole_response_deadline() -> None:
    handler = Recorder(lambda request: httpx.Response(200, stream=Dribble()))
    with (
        client_for(handler, timeout=0.3, max_retries=1) as client,
        pytest.raises(APITimeoutError, match=r"no complete response within 0\.3 s") as info,
    ):
        one_day(client)
    assert info.value.attempts == 2  # a timeout is retried like any lost answer


@pytest.mark.asyncio
async def test_async_a_dribbled_body_hits_the_whole_response_deadline() -> None:
    handler = Recorder(lambda request: httpx.Response(200, stream=AsyncDribble()))
    async with AsyncUsageClient(
        KEY, transport=httpx.MockTransport(handler), timeout=0.3, max_retries=0
    ) as client:
        with pytest.raises(APITimeoutError, match="no complete response"):
            await asyncio.wait_for(
                client.completions(start=D0, end=D0 + timedelta(days=1)).to_list(), 30
            )


# --- bodies that cannot be decoded, and every other httpx failure ------------------------------


def test_a_corrupt_gzip_body_is_a_response_validation_error() -> None:
    def corrupt(request: httpx.Request) -> httpx.Response:
        body = gzip.compress(b'{"object": "page", "data": []}')[:-12] + b"garbage!"
        return httpx.Response(200, content=body, headers={"content-encoding": "gzip"})

    with client_for(corrupt) as client, pytest.raises(ResponseValidationError, match="decoded"):
        one_day(client)


def test_a_valid_gzip_body_is_read() -> None:
    def zipped(request: httpx.Request) -> httpx.Response:
        body = gzip.compress(httpx.Response(200, json=good_page(request)).content)
        return httpx.Response(200, content=body, headers={"content-encoding": "gzip"})

    with client_for(zipped) as client:
        assert len(one_day(client)) == 1


def _httpx_errors() -> list[type[Exception]]:
    found = [
        value
        for name in httpx.__all__
        if inspect.isclass(value := getattr(httpx, name)) and issubclass(value, Exception)
    ]
    return sorted(found, key=lambda cls: cls.__name__)


def _raise(cls: type[Exception]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        parameters = inspect.signature(cls).parameters
        if "response" in parameters:
            raise cls(  # type: ignore[call-arg]
                "failed", request=request, response=httpx.Response(500, request=request)
            )
        if "request" in parameters:
            raise cls("failed", request=request)  # type: ignore[call-arg]
        if "message" in parameters:
            raise cls("failed")
        raise cls()  # StreamConsumed and kin say what happened themselves

    return handler


@pytest.mark.parametrize("cls", _httpx_errors(), ids=lambda cls: cls.__name__)
def test_every_httpx_exception_is_wrapped(cls: type[Exception]) -> None:
    with client_for(_raise(cls), max_retries=1) as client, pytest.raises(OpenAIUsageError) as info:
        one_day(client)
    assert type(info.value.__cause__) is cls
    assert cls.__name__ in str(info.value)


def test_the_httpx_exception_list_is_not_empty() -> None:
    # Guards the parametrization above: an httpx release that renamed its exports would
    # otherwise make it vacuous.
    names = {cls.__name__ for cls in _httpx_errors()}
    assert {"ConnectError", "DecodingError", "ReadTimeout", "TooManyRedirects"} <= names


# --- redirects ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [301, 302, 307, 308])
def test_a_redirect_is_an_error_that_says_where_it_pointed(status: int) -> None:
    handler = Recorder(
        lambda request: httpx.Response(
            status, headers={"location": "https://elsewhere.example/v1/organization/usage"}
        )
    )
    with client_for(handler) as client, pytest.raises(RedirectError) as info:
        one_day(client)
    assert "https://elsewhere.example/v1/organization/usage" in str(info.value)
    assert info.value.location == "https://elsewhere.example/v1/organization/usage"
    assert [r.url.host for r in handler.requests] == ["api.openai.com"]


# --- the key echoed back by a server or proxy ----------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        lambda request: httpx.Response(
            401,
            json={
                "error": {
                    "message": f"Invalid Authorization header: {request.headers['authorization']}"
                }
            },
        ),
        lambda request: httpx.Response(
            502,
            text=f"proxy error; upstream said: Authorization={request.headers['authorization']}",
        ),
        lambda request: httpx.Response(500, json={"detail": f"key {KEY} rejected"}),
    ],
    ids=["api-message", "proxy-text", "json-without-error-object"],
)
def test_an_echoed_key_is_redacted(answer: Callable[[httpx.Request], httpx.Response]) -> None:
    with client_for(answer, max_retries=0) as client, pytest.raises(OpenAIUsageError) as info:
        one_day(client)
    assert_no_key(info.value)


# --- plain http off this machine ------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://api.openai.com/v1", "http://10.0.0.8:8080/v1", "http://usage-proxy.internal/v1"],
)
def test_plain_http_to_another_host_is_refused(url: str) -> None:
    with pytest.raises(InvalidParameterError, match="allow_insecure_http") as info:
        UsageClient(KEY, base_url=url)
    assert info.value.param == "base_url"
    assert KEY not in str(info.value)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/v1", "http://localhost:9000", "http://[::1]:8000/v1"]
)
def test_plain_http_to_loopback_is_allowed(url: str) -> None:
    assert check_base_url(url) == url
    assert check_base_url(url + "/") == url
    handler = Recorder(lambda request: httpx.Response(200, json=good_page(request)))
    with UsageClient(KEY, base_url=url, transport=httpx.MockTransport(handler)) as client:
        assert client.base_url == url
        assert len(one_day(client)) == 1
    # The request really went to the loopback URL, over plain http, with the key.
    assert len(handler.requests) == 1
    sent = handler.requests[0].url
    expected = httpx.URL(url)
    assert (sent.scheme, sent.host, sent.port) == ("http", expected.host, expected.port)
    assert sent.path == expected.path.rstrip("/") + "/organization/usage/completions"
    assert str(sent).startswith(url + "/organization/usage/completions?")
    assert handler.requests[0].headers["authorization"] == f"Bearer {KEY}"


def test_plain_http_elsewhere_when_asked_for() -> None:
    handler = Recorder(lambda request: httpx.Response(200, json=good_page(request)))
    with UsageClient(
        KEY,
        base_url="http://usage-proxy.internal/v1",
        allow_insecure_http=True,
        transport=httpx.MockTransport(handler),
    ) as client:
        assert len(one_day(client)) == 1
    assert handler.requests[0].url.scheme == "http"


@pytest.mark.parametrize("url", ["not-a-url", "ftp://api.openai.com/v1", "https://", "://x"])
def test_a_base_url_that_is_not_one_is_refused(url: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        UsageClient(KEY, base_url=url)
    assert info.value.param == "base_url"


# --- 400s the live API sends, and 429s that are not rate limits ------------------------------


def error(status: int, **fields: Any) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, json={"error": {"type": "x", **fields}})


def test_lookback_exceeded_is_not_retried_and_carries_the_date() -> None:
    handler = Recorder(
        error(
            400,
            code="reporting_lookback_exceeded",
            param="start_time",
            message="Usage and cost data are available for the past year. "
            "Earliest supported start date: 2025-12-01 (UTC).",
        )
    )
    with client_for(handler, max_retries=5) as client, pytest.raises(LookbackExceededError) as info:
        one_day(client)
    assert info.value.earliest_start == datetime(2025, 12, 1, tzinfo=UTC)
    assert info.value.attempts == 1
    assert len(handler.requests) == 1


GROUPING = ["project_id", "line_item"]


def test_a_refused_grouping_names_the_combination() -> None:
    handler = Recorder(
        error(400, code="unsupported_group_by", param="group_by", message="not supported")
    )
    with client_for(handler, max_retries=5) as client, pytest.raises(GroupingRefusedError) as info:
        list(
            client.costs(start=D0, end=D0 + timedelta(days=1), group_by=["project_id", "line_item"])
        )
    assert set(info.value.group_by) == {"project_id", "line_item"}
    assert "project_id" in str(info.value)
    assert "line_item" in str(info.value)
    assert len(handler.requests) == 1


def test_a_quota_429_is_not_retried() -> None:
    handler = Recorder(
        error(429, code="insufficient_quota", message="You exceeded your current quota.")
    )
    with client_for(handler, max_retries=5) as client, pytest.raises(QuotaExceededError) as info:
        one_day(client)
    assert len(handler.requests) == 1
    assert info.value.limit_kind == "quota"


def test_retry_after_as_an_http_date_is_honoured() -> None:
    waits: list[float] = []
    answers = iter(
        [
            lambda request: httpx.Response(
                429,
                json={"error": {"message": "slow down"}},
                headers={
                    "retry-after": format_datetime(
                        datetime.now(UTC) + timedelta(seconds=30), usegmt=True
                    )
                },
            ),
            lambda request: httpx.Response(200, json=good_page(request)),
        ]
    )
    with client_for(lambda request: next(answers)(request)) as client:
        client._sender.sleep = waits.append
        assert len(one_day(client)) == 1
    assert len(waits) == 1
    assert 25 <= waits[0] <= 30


def test_a_rate_limit_error_is_still_a_rate_limit_error_when_retries_run_out() -> None:
    handler = Recorder(error(429, message="slow", code="rate_limit_exceeded"))
    with client_for(handler, max_retries=3) as client, pytest.raises(RateLimitError) as info:
        one_day(client)
    assert not isinstance(info.value, QuotaExceededError)


def test_a_401_is_an_authentication_error_and_never_retried() -> None:
    handler = Recorder(error(401, message="bad key"))
    with client_for(handler, max_retries=5) as client, pytest.raises(AuthenticationError):
        one_day(client)
    assert len(handler.requests) == 1


def test_connection_errors_stay_in_the_tree() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with client_for(refuse, max_retries=2) as client, pytest.raises(APIConnectionError) as info:
        one_day(client)
    assert info.value.attempts == 3
