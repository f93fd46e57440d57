"""Fault injection and latency of the fake, in process (sync and async transports)."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import pytest
from _fake_helpers import AUTH, BASE_URL, NOW, response_schema, schema_errors

from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI, FaultSchedule, _transport

COSTS = "/organization/costs"
PARAMS = {"start_time": NOW - 3 * 86400}


def _statuses(fake: FakeUsageAPI, n: int) -> list[int | str]:
    out: list[int | str] = []
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH) as client:
        for _ in range(n):
            try:
                response = client.get(COSTS, params=PARAMS)
            except httpx.ReadTimeout:
                out.append("timeout")
            except httpx.RemoteProtocolError:
                out.append("disconnect")
            else:
                try:
                    response.json()
                except json.JSONDecodeError:
                    out.append("malformed")
                else:
                    out.append(response.status_code)
    return out


def _mixed(seed: int) -> FaultSchedule:
    return FaultSchedule(
        seed,
        rate_429=0.15,
        rate_500=0.05,
        rate_502=0.05,
        rate_503=0.05,
        rate_malformed=0.05,
        rate_timeout=0.05,
        rate_disconnect=0.05,
    )


def test_same_seed_same_faults_other_seed_differs() -> None:
    first = _statuses(FakeUsageAPI(faults=_mixed(3)), 200)
    again = _statuses(FakeUsageAPI(faults=_mixed(3)), 200)
    other = _statuses(FakeUsageAPI(faults=_mixed(4)), 200)
    assert first == again
    assert first != other
    counts = Counter(first)
    assert set(counts) == {200, 429, 500, 502, 503, "malformed", "timeout", "disconnect"}
    assert 0.3 < counts[200] / 200 < 0.7  # 55% expected


def test_schedule_is_a_pure_function_of_the_index() -> None:
    schedule = _mixed(11)
    forward = [schedule.fault_for(i) for i in range(500)]
    backward = [schedule.fault_for(i) for i in reversed(range(500))][::-1]
    assert forward == backward


def test_scripted_faults_by_request_index() -> None:
    fake = FakeUsageAPI(faults=[None, "429", None, "500", "503", "502", "malformed"])
    assert _statuses(fake, 9) == [200, 429, 200, 500, 503, 502, "malformed", 200, 200]


def test_429_carries_retry_after_and_an_error_body() -> None:
    fake = FakeUsageAPI(faults=FaultSchedule(script=["429"], retry_after=7))
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH) as client:
        response = client.get(COSTS, params=PARAMS)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    body = response.json()
    assert schema_errors(body, response_schema(COSTS, "429")) == []
    assert body["error"]["code"] == "rate_limit_exceeded"


def test_retry_after_can_be_omitted() -> None:
    fake = FakeUsageAPI(faults=FaultSchedule(script=["429"], retry_after=None))
    status, headers, _ = fake.handle("GET", COSTS, [("start_time", str(NOW - 86400))], AUTH)
    assert status == 429
    assert "retry-after" not in headers


def test_retry_after_as_an_http_date() -> None:
    schedule = FaultSchedule(script=["429"], retry_after=7, retry_after_http_date=True)
    fake = FakeUsageAPI(faults=schedule)
    status, headers, _ = fake.handle("GET", COSTS, [("start_time", str(NOW - 86400))], AUTH)
    assert status == 429
    # The fake's "now" plus retry_after: deterministic, never the wall clock.
    assert headers["retry-after"] == "Wed, 25 Nov 2026 12:00:07 GMT"
    assert parsedate_to_datetime(headers["retry-after"]) == DEFAULT_NOW + timedelta(seconds=7)
    scripted = FakeUsageAPI(
        now=datetime(2027, 1, 4, 23, 59, 30, tzinfo=UTC),
        faults=FaultSchedule.scripted(["429"], retry_after=60, retry_after_http_date=True),
    )
    _, headers, _ = scripted.handle("GET", COSTS, [("start_time", str(NOW - 86400))], AUTH)
    assert headers["retry-after"] == "Tue, 05 Jan 2027 00:00:30 GMT"


def test_http_date_without_retry_after_sends_no_header() -> None:
    schedule = FaultSchedule(script=["429"], retry_after=None, retry_after_http_date=True)
    status, headers, _ = FakeUsageAPI(faults=schedule).handle(
        "GET", COSTS, [("start_time", str(NOW - 86400))], AUTH
    )
    assert status == 429
    assert "retry-after" not in headers


def test_quota_is_a_429_that_is_not_a_rate_limit() -> None:
    fake = FakeUsageAPI(faults=FaultSchedule(script=["quota", "429"], retry_after=7))
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH) as client:
        quota = client.get(COSTS, params=PARAMS)
        limited = client.get(COSTS, params=PARAMS)
    assert quota.status_code == 429
    assert "retry-after" not in quota.headers  # waiting will not help
    assert quota.headers["content-type"] == "application/json"
    assert quota.json() == {
        "error": {
            "message": "You exceeded your current quota, please check your plan and billing "
            "details.",
            "type": "insufficient_quota",
            "param": None,
            "code": "insufficient_quota",
        }
    }
    assert schema_errors(quota.json(), response_schema(COSTS, "429")) == []
    assert limited.headers["retry-after"] == "7"


def test_quota_faults_by_rate_leave_other_draws_unchanged() -> None:
    with_quota = FaultSchedule(5, rate_429=0.2, rate_quota=0.3)
    without = FaultSchedule(5, rate_429=0.2)
    kinds = [with_quota.fault_for(i) for i in range(400)]
    assert 0.2 < kinds.count("quota") / 400 < 0.4
    # Quota is drawn after every other kind, so the others fall on the same requests.
    assert [k if k != "quota" else None for k in kinds] == [
        without.fault_for(i) for i in range(400)
    ]


def test_echo_auth_quotes_the_authorization_header() -> None:
    fake = FakeUsageAPI(faults=["echo_auth", "echo_auth"])
    key = "sk-admin-SECRET-0123456789"
    with httpx.Client(
        transport=fake.transport(), base_url=BASE_URL, headers={"Authorization": f"Bearer {key}"}
    ) as client:
        response = client.get(COSTS, params=PARAMS)
    assert response.status_code == 401
    error = response.json()["error"]
    assert f"Bearer {key}" in error["message"]
    assert error["message"] == (
        f"Invalid authorization header: Bearer {key}. Expected 'Bearer <admin key>'."
    )
    assert (error["type"], error["code"]) == ("invalid_request_error", "invalid_api_key")
    status, _, body = fake.handle("GET", COSTS, [], {})
    assert status == 401
    assert "(none)" in json.loads(body)["error"]["message"]


@pytest.mark.parametrize("status", [301, 307])
def test_redirects_point_elsewhere(status: int) -> None:
    fake = FakeUsageAPI(faults=[str(status)])
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH) as client:
        response = client.get(COSTS, params=[("start_time", NOW), ("group_by[]", "line_item")])
    assert response.status_code == status
    assert response.is_redirect
    assert response.headers["location"] == (
        f"https://usage-redirect.example.invalid/v1/organization/costs"
        f"?start_time={NOW}&group_by%5B%5D=line_item"
    )
    assert response.headers["content-type"] == "text/html"
    assert str(status) in response.text
    assert response.headers["x-request-id"].startswith("req_")


def test_redirect_target_is_configurable() -> None:
    schedule = FaultSchedule(script=["307"], redirect_to="http://127.0.0.1:9/")
    status, headers, _ = FakeUsageAPI(faults=schedule).handle("GET", COSTS, [], AUTH)
    assert status == 307
    assert headers["location"] == "http://127.0.0.1:9/organization/costs"
    with pytest.raises(ValueError, match="redirect_to"):
        FaultSchedule(redirect_to="ftp://example.invalid")


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_errors_have_openai_error_bodies(status: int) -> None:
    fake = FakeUsageAPI(faults=[str(status)])
    code, headers, body = fake.handle("GET", COSTS, [("start_time", str(NOW - 86400))], AUTH)
    assert code == status
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["error"]["type"] == "server_error"


def test_malformed_is_a_truncated_200() -> None:
    fake = FakeUsageAPI(faults=["malformed", None])
    query = [("start_time", str(NOW - 86400))]
    status, _, broken = fake.handle("GET", COSTS, query, AUTH)
    _, _, whole = fake.handle("GET", COSTS, query, AUTH)
    assert status == 200
    assert whole.startswith(broken)
    assert len(broken) < len(whole)
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken)


def test_faults_apply_to_every_request_and_are_recorded() -> None:
    fake = FakeUsageAPI(faults=["500"])
    status, _, _ = fake.handle("GET", "/nowhere", [], {})
    assert status == 500
    assert len(fake.requests) == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate_429": 1.5},
        {"rate_500": -0.1},
        {"rate_429": 0.6, "rate_500": 0.6},
        {"retry_after": -1},
        {"rate_quota": 2.0},
        {"script": ["418"]},
        {"script": ["302"]},
    ],
)
def test_invalid_schedules_are_refused(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"rate|retry_after|fault kind"):
        FaultSchedule(**kwargs)  # type: ignore[arg-type]


def test_faults_must_not_be_a_bare_string() -> None:
    with pytest.raises(TypeError):
        FakeUsageAPI(faults="429")


def test_latency_in_process_sync(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []
    monkeypatch.setattr(_transport.time, "sleep", slept.append)
    fake = FakeUsageAPI(latency=0.05)
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH) as client:
        assert client.get(COSTS, params=PARAMS).status_code == 200
    assert slept == [0.05]


@pytest.mark.asyncio
async def test_async_transport_serves_the_same_bytes() -> None:
    fake = FakeUsageAPI()
    params = (
        ("start_time", str(NOW - 10 * 86400)),
        ("group_by", "project_id"),
        ("group_by", "line_item"),
    )
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=BASE_URL, headers=AUTH
    ) as client:
        response = await client.get(COSTS, params=params)
    status, _, expected = fake.handle("GET", COSTS, params, AUTH)
    assert response.status_code == status == 200
    assert response.content == expected


@pytest.mark.asyncio
async def test_async_transport_faults_and_latency(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(_transport.asyncio, "sleep", record)
    fake = FakeUsageAPI(faults=["timeout", "disconnect", "429", None], latency=0.02)
    async with httpx.AsyncClient(
        transport=fake.transport(), base_url=BASE_URL, headers=AUTH
    ) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get(COSTS, params=PARAMS)
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get(COSTS, params=PARAMS)
        assert (await client.get(COSTS, params=PARAMS)).status_code == 429
        assert (await client.get(COSTS, params=PARAMS)).status_code == 200
    assert len(fake.requests) == 4
    assert slept == [0.02] * 4
