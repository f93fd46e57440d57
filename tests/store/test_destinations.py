"""The same assertions on four real destinations: a DuckDB file, Parquet files, Delta tables,
PostgreSQL.

Row contents (against the facade's own rows), counts and sums, an idempotent second run that
sends one request per operation (counted by a transport in front of the fake), restated
buckets replaced in place, and a run killed with SIGKILL at three moments (while fetching,
with a package extracted but not loaded, with every job loaded but the package not marked
done) that the next run completes with nothing lost or duplicated.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import subprocess
import sys
import textwrap
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from _store_targets import CountingTransport, Target, make_target

from openai_org_usage import OPERATIONS, UsageClient
from openai_org_usage.export import row_values
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI
from openai_org_usage.store import TABLES, SyncProgress, sync

NOW = DEFAULT_NOW  # 2026-11-25T12:00Z
TODAY = datetime(2026, 11, 25, tzinfo=UTC)
OPS = ("costs", "completions")


def accepting(**options: Any) -> FakeUsageAPI:
    """The fake as an organization whose API refuses no grouping (costs by user_id too)."""
    return FakeUsageAPI(refused_groupings={}, **options)


def expected_rows(
    fake: FakeUsageAPI, op: str, start: datetime, end: datetime, org_id: str = "default"
) -> list[tuple[Any, ...]]:
    """What the table should hold for ``op`` over ``[start, end)``, from the facade."""
    return list(_expected(fake.seed, op, start, end, org_id))


@functools.cache
def _expected(
    seed: int, op: str, start: datetime, end: datetime, org_id: str
) -> tuple[tuple[Any, ...], ...]:
    fake = accepting(seed=seed)
    with UsageClient("sk-admin-test", transport=fake.transport()) as client:
        paginator = getattr(client, op)(
            start=start, end=end, bucket_width="1d", group_by=list(OPERATIONS[op].group_by)
        )
        cols = TABLES[op].columns
        rows = [(org_id, *row_values(cols, row)) for row in paginator.results()]
    return tuple(sorted(rows, key=repr))


def table_rows(target: Target, ops: Iterable[str] = OPS) -> dict[str, list[tuple[Any, ...]]]:
    return {op: target.rows(TABLES[op].name) for op in ops}


def run(target: Target, fake: FakeUsageAPI, **options: Any) -> tuple[Any, CountingTransport]:
    counting = CountingTransport(fake.transport())
    with UsageClient("sk-admin-test", transport=counting) as client:
        report = sync(client, **target.sync_args(), now=NOW, directory=False, **options)
    return report, counting


def test_rows_counts_sums_and_an_idempotent_second_run(target: Target) -> None:
    since = datetime(2026, 11, 1, tzinfo=UTC)
    report, first = run(target, accepting(), since=since, operations=OPS)

    assert report.ok
    assert report.requests == len(first.paths) == len(OPS)
    stored = table_rows(target)
    for op in OPS:
        expected = expected_rows(accepting(), op, since, NOW)
        assert expected, op
        assert stored[op] == expected, op
        assert report.rows[op] == len(expected)
    spend = sum(row[TABLES["costs"].column_names.index("amount_value")] for row in stored["costs"])
    assert spend == pytest.approx(
        sum(r[3] for r in expected_rows(accepting(), "costs", since, NOW))
    )
    if target.kind in ("duckdb", "postgres"):
        ((count, total),) = target.query("SELECT count(*), sum(amount_value) FROM costs")
        assert count == len(stored["costs"])
        assert total == pytest.approx(spend)

    again, second = run(target, accepting(), operations=OPS)
    # One request per operation: the trailing window (3 days and today) fits in one page.
    assert sorted(second.paths) == sorted(
        f"/v1/organization/{p}" for p in ("costs", "usage/completions")
    )
    assert again.requests == len(OPS)
    assert {op.start for op in again.operations} == {TODAY - timedelta(days=3)}
    assert table_rows(target) == stored


def test_restated_buckets_replace_old_rows(target: Target) -> None:
    """Seed 1 stands for the API having restated everything: only the window is re-read,
    and its buckets hold exactly seed 1's rows (groups seed 1 lacks are gone)."""
    since = datetime(2026, 11, 15, tzinfo=UTC)
    run(target, accepting(seed=0), since=since, operations=OPS)
    run(target, accepting(seed=1), operations=OPS)
    window = TODAY - timedelta(days=3)
    stored = table_rows(target)
    for op in OPS:
        old = expected_rows(accepting(seed=0), op, since, window)
        new = expected_rows(accepting(seed=1), op, window, NOW)
        assert stored[op] == sorted(old + new, key=repr), op
        gone = set(expected_rows(accepting(seed=0), op, window, NOW)) - set(new)
        assert gone, "seed 0 has groups in the window that seed 1 does not"


