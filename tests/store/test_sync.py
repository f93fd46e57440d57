"""Incremental sync into DuckDB: idempotence, crash resume, revisions, locking, plain readers.

Every test syncs from the embedded fake (its clock fixed at ``DEFAULT_NOW``) into a DuckDB
file under ``tmp_path`` and compares table contents read back with plain ``duckdb``. The fake
plays an organization whose API accepts every grouping (:func:`accepting`), so every run gets
the finest grain and sends only the requests counted here; what a sync does when the API
refuses a grouping (as the fake does by default) is ``test_live_api.py``'s subject.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from openai_org_usage import (
    OPERATIONS,
    InternalServerError,
    InvalidParameterError,
    MissingDependencyError,
    OpenAIUsageError,
    Row,
    UsageClient,
)
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI
from openai_org_usage.store import (
    TABLES,
    DuckDBBackend,
    SyncLockedError,
    SyncProgress,
    SyncState,
    advance_state,
    lock_path,
    plan_start,
    sync,
)
from openai_org_usage_client.types import Unset

duckdb = pytest.importorskip("duckdb")

NOW = DEFAULT_NOW  # 2026-11-25T12:00Z
TODAY = datetime(2026, 11, 25, tzinfo=UTC)
# Three operations over 71 days: 3 pages each for the usage ones (31 + 31 + 9 one-day
# buckets), 1 for costs (up to 180): 7 pages, so 7 places to crash.
CRASH_OPS = ("completions", "vector_stores", "costs")
CRASH_SINCE = "2026-09-15"
CRASH_PAGES = 7

Dump = dict[str, list[tuple[Any, ...]]]


def day(month: int, dom: int) -> datetime:
    return datetime(2026, month, dom, tzinfo=UTC)


def accepting(**options: Any) -> FakeUsageAPI:
    """The fake as an organization whose API refuses no grouping (costs by user_id too)."""
    return FakeUsageAPI(refused_groupings={}, **options)


def client_for(fake: FakeUsageAPI, **options: Any) -> UsageClient:
    return UsageClient(api_key="sk-admin-test", transport=fake.transport(), **options)


def dump(path: Path, operations: Iterable[str] = OPERATIONS) -> Dump:
    """Every row of every table, ordered by key, read with a plain read-only connection."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {
            TABLES[op].name: con.execute(
                f"SELECT * FROM {TABLES[op].name} ORDER BY row_key"
            ).fetchall()
            for op in operations
        }
    finally:
        con.close()


