"""The specific error classes: which response gets which class, what they carry, what they say.

Responses are built by hand with their request attached (``status_error`` reads the URL and the
Authorization header from it). The key is distinctive so that a leak, whole or in part, is found.
"""

from __future__ import annotations

import traceback
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from openai_org_usage import (
    APIError,
    APIStatusError,
    BadRequestError,
    GroupingRefusedError,
    InternalServerError,
    LookbackExceededError,
    NotFoundError,
    OpenAIUsageError,
    QuotaExceededError,
    RateLimitError,
    RedirectError,
    StoreError,
    SyncLockedError,
    UsageClient,
)
from openai_org_usage._responses import connection_error, status_error
from openai_org_usage._retry_after import retry_after_seconds

KEY = "sk-admin-" + "S3cr3t" * 6
FRAGMENT = "S3cr3tS3cr3t"  # a long piece of the key: a partial leak counts too
COSTS = (
    "https://api.openai.com/v1/organization/costs"
    "?start_time=1&group_by=user_id&group_by=project_id&project_ids=p1"
)
LOOKBACK_MESSAGE = (
    "Usage and cost data are available for the past year. "
    "Earliest supported start date: 2025-12-01 (UTC)."
)
NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)


def request(url: str = COSTS, key: str = KEY) -> httpx.Request:
    return httpx.Request("GET", url, headers={"Authorization": f"Bearer {key}"})


def response(
    status: int,
    body: Any = None,
    *,
    text: str | None = None,
    headers: dict[str, str] | None = None,
    url: str = COSTS,
    key: str = KEY,
) -> httpx.Response:
    if text is not None:
        return httpx.Response(status, text=text, headers=headers, request=request(url, key))
    return httpx.Response(status, json=body or {}, headers=headers, request=request(url, key))


def api_error(
    message: str | None,
    *,
    code: str | None = None,
    type_: str | None = None,
    param: str | None = None,
) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def error_for(status: int, body: Any = None, **kwargs: Any) -> APIStatusError:
    return status_error(response(status, body, **kwargs))


def assert_clean(exc: BaseException) -> None:
    texts = [str(exc), repr(exc), *map(str, exc.args), "".join(traceback.format_exception(exc))]
    if isinstance(exc, APIStatusError):
        texts += [exc.message, str(exc.param), str(exc.code), str(exc.error_type)]
    for text in texts:
        assert KEY not in text
        assert FRAGMENT not in text


# --- the tree -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "bases"),
    [
        (LookbackExceededError, (BadRequestError, APIStatusError, APIError, OpenAIUsageError)),
        (GroupingRefusedError, (BadRequestError, APIStatusError, APIError, OpenAIUsageError)),
        (QuotaExceededError, (RateLimitError, APIStatusError, APIError, OpenAIUsageError)),
        (RedirectError, (APIStatusError, APIError, OpenAIUsageError)),
        (SyncLockedError, (StoreError, OpenAIUsageError)),
    ],
)
def test_specific_errors_are_their_general_kind(
    cls: type[Exception], bases: tuple[type[Exception], ...]
) -> None:
    for base in bases:
        assert issubclass(cls, base)
    assert not issubclass(RedirectError, BadRequestError | RateLimitError)
    assert not issubclass(StoreError, APIError)


def test_instances_are_their_general_kind() -> None:
    lookback = error_for(400, api_error(LOOKBACK_MESSAGE, code="reporting_lookback_exceeded"))
    assert isinstance(lookback, LookbackExceededError)
    assert isinstance(lookback, BadRequestError)
    assert isinstance(lookback, OpenAIUsageError)
    quota = error_for(429, api_error("quota", code="insufficient_quota"))
    assert isinstance(quota, QuotaExceededError)
    assert isinstance(quota, RateLimitError)


# --- lookback -----------------------------------------------------------------------------------


def test_lookback_code_gives_lookback_error_with_the_earliest_start() -> None:
    body = api_error(
        LOOKBACK_MESSAGE,
        code="reporting_lookback_exceeded",
        type_="invalid_request_error",
        param="start_time",
    )
    exc = error_for(400, body, headers={"x-request-id": "req_1"})
    assert type(exc) is LookbackExceededError
    assert exc.earliest_start == datetime(2025, 12, 1, tzinfo=UTC)
    assert exc.message == LOOKBACK_MESSAGE
    assert exc.code == "reporting_lookback_exceeded"
    # The API's sentence restates the date: said once, as advice (exc.message keeps it).
    assert str(exc).startswith(
        "HTTP 400: the API serves no data before 2025-12-01 (UTC); start at or after that date"
        " (param: start_time) [request id req_1] (GET https://api.openai.com/"
    )
    assert str(exc).count("2025-12-01") == 1


