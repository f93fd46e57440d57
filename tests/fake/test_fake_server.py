"""The fake over a real loopback HTTP/1.1 connection."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from _fake_helpers import AUTH, BASE_URL, NOW, walk

from openai_org_usage.fake import FakeUsageAPI, FaultSchedule, running_server, serve

COMPLETIONS = "/organization/usage/completions"
PARAMS: dict[str, Any] = {
    "start_time": NOW - 20 * 86400,
    "group_by": ["model", "project_id"],
    "limit": 31,
}


def test_loopback_serves_the_same_bytes_as_in_process() -> None:
    fake = FakeUsageAPI()
    with running_server(fake) as base_url:
        assert base_url.startswith("http://127.0.0.1:")
        assert base_url.endswith("/v1")
        with httpx.Client(base_url=base_url, headers=AUTH) as client:
            over_http = client.get(COMPLETIONS, params=PARAMS)
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH) as local:
        in_process = local.get(COMPLETIONS, params=PARAMS)
    assert over_http.status_code == 200
    assert over_http.headers["content-type"] == "application/json"
    assert over_http.headers["content-length"] == str(len(over_http.content))
    assert over_http.content == in_process.content


def test_loopback_pagination_errors_and_keep_alive() -> None:
    fake = FakeUsageAPI()
    with running_server(fake) as base_url, httpx.Client(base_url=base_url, headers=AUTH) as client:
        pages = list(
            walk(client, COMPLETIONS, {"start_time": NOW - 3 * 86400, "bucket_width": "1h"})
        )
        assert len(pages) == 3  # 72 hourly buckets at the default 24 per page
        assert client.get("/organization/usage/nope", params={}).status_code == 404
        assert client.post(COMPLETIONS, content=b"{}").status_code == 405
        assert client.get(COMPLETIONS, params={"start_time": "x"}).status_code == 400
        unauthorised = httpx.get(f"{base_url}{COMPLETIONS}", params={"start_time": NOW - 86400})
        assert unauthorised.status_code == 401
        last = client.get(COMPLETIONS, params={"start_time": NOW - 86400})
        assert last.status_code == 200
        assert last.http_version == "HTTP/1.1"
        assert "close" not in last.headers.get("connection", "").lower()  # kept alive
    assert [r.path for r in fake.requests][:1] == [f"/v1{COMPLETIONS}"]


def test_loopback_faults() -> None:
    schedule = FaultSchedule(script=["429", "timeout", "disconnect", None], hang_seconds=0.5)
    fake = FakeUsageAPI(faults=schedule)
    with running_server(fake) as base_url:
        with httpx.Client(base_url=base_url, headers=AUTH, timeout=0.2) as client:
            limited = client.get(COMPLETIONS, params={"start_time": NOW - 86400})
            assert limited.status_code == 429
            assert limited.headers["retry-after"] == "1"
            with pytest.raises(httpx.ReadTimeout):
                client.get(COMPLETIONS, params={"start_time": NOW - 86400})
        with httpx.Client(base_url=base_url, headers=AUTH, timeout=2.0) as client:
            with pytest.raises(httpx.RemoteProtocolError):
                client.get(COMPLETIONS, params={"start_time": NOW - 86400})
            assert client.get(COMPLETIONS, params={"start_time": NOW - 86400}).status_code == 200


def test_loopback_latency_and_concurrency() -> None:
    fake = FakeUsageAPI(latency=0.1)
    limits = httpx.Limits(max_connections=16)
    with (
        running_server(fake) as base_url,
        httpx.Client(base_url=base_url, headers=AUTH, limits=limits) as client,
    ):

        def fetch(day: int) -> int:
            start = NOW - (day + 2) * 86400
            response = client.get(COMPLETIONS, params={"start_time": start, "limit": 1})
            return response.status_code

        with ThreadPoolExecutor(max_workers=16) as pool:
            statuses = list(pool.map(fetch, range(16)))
    assert statuses == [200] * 16
    # Served concurrently, not one after another: while one request slept its 0.1 s of
    # latency, others were being served.
    assert fake.peak_in_flight > 1


@pytest.mark.asyncio
async def test_async_client_over_loopback() -> None:
    fake = FakeUsageAPI()
    with running_server(fake) as base_url:
        async with httpx.AsyncClient(base_url=base_url, headers=AUTH) as client:
            response = await client.get(COMPLETIONS, params=PARAMS)
    assert response.status_code == 200
    assert response.json()["object"] == "page"


def test_serve_returns_a_bound_server_to_run() -> None:
    fake = FakeUsageAPI()
    server = serve(fake, port=0)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        response = httpx.get(
            f"http://127.0.0.1:{port}/organization/costs",
            params={"start_time": NOW - 86400},
            headers=AUTH,
        )
        assert response.status_code == 200
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_loopback_costs_past_the_end_and_hostile_faults() -> None:
    fake = FakeUsageAPI(faults=FaultSchedule(script=[None, None, "echo_auth", "301", "quota"]))
    params: dict[str, Any] = {"start_time": NOW - 3 * 86400, "limit": 31}
    with running_server(fake) as base_url, httpx.Client(base_url=base_url, headers=AUTH) as client:
        last = client.get("/organization/costs", params=params).json()
        assert last["data"]
        assert last["has_more"] is True
        empty = client.get("/organization/costs", params={**params, "page": last["next_page"]})
        assert empty.json()["data"] == []
        assert empty.json()["next_page"] not in (None, last["next_page"])
        echoed = client.get(COMPLETIONS, params=params)
        assert echoed.status_code == 401
        assert AUTH["Authorization"] in echoed.json()["error"]["message"]
        moved = client.get(COMPLETIONS, params=params)  # httpx does not follow by default
        assert moved.status_code == 301
        assert moved.headers["location"].startswith(
            "https://usage-redirect.example.invalid/v1/organization/usage/completions?"
        )
        quota = client.get(COMPLETIONS, params=params)
        assert quota.status_code == 429
        assert "retry-after" not in quota.headers