def states(path: Path) -> dict[str, tuple[datetime, datetime]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute("SELECT operation, synced_from, synced_until FROM sync_state").fetchall()
    finally:
        con.close()
    return {op: (start, until) for op, start, until in rows}


def requests_per_path(fake: FakeUsageAPI, since: int = 0) -> collections.Counter[str]:
    return collections.Counter(r.path for r in fake.requests[since:])


def facade_rows(
    fake: FakeUsageAPI, op: str, start: datetime, end: datetime
) -> set[tuple[Any, ...]]:
    """What the table should hold for ``op`` over ``[start, end)``, built from the facade."""
    client = client_for(fake)
    method = getattr(client, op)
    paginator = method(start=start, end=end, group_by=list(OPERATIONS[op].group_by))
    return {TABLES[op].row(row) for row in paginator.results()}


def spend(client: UsageClient, start: datetime, end: datetime) -> float:
    """Total ``amount.value`` of the costs in ``[start, end)``, from the facade."""
    total = 0.0
    for row in client.costs(start=start, end=end).results():
        assert not isinstance(row.result.amount, Unset)
        assert not isinstance(row.result.amount.value, Unset)
        total += row.result.amount.value
    return total


def normalized(rows: Iterable[tuple[Any, ...]]) -> set[tuple[Any, ...]]:
    # DuckDB hands TIMESTAMPTZ back in its own UTC zone object; compare instants.
    return {tuple(v.astimezone(UTC) if isinstance(v, datetime) else v for v in row) for row in rows}


@pytest.fixture(scope="module")
def clean_crash_run(tmp_path_factory: pytest.TempPathFactory) -> Dump:
    """The reference: one uninterrupted sync of CRASH_OPS."""
    path = tmp_path_factory.mktemp("clean") / "usage.duckdb"
    report = sync(client_for(accepting()), path, since=CRASH_SINCE, operations=CRASH_OPS, now=NOW)
    assert report.requests == CRASH_PAGES
    return dump(path, CRASH_OPS)


# -- a first sync -----------------------------------------------------------------------------


def test_first_sync_matches_the_facade(tmp_path: Path) -> None:
    fake = accepting()
    db = tmp_path / "usage.duckdb"
    pages: list[SyncProgress] = []
    report = sync(client_for(fake), db, since="2026-11-01", now=NOW, progress=pages.append)

    sent_requests = list(fake.requests)
    assert report.requests == len(sent_requests) == len(OPERATIONS)  # one page per operation
    assert report.start == day(11, 1)
    assert report.end == NOW
    assert [p.operation for p in pages] == list(OPERATIONS)
    tables = dump(db)
    for op in OPERATIONS:
        expected = facade_rows(fake, op, day(11, 1), NOW)
        assert expected, op
        assert normalized(tables[TABLES[op].name]) == expected, op
        assert report.rows[op] == len(expected)
        # Finest grain: every group-by field was asked for.
        (sent,) = [r for r in sent_requests if r.path.rsplit("/", 1)[-1] == op]
        query: dict[str, list[str]] = collections.defaultdict(list)
        for key, value in sent.query:
            query[key].append(value)
        assert sorted(query["group_by"]) == sorted(OPERATIONS[op].group_by)
        assert query["bucket_width"] == ["1d"]
    # Today's bucket (partial) is stored, but only complete buckets count as synced.
    assert states(db) == {op: (day(11, 1), TODAY) for op in OPERATIONS}
    assert set(report.synced_until.values()) == {TODAY}


def test_default_since_is_30_days(tmp_path: Path) -> None:
    report = sync(client_for(accepting()), tmp_path / "u.duckdb", operations=["costs"], now=NOW)
    assert report.ranges == {"costs": (TODAY - timedelta(days=30), NOW)}


# -- idempotence --------------------------------------------------------------------------------


def test_second_run_is_idempotent_and_sends_one_request_per_operation(tmp_path: Path) -> None:
    fake = accepting()
    client = client_for(fake)
    db = tmp_path / "usage.duckdb"
    sync(client, db, since="2026-10-01", now=NOW)
    first = dump(db)
    sent = len(fake.requests)

    report = sync(client, db, now=NOW)

    assert dump(db) == first
    per_path = requests_per_path(fake, sent)
    assert set(per_path) == {r.path for r in fake.requests[:sent]}
    assert max(per_path.values()) <= 1
    assert report.requests == len(OPERATIONS)
    assert sum(report.deleted.values()) == 0
    # The trailing window: three complete days before synced_until, plus today.
    assert set(report.ranges.values()) == {(TODAY - timedelta(days=3), NOW)}
    assert {len(rows) for rows in first.values()} != {0}


# -- crash and resume ---------------------------------------------------------------------------


class Crash(Exception):
    pass


@pytest.mark.parametrize("after", range(1, CRASH_PAGES + 1))
def test_resume_after_crash_at_every_page_boundary(
    tmp_path: Path, clean_crash_run: Dump, after: int
) -> None:
    """The process dies right after page ``after`` committed; the next run leaves no trace."""
    db = tmp_path / "usage.duckdb"
    seen: list[SyncProgress] = []

    def crash(progress: SyncProgress) -> None:
        seen.append(progress)
        if len(seen) == after:
            raise Crash

    with pytest.raises(Crash):
        sync(
            client_for(accepting()),
            db,
            since=CRASH_SINCE,
            operations=CRASH_OPS,
            now=NOW,
            progress=crash,
        )
    # What was committed is recorded: state never runs ahead of the rows.
    state = states(db)
    last = seen[-1]
    assert state[last.operation][1] == last.synced_until

    sync(client_for(accepting()), db, since=CRASH_SINCE, operations=CRASH_OPS, now=NOW)
    assert dump(db, CRASH_OPS) == clean_crash_run


@pytest.mark.parametrize("failing_request", range(CRASH_PAGES))
def test_resume_after_api_failure_at_every_page(
    tmp_path: Path, clean_crash_run: Dump, failing_request: int
) -> None:
    """Request ``failing_request`` fails with a 500 and no retries; a later run completes."""
    db = tmp_path / "usage.duckdb"
    faulty = accepting(faults=[None] * failing_request + ["500"])
    with pytest.raises(InternalServerError):
        sync(
            client_for(faulty, max_retries=0, max_concurrency=1),
            db,
            since=CRASH_SINCE,
            operations=CRASH_OPS,
            now=NOW,
        )
    sync(client_for(accepting()), db, operations=CRASH_OPS, since=CRASH_SINCE, now=NOW)
    assert dump(db, CRASH_OPS) == clean_crash_run


def test_crash_inside_a_page_transaction_rolls_the_page_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, clean_crash_run: Dump
) -> None:
    db = tmp_path / "usage.duckdb"
    original = DuckDBBackend.write_state
    calls = 0

    def failing_write_state(self: DuckDBBackend, state: SyncState) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise Crash  # after page 2's rows were upserted, before its commit
        original(self, state)

    monkeypatch.setattr(DuckDBBackend, "write_state", failing_write_state)
    with pytest.raises(Crash):
        sync(client_for(accepting()), db, since=CRASH_SINCE, operations=CRASH_OPS, now=NOW)
    monkeypatch.undo()

    page_one = facade_rows(accepting(), "completions", day(9, 15), day(10, 16))
    assert normalized(dump(db, ["completions"])["usage_completions"]) == page_one
    assert states(db) == {"completions": (day(9, 15), day(10, 16))}

    sync(client_for(accepting()), db, since=CRASH_SINCE, operations=CRASH_OPS, now=NOW)
    assert dump(db, CRASH_OPS) == clean_crash_run