def staged_tables(target: Target) -> set[str]:
    """Tables in the dataset's staging schema, where dlt puts a load it merges."""
    staging = "main_staging" if target.kind == "duckdb" else "openai_org_usage_staging"
    found = target.query(
        f"SELECT table_name FROM information_schema.tables WHERE table_schema = '{staging}'"
    )
    return {name for (name,) in found} & {schema.name for schema in TABLES.values()}


@pytest.mark.parametrize("target", ["duckdb", "postgres"], indirect=True)
def test_a_table_new_to_the_destination_is_appended_and_a_stored_one_merged(
    target: Target,
) -> None:
    """Nothing stored, nothing to replace: a table's first load appends (no staging table);
    once it holds rows, its loads merge, while an operation added later still appends."""
    since = datetime(2026, 11, 15, tzinfo=UTC)
    run(target, accepting(seed=0), since=since, operations=["completions"])
    assert staged_tables(target) == set()
    run(target, accepting(seed=1), since=since, operations=OPS)
    assert staged_tables(target) == {TABLES["completions"].name}
    window = TODAY - timedelta(days=3)
    stored = table_rows(target)
    costs = expected_rows(accepting(seed=1), "costs", since, NOW)
    assert stored["costs"] == sorted(costs, key=repr)
    old = expected_rows(accepting(seed=0), "completions", since, window)
    new = expected_rows(accepting(seed=1), "completions", window, NOW)
    assert stored["completions"] == sorted(old + new, key=repr)


class Emptying(httpx.BaseTransport):
    """The fake's answers, with every bucket starting at ``day`` emptied of results: the API
    having restated that day to nothing."""

    def __init__(self, inner: httpx.BaseTransport, day: datetime) -> None:
        self.inner = inner
        self.start = int(day.timestamp())

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        page = json.loads(response.content)
        for bucket in page.get("data", ()):
            if bucket.get("start_time") == self.start:
                bucket["results"] = []
        return httpx.Response(response.status_code, json=page, request=request)


@pytest.mark.parametrize("target", ["duckdb", "delta", "postgres"], indirect=True)
def test_a_bucket_restated_to_nothing_loses_its_rows(target: Target) -> None:
    """A merge replaces the buckets that come with rows; a bucket the API emptied comes with
    none, and its stored rows go too (only that organization's, only that bucket's)."""
    since = datetime(2026, 11, 15, tzinfo=UTC)
    emptied = TODAY - timedelta(days=2)
    run(target, accepting(seed=0), since=since, operations=OPS)
    with UsageClient("sk-admin-test", transport=accepting(seed=0).transport()) as other:
        sync(
            other,
            **target.sync_args(),
            org_id="org-other",
            now=NOW,
            since=since,
            operations=OPS,
            directory=False,
        )
    before = table_rows(target)
    assert all(any(row[1] == emptied for row in before[op]) for op in OPS)
    transport = Emptying(accepting(seed=0).transport(), emptied)
    with UsageClient("sk-admin-test", transport=transport) as client:
        sync(client, **target.sync_args(), now=NOW, operations=OPS, directory=False)
    after = table_rows(target)
    for op in OPS:
        gone = [row for row in before[op] if row[0] == "default" and row[1] == emptied]
        assert gone, op
        assert after[op] == [row for row in before[op] if row not in gone], op


# -- killed and resumed -------------------------------------------------------------------------

KILL_SINCE = "2026-10-20"  # completions: 2 pages (31 days, then 5); costs: 1 page
# Every moment on DuckDB; on the others, the two that differ most for them (the first load's
# jobs done but not recorded is where appended files could be written twice).
KILLS = [
    ("duckdb", "fetching"),
    ("duckdb", "loading"),
    ("duckdb", "completing"),
    ("filesystem", "fetching"),
    ("filesystem", "completing"),
    ("delta", "fetching"),
    ("delta", "loading"),
    ("delta", "completing"),
    ("postgres", "fetching"),
    ("postgres", "completing"),
]
# Runs in a child process: a slow sync that kills itself (SIGKILL) at the named moment.
CHILD = textwrap.dedent(
    """
    import json, os, signal, sys
    from datetime import datetime
    import dlt
    from openai_org_usage import UsageClient
    from openai_org_usage.fake import FakeUsageAPI
    from openai_org_usage.store import sync

    spec = json.loads(sys.argv[1])
    moment = spec["moment"]

    def die(*args, **kwargs):
        print("dying at", moment, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    if moment == "loading":  # a package extracted and normalized, not loaded
        dlt.Pipeline.load = die
    elif moment == "completing":  # every job loaded, the package not marked done
        import dlt.load.load
        dlt.load.load.Load.complete_package = die

    def progress(p):
        if moment == "fetching" and p.page == 1 and p.operation == "completions":
            die()

    if spec["kind"] == "duckdb":
        where = {"db": spec["db"]}
    elif spec["kind"] == "filesystem":
        where = {"destination": dlt.destinations.filesystem(spec["bucket"])}
    elif spec["kind"] == "delta":
        where = {"destination": dlt.destinations.filesystem(spec["bucket"]),
                 "table_format": "delta"}
    else:
        where = {"destination": dlt.destinations.postgres(spec["url"])}
    fake = FakeUsageAPI(seed=0, refused_groupings={}, latency=0.05)
    with UsageClient("sk-admin-test-dummy", transport=fake.transport(), max_concurrency=1) as c:
        sync(c, pipelines_dir=spec["pipelines_dir"], since=spec["since"],
             operations=spec["operations"], now=datetime.fromisoformat(spec["now"]),
             directory=False, progress=progress, **where)
    print("finished", flush=True)
    """
)


