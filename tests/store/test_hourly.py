"""Hourly tables (``sync(bucket_width="1h")``) and what the sync holds in memory at once.

The hourly tables keep the daily ones' promises (rows equal the library's, an idempotent
second run, a restated hour replaced, an emptied hour removed), on the destinations that
merge. How much the source holds is counted through ``SyncHooks.held``, never timed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dlt
import pytest
from _store_targets import CountingTransport, Target

from openai_org_usage import OPERATIONS, InvalidParameterError, UsageClient
from openai_org_usage.export import row_values
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI
from openai_org_usage.store import _fetch as fetch_module
from openai_org_usage.store import _source as source_module
from openai_org_usage.store import sync, usage_source
from openai_org_usage.store._schema import HOURLY_TABLES
from openai_org_usage.store._source import SyncHooks

NOW = DEFAULT_NOW  # 2026-11-25T12:00Z
OPS = ("completions", "embeddings")
SINCE = datetime(2026, 11, 20, tzinfo=UTC)


def accepting(**options: Any) -> FakeUsageAPI:
    return FakeUsageAPI(refused_groupings={}, **options)


def hourly_rows(
    fake: FakeUsageAPI, op: str, start: datetime, end: datetime
) -> list[tuple[Any, ...]]:
    """What ``op``'s hourly table should hold over ``[start, end)``, from the library."""
    with UsageClient("sk-admin-test", transport=fake.transport()) as client:
        paginator = getattr(client, op)(
            start=start, end=end, bucket_width="1h", group_by=list(OPERATIONS[op].group_by)
        )
        cols = HOURLY_TABLES[op].columns
        rows = [("default", *row_values(cols, row)) for row in paginator.results()]
    return sorted(rows, key=repr)


def run(target: Target, fake: FakeUsageAPI, **options: Any) -> tuple[Any, CountingTransport]:
    counting = CountingTransport(fake.transport())
    with UsageClient("sk-admin-test", transport=counting) as client:
        report = sync(
            client,
            **target.sync_args(),
            now=NOW,
            directory=False,
            operations=OPS,
            bucket_width="1h",
            **options,
        )
    return report, counting


def stored(target: Target) -> dict[str, list[tuple[Any, ...]]]:
    return {op: target.rows(HOURLY_TABLES[op].name) for op in OPS}


@pytest.mark.parametrize("target", ["duckdb", "postgres"], indirect=True)
def test_hourly_rows_equal_the_librarys_and_a_second_run_changes_nothing(
    target: Target,
) -> None:
    report, first = run(target, accepting(), since=SINCE)
    assert report.ok
    # 132 complete hours and the partial 13th of the 25th: one page of the first 168 hours.
    assert report.requests == len(first.paths) == len(OPS)
    assert {op.table for op in report.operations} == {HOURLY_TABLES[op].name for op in OPS}
    # Only complete hours advance the state: up to 12:00, not the next midnight.
    assert {op.synced_until for op in report.operations} == {NOW}
    rows = stored(target)
    for op in OPS:
        expected = hourly_rows(accepting(), op, SINCE, NOW)
        assert expected, op
        assert rows[op] == expected, op
        assert report.rows[op] == len(expected)
    assert all(any(row[1].hour == 9 for row in rows[op]) for op in OPS)  # not days

    again, second = run(target, accepting())
    assert again.requests == len(second.paths) == len(OPS)  # the window fits one page
    assert {op.start for op in again.operations} == {NOW - timedelta(days=3)}
    assert stored(target) == rows


@pytest.mark.parametrize("target", ["duckdb", "postgres"], indirect=True)
def test_a_restated_hour_is_replaced_and_the_daily_tables_are_left_alone(
    target: Target,
) -> None:
    """Seed 1 stands for the API having restated every hour: the trailing window's hours
    hold exactly seed 1's rows, the hours before keep seed 0's."""
    run(target, accepting(seed=0), since=SINCE)
    run(target, accepting(seed=1))
    window = NOW - timedelta(days=3)
    rows = stored(target)
    for op in OPS:
        old = hourly_rows(accepting(seed=0), op, SINCE, window)
        new = hourly_rows(accepting(seed=1), op, window, NOW)
        assert rows[op] == sorted(old + new, key=repr), op
        gone = set(hourly_rows(accepting(seed=0), op, window, NOW)) - set(new)
        assert gone, "seed 0 has hourly groups in the window that seed 1 does not"
    if target.kind == "duckdb":
        tables = {name for (name,) in target.query("SELECT table_name FROM duckdb_tables()")}
        assert "usage_completions" not in tables  # hourly beside daily, never instead


def test_hourly_arguments_are_checked_before_anything(tmp_path: Path) -> None:
    client = UsageClient("sk-admin-test", transport=accepting().transport())
    db = tmp_path / "u.duckdb"
    with pytest.raises(InvalidParameterError, match="bucket_width"):
        sync(client, db, bucket_width="1m", now=NOW)
    with pytest.raises(InvalidParameterError, match="operations serving 1h"):
        sync(client, db, bucket_width="1h", operations=["costs"], now=NOW)
    with pytest.raises(InvalidParameterError, match="attribution"):
        sync(client, db, bucket_width="1h", attribution=True, now=NOW)
    assert not db.exists()


def test_the_source_hands_pages_to_dlt_as_they_arrive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """However long the range, the source holds at most one batch of pages before dlt gets
    them, and the pages are sized by the byte budget: counted through ``SyncHooks.held`` over
    a year of costs, with a budget that makes pages of a few days."""
    monkeypatch.setattr(source_module, "_BATCH_ROWS", 2_000)
    monkeypatch.setattr(fetch_module, "BYTE_BUDGET", 800_000)  # pages of ~100 KB: ~4 days
    monkeypatch.setattr(fetch_module, "FIRST_BUCKETS", {"1d": 7, "1h": 168})
    held: list[tuple[int, int]] = []
    pages: list[int] = []
    hooks = SyncHooks(held=lambda table, n, rows: held.append((n, rows)))
    pipeline = dlt.pipeline(
        pipeline_name="held_test",
        pipelines_dir=str(tmp_path / "work"),
        destination=dlt.destinations.duckdb(str(tmp_path / "u.duckdb")),
        dataset_name="main",
    )
    with UsageClient("sk-admin-test", transport=accepting().transport()) as client:
        data = usage_source(
            client,
            operations=["costs"],
            since=NOW.replace(hour=0) - timedelta(days=364),
            now=NOW,
            directory=False,
            hooks=hooks,
            progress=lambda p: pages.append(p.rows),
        )
        pipeline.run(data)
    assert len(held) == len(pages) > 53  # one call per page; smaller pages than a week's
    assert max(pages[1:]) < 800_000 // 8 // 100  # a share of the budget, ~100 bytes a row
    most_pages = max(n for n, _ in held)
    assert most_pages <= 2_000 // min(pages) + 1, held
    assert max(rows for _, rows in held) < 2_000 + max(pages)
    assert held[-1][1] < 2_000 + max(pages)  # what was left for the last batch