@pytest.mark.parametrize(
    "message",
    [
        LOOKBACK_MESSAGE,
        "Earliest supported start date: 2025-12-01 (UTC).",
        "Usage data are available for the past year only; earliest: 2025-12-01.",
    ],
)
def test_lookback_message_without_code_is_recognised(message: str) -> None:
    exc = error_for(400, api_error(message, param="start_time"))
    assert type(exc) is LookbackExceededError
    assert exc.earliest_start == datetime(2025, 12, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (LOOKBACK_MESSAGE, datetime(2025, 12, 1, tzinfo=UTC)),
        (
            "Earliest supported start date: 2025-12-01T06:30:00Z.",
            datetime(2025, 12, 1, 6, 30, tzinfo=UTC),
        ),
        (
            "Earliest supported start date: 2025-12-01T02:00:00+02:00.",
            datetime(2025, 12, 1, 0, 0, tzinfo=UTC),
        ),
        ("Usage and cost data are available for the past year.", None),
        ("Earliest supported start date: 2025-13-45 (UTC).", None),
        ("Earliest supported start date: soon.", None),
        ("", None),
    ],
)
def test_earliest_start_is_parsed_or_none(message: str, expected: datetime | None) -> None:
    exc = error_for(400, api_error(message, code="reporting_lookback_exceeded"))
    assert isinstance(exc, LookbackExceededError)
    assert exc.earliest_start == expected
    if expected is not None:
        assert exc.earliest_start is not None
        assert exc.earliest_start.tzinfo is not None
        assert exc.earliest_start.utcoffset() == timedelta(0)


def test_lookback_without_a_date_still_says_what_to_do() -> None:
    exc = error_for(400, api_error("Data are available for the past year.", code=None))
    assert isinstance(exc, LookbackExceededError)
    assert exc.earliest_start is None
    assert str(exc).startswith(
        "HTTP 400: the API serves about one year of history; start within the past year: "
    )


def test_lookback_with_a_time_of_day_names_it() -> None:
    message = "Earliest supported start date: 2025-12-01T06:30:00Z."
    exc = error_for(400, api_error(message, code="reporting_lookback_exceeded"))
    assert "no data before 2025-12-01 06:30:00 (UTC); start at or after that date" in str(exc)


# --- refused groupings --------------------------------------------------------------------------


def test_group_by_param_gives_grouping_refused_with_the_request_grouping() -> None:
    message = "The group_by combination is not supported for this organization."
    exc = error_for(400, api_error(message, param="group_by"))
    assert type(exc) is GroupingRefusedError
    assert exc.group_by == ("user_id", "project_id")
    assert exc.filters == ("project_ids",)
    assert exc.operation == "costs"
    assert exc.param == "group_by"
    assert str(exc).startswith(
        "HTTP 400: the API refused costs group_by=user_id,project_id (with filter project_ids): "
        f"{message} (param: group_by) (GET https://api.openai.com/v1/organization/costs?"
    )


@pytest.mark.parametrize(
    "body",
    [
        api_error("Unsupported grouping.", code="unsupported_group_by"),
        api_error("group_by user_id and project_id cannot be combined."),
        api_error("Grouping by api_key_id is unsupported; group_by=api_key_id refused."),
        api_error("This group_by is not supported."),
        api_error("Invalid value.", param="group_by[]"),
    ],
)
def test_grouping_refusals_are_recognised(body: dict[str, Any]) -> None:
    assert type(error_for(400, body)) is GroupingRefusedError


@pytest.mark.parametrize(
    "body",
    [
        api_error("Invalid value for limit", param="limit"),
        api_error("group_by must be a list"),  # mentions group_by, refuses nothing
        api_error("not supported"),  # refuses, but not a grouping
        {"detail": "bad"},
    ],
)
def test_other_bad_requests_stay_bad_requests(body: dict[str, Any]) -> None:
    assert type(error_for(400, body)) is BadRequestError