# -- revisions in the trailing window -----------------------------------------------------------


def test_revised_days_replace_old_values_and_drop_vanished_rows(tmp_path: Path) -> None:
    """Seed 1 stands for the API having revised everything: only the window is re-read."""
    db = tmp_path / "usage.duckdb"
    sync(client_for(accepting(seed=0)), db, since="2026-11-01", now=NOW)
    report = sync(client_for(accepting(seed=1)), db, now=NOW)

    window = TODAY - timedelta(days=3)
    assert sum(report.deleted.values()) > 0  # seed 0's groups that seed 1 does not have
    tables = dump(db)
    for op in OPERATIONS:
        rows = normalized(tables[TABLES[op].name])
        old = {r for r in rows if r[0] < window}
        new = {r for r in rows if r[0] >= window}
        assert old == facade_rows(accepting(seed=0), op, day(11, 1), window), op
        assert new == facade_rows(accepting(seed=1), op, window, NOW), op


def test_partial_day_is_completed_on_the_next_run(tmp_path: Path) -> None:
    """Synced at noon on the 20th, the 20th's costs are half a day; five days later, whole."""
    db = tmp_path / "usage.duckdb"
    early = accepting(now=datetime(2026, 11, 20, 12, tzinfo=UTC))
    sync(client_for(early), db, since="2026-11-01", operations=["costs"], now=early.now)
    assert states(db)["costs"] == (day(11, 1), day(11, 20))

    def total_on_20th() -> float:
        con = duckdb.connect(str(db), read_only=True)
        try:
            (value,) = con.execute(
                "SELECT sum(amount_value) FROM costs WHERE bucket_start = ?", [day(11, 20)]
            ).fetchone()
        finally:
            con.close()
        return float(value)

    partial = total_on_20th()
    late = accepting()
    report = sync(client_for(late), db, operations=["costs"], now=NOW)
    assert report.ranges["costs"] == (day(11, 17), NOW)
    full = spend(client_for(late), day(11, 20), day(11, 21))
    assert total_on_20th() == pytest.approx(full)
    assert full > partial
    assert states(db)["costs"] == (day(11, 1), TODAY)

    clean = tmp_path / "clean.duckdb"
    sync(client_for(accepting()), clean, since="2026-11-01", operations=["costs"], now=NOW)
    assert normalized(dump(db, ["costs"])["costs"]) == normalized(dump(clean, ["costs"])["costs"])


# -- ranges -------------------------------------------------------------------------------------


def test_earlier_since_backfills(tmp_path: Path) -> None:
    db = tmp_path / "usage.duckdb"
    client = client_for(accepting())
    sync(client, db, since="2026-11-01", operations=["embeddings"], now=NOW)
    later = sync(client, db, since="2026-11-10", operations=["embeddings"], now=NOW)
    assert later.ranges["embeddings"][0] == TODAY - timedelta(days=3)  # max(since, window)
    report = sync(client, db, since="2026-09-01", operations=["embeddings"], now=NOW)
    assert report.ranges["embeddings"] == (day(9, 1), NOW)
    assert states(db)["embeddings"] == (day(9, 1), TODAY)
    assert normalized(dump(db, ["embeddings"])["usage_embeddings"]) == facade_rows(
        accepting(), "embeddings", day(9, 1), NOW
    )


