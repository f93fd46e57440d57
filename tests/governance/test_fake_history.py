"""The fake's realistic history: launch step, month-end job and injected anomalies, in the data."""

from __future__ import annotations

import calendar
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from openai_org_usage.fake import (
    AnomalySchedule,
    FakeUsageAPI,
    History,
    HistoryEvents,
    InjectedAnomaly,
)
from openai_org_usage.fake.__main__ import main as fake_main

AUTH = {"authorization": "Bearer sk-admin-test"}
SCHEDULE = AnomalySchedule(seed=3, count=24)


def _ts(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _buckets(
    fake: FakeUsageAPI, op: str, first: date, days: int, params: Sequence[tuple[str, str]] = ()
) -> list[dict[str, Any]]:
    path = "/v1/organization/costs" if op == "costs" else f"/v1/organization/usage/{op}"
    out: list[dict[str, Any]] = []
    start, end = _ts(first), _ts(first + timedelta(days=days))
    while start < end:
        query = [
            ("start_time", str(start)),
            ("end_time", str(end)),
            ("bucket_width", "1d"),
            ("limit", "31"),
            *params,
        ]
        status, _, body = fake.handle("GET", path, query, AUTH)
        assert status == 200, body[:300]
        page = json.loads(body)
        out += page["data"]
        start = page["data"][-1]["end_time"]
    return out


def _daily_cost(
    fake: FakeUsageAPI, first: date, days: int, params: Sequence[tuple[str, str]] = ()
) -> list[float]:
    return [
        sum(r["amount"]["value"] for r in b["results"])
        for b in _buckets(fake, "costs", first, days, params)
    ]


@pytest.fixture(scope="module")
def injected() -> FakeUsageAPI:
    return FakeUsageAPI(seed=0, history=History(anomalies=SCHEDULE))


@pytest.fixture(scope="module")
def clean() -> FakeUsageAPI:
    return FakeUsageAPI(seed=0, history="realistic")


def test_the_default_history_is_unchanged() -> None:
    default, named = FakeUsageAPI(seed=0), FakeUsageAPI(seed=0, history="default")
    assert default.history is None
    assert named.history is None
    assert default.history_events == HistoryEvents()
    assert default.injected_anomalies == ()
    assert len(default.org.cost_lines) == len(named.org.cost_lines)
    first = default.now.date() - timedelta(days=120)
    params = [("group_by", "project_id"), ("group_by", "line_item")]
    assert _buckets(default, "costs", first, 120, params) == _buckets(
        named, "costs", first, 120, params
    )
    realistic = _buckets(FakeUsageAPI(seed=0, history="realistic"), "costs", first, 120, params)
    assert realistic != _buckets(default, "costs", first, 120, params)


def test_the_launch_step_is_visible_in_costs(clean: FakeUsageAPI) -> None:
    step = clean.history_events.launch
    assert step is not None
    assert 1.6 <= step.factor <= 2.5
    assert 90 <= (clean.now.date() - step.day).days <= 300
    for project in clean.org.projects:
        days = _daily_cost(clean, step.day - timedelta(days=28), 56, [("project_ids", project)])
        ratio = sum(days[28:]) / sum(days[:28])
        if project == step.project_id:
            assert ratio == pytest.approx(step.factor, rel=0.2)
        else:
            assert ratio == pytest.approx(1.0, abs=0.2)


def test_the_month_end_job_runs_on_the_last_days_of_each_month(clean: FakeUsageAPI) -> None:
    (job,) = clean.history_events.month_end_jobs
    assert 1 <= job.days <= 3
    assert 0.8 <= job.daily_share <= 2.0
    assert job.api_key_id is not None
    assert job.model is not None
    assert job.user_id is not None
    assert all("batch" in item for item in job.line_items)
    without = FakeUsageAPI(seed=0, history=History(month_end=False))
    assert without.history_events.month_end_jobs == ()
    first = clean.now.date() - timedelta(days=150)
    params = [("project_ids", job.project_id)]
    extra = [
        a - b
        for a, b in zip(
            _daily_cost(clean, first, 150, params),
            _daily_cost(without, first, 150, params),
            strict=True,
        )
    ]
    typical = sum(_daily_cost(without, first, 150, params)) / 150
    for i, gap in enumerate(extra):
        day = first + timedelta(days=i)
        last = calendar.monthrange(day.year, day.month)[1]
        if day.day > last - job.days:
            # A batch job ignores the weekday: each of its days adds about its share of a day.
            assert gap > 0.3 * job.daily_share * typical, day
        else:
            assert gap == pytest.approx(0.0, abs=1e-9), day
    # The same traffic in usage: the job's key, user and model, batch, on those days only.
    usage = _buckets(
        clean,
        "completions",
        first,
        150,
        [
            ("api_key_ids", job.api_key_id),
            ("user_ids", job.user_id),
            ("models", job.model),
            ("batch", "true"),
        ],
    )
    ran = [datetime.fromtimestamp(b["start_time"], UTC).date() for b in usage if b["results"]]
    assert ran
    assert all(d.day > calendar.monthrange(d.year, d.month)[1] - job.days for d in ran)


def test_anomalies_are_as_many_and_where_the_schedule_says(injected: FakeUsageAPI) -> None:
    anomalies = injected.injected_anomalies
    assert len(anomalies) == SCHEDULE.count
    assert sum(a.kind == "spike" for a in anomalies) == SCHEDULE.count // 2
    today = injected.now.date()
    step = injected.history_events.launch
    assert step is not None
    for a in anomalies:
        assert 0 < (today - a.day).days <= 183
        last = calendar.monthrange(a.day.year, a.day.month)[1]
        assert 3 < a.day.day <= last - 3
        assert a.project_id in injected.org.projects
        if a.project_id == step.project_id:
            assert not 0 <= (a.day - step.day).days < 14
        if a.kind == "spike":
            assert a.api_key_id is not None
            assert a.model is not None
            assert a.factor > 1
            assert 0.8 <= a.magnitude <= 2.5
            assert all(item.startswith(a.model) for item in a.line_items)
        else:
            assert a.api_key_id is None
            assert 0 <= a.factor <= 0.3
            assert a.magnitude == pytest.approx(a.factor - 1)


def _spike(fake: FakeUsageAPI) -> InjectedAnomaly:
    return next(a for a in fake.injected_anomalies if a.kind == "spike")


def test_a_spike_is_in_costs_and_usage_at_its_day_scope_and_size(
    injected: FakeUsageAPI, clean: FakeUsageAPI
) -> None:
    for a in injected.injected_anomalies:
        if a.kind != "spike":
            continue
        assert a.api_key_id is not None
        assert a.model is not None
        first = a.day - timedelta(days=1)
        by_key = [("api_key_ids", a.api_key_id), ("group_by", "line_item")]
        for fake_days, clean_days in zip(
            _buckets(injected, "costs", first, 3, by_key),
            _buckets(clean, "costs", first, 3, by_key),
            strict=True,
        ):
            day = datetime.fromtimestamp(fake_days["start_time"], UTC).date()
            for r, c in zip(fake_days["results"], clean_days["results"], strict=True):
                assert r["line_item"] == c["line_item"]
                hit = day == a.day and r["line_item"] in a.line_items
                ratio = r["amount"]["value"] / c["amount"]["value"]
                # Integer counts (images, requests) round: a few percent on small days.
                assert ratio == pytest.approx(a.factor if hit else 1.0, rel=0.05), (day, r)
        usage = [("api_key_ids", a.api_key_id), ("models", a.model)]
        spiked = _buckets(injected, "completions", a.day, 1, usage)[0]["results"]
        before = _buckets(clean, "completions", a.day, 1, usage)[0]["results"]
        if spiked:
            ratio = spiked[0]["num_model_requests"] / before[0]["num_model_requests"]
            assert ratio == pytest.approx(a.factor, rel=0.05)
        # The project's day rose by about the stated magnitude (noise aside).
        project = [("project_ids", a.project_id)]
        rise = (
            _daily_cost(injected, a.day, 1, project)[0] / _daily_cost(clean, a.day, 1, project)[0]
        )
        assert 0.4 * a.magnitude < rise - 1 < 2.5 * a.magnitude


def test_a_drop_is_in_costs_and_usage_at_its_day_and_depth(
    injected: FakeUsageAPI, clean: FakeUsageAPI
) -> None:
    drops = [a for a in injected.injected_anomalies if a.kind == "drop"]
    assert drops
    for a in drops:
        # Everything but storage (bytes stored do not fall in an outage).
        items = [("project_ids", a.project_id), ("group_by", "line_item")]
        after, before = (
            {
                r["line_item"]: r["amount"]["value"]
                for r in _buckets(f, "costs", a.day, 1, items)[0]["results"]
            }
            for f in (injected, clean)
        )
        storage = "vector store storage"
        assert after.get(storage) == before.get(storage)
        rest_after = sum(v for k, v in after.items() if k != storage)
        rest_before = sum(v for k, v in before.items() if k != storage)
        # Integer counts (images, sessions) round on small days: a few cents.
        assert rest_after == pytest.approx(rest_before * a.factor, rel=0.03, abs=0.5)
        project = [("project_ids", a.project_id)]
        fell = _buckets(injected, "completions", a.day, 1, project)[0]["results"]
        was = _buckets(clean, "completions", a.day, 1, project)[0]["results"]
        requests = fell[0]["num_model_requests"] if fell else 0
        assert requests == pytest.approx(was[0]["num_model_requests"] * a.factor, rel=0.05, abs=5)


def test_injected_and_clean_differ_only_on_the_injected_days(
    injected: FakeUsageAPI, clean: FakeUsageAPI
) -> None:
    first = injected.now.date() - timedelta(days=190)
    marked = {(a.project_id, a.day) for a in injected.injected_anomalies}
    by_project = [("group_by", "project_id")]
    for a_day, c_day in zip(
        _buckets(injected, "costs", first, 190, by_project),
        _buckets(clean, "costs", first, 190, by_project),
        strict=True,
    ):
        day = datetime.fromtimestamp(a_day["start_time"], UTC).date()
        for r, c in zip(a_day["results"], c_day["results"], strict=True):
            same = r == c
            assert same != ((r["project_id"], day) in marked), (day, r["project_id"])


def test_the_history_follows_its_seeds() -> None:
    one = FakeUsageAPI(seed=1, history=History(anomalies=SCHEDULE))
    again = FakeUsageAPI(seed=1, history=History(anomalies=SCHEDULE))
    assert one.history_events == again.history_events
    first = one.now.date() - timedelta(days=60)
    params = [("group_by", "project_id")]
    assert _buckets(one, "costs", first, 60, params) == _buckets(again, "costs", first, 60, params)
    other = FakeUsageAPI(seed=1, history=History(anomalies=AnomalySchedule(seed=4)))
    assert other.injected_anomalies != one.injected_anomalies
    assert other.history_events.launch == one.history_events.launch
    moved = FakeUsageAPI(seed=1, history=History(seed=9))
    assert moved.history_events.launch != one.history_events.launch


def test_bad_histories_are_refused() -> None:
    with pytest.raises(ValueError, match="allowed: default, realistic"):
        FakeUsageAPI(history="weekly")
    with pytest.raises(TypeError):
        FakeUsageAPI(history=3)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="count"):
        AnomalySchedule(count=-1)
    with pytest.raises(ValueError, match="do not fit"):
        FakeUsageAPI(history=History(anomalies=AnomalySchedule(count=400, months=1)))
    with pytest.raises(SystemExit):
        fake_main(["--anomalies", "3"])