def test_bracket_form_and_usage_operation() -> None:
    url = (
        "https://api.openai.com/v1/organization/usage/completions?start_time=1&end_time=2"
        "&bucket_width=1d&limit=7&page=c1&group_by[]=model&group_by[]=project_id"
        "&project_ids[]=p1&project_ids[]=p2&models[]=gpt-4o&batch=true"
    )
    exc = error_for(400, api_error("refused", code="unsupported_group_by"), url=url)
    assert isinstance(exc, GroupingRefusedError)
    assert exc.group_by == ("model", "project_id")
    assert exc.filters == ("project_ids", "models", "batch")
    assert exc.operation == "completions"
    assert str(exc).startswith(
        "HTTP 400: the API refused completions group_by=model,project_id "
        "(with filters project_ids, models, batch): refused"
    )


def test_comma_joined_group_by_and_no_filters() -> None:
    url = "https://api.openai.com/v1/organization/costs?start_time=1&group_by=user_id,line_item"
    exc = error_for(400, api_error("nope", param="group_by"), url=url)
    assert isinstance(exc, GroupingRefusedError)
    assert exc.group_by == ("user_id", "line_item")
    assert exc.filters == ()
    assert str(exc).startswith("HTTP 400: the API refused costs group_by=user_id,line_item: nope")


def test_refusal_of_a_request_without_group_by() -> None:
    url = "https://api.openai.com/v1/organization/costs?start_time=1"
    exc = error_for(400, api_error("nope", param="group_by"), url=url)
    assert isinstance(exc, GroupingRefusedError)
    assert exc.group_by == ()
    assert str(exc).startswith("HTTP 400: the API refused costs without group_by: nope")


# --- 429 ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        (
            api_error(
                "You exceeded your current quota, please check your plan and billing details.",
                code="insufficient_quota",
                type_="insufficient_quota",
            ),
            "quota",
        ),
        (
            api_error("Billing hard limit has been reached", code="billing_hard_limit_reached"),
            "billing",
        ),
        (api_error("Billing is not active", code="billing_not_active"), "billing"),
        (api_error("limit", type_="insufficient_quota"), "quota"),
        (api_error("limit", code="spend_limit_reached"), "spend"),
        (api_error("Your organization has reached its monthly spend limit."), "spend"),
        (api_error("You have hit your spending limit; raise it in billing settings."), "spend"),
        (api_error("Quota exceeded for this organization."), "quota"),
        (api_error("Please check your billing details."), "billing"),
    ],
)
def test_quota_billing_and_spend_429s(body: dict[str, Any], kind: str) -> None:
    exc = error_for(429, body)
    assert type(exc) is QuotaExceededError
    assert exc.limit_kind == kind
    assert exc.retry_after is None
    assert "retrying will not help" in str(exc)
    assert "(no Retry-After" not in str(exc)


def test_a_quota_code_wins_over_a_retry_after() -> None:
    exc = error_for(429, api_error("x", code="insufficient_quota"), headers={"Retry-After": "5"})
    assert isinstance(exc, QuotaExceededError)
    assert exc.retry_after == 5.0


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        # OpenAI's rate-limit text links to the billing page: still a rate limit.
        (
            api_error(
                "Rate limit reached for requests. Add a payment method at "
                "https://platform.openai.com/account/billing to increase it.",
                code="rate_limit_exceeded",
                type_="requests",
            ),
            {},
        ),
        (api_error("Quota of requests per minute reached."), {"Retry-After": "3"}),
        (api_error("slow down"), {}),
        ({}, {}),
    ],
)
def test_plain_rate_limits_stay_rate_limits(body: dict[str, Any], headers: dict[str, str]) -> None:
    assert type(error_for(429, body, headers=headers)) is RateLimitError


def test_rate_limit_without_retry_after_says_it_may_be_a_limit() -> None:
    exc = error_for(429, api_error("slow down"), headers={"x-request-id": "req_9"})
    assert isinstance(exc, RateLimitError)
    assert exc.retry_after is None
    assert str(exc).startswith(
        "HTTP 429: slow down (no Retry-After: this may be a quota, billing or spend limit "
        "rather than a rate limit) [request id req_9] (GET "
    )
    assert exc.message == "slow down"