def test_plan_start() -> None:
    state = SyncState("costs", day(11, 1), day(11, 20), NOW)
    assert plan_start(None, None, NOW, 3) == TODAY - timedelta(days=30)
    assert plan_start(None, day(10, 1), NOW, 3) == day(10, 1)
    assert plan_start(state, None, NOW, 3) == day(11, 17)
    assert plan_start(state, None, NOW, 0) == day(11, 20)
    assert plan_start(state, day(11, 5), NOW, 3) == day(11, 17)
    assert plan_start(state, day(11, 19), NOW, 3) == day(11, 19)
    assert plan_start(state, day(10, 1), NOW, 3) == day(10, 1)
    short = SyncState("costs", day(11, 19), day(11, 20), NOW)
    assert plan_start(short, None, NOW, 3) == day(11, 19)  # not before the first since


def test_advance_state_keeps_one_contiguous_range() -> None:
    s = SyncState("costs", day(11, 1), day(11, 20), NOW)
    assert advance_state(None, "costs", day(11, 1), day(11, 1), NOW) is None
    assert advance_state(None, "costs", day(11, 1), day(11, 5), NOW) == SyncState(
        "costs", day(11, 1), day(11, 5), NOW
    )
    # The trailing window overlaps: extend.
    assert advance_state(s, "costs", day(11, 17), day(11, 24), NOW) == SyncState(
        "costs", day(11, 1), day(11, 24), NOW
    )
    # A backfill that has not reached the stored range yet: unchanged; once it has: merged.
    assert advance_state(s, "costs", day(9, 1), day(10, 1), NOW) == s
    assert advance_state(s, "costs", day(9, 1), day(11, 1), NOW) == SyncState(
        "costs", day(9, 1), day(11, 20), NOW
    )
    # A run that starts after a gap: the new range replaces the old one.
    assert advance_state(s, "costs", day(11, 22), day(11, 24), NOW) == SyncState(
        "costs", day(11, 22), day(11, 24), NOW
    )


# -- locking ------------------------------------------------------------------------------------


def test_concurrent_sync_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "usage.duckdb"
    fake = accepting()
    with DuckDBBackend(db):  # another sync holds the database
        with pytest.raises(SyncLockedError, match="another sync is running") as info:
            sync(client_for(fake), db, operations=["costs"], now=NOW)
        assert lock_path(db).exists()  # the holder's, left alone by the refused sync
    assert isinstance(info.value, OpenAIUsageError)
    assert fake.requests == []
    assert not lock_path(db).exists()  # the holder deleted it on release
    sync(client_for(fake), db, operations=["costs"], now=NOW)  # free again
    assert not lock_path(db).exists()


def test_database_open_in_another_process_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "usage.duckdb"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
            "sys.stdin.read()",
            str(db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(SyncLockedError, match="open in another process"):
            sync(client_for(accepting()), db, operations=["costs"], now=NOW)
    finally:
        holder.communicate("")
    sync(client_for(accepting()), db, operations=["costs"], now=NOW)
    with DuckDBBackend(db):  # our own lock was released after the refusal too
        pass


# -- the file for other readers -----------------------------------------------------------------


README_QUERIES = [
    # Spend per project per month.
    "SELECT date_trunc('month', bucket_start) AS month, project_id, sum(amount_value) AS usd "
    "FROM costs GROUP BY ALL ORDER BY month, usd DESC",
    # Tokens per model per day.
    "SELECT bucket_start::DATE AS day, model, sum(input_tokens) AS input, "
    "sum(output_tokens) AS output FROM usage_completions GROUP BY ALL ORDER BY day, model",
    # Top line items over the last 7 days.
    "SELECT line_item, round(sum(amount_value), 2) AS usd FROM costs "
    "WHERE bucket_start >= (SELECT max(bucket_start) FROM costs) - INTERVAL 7 DAY "
    "GROUP BY line_item ORDER BY usd DESC LIMIT 10",
    # How fresh is each table?
    "SELECT operation, synced_until, updated_at FROM sync_state ORDER BY operation",
]


def test_database_is_readable_by_plain_duckdb(tmp_path: Path) -> None:
    fake = accepting()
    db = tmp_path / "usage.duckdb"
    sync(client_for(fake), db, since="2026-11-01", now=NOW)
    con = duckdb.connect(str(db), read_only=True)
    try:
        for query in README_QUERIES:
            assert con.execute(query).fetchall()
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_name = 'usage_completions'"
            ).fetchall()
        )
        assert types["bucket_start"] == "TIMESTAMP WITH TIME ZONE"
        assert types["batch"] == "BOOLEAN"
        assert types["input_tokens"] == "BIGINT"
        assert types["model"] == "VARCHAR"
        (total,) = con.execute("SELECT sum(amount_value) FROM costs").fetchone()
        (nulls,) = con.execute("SELECT count(*) FROM costs WHERE api_key_id IS NULL").fetchone()
    finally:
        con.close()
    expected = spend(client_for(fake), day(11, 1), NOW)
    assert total == pytest.approx(expected)
    assert nulls > 0  # null group values are stored as NULL, not as ""