def kill_spec(target: Target, moment: str) -> str:
    spec: dict[str, Any] = {
        "kind": target.kind,
        "moment": moment,
        "pipelines_dir": str(target.workdir / "pipelines"),
        "since": KILL_SINCE,
        "operations": list(OPS),
        "now": NOW.isoformat(),
    }
    if target.db is not None:
        spec["db"] = str(target.db)
    if target.bucket is not None:
        spec["bucket"] = target.bucket.as_uri()
    if target.postgres_url is not None:
        spec["url"] = target.postgres_url
    return json.dumps(spec)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize(("kind", "moment"), KILLS)
def test_killed_run_resumes_with_nothing_lost_or_duplicated(
    kind: str, moment: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    target = make_target(kind, tmp_path, request)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, kill_spec(target, moment)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "RUNTIME__DLTHUB_TELEMETRY": "false"},
    )
    assert child.returncode == -signal.SIGKILL, child.stdout + child.stderr
    assert f"dying at {moment}" in child.stdout

    seen: list[SyncProgress] = []
    report, _ = run(target, accepting(), since=KILL_SINCE, operations=OPS, progress=seen.append)
    assert report.ok
    since = datetime(2026, 10, 20, tzinfo=UTC)
    stored = table_rows(target)
    for op in OPS:
        expected = expected_rows(accepting(), op, since, NOW)
        assert stored[op] == expected, op  # nothing lost, nothing twice (rows are sorted)
    if moment == "completing":
        # The package was loaded before the kill: the next run finishes it and then starts
        # from its state, so only the trailing window is fetched again.
        assert {op.start for op in report.operations} == {TODAY - timedelta(days=3)}


# -- the README's queries -----------------------------------------------------------------------

README_QUERIES = {
    "spend per month and project": """
        SELECT date_trunc('month', c.bucket_start) AS month,
               coalesce(p.name, c.project_id) AS project,
               round(sum(c.amount_value)::numeric, 2) AS usd
        FROM costs c
        LEFT JOIN projects p ON p.org_id = c.org_id AND p.id = c.project_id
        GROUP BY 1, 2
        ORDER BY month, usd DESC""",
    "tokens per model": """
        SELECT model, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens
        FROM usage_completions
        GROUP BY model
        ORDER BY sum(input_tokens + output_tokens) DESC""",
    "top users by name": """
        SELECT coalesce(u.name, u.email, c.user_id) AS user_name,
               sum(c.input_tokens + c.output_tokens) AS tokens
        FROM usage_completions c
        LEFT JOIN users u ON u.org_id = c.org_id AND u.id = c.user_id
        WHERE c.user_id IS NOT NULL
        GROUP BY 1
        ORDER BY tokens DESC
        LIMIT 10""",
    "top users by attributed spend": """
        SELECT coalesce(u.name, u.email, a.user_id) AS user_name,
               sum(a.attributed_cost) AS usd
        FROM attributed_costs a
        LEFT JOIN users u ON u.org_id = a.org_id AND u.id = a.user_id
        WHERE a.unattributed_reason IS NULL AND a.user_id IS NOT NULL
        GROUP BY 1
        ORDER BY usd DESC
        LIMIT 10""",
}


@pytest.mark.parametrize("kind", ["duckdb", "postgres"])
def test_the_readme_queries_answer_with_names(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    target = make_target(kind, tmp_path, request)
    fake = accepting()
    with UsageClient("sk-admin-test", transport=fake.transport()) as client:
        report = sync(
            client,
            **target.sync_args(),
            since="2026-11-15",
            operations=OPS,
            now=NOW,
            attribution=True,
        )
    assert report.ok
    answers = {name: target.query(sql) for name, sql in README_QUERIES.items()}
    assert all(answers.values()), answers
    by_project = answers["spend per month and project"]
    assert not any(str(project).startswith("proj_") for _, project, _ in by_project)  # names
    total = sum(float(usd) for _, _, usd in by_project)
    assert total == pytest.approx(
        sum(r[3] for r in expected_rows(fake, "costs", datetime(2026, 11, 15, tzinfo=UTC), NOW)),
        abs=0.01 * len(by_project),
    )
    assert not any(str(user).startswith("user-") for user, _ in answers["top users by name"])
    ((attributed,),) = target.query("SELECT sum(attributed_cost) FROM attributed_costs")
    assert float(attributed) == pytest.approx(total, abs=0.01 * 30)