def test_rate_limit_with_retry_after_says_nothing_more() -> None:
    exc = error_for(429, api_error("slow down"), headers={"Retry-After": "2"})
    assert isinstance(exc, RateLimitError)
    assert exc.retry_after == 2.0
    assert str(exc).startswith("HTTP 429: slow down (GET ")


# --- Retry-After --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "Fri, 20 Nov 2026 12:01:30 GMT"}, 90.0),
        ({"Retry-After": "Fri, 20 Nov 2026 12:00:00 GMT"}, 0.0),
        ({"Retry-After": "Thu, 19 Nov 2026 12:00:00 GMT"}, 0.0),  # past
        ({"Retry-After": "Fri, 20 Nov 2026 12:00:10 -0000"}, 10.0),  # no zone: UTC
        ({"Retry-After": "Fri, 20 Nov 2026 13:00:05 +0100"}, 5.0),
        ({"Retry-After": "tomorrow"}, None),
        ({"Retry-After": "Fri, 99 Nov 2026 99:00:00 GMT"}, None),
        ({"Retry-After": ""}, None),
        ({"Retry-After": "-3"}, None),
        ({"Retry-After": "inf"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "2.5"}, 2.5),
        ({"retry-after-ms": "1500", "Retry-After": "Fri, 20 Nov 2026 12:01:30 GMT"}, 1.5),
        ({"retry-after-ms": "soon", "Retry-After": "Fri, 20 Nov 2026 12:01:30 GMT"}, 90.0),
        ({}, None),
    ],
)
def test_retry_after_seconds_and_http_dates(
    headers: dict[str, str], expected: float | None
) -> None:
    assert retry_after_seconds(httpx.Response(429, headers=headers), now=NOW) == expected


def test_retry_after_http_date_defaults_to_the_clock() -> None:
    later = datetime.now(UTC) + timedelta(hours=1)
    header = later.strftime("%a, %d %b %Y %H:%M:%S GMT")
    seconds = retry_after_seconds(httpx.Response(429, headers={"Retry-After": header}))
    assert seconds is not None
    assert 3000 < seconds <= 3600


def test_rate_limit_error_reads_a_past_http_date_as_zero() -> None:
    exc = error_for(
        429, api_error("slow"), headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}
    )
    assert isinstance(exc, RateLimitError)
    assert exc.retry_after == 0.0


# --- redirects ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "location", "expected"),
    [
        (
            301,
            "https://api.example.com/v1/organization/costs",
            "https://api.example.com/v1/organization/costs",
        ),
        (302, "/v2/organization/costs?x=1", "https://api.openai.com/v2/organization/costs?x=1"),
        (307, "usage/costs", "https://api.openai.com/v1/organization/usage/costs"),
        (308, "//other.example/v1", "https://other.example/v1"),
    ],
)
def test_redirects_name_the_resolved_location(status: int, location: str, expected: str) -> None:
    exc = error_for(status, text="", headers={"Location": location})
    assert type(exc) is RedirectError
    assert exc.location == expected
    assert exc.status_code == status
    assert str(exc) == (
        f"HTTP {status}: the API redirected to {expected} "
        f"(check base_url; redirects are not followed) (GET {COSTS})"
    )


def test_redirect_without_location() -> None:
    exc = error_for(300, text="")
    assert isinstance(exc, RedirectError)
    assert exc.location is None
    assert str(exc).startswith(
        "HTTP 300: the API answered with a redirect (check base_url; redirects are not followed)"
    )


@pytest.mark.parametrize(("status", "cls"), [(299, APIStatusError), (399, RedirectError)])
def test_redirect_range_bounds(status: int, cls: type[APIStatusError]) -> None:
    assert type(error_for(status, text="")) is cls


def test_the_client_raises_redirect_error_and_does_not_follow() -> None:
    seen: list[httpx.Request] = []

    def respond(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(301, headers={"Location": "https://elsewhere.example/v1/x"})

    with (
        UsageClient(api_key=KEY, transport=httpx.MockTransport(respond), max_retries=0) as client,
        pytest.raises(RedirectError) as info,
    ):
        list(
            client.costs(
                start=datetime(2026, 11, 1, tzinfo=UTC), end=datetime(2026, 11, 2, tzinfo=UTC)
            )
        )
    assert info.value.location == "https://elsewhere.example/v1/x"
    assert len(seen) == 1


# --- other statuses keep their classes ---------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"), [(404, NotFoundError), (500, InternalServerError), (418, APIStatusError)]
)
def test_other_statuses_are_unchanged(status: int, cls: type[APIStatusError]) -> None:
    assert type(error_for(status, api_error("x"))) is cls


