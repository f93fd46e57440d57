"""The sync into a DuckDB file (the embedded default): ranges, state, locking, several
organizations in one budget, the directory's tables, a year of history, bad arguments.

The destination-independent promises (rows, sums, idempotence, restatements, SIGKILL) are
``test_destinations.py``'s, on all three destinations.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from _store_targets import CountingTransport

from openai_org_usage import (
    InvalidParameterError,
    OpenAIUsageError,
    PermissionDeniedError,
    StoreError,
    SyncLockedError,
    UsageClient,
)
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI
from openai_org_usage.store import (
    TABLES,
    OpState,
    Organization,
    advance_state,
    budget_transport,
    lock_path,
    open_clients,
    plan_start,
    sync,
)
from openai_org_usage.store._lock import FileLock

NOW = DEFAULT_NOW  # 2026-11-25T12:00Z
TODAY = datetime(2026, 11, 25, tzinfo=UTC)


def day(month: int, dom: int, year: int = 2026) -> datetime:
    return datetime(year, month, dom, tzinfo=UTC)


def accepting(**options: Any) -> FakeUsageAPI:
    return FakeUsageAPI(refused_groupings={}, **options)


def client_for(fake: FakeUsageAPI, **options: Any) -> UsageClient:
    return UsageClient("sk-admin-test", transport=fake.transport(), **options)


def facade_count(client: UsageClient, op: str, start: datetime, end: datetime) -> int:
    """Results the facade returns for ``op`` at the finest grain (what the table holds)."""
    method: Any = getattr(client, op)
    group_by: Any = list(TABLES[op].key_columns[2:]) or None
    return sum(len(bucket.results) for bucket in method(start=start, end=end, group_by=group_by))


def costs_total(client: UsageClient, start: datetime, end: datetime) -> float:
    total = 0.0
    for row in client.costs(start=start, end=end).results():
        amount: Any = row.result.amount
        total += amount.value
    return total


def query(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_default_since_is_30_days_and_the_state_survives_a_lost_working_dir(
    tmp_path: Path,
) -> None:
    db = tmp_path / "usage.duckdb"
    report = sync(client_for(accepting()), db, operations=["costs"], now=NOW, directory=False)
    (costs,) = report.operations
    assert (costs.start, costs.end, costs.synced_until) == (TODAY - timedelta(days=30), NOW, TODAY)
    assert (tmp_path / "usage.duckdb.dlt").is_dir()  # dlt's working dir, next to the file
    assert not lock_path(db).exists()

    # The working directory is only a cache: dlt restores the state from the database.
    import shutil

    shutil.rmtree(tmp_path / "usage.duckdb.dlt")
    again = sync(client_for(accepting()), db, operations=["costs"], now=NOW, directory=False)
    assert again.operations[0].start == TODAY - timedelta(days=3)
    # The fetch started early from the empty local state was dropped and not counted: one
    # request, for the trailing window planned from the restored state.
    assert again.requests == 1


def test_earlier_since_backfills_and_later_since_is_a_floor(tmp_path: Path) -> None:
    db = tmp_path / "usage.duckdb"
    ops = ["embeddings"]
    client = client_for(accepting())
    sync(client, db, since="2026-11-01", operations=ops, now=NOW, directory=False)
    later = sync(client, db, since="2026-11-10", operations=ops, now=NOW, directory=False)
    assert later.operations[0].start == TODAY - timedelta(days=3)  # max(since, window)
    report = sync(client, db, since="2026-09-01", operations=ops, now=NOW, directory=False)
    assert report.operations[0].start == day(9, 1)
    ((first, count),) = query(db, "SELECT min(bucket_start), count(*) FROM usage_embeddings")
    assert first.astimezone(UTC) == day(9, 1)
    assert count == facade_count(client, "embeddings", day(9, 1), NOW)


def test_partial_day_is_completed_on_the_next_run(tmp_path: Path) -> None:
    db = tmp_path / "usage.duckdb"
    early = accepting(now=datetime(2026, 11, 20, 12, tzinfo=UTC))
    first = sync(
        client_for(early),
        db,
        since="2026-11-01",
        operations=["costs"],
        now=early.now,
        directory=False,
    )
    assert first.operations[0].synced_until == day(11, 20)
    sql = "SELECT sum(amount_value) FROM costs WHERE bucket_start = '2026-11-20 00:00:00+00'"
    ((partial,),) = query(db, sql)
    second = sync(client_for(accepting()), db, operations=["costs"], now=NOW, directory=False)
    assert second.operations[0].start == day(11, 17)
    ((full,),) = query(db, sql)
    whole = costs_total(client_for(accepting()), day(11, 20), day(11, 21))
    assert full == pytest.approx(whole)
    assert full > partial


def test_plan_start() -> None:
    state = OpState(day(11, 1), day(11, 20))
    assert plan_start(None, None, NOW, 3) == TODAY - timedelta(days=30)
    assert plan_start(None, day(10, 1), NOW, 3) == day(10, 1)
    assert plan_start(state, None, NOW, 3) == day(11, 17)
    assert plan_start(state, None, NOW, 0) == day(11, 20)
    assert plan_start(state, day(11, 5), NOW, 3) == day(11, 17)
    assert plan_start(state, day(11, 19), NOW, 3) == day(11, 19)
    assert plan_start(state, day(10, 1), NOW, 3) == day(10, 1)
    assert plan_start(OpState(day(11, 19), day(11, 20)), None, NOW, 3) == day(11, 19)


def test_advance_state_keeps_one_contiguous_range() -> None:
    s = OpState(day(11, 1), day(11, 20))
    assert advance_state(None, day(11, 1), day(11, 1)) is None
    assert advance_state(None, day(11, 1), day(11, 5)) == OpState(day(11, 1), day(11, 5))
    assert advance_state(s, day(11, 17), day(11, 24)) == OpState(day(11, 1), day(11, 24))
    assert advance_state(s, day(9, 1), day(10, 1)) == s
    assert advance_state(s, day(9, 1), day(11, 1)) == OpState(day(9, 1), day(11, 20))
    assert advance_state(s, day(11, 22), day(11, 24)) == OpState(day(11, 22), day(11, 24))
    assert OpState.from_json(s.to_json()) == s
    assert OpState.from_json({"synced_from": "x"}) is None


# -- locking ------------------------------------------------------------------------------------


def test_a_concurrent_sync_of_the_same_file_is_refused_in_one_line(tmp_path: Path) -> None:
    db = tmp_path / "usage.duckdb"
    fake = accepting()
    # Another sync holds the target.
    with (
        FileLock(lock_path(db), str(db)),
        pytest.raises(SyncLockedError, match="another sync is running") as info,
    ):
        sync(client_for(fake), db, operations=["costs"], now=NOW)
    assert "\n" not in str(info.value)
    assert isinstance(info.value, OpenAIUsageError)
    assert fake.requests == []
    assert not lock_path(db).exists()
    sync(client_for(fake), db, operations=["costs"], now=NOW, directory=False)  # free again


def test_a_concurrent_sync_of_the_same_destination_is_refused(tmp_path: Path) -> None:
    import dlt

    work = tmp_path / "pipelines"
    destination = dlt.destinations.filesystem((tmp_path / "bucket").as_uri())
    work.mkdir()
    fake = accepting()
    with (
        FileLock(work / "openai_org_usage.lock", "x"),
        pytest.raises(SyncLockedError, match="another sync is running on filesystem"),
    ):
        sync(client_for(fake), destination=destination, pipelines_dir=work, now=NOW)
    assert fake.requests == []


def test_a_destination_object_of_the_caller_is_left_as_it_was(tmp_path: Path) -> None:
    import dlt

    destination = dlt.destinations.filesystem((tmp_path / "bucket").as_uri())
    report = sync(
        client_for(accepting()),
        destination=destination,
        pipelines_dir=tmp_path / "work",
        operations=["costs"],
        now=NOW,
        directory=False,
    )
    assert report.total_rows > 0
    # The capabilities remembered for one run stay on the run's own objects: the caller's
    # object would otherwise answer from this run's configuration in every later one.
    assert "capabilities" not in vars(destination)


def test_a_database_open_in_another_process_is_refused(tmp_path: Path) -> None:
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
    assert not lock_path(db).exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [("shopping list\n", "is not a DuckDB database"), ("", "is not a DuckDB database")],
)
def test_a_file_that_is_not_a_database_is_refused_and_left_unchanged(
    tmp_path: Path, content: str, problem: str
) -> None:
    db = tmp_path / "notes.duckdb"
    db.write_text(content, encoding="utf-8")
    fake = accepting()
    with pytest.raises(StoreError, match=problem) as info:
        sync(client_for(fake), db, operations=["costs"], now=NOW)
    assert str(db) in str(info.value)
    assert "\n" not in str(info.value)
    assert db.read_text(encoding="utf-8") == content
    assert fake.requests == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.duckdb"]


@pytest.mark.parametrize("kind", ["directory", "missing parent"])
def test_paths_that_cannot_be_a_database_are_refused(tmp_path: Path, kind: str) -> None:
    db = tmp_path if kind == "directory" else tmp_path / "nope" / "usage.duckdb"
    with pytest.raises(StoreError, match="directory"):
        sync(client_for(accepting()), db, operations=["costs"], now=NOW)


# -- nothing loaded -----------------------------------------------------------------------------


def test_a_run_that_loads_nothing_because_it_failed_leaves_no_new_file(tmp_path: Path) -> None:
    """A wrong key (401 on the first request): no rows, so no database file and no working
    directory are left behind, as if the run had not happened."""
    db = tmp_path / "usage.duckdb"
    wrong = client_for(accepting(api_key="sk-admin-the-right-one"), max_retries=0)
    with pytest.raises(OpenAIUsageError, match="401"):
        sync(wrong, db, operations=["costs", "completions"], now=NOW)
    assert list(tmp_path.iterdir()) == []


def test_a_file_that_was_there_keeps_its_rows_when_a_run_fails_before_any(
    tmp_path: Path,
) -> None:
    db = tmp_path / "usage.duckdb"
    sync(client_for(accepting()), db, since="2026-11-20", operations=["costs"], now=NOW)
    before = query(db, "SELECT count(*), sum(amount_value) FROM costs")
    wrong = client_for(accepting(api_key="sk-admin-the-right-one"), max_retries=0)
    with pytest.raises(OpenAIUsageError, match="401"):
        sync(wrong, db, operations=["costs"], now=NOW)
    assert query(db, "SELECT count(*), sum(amount_value) FROM costs") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["usage.duckdb", "usage.duckdb.dlt"]


def test_organizations_without_a_key_leave_the_target_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KEY_UNSET", raising=False)
    orgs = [Organization("a", "org-a", "KEY_UNSET"), Organization("b", "org-b", "KEY_UNSET")]
    report = sync(open_clients(orgs), tmp_path / "usage.duckdb", now=NOW)
    assert set(report.failed) == {"a", "b"}
    assert report.failed["a"].message == "environment variable KEY_UNSET is unset"
    assert (report.operations, report.total_rows) == ((), 0)
    assert list(tmp_path.iterdir()) == []  # not opened, not locked, not created


# -- arguments ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"operations": ["completions", "nope"]}, "operations"),
        ({"trailing_days": -1}, "trailing_days"),
        ({"since": datetime(2026, 11, 1)}, "since"),  # naive
        ({"since": "2027-01-01"}, "since"),  # after now
        ({"now": datetime(2026, 11, 25)}, "now"),  # naive
        ({"destination": "duckdb"}, "db"),  # both a file and a destination
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
    assert list(tmp_path.iterdir()) == []
    assert fake.requests == []


# -- several organizations ----------------------------------------------------------------------


def deny(request: httpx.Request) -> httpx.Response:
    body = {"error": {"message": "Insufficient permissions", "type": "invalid_request_error"}}
    return httpx.Response(403, json=body, request=request)


def test_organizations_sync_concurrently_and_a_failing_one_stops_no_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    orgs = [
        Organization("acme", "org-acme", "KEY_ACME"),
        Organization("beta", "org-beta", "KEY_BETA"),
        Organization("gone", "org-gone", "KEY_GONE"),
    ]
    transports = [
        accepting(seed=0).transport(),
        accepting(seed=1).transport(),
        httpx.MockTransport(deny),
    ]
    clients = open_clients(orgs, max_concurrency=2, transports=transports, max_retries=0)
    db = tmp_path / "usage.duckdb"
    report = sync(clients, db, since="2026-11-10", operations=["costs", "completions"], now=NOW)

    assert set(report.failed) == {"gone"}
    failure = report.failed["gone"]
    assert failure.operation == "costs"
    assert isinstance(failure.error, PermissionDeniedError)
    assert "PermissionDeniedError" in failure.message
    by_org = dict(query(db, "SELECT org_id, count(*) FROM costs GROUP BY org_id"))
    assert set(by_org) == {"org-acme", "org-beta"}
    for name, org_id, seed in (("acme", "org-acme", 0), ("beta", "org-beta", 1)):
        expected = facade_count(client_for(accepting(seed=seed)), "costs", day(11, 10), NOW)
        assert by_org[org_id] == expected, name
        assert [op.org for op in report.operations if op.org == name] == [name, name]
    # The directory's tables too, one set of rows per organization that synced.
    projects = dict(query(db, "SELECT org_id, count(*) FROM projects GROUP BY org_id"))
    assert set(projects) == {"org-acme", "org-beta"}
    assert min(projects.values()) > 0
    assert report.directory[("acme", "projects")] == projects["org-acme"]


def test_an_unset_key_variable_fails_that_organization_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("KEY_UNSET", raising=False)
    secret = "sk-admin-" + "x" * 40
    monkeypatch.setenv("KEY_SET", secret)
    orgs = [Organization("a", "org-a", "KEY_SET"), Organization("b", "org-b", "KEY_UNSET")]
    clients = open_clients(orgs)
    assert clients[1].client is None
    assert clients[1].error == "environment variable KEY_UNSET is unset"
    assert secret not in repr(clients)


def test_one_budget_bounds_requests_in_flight_over_every_organization() -> None:
    slots = threading.BoundedSemaphore(2)
    lock = threading.Lock()
    in_flight = peak = 0
    release = threading.Event()

    def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
        release.wait(timeout=0.2)
        with lock:
            in_flight -= 1
        return httpx.Response(200, json={"ok": True})

    transports = [budget_transport(httpx.MockTransport(slow), slots) for _ in range(3)]
    threads = [
        threading.Thread(
            target=lambda t=t: t.handle_request(httpx.Request("GET", "http://127.0.0.1/x"))
        )
        for t in transports
        for _ in range(3)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak == 2


# -- the directory ------------------------------------------------------------------------------


def test_a_key_without_rights_to_the_directory_still_syncs_and_says_so(tmp_path: Path) -> None:
    inner = accepting().transport()

    def no_listing(request: httpx.Request) -> httpx.Response:
        if "/usage/" in request.url.path or request.url.path.endswith("/costs"):
            return inner.handle_request(request)
        return deny(request)

    db = tmp_path / "usage.duckdb"
    client = UsageClient("sk-admin-test", transport=httpx.MockTransport(no_listing), max_retries=0)
    report = sync(client, db, since="2026-11-20", operations=["costs"], now=NOW)
    assert report.ok
    assert report.total_rows > 0
    assert "403" in report.directory_skipped["default"]
    tables = {name for (name,) in query(db, "SELECT table_name FROM information_schema.tables")}
    assert "costs" in tables
    assert "projects" not in tables


# -- a year ---------------------------------------------------------------------------------------


def test_a_year_of_every_operation_in_one_run(tmp_path: Path) -> None:
    """364 days (the API serves a year): every table holds what the facade returns."""
    counting = CountingTransport(accepting().transport())
    db = tmp_path / "usage.duckdb"
    since = TODAY - timedelta(days=364)
    with UsageClient("sk-admin-test", transport=counting) as client:
        report = sync(client, db, since=since, now=NOW, directory=False)
        assert report.ok
        assert report.requests == len(counting.paths)
        for name, table in TABLES.items():
            expected = facade_count(client, name, since, NOW)
            ((count, first),) = query(db, f"SELECT count(*), min(bucket_start) FROM {table.name}")
            assert count == expected == report.rows[name], name
            assert first.astimezone(UTC) == since, name


def test_attributed_costs_are_the_bill_and_a_second_run_replaces_its_window(
    tmp_path: Path,
) -> None:
    from openai_org_usage.attribution import attribute

    def per_day(rows: Any) -> dict[datetime, Any]:
        out: dict[datetime, Any] = {}
        for row in rows:
            out[row.start] = out.get(row.start, 0) + row.attributed
        return out

    db = tmp_path / "usage.duckdb"
    args: dict[str, Any] = {"operations": ["costs"], "now": NOW, "directory": False}
    first = sync(client_for(accepting()), db, since="2026-11-15", attribution=True, **args)
    assert first.directory[("default", "attributed_costs")] > 0
    whole = attribute(client_for(accepting()), start=day(11, 15), end=NOW, by=("user_id",))
    sql = (
        "SELECT bucket_start, sum(attributed_cost) FROM attributed_costs "
        "GROUP BY bucket_start ORDER BY bucket_start"
    )
    stored = {start.astimezone(UTC): total for start, total in query(db, sql)}
    assert stored == per_day(whole.rows)
    assert sum(stored.values()) == whole.totals.billed  # to the cent, remainders included

    sync(client_for(accepting()), db, attribution=True, **args)  # the trailing window again
    window = attribute(client_for(accepting()), start=day(11, 22), end=NOW, by=("user_id",))
    again = {start.astimezone(UTC): total for start, total in query(db, sql)}
    # The window's days hold this run's attribution, the days before the first run's: one
    # set of rows per day, never both.
    assert again == {**{d: v for d, v in stored.items() if d < day(11, 22)}, **per_day(window.rows)}


def test_a_destination_that_cannot_list_its_tables_is_merged_into() -> None:
    """Append is only for tables known to be absent; when the destination cannot say, every
    table merges (always right, only slower)."""
    from openai_org_usage.store._sync import _absent_tables

    class Unlisting:
        def destination_client(self) -> Any:
            raise RuntimeError("this destination lists nothing")

    fake = accepting()
    with client_for(fake) as client:
        from openai_org_usage.store import usage_source

        data = usage_source(client, operations=["costs"], now=NOW, directory=False)
        assert _absent_tables(Unlisting(), data) == []
        appended = usage_source(
            client, operations=["costs"], now=NOW, directory=False, write_disposition="append"
        )

        class Listing:
            def destination_client(self) -> Any:
                raise AssertionError("appended tables need no listing")

        assert _absent_tables(Listing(), appended) == []
        # A table with a stored state was loaded before: the destination is not asked.
        assert _absent_tables(Listing(), data, {"costs": {"default": {}}}) == []


def test_the_next_operation_is_fetched_while_dlt_takes_the_last_ones_rows(
    tmp_path: Path,
) -> None:
    """Fetching runs ahead of dlt: while the first operation's (only) page is still being
    handed over (its progress call blocks here), the second operation's first request is
    sent. A sync that fetched an operation only once dlt asked for it would wait forever."""
    fake = accepting()
    second_asked = threading.Event()
    inner = fake.transport()

    class Watching(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/usage/embeddings"):
                second_asked.set()
            return inner.handle_request(request)

    waited: list[bool] = []

    def progress(page: Any) -> None:
        if page.operation == "completions" and not waited:
            waited.append(second_asked.wait(timeout=30))

    with UsageClient("sk-admin-test", transport=Watching()) as client:
        report = sync(
            client,
            tmp_path / "usage.duckdb",
            since="2026-11-20",
            operations=["completions", "embeddings"],
            now=NOW,
            directory=False,
            progress=progress,
        )
    assert waited == [True]
    assert report.rows == {
        op: facade_count(client_for(fake), op, day(11, 20), NOW)
        for op in ("completions", "embeddings")
    }


def test_a_progress_callback_that_raises_stops_the_sync_and_every_fetch(
    tmp_path: Path,
) -> None:
    """The callback's exception comes out as it was; nothing of the run is loaded, and no
    fetching thread is left behind (they were fetching operations ahead)."""
    db = tmp_path / "usage.duckdb"

    class Stop(Exception):
        pass

    def progress(page: Any) -> None:
        raise Stop(page.operation)

    before = {t for t in threading.enumerate() if t.name.startswith("sync-")}
    with pytest.raises(Stop, match="costs"):
        sync(client_for(accepting()), db, since="2026-10-01", now=NOW, progress=progress)
    left = {t for t in threading.enumerate() if t.name.startswith("sync-")} - before
    assert left == set()
    tables = {name for (name,) in query(db, "SELECT table_name FROM information_schema.tables")}
    assert not tables & {schema.name for schema in TABLES.values()}
    again = sync(client_for(accepting()), db, since="2026-10-01", now=NOW, directory=False)
    assert again.start == day(10, 1)  # nothing was recorded as synced


def test_a_destination_without_sql_keeps_emptied_buckets_and_says_so_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    from dlt.common.destination.exceptions import SqlClientNotAvailable

    from openai_org_usage.store._sync import _EmptiedBuckets

    class NoSql:
        class destination:  # dlt's attribute, read for the message
            destination_name = "weaviate"

        def sql_client(self) -> Any:
            raise SqlClientNotAvailable("pipeline", "usage", "weaviate")

    emptied = _EmptiedBuckets("weaviate openai_org_usage", pipeline=NoSql())
    with caplog.at_level("WARNING", logger="openai_org_usage"):
        emptied.delete("costs", "org-1", [day(11, 20)])
        emptied.delete("usage_completions", "org-1", [day(11, 20)])
    assert [r.getMessage() for r in caplog.records] == [
        "weaviate: the destination takes no SQL, so rows of buckets the API emptied since "
        "they were stored stay (a merge replaces only buckets that come with rows)"
    ]


def test_emptied_buckets_of_a_missing_table_are_nothing_and_a_refused_delete_is_a_store_error(
    tmp_path: Path,
) -> None:
    import dlt
    import duckdb

    from openai_org_usage.store._sync import _EmptiedBuckets

    path = tmp_path / "usage.duckdb"
    connection = duckdb.connect(str(path))
    pipeline = dlt.pipeline(
        pipeline_name="emptied",
        pipelines_dir=str(tmp_path / "work"),
        destination=dlt.destinations.duckdb(connection),
        dataset_name="main",
    )
    emptied = _EmptiedBuckets(str(path), pipeline=pipeline)
    emptied.delete("costs", "org-1", [day(11, 20)])  # no such table: nothing to delete
    connection.execute("CREATE TABLE main.costs (org_id VARCHAR, bucket_start VARCHAR)")
    connection.execute("INSERT INTO main.costs VALUES ('org-1', 'x'), ('org-1', 'y')")
    with pytest.raises(StoreError, match=r"usage\.duckdb: cannot delete the rows of costs"):
        emptied.delete("costs", "org-1", [day(11, 20)])  # bucket_start of the wrong type
    connection.close()
