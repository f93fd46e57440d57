"""Reads made once: a key's spend from its project's usage only, and the report's attribution
and the month's anomalies from one fetch. Every figure stays the one the separate reads give."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from openai_org_usage import Bucket, Paginator, UsageClient
from openai_org_usage.anomalies import find_anomalies
from openai_org_usage.attribution import attribute, attribution_jobs, reconcile
from openai_org_usage.budget import anomaly_scopes, budget_status
from openai_org_usage.cli._report import fetch_report, report_jobs
from openai_org_usage.cli._report_build import build_report
from openai_org_usage.cli._this_month import ANOMALY_DAYS
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage.timerange import TimeRange

FAKE = FakeUsageAPI(seed=0)
NOW = FAKE.now  # 2026-11-25 12:00 UTC
TODAY = NOW.date()


class _Spy:
    """A fetch function that records the queries it was given."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, Any]] = []

    def __call__(self, jobs: Sequence[tuple[str, Paginator[Any]]]) -> list[list[Bucket[Any]]]:
        self.asked += [(label, p.query) for label, p in jobs]
        return [list(p) for _, p in jobs]


def test_usage_of_some_projects_reconciles_their_keys_to_the_whole_attributions_cents() -> None:
    with UsageClient("sk-admin-demo", transport=FAKE.transport()) as client:
        start = NOW - timedelta(days=10)
        whole = attribute(client, start=start, end=NOW, by=("api_key_id",))
        project = FAKE.org.projects[0]
        jobs = attribution_jobs(
            client, start=start, end=NOW, by=("api_key_id",), project_ids=[project]
        )
        assert [op for op, p in jobs if p.query.filters] == [op for op, _ in jobs[1:]]
        assert jobs[0][0] == "costs"  # the bill is never filtered
        part = reconcile({op: list(p) for op, p in jobs}, by=("api_key_id",))
    keys = {row.group["api_key_id"] for row in part.attributed_rows}
    assert keys  # the project has usage: the test compares something

    def rows(result: Any) -> list[tuple[Any, ...]]:
        return sorted(
            (r.start, r.group["api_key_id"], r.attributed, r.estimated)
            for r in result.attributed_rows
            if r.group["api_key_id"] in keys
        )

    assert rows(part) == rows(whole)
    assert part.totals.billed == whole.totals.billed  # the bill is read whole


def _report(start: datetime) -> tuple[_Spy, Any, Any]:
    with UsageClient("sk-admin-demo", transport=FAKE.transport()) as client:
        spy = _Spy()
        time_range = TimeRange(start, NOW)
        data = fetch_report(report_jobs(client, time_range, now=NOW), spy)
        alone = fetch_report(
            report_jobs(client, time_range, now=NOW, this_month=False),
            lambda jobs: [list(p) for _, p in jobs],
        )
    return (
        spy,
        build_report(data, time_range, demo=True),
        build_report(alone, time_range, demo=True),
    )


def _anomalies() -> list[Any]:
    with UsageClient("sk-admin-demo", transport=FAKE.transport()) as client:
        scopes = anomaly_scopes(client, now=NOW)
    return find_anomalies(scopes, start=TODAY - timedelta(days=ANOMALY_DAYS), end=TODAY)


def test_the_report_and_the_months_anomalies_share_one_attribution_fetch() -> None:
    for start in (NOW - timedelta(days=7), datetime(2026, 11, 10, tzinfo=UTC)):
        spy, report, alone = _report(start)
        labels = [label for label, _ in spy.asked]
        # Usage for attribution: once over the widened range, and a mid-day first day apart.
        assert labels.count("completions for attribution") == 1
        first_day = labels.count("completions for attribution (first day)")
        assert first_day == (0 if start.hour == 0 else 1)
        assert report.to_dict() | {"this_month": None} == alone.to_dict()
        month = report.this_month
        assert month is not None
        assert [(a.day, a.scope_kind, a.scope_id, a.jump) for a in month.anomalies] == [
            (a.day, a.scope_kind, a.scope_id, a.jump) for a in _anomalies()
        ]


class _Counting(httpx.BaseTransport):
    """The fake, counting the usage requests."""

    def __init__(self) -> None:
        self.inner = FakeUsageAPI(seed=0).transport()
        self.usage = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.usage += request.url.path.startswith("/v1/organization/usage/")
        return self.inner.handle_request(request)


def test_without_keys_to_show_no_usage_is_read() -> None:
    counting = _Counting()
    with UsageClient("sk-admin-demo", transport=counting) as client:
        status = budget_status(client, now=NOW, keys=False)
        assert not [s for s in status.scopes if s.kind == "api_key"]
        assert counting.usage == 0
        status = budget_status(client, now=NOW)
    assert [s for s in status.scopes if s.kind == "api_key"]
    assert counting.usage > 0  # the counter counts
