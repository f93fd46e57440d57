"""What the live API refuses and no spec says: a one-year lookback, refused groupings.

The fake does both by default (``FakeUsageAPI``: ``lookback_days=365``; costs by ``user_id``
with ``project_id`` refused, more refusals by switch). Its clock is fixed at 2026-11-25T12:00Z,
so it serves starts from 2025-11-25 on. A transport in front of it records what was asked.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest

from openai_org_usage import OPERATIONS, GroupingRefusedError, UsageClient
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI
from openai_org_usage.store import LookbackClamp, sync
from openai_org_usage.store._fetch import next_to_drop

NOW = DEFAULT_NOW
TODAY = datetime(2026, 11, 25, tzinfo=UTC)
EARLIEST = datetime(2025, 11, 25, tzinfo=UTC)  # midnight(NOW) - 365 days, the fake's limit
COSTS = "/v1/organization/costs"
ALL_COSTS = OPERATIONS["costs"].group_by
NO_USER = tuple(f for f in ALL_COSTS if f != "user_id")


class Front(httpx.BaseTransport):
    """Records every request's URL on its way to the fake."""

    def __init__(self, fake: FakeUsageAPI) -> None:
        self.inner = fake.transport()
        self.sent: list[httpx.URL] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.url)
        return self.inner.handle_request(request)

    def client(self) -> UsageClient:
        # One request at a time: which requests were sent, in what order, is fixed.
        return UsageClient("sk-admin-test", transport=self, max_concurrency=1)

    def group_bys(self, path: str) -> list[tuple[str, ...]]:
        return [tuple(u.params.get_list("group_by")) for u in self.sent if u.path == path]


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def spend(fake: FakeUsageAPI, start: datetime, end: datetime) -> float:
    client = UsageClient("sk-admin-test", transport=fake.transport())
    total = 0.0
    for row in client.costs(start=start, end=end).results():
        amount: Any = row.result.amount
        total += amount.value
    return total


def test_since_older_than_the_api_serves_loads_from_its_earliest_day(tmp_path: Path) -> None:
    front = Front(FakeUsageAPI())
    db = tmp_path / "usage.duckdb"
    report = sync(
        front.client(), db, since="2024-01-01", operations=["costs"], now=NOW, directory=False
    )
    (costs,) = report.operations
    assert costs.clamp == LookbackClamp(datetime(2024, 1, 1, tzinfo=UTC), EARLIEST, stated=True)
    assert (costs.start, costs.synced_until) == (EARLIEST, TODAY)
    starts = [datetime.fromtimestamp(int(u.params["start_time"]), UTC) for u in front.sent]
    assert starts[0] == datetime(2024, 1, 1, tzinfo=UTC)  # asked once as given ...
    assert min(starts[1:]) == EARLIEST  # ... then never older than the day the API named
    ((first, count, total),) = query(
        db, "SELECT min(bucket_start), count(*), sum(amount_value) FROM costs"
    )
    assert first.astimezone(UTC) == EARLIEST
    assert count == costs.rows > 0
    assert total == pytest.approx(spend(FakeUsageAPI(lookback_days=None), EARLIEST, NOW))


def test_the_live_costs_refusal_costs_one_request_once(tmp_path: Path) -> None:
    """The default fake, as the live API: costs by user_id with project_id refused."""
    fake = FakeUsageAPI()
    front = Front(fake)
    db = tmp_path / "u.duckdb"
    report = sync(
        front.client(), db, since="2026-11-01", operations=["costs"], now=NOW, directory=False
    )
    assert front.group_bys(COSTS) == [ALL_COSTS, NO_USER]  # one refused request, one page
    (costs,) = report.operations
    assert (costs.group_by, costs.refused, costs.pages) == (NO_USER, ("user_id",), 1)
    assert costs.refused_now == ("user_id",)
    assert query(db, "SELECT count(*) FROM costs WHERE user_id IS NOT NULL") == [(0,)]
    ((total,),) = query(db, "SELECT sum(amount_value) FROM costs")
    assert total == pytest.approx(spend(fake, datetime(2026, 11, 1, tzinfo=UTC), NOW))

    # A later run remembers: one request, never the refused grouping again.
    sent = len(front.sent)
    again = sync(front.client(), db, operations=["costs"], now=NOW, directory=False)
    assert front.group_bys(COSTS)[sent:] == [NO_USER]
    assert again.requests == 1
    assert again.operations[0].refused == ("user_id",)
    assert again.operations[0].refused_now == ()  # remembered, not refused again
    ((after,),) = query(db, "SELECT sum(amount_value) FROM costs")
    assert after == pytest.approx(total)


def test_a_bucket_fetched_again_at_a_coarser_grain_is_never_counted_twice(
    tmp_path: Path,
) -> None:
    """Stored by every field, then the API starts refusing api_key_id: the re-read window
    is replaced at the coarser grain, and the sum over the table is still the bill."""
    db = tmp_path / "u.duckdb"
    fine = FakeUsageAPI(refused_groupings={})
    sync(
        Front(fine).client(), db, since="2026-11-15", operations=["costs"], now=NOW, directory=False
    )
    coarse = FakeUsageAPI(refuse_costs_api_key_grouping=True)
    report = sync(Front(coarse).client(), db, operations=["costs"], now=NOW, directory=False)
    assert set(report.operations[0].refused) == {"user_id", "api_key_id"}
    assert set(report.operations[0].refused_now) == {"user_id", "api_key_id"}
    ((total,),) = query(db, "SELECT sum(amount_value) FROM costs")
    assert total == pytest.approx(spend(fine, datetime(2026, 11, 15, tzinfo=UTC), NOW))
    window = "bucket_start >= '2026-11-22 00:00:00+00'"
    assert query(db, f"SELECT count(*) FROM costs WHERE {window} AND api_key_id IS NOT NULL") == [
        (0,)
    ]
    assert (
        query(db, f"SELECT count(*) FROM costs WHERE NOT {window} AND api_key_id IS NOT NULL")[0][0]
        > 0
    )


def test_a_grouping_refused_whatever_is_dropped_fails_with_the_api_error(
    tmp_path: Path,
) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        body = {
            "error": {
                "message": "Invalid group_by combination",
                "type": "invalid_request_error",
                "param": "group_by",
                "code": "invalid_group_by",
            }
        }
        return httpx.Response(400, json=body, request=request)

    transport = httpx.MockTransport(refuse)
    client = UsageClient("sk-admin-test", transport=transport, max_concurrency=1, max_retries=0)
    with pytest.raises(GroupingRefusedError):
        sync(client, tmp_path / "u.duckdb", operations=["costs"], now=NOW, directory=False)


def test_drop_order() -> None:
    assert next_to_drop(ALL_COSTS) == "user_id"
    assert next_to_drop(NO_USER) == "api_key_id"
    assert next_to_drop(("project_id", "line_item")) == "line_item"
    assert next_to_drop(("project_id",)) == "project_id"
    assert next_to_drop(()) is None