def test_a_response_without_a_request_still_gives_an_error() -> None:
    exc = status_error(httpx.Response(400, json=api_error("nope", param="group_by")))
    assert isinstance(exc, GroupingRefusedError)
    assert exc.group_by == ()
    assert exc.request is None
    assert (
        str(exc) == "HTTP 400: the API refused the request without group_by: nope (param: group_by)"
    )


# --- secrets ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "kwargs"),
    [
        (401, {"body": api_error(f"Incorrect API key provided: Bearer {KEY}.")}),
        (401, {"body": api_error(f"Incorrect API key provided: {KEY}", param=KEY, code=KEY)}),
        (400, {"body": api_error(f"{KEY} is not allowed to group_by user_id", param="group_by")}),
        (400, {"body": api_error(f"Earliest supported start date: 2025-12-01 for {KEY}")}),
        (429, {"body": api_error(f"quota used up by {KEY}")}),
        (502, {"text": f"<html>proxy error: Authorization: Bearer {KEY}</html>"}),
        (403, {"body": {"detail": f"forbidden for Authorization: Bearer {KEY}"}}),
        (403, {"body": {"error": f"forbidden for {KEY}"}}),
        (301, {"text": f"moved: {KEY}", "headers": {"Location": f"/login?key={KEY}"}}),
    ],
)
def test_an_echoed_key_is_redacted(status: int, kwargs: dict[str, Any]) -> None:
    exc = error_for(status, **kwargs)
    assert_clean(exc)
    # A lookback error words its own advice instead of the API's sentence; the sentence
    # stays in .message, redacted.
    shown = exc.message if isinstance(exc, LookbackExceededError) else str(exc)
    assert "sk-...[redacted]" in shown


def test_redaction_keeps_the_rest_of_the_message() -> None:
    exc = error_for(401, api_error(f"Incorrect API key provided: Bearer {KEY}. See docs."))
    assert exc.message == "Incorrect API key provided: Bearer sk-...[redacted]. See docs."


def test_a_key_across_the_excerpt_cut_is_not_half_quoted() -> None:
    # The key runs from character 158 to 203: a cut at 200 would keep most of it.
    text = "x" * 150 + f" Bearer {KEY} " + "y" * 300
    exc = error_for(502, text=text)
    assert_clean(exc)
    assert exc.message.startswith("x" * 150 + " Bearer sk-...[redacted] yyy")
    assert exc.message.endswith("...")
    assert len(exc.message) <= 203


def test_a_non_sk_bearer_token_is_redacted_too() -> None:
    token = "tok_" + "Zq9" * 8
    exc = error_for(401, api_error(f"bad token {token}"), key=token)
    assert token not in str(exc)
    assert token not in exc.message
    assert "[redacted]" in exc.message


def test_other_key_shaped_strings_are_redacted() -> None:
    other = "sk-proj-" + "Ab3_" * 10
    exc = error_for(502, text=f"upstream said: {other} and sk-{'9' * 40}")
    assert other not in str(exc)
    assert "9" * 20 not in str(exc)
    assert exc.message == "upstream said: sk-...[redacted] and sk-...[redacted]"


def test_short_strings_are_not_mangled() -> None:
    exc = error_for(400, api_error("ask-me for an sk- prefix"), key="abc")
    assert exc.message == "ask-me for an sk- prefix"


def test_a_key_in_the_url_is_redacted_in_str() -> None:
    url = f"https://api.openai.com/v1/organization/costs?start_time=1&api_key={KEY}"
    exc = error_for(500, api_error("boom"), url=url)
    assert_clean(exc)
    assert "api_key=sk-...[redacted])" in str(exc)


def test_connection_errors_are_redacted() -> None:
    req = request()
    exc = connection_error(httpx.ConnectError(f"proxy refused Bearer {KEY}", request=req), req)
    assert_clean(exc)
    assert "proxy refused Bearer sk-...[redacted]" in str(exc)
