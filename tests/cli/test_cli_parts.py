"""Unit tests of the command's parts: aggregation, columns, time range notes, progress."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from click.testing import Result

from openai_org_usage import Bucket, UsageClient
from openai_org_usage.cli import _fetch
from openai_org_usage.cli._fetch import expected_pages, fetch_all
from openai_org_usage.cli._formatting import describe_range, human_bytes, money, number
from openai_org_usage.cli._report import OTHER_METRICS, report_keys
from openai_org_usage.cli._report_build import build_report
from openai_org_usage.cli._rows import header, records
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage.timerange import RangeError, TimeRange, resolve
from openai_org_usage_client.models import (
    CostsResult,
    UsageCompletionsResult,
    UsageVectorStoresResult,
)

Invoke = Callable[..., Result]
DAY = timedelta(days=1)
D1 = datetime(2026, 11, 1, tzinfo=UTC)
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def _bucket(day: int, results: list[Any]) -> Bucket[Any]:
    return Bucket(D1 + day * DAY, D1 + (day + 1) * DAY, results)


def _cost(amount: float | None, project: str | None) -> CostsResult:
    body: dict[str, Any] = {"object": "organization.costs.result", "project_id": project}
    if amount is not None:
        body["amount"] = {"value": amount, "currency": "usd"}
    return CostsResult.from_dict(body)


def _completion(model: str, tokens_in: int, tokens_out: int) -> UsageCompletionsResult:
    return UsageCompletionsResult.from_dict(
        {
            "object": "organization.usage.completions.result",
            "input_tokens": tokens_in,
            "output_tokens": tokens_out,
            "num_model_requests": 1,
            "model": model,
        }
    )


def _store(size: int) -> UsageVectorStoresResult:
    return UsageVectorStoresResult.from_dict(
        {"object": "organization.usage.vector_stores.result", "usage_bytes": size}
    )


@pytest.fixture
def client() -> Iterator[UsageClient]:
    with UsageClient(api_key="demo", transport=FakeUsageAPI().transport()) as demo:
        yield demo


# -- build_report ------------------------------------------------------------------------------


def test_build_report_aggregates_and_keeps_gauges_as_levels() -> None:
    data: dict[str, list[Bucket[Any]]] = {key: [] for key in report_keys()}
    data["spend_by_project"] = [
        _bucket(0, [_cost(1.25, "proj_a"), _cost(2.5, "proj_b")]),
        _bucket(1, [_cost(3.0, "proj_a"), _cost(None, "proj_b"), _cost(0.5, None)]),
    ]
    data["models"] = [_bucket(0, [_completion("m1", 10, 5), _completion("m2", 100, 1)])]
    data["users"] = [_bucket(0, [_completion("x", 1, 1)])]
    # Levels 7 then 9 then an empty last day: the report says 9, as of day 1, never 16.
    data["vector_stores"] = [
        _bucket(0, [_store(7)]),
        _bucket(1, [_store(9)]),
        _bucket(2, []),
    ]
    report = build_report(data, TimeRange(D1, D1 + 3 * DAY), demo=False, top=1)
    assert report.total_spend == pytest.approx(7.25)
    assert [(s.name, s.amount) for s in report.spend_by_project] == [
        ("proj_a", 4.25),
        ("proj_b", 2.5),
        (None, 0.5),
    ]
    assert [m.name for m in report.models] == ["m2", "m1"]
    assert report.completions.input_tokens == 110
    assert report.other["vector_stores"]["usage_bytes"] == 9
    assert report.vector_stores_as_of == D1 + DAY
    assert set(report.other) == set(OTHER_METRICS)
    assert len(report.top_users) == 1
    assert report.to_dict()["spend_by_project"][2] == {"project_id": None, "amount": 0.5}
    json.dumps(report.to_dict())  # JSON-ready as is


# -- rows --------------------------------------------------------------------------------------


def test_records_drop_object_and_columns_keep_unknown_fields_last() -> None:
    result = CostsResult.from_dict(
        {
            "object": "organization.costs.result",
            "amount": {"value": 1.5, "currency": "usd"},
            "zeta_new_field": 1,
        }
    )
    (row,) = records([_bucket(0, [result])])
    assert "object" not in row
    assert row["bucket_start"] == "2026-11-01T00:00:00Z"
    assert row["amount_value"] == 1.5
    columns = header("costs", [row])
    assert columns[:4] == ["bucket_start", "bucket_end", "amount_value", "amount_currency"]
    assert columns[-1] == "zeta_new_field"
    assert list(row) == columns


def test_human_formatting() -> None:
    assert money(1234.567, "usd") == "$1,234.57"
    assert money(-2, "usd") == "-$2.00"
    assert money(3, "eur") == "3.00 EUR"
    assert number(1234567) == "1,234,567"
    assert number(2.0) == "2"
    assert human_bytes(3_989_286_983) == "3.99 GB"
    assert describe_range(D1, D1 + 7 * DAY) == "2026-11-01 to 2026-11-07 (7 UTC days)"
    assert describe_range(D1, D1 + DAY) == "2026-11-01 (1 UTC day)"


# -- time range --------------------------------------------------------------------------------


def test_resolve_default_is_30_days_before_end() -> None:
    got = resolve(start=None, end=None, last=None, tz=None, now=NOW)
    assert (got.start, got.end) == (NOW - 30 * DAY, NOW)


def test_resolve_reads_dates_in_the_zone() -> None:
    got = resolve(start="2026-11-01", end="2026-11-08", last=None, tz="Europe/Paris", now=NOW)
    assert got.start == datetime(2026, 10, 31, 23, tzinfo=UTC)
    note = got.boundary_note("1d")
    assert note is not None
    assert "daily buckets are UTC days, not Europe/Paris days" in note
    assert "first bucket starts mid-day" in note
    assert "ending 2026-11-08T00:00Z" in note


def test_no_note_for_utc_or_spans() -> None:
    utc = resolve(start="2026-11-01", end=None, last=None, tz="UTC", now=NOW)
    assert utc.boundary_note("1d") is None
    span = resolve(start=None, end=None, last="7d", tz="Europe/Paris", now=NOW)
    assert span.boundary_note("1d") is None  # 12:00 local is no requested day boundary
    assert span.boundary_note("1m") is None


def test_hourly_note_for_half_hour_offsets() -> None:
    got = resolve(start="2026-11-01T10:00", end=None, last=None, tz="+05:30", now=NOW)
    note = got.boundary_note("1h")
    assert note is not None
    assert "hourly buckets are UTC hours" in note
    assert got.boundary_note("1d") is None  # 10:00 local is not a local midnight


@pytest.mark.parametrize(
    ("kwargs", "flag"),
    [
        ({"start": "2026-11-01", "last": "7d"}, "--last"),
        ({"last": "7x"}, "--last"),
        ({"end": "soon"}, "--end"),
        ({"tz": "Nowhere/City"}, "--tz"),
    ],
)
def test_resolve_errors_name_the_option(kwargs: dict[str, str], flag: str) -> None:
    args: dict[str, Any] = {"start": None, "end": None, "last": None, "tz": None} | kwargs
    with pytest.raises(RangeError, match=flag):
        resolve(**args, now=NOW)


# -- pages and progress ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("operation", "width", "start", "end", "limit"),
    [
        ("completions", "1d", "2026-01-01", "2026-11-01", None),
        ("completions", "1h", "2026-11-01T05:30Z", "2026-11-10", None),
        ("costs", "1d", "2026-01-01", "2026-11-20", 7),
        ("embeddings", "1d", "2026-11-01", "2026-11-08", None),
    ],
)
def test_expected_pages_match_the_pages_fetched(
    client: UsageClient, operation: str, width: str, start: str, end: str, limit: int | None
) -> None:
    paginator = getattr(client, operation)(start=start, end=end, bucket_width=width, limit=limit)
    assert expected_pages(paginator) == len(list(paginator.pages()))


def test_progress_bar_when_stderr_is_a_terminal(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_fetch, "stderr_is_interactive", lambda: True)
    result = invoke(
        "usage", "completions", "--demo", "--start", "2026-01-01", "--end", "2026-11-01",
        "--format", "json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # the bar never reaches standard output
    assert len(rows) == 304


def test_fetch_all_without_terminal_returns_every_bucket(client: UsageClient) -> None:
    paginator = client.costs(start="2026-11-01", end="2026-11-08")
    (buckets,) = fetch_all([("costs", paginator)])
    assert [b.start for b in buckets] == [D1 + i * DAY for i in range(7)]
