"""Errors: HTTP statuses to exception classes, bad pages, transport failures, missing key.

Responses are scripted with ``httpx.MockTransport``; waits between retries go to a fake sleep
so no test actually waits.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from openai_org_usage import (
    OPERATIONS,
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AsyncUsageClient,
    AuthenticationError,
    BadRequestError,
    Bucket,
    ConflictError,
    InternalServerError,
    MissingAPIKeyError,
    NotFoundError,
    OpenAIUsageError,
    PaginationError,
    PermissionDeniedError,
    RateLimitError,
    ResponseValidationError,
    UsageClient,
    _parse,
)
from openai_org_usage_client.models import UsageCompletionsResult

KEY = "sk-admin-test-dummy"
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 2, tzinfo=UTC)
START_S = int(START.timestamp())
END_S = int(END.timestamp())
Handler = Callable[[httpx.Request], httpx.Response]

# A value of each JSON kind, for the samples below.
SCALARS: dict[str, Any] = {"integer": 10, "number": 1.25, "string": "s", "boolean": True}


def required_fields(op: str) -> dict[str, Any]:
    """The required fields of the operation's result besides ``object``, with valid values.

    Derived from the operation's fields (spec order), so every operation of the spec fragment,
    present or future, has its sample; ``test_operations`` holds those fields to the
    generated models.
    """
    return {
        f.key: f.enum[0] if f.enum else SCALARS[f.kind]
        for f in OPERATIONS[op].fields
        if f.required and f.key != "object"
    }


# One valid result per operation (only the required fields).
RESULTS: dict[str, dict[str, Any]] = {op: required_fields(op) for op in OPERATIONS}


def test_the_samples_hold_the_known_required_fields() -> None:
    # Written down, so a seam that lost its required fields does not pass as an empty sample.
    assert RESULTS["completions"] == {
        "input_tokens": 10,
        "output_tokens": 10,
        "num_model_requests": 10,
    }
    assert RESULTS["decisions"] == RESULTS["completions"]
    assert RESULTS["vector_stores"] == {"usage_bytes": 10}
    assert RESULTS["costs"] == {}  # every costs field but `object` is optional
    assert all(RESULTS[op] for op in OPERATIONS if op != "costs")


OPENAI_400 = {
    "error": {
        "message": "Invalid value for limit",
        "type": "invalid_request_error",
        "param": "limit",
        "code": None,
    }
}


def result(op: str, **extra: Any) -> dict[str, Any]:
    return {"object": OPERATIONS[op].result_object, **RESULTS[op], **extra}


def page(*buckets: Any, has_more: bool = False, next_page: str | None = None) -> Any:
    return {"object": "page", "data": list(buckets), "has_more": has_more, "next_page": next_page}


def bucket(results: list[dict[str, Any]], start: int = START_S, end: int = END_S) -> dict[str, Any]:
    return {"object": "bucket", "start_time": start, "end_time": end, "results": results}


class Script:
    """A MockTransport handler answering the same response every time, counting calls."""

    def __init__(self, respond: Callable[[httpx.Request], httpx.Response]) -> None:
        self.respond = respond
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        return self.respond(request)


def status(code: int, body: Any = None, headers: dict[str, str] | None = None) -> Script:
    return Script(lambda _: httpx.Response(code, json=body or {}, headers=headers))


def make_client(handler: Handler, *, max_retries: int = 3) -> UsageClient:
    client = UsageClient(
        api_key=KEY, transport=httpx.MockTransport(handler), max_retries=max_retries
    )
    client._sender.sleep = lambda seconds: None
    return client


def fetch(handler: Handler, op: str = "completions", **kwargs: Any) -> list[Bucket[Any]]:
    with make_client(handler, **kwargs) as client:
        return list(getattr(client, op)(start=START, end=END))


# --- status mapping ---------------------------------------------------------------------------


def test_bad_request_carries_the_api_error_object() -> None:
    handler = status(400, OPENAI_400, headers={"x-request-id": "req_abc123"})
    with pytest.raises(BadRequestError) as info:
        fetch(handler)
    exc = info.value
    assert exc.status_code == 400
    assert type(exc) is BadRequestError
    assert exc.message == "Invalid value for limit"
    assert exc.param == "limit"
    assert exc.code is None
    assert exc.error_type == "invalid_request_error"
    assert exc.request_id == "req_abc123"
    assert exc.attempts == 1
    assert str(exc) == (
        "HTTP 400: Invalid value for limit (param: limit) [request id req_abc123] "
        f"(GET https://api.openai.com/v1/organization/usage/completions?start_time={START_S}"
        f"&end_time={END_S}&bucket_width=1d&limit=31)"
    )


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_status_maps_to_its_exception_class(code: int, cls: type[APIStatusError]) -> None:
    body = {"error": {"message": f"status {code}", "type": "x", "param": None, "code": "c"}}
    handler = status(code, body, headers={"x-request-id": f"req_{code}"})
    with pytest.raises(APIStatusError) as info:
        fetch(handler, max_retries=0)
    exc = info.value
    assert type(exc) is cls
    assert isinstance(exc, APIError)
    assert isinstance(exc, OpenAIUsageError)
    assert exc.status_code == code
    assert exc.request_id == f"req_{code}"
    assert exc.message == f"status {code}"
    assert exc.code == "c"
    # A 429 without Retry-After adds a note after the API's message.
    assert str(exc).startswith(f"HTTP {code}: status {code} ")
    assert f" [request id req_{code}] (GET https://" in str(exc)
    assert handler.calls == 1


def test_status_error_without_json_quotes_a_short_body_excerpt() -> None:
    handler = Script(lambda _: httpx.Response(502, text="<html>" + "x" * 500 + "</html>"))
    with pytest.raises(InternalServerError) as info:
        fetch(handler, max_retries=0)
    assert info.value.message == "<html>" + "x" * 194 + "..."
    assert info.value.param is None
    assert info.value.request_id is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "250", "Retry-After": "9"}, 0.25),
        ({"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}, 0.0),  # an HTTP date in the past
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_rate_limit_error_reads_retry_after(headers: dict[str, str], expected: float) -> None:
    with pytest.raises(RateLimitError) as info:
        fetch(status(429, {"error": {"message": "slow down"}}, headers=headers), max_retries=0)
    assert info.value.retry_after == expected
    assert info.value.message == "slow down"


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
    ],
)
def test_client_errors_are_not_retried(code: int, cls: type[APIStatusError]) -> None:
    handler = status(code, {"error": {"message": "no"}})
    sleeps: list[float] = []
    with make_client(handler, max_retries=3) as client:
        client._sender.sleep = sleeps.append
        with pytest.raises(cls) as info:
            list(client.completions(start=START, end=END))
    assert handler.calls == 1
    assert sleeps == []
    assert info.value.attempts == 1
    assert "attempts" not in str(info.value)


# --- invalid 2xx pages --------------------------------------------------------------------------


def test_malformed_json_is_a_response_validation_error() -> None:
    handler = Script(lambda _: httpx.Response(200, text='{"object": "page", "data": ['))
    with pytest.raises(ResponseValidationError) as info:
        fetch(handler)
    assert type(info.value) is ResponseValidationError
    assert str(info.value).startswith("invalid completions page: body is not JSON (")
    assert handler.calls == 1


def test_a_bad_second_page_gives_no_partial_list() -> None:
    day = 86_400
    first = page(bucket([], START_S, START_S + day), has_more=True, next_page="c1")

    def respond(request: httpx.Request) -> httpx.Response:
        if "page" not in request.url.params:
            return httpx.Response(200, json=first)
        return httpx.Response(200, text="not json")

    handler = Script(respond)
    result_list: list[Bucket[Any]] | None = None
    # Two days, the first page holding only the first: the paginator must ask for a second.
    with make_client(handler) as client, pytest.raises(ResponseValidationError):
        result_list = list(client.completions(start=START, end=START_S + 2 * day))
    assert result_list is None
    assert handler.calls == 2


def valid_bucket() -> dict[str, Any]:
    return bucket([result("completions")])


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ([], "expected a JSON object, got list"),
        ({**page(valid_bucket()), "data": {}}, "data is dict, expected list"),
        ({k: v for k, v in page(valid_bucket()).items() if k != "has_more"}, "has_more is missing"),
        ({**page(valid_bucket()), "has_more": "false"}, "has_more is str, expected bool"),
        ({**page(valid_bucket()), "next_page": 5}, "next_page is int, expected a string or null"),
        (page({**valid_bucket(), "start_time": "1793491200"}), "data[0].start_time is str"),
        (page({**valid_bucket(), "end_time": True}), "data[0].end_time is bool, expected int"),
        (page({**valid_bucket(), "results": None}), "data[0].results is NoneType"),
        (page(bucket([], start=END_S, end=START_S)), "data[0] ends before it starts"),
        (page("bucket"), "data[0] is str, expected an object"),
        ({k: v for k, v in page(valid_bucket()).items() if k != "object"}, "object is missing"),
        (
            page({**valid_bucket(), "object": "bucket.v2"}),
            "data[0].object is 'bucket.v2', expected 'bucket'",
        ),
    ],
)
def test_wrong_page_shapes_are_refused(body: Any, problem: str) -> None:
    handler = Script(lambda _: httpx.Response(200, json=body))
    with pytest.raises(ResponseValidationError) as info:
        fetch(handler)
    assert str(info.value).startswith("invalid completions page: ")
    assert problem in str(info.value)
    assert handler.calls == 1, "an invalid page is not retried"


@pytest.mark.parametrize("op", [name for name in OPERATIONS if RESULTS[name]])
def test_own_result_type_missing_required_fields_is_refused(op: str) -> None:
    broken = result(op)
    required = next(iter(RESULTS[op]))
    del broken[required]
    handler = Script(lambda _: httpx.Response(200, json=page(bucket([result(op), broken]))))
    with pytest.raises(ResponseValidationError) as info:
        fetch(handler, op=op)
    expected = f"{OPERATIONS[op].result_object} result lacks required field {required!r}"
    assert expected in str(info.value)


def test_each_operation_parses_its_own_result() -> None:
    for op in OPERATIONS:
        body = page(bucket([result(op)]))

        def respond(request: httpx.Request, body: Any = body) -> httpx.Response:
            return httpx.Response(200, json=body)

        handler = Script(respond)
        (only,) = fetch(handler, op=op)
        assert [type(r) for r in only.results] == [OPERATIONS[op].result_cls]
        assert only.unknown_results == []


# --- transport failures -------------------------------------------------------------------------


def raising(exc_factory: Callable[[httpx.Request], Exception]) -> Script:
    def respond(request: httpx.Request) -> httpx.Response:
        raise exc_factory(request)

    return Script(respond)


def test_connect_error_becomes_api_connection_error() -> None:
    raised: list[Exception] = []

    def boom(request: httpx.Request) -> Exception:
        raised.append(httpx.ConnectError("connection refused", request=request))
        return raised[-1]

    handler = raising(boom)
    with pytest.raises(APIConnectionError) as info:
        fetch(handler, max_retries=0)
    exc = info.value
    assert type(exc) is APIConnectionError
    assert exc.__cause__ is raised[0]
    assert str(exc).startswith("request failed: ConnectError: connection refused (GET https://")
    assert exc.attempts == 1


def test_connect_error_after_retries_keeps_the_last_cause() -> None:
    raised: list[Exception] = []

    def boom(request: httpx.Request) -> Exception:
        raised.append(httpx.ConnectError(f"refused #{len(raised)}", request=request))
        return raised[-1]

    handler = raising(boom)
    with pytest.raises(APIConnectionError) as info:
        fetch(handler, max_retries=2)
    assert handler.calls == 3
    assert info.value.__cause__ is raised[-1]
    assert "refused #2" in str(info.value)
    assert info.value.attempts == 3


def test_read_timeout_becomes_api_timeout_error() -> None:
    raised: list[Exception] = []

    def boom(request: httpx.Request) -> Exception:
        raised.append(httpx.ReadTimeout("read timed out", request=request))
        return raised[-1]

    with pytest.raises(APITimeoutError) as info:
        fetch(raising(boom), max_retries=0)
    assert isinstance(info.value, APIConnectionError)
    assert info.value.__cause__ is raised[0]
    assert str(info.value).startswith("request timed out: ReadTimeout: read timed out")


# --- api key ----------------------------------------------------------------------------------


def test_missing_key_sync_and_async(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_ADMIN_KEY", raising=False)
    with pytest.raises(MissingAPIKeyError, match="OPENAI_ADMIN_KEY"):
        UsageClient()
    with pytest.raises(MissingAPIKeyError, match="OPENAI_ADMIN_KEY"):
        AsyncUsageClient()
    with pytest.raises(MissingAPIKeyError):
        UsageClient(api_key="")
    assert issubclass(MissingAPIKeyError, OpenAIUsageError)


def test_key_from_environment_is_sent_as_bearer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_ADMIN_KEY", "sk-admin-from-env")
    seen: list[str] = []

    def respond(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200, json=page(bucket([])))

    with UsageClient(transport=httpx.MockTransport(respond)) as client:
        list(client.costs(start=START, end=END))
    assert seen == ["Bearer sk-admin-from-env"]


# --- unknown result types -----------------------------------------------------------------------


def test_unknown_result_type_is_kept_and_warned_once(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_parse, "_reported_unknown", set())
    unknown = {"object": "organization.usage.teleports.result", "num_teleports": 3}
    day = 86_400

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json=page(
                bucket([result("completions"), unknown], START_S, START_S + day),
                bucket([unknown], START_S + day, START_S + 2 * day),
            ),
        )

    caplog.set_level(logging.WARNING, logger="openai_org_usage")
    with make_client(respond) as client:
        first, second = client.completions(start=START, end=START_S + 2 * day)
    assert len(first.results) == 1
    assert isinstance(first.results[0], UsageCompletionsResult)
    assert first.results[0].input_tokens == RESULTS["completions"]["input_tokens"]
    assert [u.object_ for u in first.unknown_results] == ["organization.usage.teleports.result"]
    assert first.unknown_results[0].additional_properties == {"num_teleports": 3}
    assert second.results == []
    assert len(second.unknown_results) == 1
    warnings = [r for r in caplog.records if r.name == "openai_org_usage"]
    assert len(warnings) == 1
    assert warnings[0].levelno == logging.WARNING
    assert "'organization.usage.teleports.result'" in warnings[0].getMessage()
    assert "Bucket.unknown_results" in warnings[0].getMessage()


def test_pagination_error_is_a_response_validation_error() -> None:
    assert issubclass(PaginationError, ResponseValidationError)
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(ResponseValidationError, APIError)
