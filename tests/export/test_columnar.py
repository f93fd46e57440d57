"""The columnar path (to_arrow, arrow_batches, to_pandas) against the object path.

The object path is the reference: ``export.to_pandas`` / ``export.to_arrow`` over
``.results()``, built from typed result objects. For every operation, on generated pages (nulls,
keys left out, keys the schema lacks, results of unknown types, empty buckets and empty pages),
the columnar path must give the same table and the same frame, refuse the same pages with the
same error, and keep the paging checks.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pandas as pd
import pyarrow as pa
import pytest
from _pages import D0, DAY, pages
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openai_org_usage import (
    OPERATIONS,
    AsyncUsageClient,
    MissingDependencyError,
    PaginationError,
    ResponseValidationError,
    UsageClient,
    export,
)
from openai_org_usage._columnar import decode_page
from openai_org_usage._parse import parse_page

KEY = "sk-admin-test-dummy"
NAMES = sorted(OPERATIONS)
START = datetime.fromtimestamp(D0, UTC)


def serving(body: bytes | Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    if callable(body):
        return httpx.MockTransport(body)
    return httpx.MockTransport(lambda request: httpx.Response(200, content=body))


def paginator(client: Any, name: str, days: int, **kwargs: Any) -> Any:
    end = datetime.fromtimestamp(D0 + days * DAY, UTC)
    return getattr(client, name)(start=START, end=end, bucket_width="1d", **kwargs)


def response(body: bytes) -> httpx.Response:
    return httpx.Response(200, content=body, request=httpx.Request("GET", "http://127.0.0.1/"))


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_columnar_equals_the_object_path(name: str, data: st.DataObject) -> None:
    operation = OPERATIONS[name]
    days = data.draw(st.integers(1, 4), label="days")
    body = json.dumps(data.draw(pages(operation, days), label="page")).encode()
    with UsageClient(KEY, transport=serving(body), max_concurrency=1) as client:
        p = paginator(client, name, days)
        expected_frame = export.to_pandas(operation, p.results())
        expected_table = export.to_arrow(operation, p.results())
        frame = p.to_pandas()
        table = p.to_arrow()
        batches = list(p.arrow_batches())
    pd.testing.assert_frame_equal(frame, expected_frame)
    assert table.schema == export.arrow_schema(operation)
    assert table.equals(expected_table), (table.to_pylist(), expected_table.to_pylist())
    assert len(batches) == 1  # one page, one batch
    assert all(b.schema == table.schema for b in batches)
    assert sum(b.num_rows for b in batches) == len(frame)
    # The frame of a table, as a caller would make it, is the same frame.
    pd.testing.assert_frame_equal(export.arrow_to_pandas(table), expected_frame)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_columnar_refuses_what_the_object_path_refuses(name: str, data: st.DataObject) -> None:
    operation = OPERATIONS[name]
    body = json.dumps(data.draw(pages(operation, 2, broken=True), label="page")).encode()
    try:
        parse_page(operation, response(body))
    except ResponseValidationError as exc:
        expected: str | None = str(exc)
    else:
        expected = None
    if expected is None:
        batch = decode_page(operation, response(body)).batch
        assert batch.schema == export.arrow_schema(operation)
    else:
        with pytest.raises(ResponseValidationError) as info:
            decode_page(operation, response(body))
        assert str(info.value) == expected


def test_the_refusing_generator_reaches_refusals() -> None:
    operation = OPERATIONS["costs"]
    refused = []

    @settings(max_examples=30, deadline=None)
    @given(page=pages(operation, 2, broken=True))
    def probe(page: dict[str, Any]) -> None:
        try:
            decode_page(operation, response(json.dumps(page).encode()))
        except ResponseValidationError:
            refused.append(True)

    probe()
    assert refused


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"not json", "body is not JSON"),
        (b'{"object": "page", "data": [], "has_more": "no"}', "has_more is str"),
        (
            b'{"object": "page", "has_more": false, "data": [{"object": "bucket", '
            b'"start_time": 1793577600, "end_time": 1793491200, "results": []}]}',
            "ends before it starts",
        ),
    ],
)
def test_malformed_pages_are_response_validation_errors(body: bytes, problem: str) -> None:
    with UsageClient(KEY, transport=serving(body), max_concurrency=1) as client:
        p = paginator(client, "completions", 1)
        with pytest.raises(ResponseValidationError, match=problem):
            p.to_arrow()


def _bucket(day: int) -> dict[str, Any]:
    start = D0 + day * DAY
    return {"object": "bucket", "start_time": start, "end_time": start + DAY, "results": []}


def test_a_gap_is_a_pagination_error_on_the_columnar_path() -> None:
    page = {"object": "page", "data": [_bucket(0), _bucket(2)], "has_more": False}
    with UsageClient(KEY, transport=serving(json.dumps(page).encode()), max_concurrency=1) as c:
        p = paginator(c, "completions", 3)
        with pytest.raises(PaginationError, match="skip"):
            p.to_arrow()
        with pytest.raises(PaginationError, match="skip"):
            list(p.arrow_batches())


def test_has_more_without_a_cursor_is_a_pagination_error() -> None:
    page = {"object": "page", "data": [_bucket(0)], "has_more": True, "next_page": None}
    with UsageClient(KEY, transport=serving(json.dumps(page).encode()), max_concurrency=1) as c:
        p = paginator(c, "completions", 3)
        with pytest.raises(PaginationError, match="next_page is empty"):
            p.to_pandas()


def test_a_repeated_cursor_is_a_pagination_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        day = 0 if "page" not in request.url.params else 1
        page = {"object": "page", "data": [_bucket(day)], "has_more": True, "next_page": "c1"}
        return httpx.Response(200, json=page)

    with UsageClient(KEY, transport=serving(answer), max_concurrency=1) as c:
        p = paginator(c, "completions", 3, limit=1)
        with pytest.raises(PaginationError, match="already followed"):
            p.to_arrow()


def test_batches_follow_cursors_one_per_page_in_order() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        day = int(request.url.params.get("page", "0"))
        bucket = _bucket(day)
        bucket["results"] = [
            {
                "object": "organization.usage.completions.result",
                "input_tokens": day,
                "output_tokens": 1,
                "num_model_requests": 1,
                "input_cached_tokens": 0,
            }
        ]
        more = day < 2
        page = {
            "object": "page",
            "data": [bucket],
            "has_more": more,
            "next_page": str(day + 1) if more else None,
        }
        return httpx.Response(200, json=page)

    with UsageClient(KEY, transport=serving(answer), max_concurrency=1) as c:
        p = paginator(c, "completions", 3, limit=1)
        batches = list(p.arrow_batches())
        expected = export.to_pandas("completions", p.results())
        frame = p.to_pandas()
    assert [b.num_rows for b in batches] == [1, 1, 1]
    assert [b.column("input_tokens").to_pylist() for b in batches] == [[0], [1], [2]]
    pd.testing.assert_frame_equal(frame, expected)


def test_concurrent_windows_give_the_object_path_frame() -> None:
    from openai_org_usage.fake import FakeUsageAPI

    with UsageClient(KEY, transport=FakeUsageAPI(seed=0).transport(), max_concurrency=4) as c:
        for name, operation in OPERATIONS.items():
            p = (
                c.costs(start="30d", group_by=["project_id", "line_item"], limit=7)
                if name == "costs"
                else (
                    getattr(c, name)(
                        start="3d", bucket_width="1h", group_by=list(operation.group_by), limit=24
                    )
                )
            )
            batches = list(p.arrow_batches())
            assert len(batches) > 1, name  # several windows
            frame = p.to_pandas()
            pd.testing.assert_frame_equal(frame, export.to_pandas(operation, p.results()))
            starts = pa.concat_arrays([b.column("bucket_start") for b in batches]).to_pylist()
            assert starts == sorted(starts), name  # bucket order across windows


def test_empty_range_gives_the_schema_and_no_rows() -> None:
    # What the API answers for two days without usage: both buckets, with no results.
    data = [
        {
            "object": "bucket",
            "start_time": D0 + n * DAY,
            "end_time": D0 + (n + 1) * DAY,
            "results": [],
        }
        for n in range(2)
    ]
    page = {"object": "page", "data": data, "has_more": False, "next_page": None}
    with UsageClient(KEY, transport=serving(json.dumps(page).encode()), max_concurrency=1) as c:
        p = paginator(c, "costs", 2)
        table = p.to_arrow()
        frame = p.to_pandas()
        expected = export.to_pandas("costs", p.results())
    assert table.num_rows == 0
    assert table.schema == export.arrow_schema("costs")
    pd.testing.assert_frame_equal(frame, expected)


def test_an_integer_beyond_64_bits_is_a_response_validation_error() -> None:
    result = {
        "object": "organization.usage.completions.result",
        "input_tokens": 2**70,
        "output_tokens": 1,
        "num_model_requests": 1,
        "input_cached_tokens": 0,
    }
    bucket = _bucket(0)
    bucket["results"] = [result]
    page = {"object": "page", "data": [bucket], "has_more": False}
    with pytest.raises(ResponseValidationError, match="input_tokens"):
        decode_page(OPERATIONS["completions"], response(json.dumps(page).encode()))


def test_async_columnar_equals_sync() -> None:
    from openai_org_usage.fake import FakeUsageAPI

    fake = FakeUsageAPI(seed=0)

    async def pull() -> tuple[pa.Table, pd.DataFrame, list[pa.RecordBatch]]:
        async with AsyncUsageClient(KEY, transport=fake.transport(), max_concurrency=3) as c:
            p = c.completions(start="2d", bucket_width="1h", group_by=["model"])
            batches = [b async for b in p.arrow_batches()]
            return await p.to_arrow(), await p.to_pandas(), batches

    table, frame, batches = asyncio.run(pull())
    with UsageClient(KEY, transport=fake.transport(), max_concurrency=3) as c:
        p = c.completions(start="2d", bucket_width="1h", group_by=["model"])
        expected = p.to_arrow()
        expected_frame = export.to_pandas("completions", p.results())
    assert table.equals(expected)
    assert pa.Table.from_batches(batches).equals(expected)
    pd.testing.assert_frame_equal(frame, expected_frame)


def test_without_pyarrow_the_arrow_extra_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    requests: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(500)

    with UsageClient(KEY, transport=serving(answer), max_concurrency=1) as c:
        p = paginator(c, "costs", 2)
        with pytest.raises(MissingDependencyError, match=r"openai-org-usage\[arrow\]"):
            p.arrow_batches()  # at the call, not at the first batch
        with pytest.raises(MissingDependencyError, match=r"\[arrow\]"):
            p.to_arrow()
        with pytest.raises(MissingDependencyError, match="pyarrow"):
            p.to_pandas()
        with pytest.raises(MissingDependencyError, match=r"\[arrow\]"):
            export.arrow_schema("costs")
    assert requests == []  # refused before any request