def test_tables_gain_columns_newer_models_have(tmp_path: Path) -> None:
    db = tmp_path / "usage.duckdb"
    con = duckdb.connect(str(db))
    # The table as an older release would have made it, without quantity_unit.
    old_sql = TABLES["costs"].create_sql().replace("    quantity_unit TEXT,\n", "")
    assert "quantity_unit" not in old_sql
    con.execute(old_sql)
    con.close()
    sync(client_for(accepting()), db, operations=["costs"], now=NOW)
    con = duckdb.connect(str(db), read_only=True)
    try:
        (units,) = con.execute("SELECT count(quantity_unit) FROM costs").fetchone()
    finally:
        con.close()
    assert units > 0


# -- arguments and dependencies -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"operations": ["completions", "nope"]}, "operations"),
        ({"trailing_days": -1}, "trailing_days"),
        ({"since": datetime(2026, 11, 1)}, "since"),  # naive
        ({"since": "2027-01-01"}, "since"),  # after now
        ({"now": datetime(2026, 11, 25)}, "now"),  # naive
    ],
)
def test_bad_arguments_fail_before_anything(
    tmp_path: Path, kwargs: dict[str, Any], param: str
) -> None:
    fake = accepting()
    db = tmp_path / "usage.duckdb"
    options: dict[str, Any] = {"now": NOW, **kwargs}
    with pytest.raises(InvalidParameterError) as info:
        sync(client_for(fake), db, **options)
    assert info.value.param == param
    assert not db.exists()
    assert fake.requests == []


def test_missing_duckdb_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = accepting()
    monkeypatch.setitem(sys.modules, "duckdb", None)
    with pytest.raises(MissingDependencyError, match=r"openai-org-usage\[duckdb\]") as info:
        sync(client_for(fake), tmp_path / "usage.duckdb", now=NOW)
    assert info.value.extra == "duckdb"
    assert fake.requests == []


def test_rows_are_keyed_by_bucket_and_every_group_field() -> None:
    table = TABLES["costs"]
    assert table.key_columns == (
        "bucket_start",
        "line_item",
        "project_id",
        "api_key_id",
        "user_id",
        "api_source",
    )
    assert set(table.key_columns[1:]) == set(OPERATIONS["costs"].group_by)
    every_field: list[Any] = list(OPERATIONS["costs"].group_by)
    one_day = client_for(accepting()).costs(start=day(11, 1), end=day(11, 2), group_by=every_field)
    rows = list(one_day.results())
    keys = [table.row(row)[-1] for row in rows]
    assert len(set(keys)) == len(keys)
    with_null = next(k for k, r in zip(keys, rows, strict=True) if r.result.api_key_id is None)
    assert with_null.startswith('["2026-11-01T00:00:00Z",')
    decoded = json.loads(with_null)
    assert len(decoded) == len(table.key_columns)
    assert decoded[table.key_columns.index("api_key_id")] is None  # null, not ""
    assert decoded[table.key_columns.index("api_source")] in ("agents_api", "unlabeled")
    # The same group in two buckets: the bucket start tells the keys apart.
    assert table.row(Row(day(11, 2), day(11, 3), rows[0].result))[-1] != keys[0]


def test_report_counts_pages_per_operation(tmp_path: Path) -> None:
    fake = accepting(seed=0)
    with UsageClient("sk-admin-test-dummy", transport=fake.transport()) as client:
        report = sync(
            client,
            tmp_path / "pages.duckdb",
            since="2026-11-01",
            operations=["costs", "completions"],
            now=datetime(2026, 11, 25, 12, tzinfo=UTC),
        )
    assert set(report.pages) == {"costs", "completions"}
    assert sum(report.pages.values()) == report.requests == len(fake.requests)
