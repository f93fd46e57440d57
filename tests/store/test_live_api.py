"""Sync against what the live API does and no spec says: a one-year lookback, refused groupings.

The fake does both by default (``FakeUsageAPI``: ``lookback_days=365``; costs by ``user_id``
with ``project_id`` refused, more refusals by switch, none with ``refused_groupings={}``);
cases it cannot express (a refusal without a date, one that depends on the time range, one
that never ends) go through a small transport in front of it. Its clock is fixed at
2026-11-25T12:00Z, so it serves starts from 2025-11-25 on.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_org_usage import (
    OPERATIONS,
    GroupingRefusedError,
    LookbackExceededError,
    UsageClient,
)
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI
from openai_org_usage.store import TABLES, LookbackClamp, sync
from openai_org_usage.store._sync import _next_to_drop
from openai_org_usage_client.types import Unset

duckdb = pytest.importorskip("duckdb")

NOW = DEFAULT_NOW  # 2026-11-25T12:00Z
TODAY = datetime(2026, 11, 25, tzinfo=UTC)
EARLIEST = datetime(2025, 11, 25, tzinfo=UTC)  # midnight(NOW) - 365 days, the fake's limit
COSTS = "/v1/organization/costs"
ALL_COSTS = OPERATIONS["costs"].group_by  # api_key_id, api_source, line_item, project_id, user_id
# What costs are fetched by when the API refuses user_id with project_id (the live default) ...
NO_USER = tuple(f for f in ALL_COSTS if f != "user_id")
# ... and when it refuses api_key_id too (refuse_costs_api_key_grouping=True).
NO_USER_NO_KEY = ("api_source", "line_item", "project_id")
Handler = Callable[[httpx.Request], httpx.Response | None]


def day(year: int, month: int, dom: int) -> datetime:
    return datetime(year, month, dom, tzinfo=UTC)


class Front:
    """A transport in front of a fake: ``handler`` may answer a request itself (None: pass)."""

    def __init__(self, fake: FakeUsageAPI, handler: Handler | None = None) -> None:
        self.fake = fake
        self.handler = handler
        self.sent: list[httpx.URL] = []
        self._inner = fake.transport()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request.url)
        answer = self.handler(request) if self.handler is not None else None
        if answer is not None:
            return answer
        return self._inner.handle_request(request)

    def client(self, max_concurrency: int = 1) -> UsageClient:
        # One request at a time by default, so that which requests were sent, and in what
        # order, is fixed (windows fetched at once would each be refused before the first
        # refusal surfaces).
        transport = httpx.MockTransport(self)
        return UsageClient("sk-admin-test", transport=transport, max_concurrency=max_concurrency)

    def group_bys(self, path: str) -> list[tuple[str, ...]]:
        return [tuple(url.params.get_list("group_by")) for url in self.sent if url.path == path]


def error(request: httpx.Request, message: str, *, code: str, param: str) -> httpx.Response:
    body = {
        "error": {"message": message, "type": "invalid_request_error", "param": param, "code": code}
    }
    return httpx.Response(400, json=body, request=request)


def start_of(request: httpx.Request) -> datetime:
    return datetime.fromtimestamp(int(request.url.params["start_time"]), UTC)


def rows(db: Path, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [tuple(r) for r in con.execute(sql, list(params)).fetchall()]
    finally:
        con.close()


def state_of(db: Path, operation: str) -> tuple[Any, ...]:
    (row,) = rows(
        db,
        "SELECT synced_from, synced_until, group_by, group_by_refused FROM sync_state "
        "WHERE operation = ?",
        [operation],
    )
    return row


def spend(fake: FakeUsageAPI, start: datetime, end: datetime) -> float:
    client = UsageClient("sk-admin-test", transport=fake.transport())
    total = 0.0
    for row in client.costs(start=start, end=end).results():
        assert not isinstance(row.result.amount, Unset)
        assert isinstance(row.result.amount.value, float)
        total += row.result.amount.value
    return total


def total(db: Path, table: str = "costs", column: str = "amount_value") -> float:
    ((value,),) = rows(db, f"SELECT sum({column}) FROM {table}")
    return float(value)


def facade_keys(fake: FakeUsageAPI, op: str, start: datetime, end: datetime) -> set[str]:
    client = UsageClient("sk-admin-test", transport=fake.transport())
    paginator = getattr(client, op)(start=start, end=end, group_by=list(OPERATIONS[op].group_by))
    return {TABLES[op].row(row)[-1] for row in paginator.results()}


def facade_keys_by(
    fake: FakeUsageAPI, group_by: Iterable[str], start: datetime, end: datetime
) -> set[str]:
    """The costs row keys of ``[start, end)`` fetched by ``group_by`` (others null)."""
    client = UsageClient("sk-admin-test", transport=fake.transport())
    fields: list[Any] = list(group_by)
    paginator = client.costs(start=start, end=end, group_by=fields)
    return {TABLES["costs"].row(row)[-1] for row in paginator.results()}


# -- the lookback -------------------------------------------------------------------------------


def test_since_older_than_the_api_serves_loads_from_its_earliest_day(tmp_path: Path) -> None:
    front = Front(FakeUsageAPI())
    db = tmp_path / "usage.duckdb"
    report = sync(front.client(), db, since="2024-01-01", operations=["costs"], now=NOW)

    assert report.clamped == {"costs": LookbackClamp(day(2024, 1, 1), EARLIEST, stated=True)}
    assert report.ranges == {"costs": (EARLIEST, NOW)}
    assert report.start == EARLIEST
    starts = [datetime.fromtimestamp(int(u.params["start_time"]), UTC) for u in front.sent]
    assert starts[0] == day(2024, 1, 1)  # asked once as given ...
    assert starts[1] == EARLIEST  # ... then from the day the API named, and never again older
    assert min(starts[1:]) == EARLIEST
    assert state_of(db, "costs")[:2] == (EARLIEST, TODAY)
    ((first, count),) = rows(db, "SELECT min(bucket_start), count(*) FROM costs")
    assert first == EARLIEST
    assert count == report.rows["costs"] > 0
    assert total(db) == pytest.approx(spend(FakeUsageAPI(lookback_days=None), EARLIEST, NOW))


def test_every_operation_is_clamped_once(tmp_path: Path) -> None:
    front = Front(FakeUsageAPI())
    ops = ["vector_stores", "code_interpreter_sessions", "costs"]
    report = sync(
        front.client(), tmp_path / "u.duckdb", since="2025-06-01", operations=ops, now=NOW
    )
    assert set(report.clamped) == set(ops)
    assert {c.served_from for c in report.clamped.values()} == {EARLIEST}
    refused = [u for u in front.sent if int(u.params["start_time"]) < EARLIEST.timestamp()]
    assert len(refused) == len(ops)  # one refused request per operation, no more


def test_a_refusal_without_a_date_falls_back_to_a_year_and_a_day(tmp_path: Path) -> None:
    def undated(request: httpx.Request) -> httpx.Response | None:
        if start_of(request) < EARLIEST:
            return error(
                request,
                "Usage and cost data are available for the past year.",
                code="reporting_lookback_exceeded",
                param="start_time",
            )
        return None

    front = Front(FakeUsageAPI(), undated)
    report = sync(
        front.client(), tmp_path / "u.duckdb", since="2024-06-01", operations=["costs"], now=NOW
    )
    fallback = TODAY - timedelta(days=365) + timedelta(days=1)
    assert report.clamped == {"costs": LookbackClamp(day(2024, 6, 1), fallback, stated=False)}
    assert report.ranges["costs"] == (fallback, NOW)


@pytest.mark.parametrize(
    "message",
    [
        # The named day is refused too (the window moved on, or the API is wrong).
        "Usage and cost data are available for the past year. Earliest supported start date: "
        "2025-11-25 (UTC).",
        # No date, and the fallback is refused as well.
        "Usage and cost data are available for the past year.",
    ],
)
def test_a_second_lookback_refusal_is_raised_never_retried(tmp_path: Path, message: str) -> None:
    def always(request: httpx.Request) -> httpx.Response:
        return error(request, message, code="reporting_lookback_exceeded", param="start_time")

    front = Front(FakeUsageAPI(), always)
    db = tmp_path / "u.duckdb"
    with pytest.raises(LookbackExceededError):
        sync(front.client(), db, since="2024-01-01", operations=["costs"], now=NOW)
    assert len(front.sent) == 2  # the first request, one corrected one, nothing more
    assert rows(db, "SELECT count(*) FROM costs") == [(0,)]


def test_a_refusal_naming_a_day_not_after_the_start_is_raised(tmp_path: Path) -> None:
    def contradicting(request: httpx.Request) -> httpx.Response:
        return error(
            request,
            "Usage and cost data are available for the past year. Earliest supported start "
            "date: 2024-01-01 (UTC).",
            code="reporting_lookback_exceeded",
            param="start_time",
        )

    front = Front(FakeUsageAPI(), contradicting)
    with pytest.raises(LookbackExceededError):
        sync(
            front.client(), tmp_path / "u.duckdb", since="2025-01-01", operations=["costs"], now=NOW
        )
    assert len(front.sent) == 1  # it serves 2025-01-01 by its own word: nothing to correct


def test_backfill_past_the_lookback_fetches_back_to_the_earliest_day(tmp_path: Path) -> None:
    db = tmp_path / "u.duckdb"
    sync(Front(FakeUsageAPI()).client(), db, since="2026-11-01", operations=["costs"], now=NOW)
    report = sync(
        Front(FakeUsageAPI()).client(), db, since="2020-01-01", operations=["costs"], now=NOW
    )
    assert report.clamped["costs"].served_from == EARLIEST
    assert report.ranges["costs"] == (EARLIEST, NOW)
    assert state_of(db, "costs")[:2] == (EARLIEST, TODAY)
    assert total(db) == pytest.approx(spend(FakeUsageAPI(lookback_days=None), EARLIEST, NOW))


def test_a_range_stored_over_a_year_ago_restarts_at_the_earliest_day(tmp_path: Path) -> None:
    db = tmp_path / "u.duckdb"
    then = datetime(2025, 3, 10, 12, tzinfo=UTC)
    old = FakeUsageAPI(now=then, lookback_days=None)
    sync(Front(old).client(), db, since="2025-03-01", operations=["costs"], now=then)
    assert state_of(db, "costs")[:2] == (day(2025, 3, 1), day(2025, 3, 10))

    report = sync(Front(FakeUsageAPI()).client(), db, operations=["costs"], now=NOW)
    # The trailing window (from 2025-03-07) is older than the API serves: the run starts at
    # its earliest day, and the stored range starts there (the gap can never be fetched).
    assert report.clamped["costs"].asked == day(2025, 3, 7)
    assert report.ranges["costs"] == (EARLIEST, NOW)
    assert state_of(db, "costs")[:2] == (EARLIEST, TODAY)


# -- refused groupings --------------------------------------------------------------------------


def test_the_live_costs_refusal_costs_one_request_and_only_user_id(tmp_path: Path) -> None:
    """The default fake, as the live API: costs by user_id with project_id refused."""
    fake = FakeUsageAPI()
    front = Front(fake)
    db = tmp_path / "u.duckdb"
    report = sync(front.client(), db, since="2026-11-01", operations=["costs"], now=NOW)

    assert front.group_bys(COSTS) == [ALL_COSTS, NO_USER]  # one refused request, one page
    assert report.group_by == {"costs": NO_USER}
    assert report.refused == {"costs": ("user_id",)}
    assert report.requests == report.pages["costs"] == 1
    assert state_of(db, "costs") == (day(2026, 11, 1), TODAY, ",".join(NO_USER), "user_id")
    assert rows(db, "SELECT count(*) FROM costs WHERE user_id IS NOT NULL") == [(0,)]
    # Every other field is kept: keys and the Agents API split are still there.
    ((keys, sources),) = rows(
        db, "SELECT count(DISTINCT api_key_id), count(DISTINCT api_source) FROM costs"
    )
    assert keys > 1
    assert sources == 2
    stored = {key for (key,) in rows(db, "SELECT row_key FROM costs")}
    assert stored == facade_keys_by(fake, NO_USER, day(2026, 11, 1), NOW)
    assert total(db) == pytest.approx(spend(fake, day(2026, 11, 1), NOW))

    # A later run remembers: one request per operation, never the refused grouping again.
    sent = len(front.sent)
    again = sync(front.client(), db, operations=["costs"], now=NOW)
    assert front.group_bys(COSTS)[sent:] == [NO_USER]
    assert again.requests == 1
    assert again.refused == {"costs": ("user_id",)}
    assert total(db) == pytest.approx(spend(fake, day(2026, 11, 1), NOW))


def test_refused_costs_groupings_fall_back_field_by_field_and_are_recorded(
    tmp_path: Path,
) -> None:
    fake = FakeUsageAPI(refuse_costs_api_key_grouping=True)  # the live rule, and api_key_id
    front = Front(fake)
    db = tmp_path / "u.duckdb"
    report = sync(front.client(), db, since="2026-11-01", operations=["costs"], now=NOW)

    asked = front.group_bys(COSTS)
    assert asked[:2] == [ALL_COSTS, NO_USER]  # refused: user_id with project_id, then api_key_id
    assert set(asked[2:]) == {NO_USER_NO_KEY}
    assert report.group_by == {"costs": NO_USER_NO_KEY}
    assert report.refused == {"costs": ("user_id", "api_key_id")}
    assert report.requests == len(front.sent) - 2  # the refused requests are not pages
    assert state_of(db, "costs") == (
        day(2026, 11, 1),
        TODAY,
        ",".join(NO_USER_NO_KEY),
        "user_id,api_key_id",
    )
    assert rows(
        db, "SELECT count(*) FROM costs WHERE api_key_id IS NOT NULL OR user_id IS NOT NULL"
    ) == [(0,)]
    assert rows(db, "SELECT count(*) FROM costs WHERE api_source IS NULL") == [(0,)]
    assert total(db) == pytest.approx(spend(fake, day(2026, 11, 1), NOW))

    # Later runs remember: no refused request again.
    sent = len(front.sent)
    again = sync(front.client(), db, operations=["costs"], now=NOW)
    assert set(front.group_bys(COSTS)[sent:]) == {NO_USER_NO_KEY}
    assert again.requests == len(front.sent) - sent
    assert again.refused == {"costs": ("user_id", "api_key_id")}


def test_no_refusal_no_change(tmp_path: Path) -> None:
    db = tmp_path / "u.duckdb"
    front = Front(FakeUsageAPI(refused_groupings={}))  # an organization that refuses nothing
    report = sync(front.client(), db, since="2026-11-20", operations=["costs"], now=NOW)
    assert front.group_bys(COSTS) == [ALL_COSTS]
    assert report.group_by == {"costs": ALL_COSTS}
    assert report.refused == {}
    assert state_of(db, "costs")[2:] == (",".join(ALL_COSTS), "")
    assert rows(db, "SELECT count(*) FROM costs WHERE user_id IS NOT NULL") != [(0,)]


@pytest.mark.parametrize("direction", ["fine_then_coarse", "coarse_then_fine"])
def test_a_bucket_fetched_again_at_another_grain_is_never_counted_twice(
    tmp_path: Path, direction: str
) -> None:
    fine = FakeUsageAPI(refused_groupings={})  # every field
    coarse = FakeUsageAPI(refuse_costs_api_key_grouping=True)  # neither user_id nor api_key_id
    first, second = (fine, coarse) if direction == "fine_then_coarse" else (coarse, fine)
    db = tmp_path / "u.duckdb"
    sync(Front(first).client(), db, since="2026-11-01", operations=["costs"], now=NOW)
    if direction == "coarse_then_fine":
        # The documented way to try a refused field again.
        con = duckdb.connect(str(db))
        con.execute("UPDATE sync_state SET group_by_refused = NULL")
        con.close()
    report = sync(Front(second).client(), db, operations=["costs"], now=NOW)

    window = TODAY - timedelta(days=3)  # the trailing window, fetched again at the new grain
    assert report.ranges["costs"] == (window, NOW)
    assert report.deleted["costs"] > 0  # the old grain's rows of those buckets
    # Every bucket holds one grain: the new one inside the window, the old one before it.
    stored = rows(db, "SELECT bucket_start, row_key FROM costs")
    new_keys = {k for start, k in stored if start >= window}
    old_keys = {k for start, k in stored if start < window}
    second_grain = second is coarse
    api_key_id = TABLES["costs"].key_columns.index("api_key_id")
    user_id = TABLES["costs"].key_columns.index("user_id")
    coarse_keys, fine_keys = (new_keys, old_keys) if second_grain else (old_keys, new_keys)
    assert all(json.loads(k)[api_key_id] is None for k in coarse_keys)
    assert all(json.loads(k)[user_id] is None for k in coarse_keys)
    assert any(json.loads(k)[user_id] is not None for k in fine_keys)
    assert new_keys == _keys_at_grain(second, window, NOW, coarse=second_grain)
    assert old_keys == _keys_at_grain(first, day(2026, 11, 1), window, coarse=not second_grain)
    # Nothing counted twice: the table sums to the API's total, whatever the grains.
    assert total(db) == pytest.approx(spend(fine, day(2026, 11, 1), NOW))


def _keys_at_grain(fake: FakeUsageAPI, start: datetime, end: datetime, *, coarse: bool) -> set[str]:
    return facade_keys_by(fake, NO_USER_NO_KEY if coarse else ALL_COSTS, start, end)


def test_a_refusal_mid_run_goes_on_from_the_first_bucket_not_written(tmp_path: Path) -> None:
    """Refusals that depend on the time range: from 2026-10-16 on, user_id is refused."""
    cutoff = day(2026, 10, 16)
    path = "/v1/organization/usage/embeddings"

    def by_range(request: httpx.Request) -> httpx.Response | None:
        grouped = request.url.params.get_list("group_by")
        if request.url.path == path and "user_id" in grouped and start_of(request) >= cutoff:
            return error(
                request,
                "Grouping by user_id is not supported for this time range.",
                code="unsupported_group_by",
                param="group_by",
            )
        return None

    fake = FakeUsageAPI()
    front = Front(fake, by_range)
    db = tmp_path / "u.duckdb"
    # Windows of 31 days, each its own start_time (with one at a time the API would page
    # with cursors from one start_time instead).
    client = front.client(max_concurrency=4)
    report = sync(client, db, since="2026-09-15", operations=["embeddings"], now=NOW)

    assert report.refused == {"embeddings": ("user_id",)}
    assert report.group_by == {"embeddings": ("api_key_id", "model", "project_id")}
    assert state_of(db, "embeddings")[:2] == (day(2026, 9, 15), TODAY)  # no gap
    stored = rows(db, "SELECT bucket_start, row_key, input_tokens FROM usage_embeddings")
    before = {k for start, k, _ in stored if start < cutoff}
    after = {k for start, k, _ in stored if start >= cutoff}
    # The first window (31 days from 09-15) was written finest; the run went on from 10-16.
    assert before == facade_keys(fake, "embeddings", day(2026, 9, 15), cutoff)
    user_id = TABLES["embeddings"].key_columns.index("user_id")
    assert after
    assert all(json.loads(k)[user_id] is None for k in after)
    client = UsageClient("sk-admin-test", transport=fake.transport())
    expected = sum(
        r.result.input_tokens for r in client.embeddings(start=day(2026, 9, 15), end=NOW).results()
    )
    assert sum(tokens for _, _, tokens in stored) == expected


def test_fields_are_dropped_in_the_documented_order_and_then_raised(tmp_path: Path) -> None:
    def refuse_all(request: httpx.Request) -> httpx.Response:
        return error(
            request,
            "This group_by combination is not supported.",
            code="unsupported_group_by",
            param="group_by",
        )

    front = Front(FakeUsageAPI(), refuse_all)
    with pytest.raises(GroupingRefusedError):
        sync(front.client(), tmp_path / "u.duckdb", operations=["completions"], now=NOW)
    asked = front.group_bys("/v1/organization/usage/completions")
    dropped = [next(iter(set(a) - set(b))) for a, b in itertools.pairwise(asked)]
    assert dropped == [
        "user_id",
        "api_key_id",
        "service_tier",
        "api_source",
        "batch",
        "model",
        "project_id",
    ]
    assert asked[-1] == ()  # asked without any grouping, refused too: raised, not looped
    assert len(asked) == len(OPERATIONS["completions"].group_by) + 1


def test_drop_order_of_each_operation() -> None:
    # Costs, field by field, as a run that is refused every time would drop them.
    assert _next_to_drop(ALL_COSTS) == "user_id"
    assert _next_to_drop(NO_USER) == "api_key_id"
    assert _next_to_drop(NO_USER_NO_KEY) == "api_source"
    assert _next_to_drop(["line_item", "project_id"]) == "line_item"
    assert _next_to_drop(["project_id"]) == "project_id"
    assert _next_to_drop([]) is None
    # api_source is a coarse attribute, kept like batch: after service_tier, before batch ...
    assert _next_to_drop(["api_source", "batch", "service_tier"]) == "service_tier"
    assert _next_to_drop(["api_source", "batch", "model"]) == "api_source"
    # ... and after a field the order does not name (one the spec may gain), dropped early.
    assert _next_to_drop(["api_source", "model", "project_id", "region"]) == "region"
    assert _next_to_drop(["api_key_id", "region"]) == "api_key_id"
