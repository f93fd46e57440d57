"""How many requests the sync sends: pages sized by bytes, the first one a month long.

A small organization's year takes the API's longest pages (31 days of usage, 180 of costs);
a later run with nothing new sends one request per operation. What a large organization
holds is tested through ``SyncHooks.held`` (``test_hourly``), never timed.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from _store_targets import CountingTransport

from openai_org_usage import UsageClient
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI
from openai_org_usage.store import TABLES, sync

NOW = DEFAULT_NOW  # 2026-11-25T12:00Z


def test_a_small_year_takes_the_longest_pages_and_a_second_run_one_request_each(
    tmp_path: Path,
) -> None:
    fake = FakeUsageAPI(seed=0, refused_groupings={})
    db = tmp_path / "u.duckdb"
    since = NOW.replace(hour=0) - timedelta(days=364)
    counting = CountingTransport(fake.transport())
    with UsageClient("sk-admin-test", transport=counting) as client:
        first = sync(client, db, since=since, now=NOW, directory=False)
        # 365 daily buckets (the partial 365th included): a month first, then the longest
        # pages the API serves: 31 days of usage (12 pages), 180 of costs (3).
        usage = len(TABLES) - 1
        assert first.pages == {op: 3 if op == "costs" else 12 for op in TABLES}
        assert first.requests == len(counting.paths) == 12 * usage + 3 == 135
        again = sync(client, db, now=NOW, directory=False)
    assert again.requests == len(TABLES)
    assert again.total_rows > 0  # the trailing window, fetched again
