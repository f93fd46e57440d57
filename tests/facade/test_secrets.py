"""The admin key never leaks: not in reprs, error messages, tracebacks or log records.

The key is distinctive so that any leak, whole or as a long fragment, is found. Each test
also checks the key really was in use (sent as the bearer token), so "not found" means
"not leaked" rather than "never there".
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from _exceptions import exception_chain

from openai_org_usage import (
    APIConnectionError,
    AsyncUsageClient,
    AuthenticationError,
    InvalidParameterError,
    RateLimitError,
    ResponseValidationError,
    UsageClient,
)

KEY = "sk-admin-" + "S3cr3t" * 6
FRAGMENT = "S3cr3tS3cr3t"  # a long piece of the key: a partial leak counts too
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 3, tzinfo=UTC)
Handler = Callable[[httpx.Request], httpx.Response]


def assert_clean(text: str) -> None:
    assert KEY not in text
    assert FRAGMENT not in text


class Recorder:
    """Answers with ``respond`` and remembers each Authorization header."""

    def __init__(self, respond: Handler) -> None:
        self.respond = respond
        self.authorizations: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.authorizations.append(request.headers.get("authorization", ""))
        return self.respond(request)


def make_client(handler: Handler, **kwargs: Any) -> UsageClient:
    client = UsageClient(api_key=KEY, transport=httpx.MockTransport(handler), **kwargs)
    client._sender.sleep = lambda seconds: None
    return client


def assert_exception_clean(exc: BaseException) -> None:
    for link in exception_chain(exc):
        assert_clean(str(link))
        assert_clean(repr(link))
        assert_clean(repr(link.args))
    assert_clean("".join(traceback.format_exception(exc)))


def empty_page(request: httpx.Request) -> httpx.Response:
    """Every requested day's bucket, with no results (a past range is never answered with
    fewer buckets)."""
    start, end = int(request.url.params["start_time"]), int(request.url.params["end_time"])
    data = [
        {"object": "bucket", "start_time": day, "end_time": day + 86_400, "results": []}
        for day in range(start, end, 86_400)
    ]
    return httpx.Response(
        200, json={"object": "page", "data": data, "has_more": False, "next_page": None}
    )


def test_the_key_is_sent_as_the_bearer_token() -> None:
    recorder = Recorder(empty_page)
    with make_client(recorder) as client:
        list(client.costs(start=START, end=END))
    assert recorder.authorizations == [f"Bearer {KEY}"]


def test_repr_of_clients_and_paginators() -> None:
    with make_client(empty_page) as client:
        paginator = client.completions(start=START, end=END, group_by="model")
        for text in (repr(client), str(client), repr(paginator), str(paginator)):
            assert_clean(text)
        assert repr(client).startswith("UsageClient(base_url='https://api.openai.com/v1'")
    async_client = AsyncUsageClient(api_key=KEY, transport=httpx.MockTransport(empty_page))
    async_paginator = async_client.costs(start=START, end=END)
    for text in (repr(async_client), str(async_client), repr(async_paginator)):
        assert_clean(text)
    assert repr(async_client).startswith("AsyncUsageClient(")


def test_repr_of_the_generated_client_inside() -> None:
    with make_client(empty_page) as client:
        assert_clean(repr(client._config.generated))
        assert_clean(repr(client._sender))


def error_cases() -> list[tuple[str, Handler, type[Exception]]]:
    def unauthorized(request: httpx.Request) -> httpx.Response:
        # A server that echoes the header it got must still not leak through our message.
        return httpx.Response(
            401,
            json={"error": {"message": "Incorrect API key provided", "code": "invalid_api_key"}},
        )

    def rate_limited(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            429, json={"error": {"message": "slow down"}}, headers={"Retry-After": "1"}
        )

    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    def garbage(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>oops</html>")

    return [
        ("401", unauthorized, AuthenticationError),
        ("429 after retries", rate_limited, RateLimitError),
        ("connect error after retries", refused, APIConnectionError),
        ("invalid page", garbage, ResponseValidationError),
    ]


@pytest.mark.parametrize(
    ("case", "respond", "cls"), [pytest.param(*case, id=case[0]) for case in error_cases()]
)
def test_api_errors_do_not_contain_the_key(
    case: str, respond: Handler, cls: type[Exception]
) -> None:
    recorder = Recorder(respond)
    with make_client(recorder, max_retries=2) as client, pytest.raises(cls) as info:
        list(client.completions(start=START, end=END))
    assert set(recorder.authorizations) == {f"Bearer {KEY}"}
    assert_exception_clean(info.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"group_by": "nope"},
        {"limit": 0},
        {"bucket_width": "1w"},
        {"start": END, "end": START},
    ],
)
def test_validation_errors_do_not_contain_the_key(kwargs: dict[str, Any]) -> None:
    call: dict[str, Any] = {"start": START, "end": END, **kwargs}
    with make_client(empty_page) as client, pytest.raises(InvalidParameterError) as info:
        client.completions(**call)
    assert_exception_clean(info.value)


def test_setting_errors_do_not_contain_the_key() -> None:
    with pytest.raises(InvalidParameterError) as info:
        UsageClient(api_key=KEY, max_retries=-1)
    assert_exception_clean(info.value)


def test_no_log_record_contains_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    attempts = {"n": 0}

    def respond(request: httpx.Request) -> httpx.Response:
        attempts["n"] += 1
        if attempts["n"] == 1:
            return httpx.Response(
                429, json={"error": {"message": "slow"}}, headers={"Retry-After": "1"}
            )
        if attempts["n"] == 2:
            raise httpx.ConnectError("reset", request=request)
        if attempts["n"] == 3:
            return httpx.Response(503, text="unavailable")
        if attempts["n"] == 4:
            return empty_page(request)
        return httpx.Response(401, json={"error": {"message": "bad key"}})

    recorder = Recorder(respond)
    with make_client(recorder, max_retries=3) as client:
        assert [b.results for b in client.completions(start=START, end=END)] == [[], []]
        with pytest.raises(AuthenticationError):
            list(client.costs(start=START, end=END))

    assert recorder.authorizations == [f"Bearer {KEY}"] * 5
    ours = [r for r in caplog.records if r.name == "openai_org_usage"]
    assert len(ours) >= 3, "the DEBUG request log should have been captured"
    for record in caplog.records:
        assert_clean(record.getMessage())
        assert_clean(repr(record.args))
        assert_clean(str(record.msg))
        if record.exc_info:
            assert_clean("".join(traceback.format_exception(*record.exc_info)))
    assert_clean(caplog.text)


@pytest.mark.parametrize(
    "bad_key", [KEY + "\n", KEY[:12] + "é" + KEY[12:], KEY[:20] + "\r\n" + KEY[20:]]
)
@pytest.mark.parametrize("cls", [UsageClient, AsyncUsageClient])
def test_a_refused_key_is_not_in_the_error(
    bad_key: str, cls: type[UsageClient] | type[AsyncUsageClient]
) -> None:
    # Refused before any request (a header cannot carry it), and not quoted in the refusal.
    with pytest.raises(InvalidParameterError) as info:
        cls(api_key=bad_key, transport=httpx.MockTransport(empty_page))
    assert info.value.param == "api_key"
    assert info.value.value == "<hidden>"
    assert_exception_clean(info.value)
