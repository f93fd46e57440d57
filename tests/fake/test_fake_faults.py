"""Fault injection and latency of the fake, in process (sync and async transports)."""

from __future__ import annotations

import json
from collections import Counter

import httpx
import pytest
from _fake_helpers import AUTH, BASE_URL, NOW, response_schema, schema_errors

from openai_usage.fake import FakeUsageAPI, FaultSchedule, _transport

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
        {"script": ["418"]},
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
