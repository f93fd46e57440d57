"""Delta tables on the filesystem destination (``table_format="delta"``), beyond the
assertions every destination shares (``test_destinations``): the row key, what is refused,
a run killed before its replaced rows were dropped, the directory and attribution tables,
the command line, and the README's way of reading the tables."""

from __future__ import annotations

import json
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pytest
from _store_targets import Target, make_target
from click.testing import CliRunner
from test_destinations import NOW, OPS, TODAY, accepting, expected_rows, run, table_rows

from openai_org_usage import InvalidParameterError, MissingDependencyError, UsageClient
from openai_org_usage.store import TABLES, sync
from openai_org_usage.store import _sync as store_sync
from openai_org_usage.store._delta import ROW_KEY, with_row_key

SINCE = datetime(2026, 11, 15, tzinfo=UTC)


@pytest.fixture
def delta(tmp_path: Path, request: pytest.FixtureRequest) -> Target:
    return make_target("delta", tmp_path, request)


def test_the_row_key_tells_nulls_empty_strings_and_separators_apart() -> None:
    values = [
        ("a", "b"),
        ("a,b", None),
        ("a", None),
        (None, "a"),
        ("", None),
        (None, ""),
        (None, None),
        ("1:a", "b"),
        ("", ""),
        ("a", "b"),  # the first again: the same key
    ]
    table = pa.table(
        {"x": [v[0] for v in values], "y": [v[1] for v in values], "flag": [True] * len(values)}
    )
    keys = with_row_key(table, ["x", "y", "flag"]).column(ROW_KEY).to_pylist()
    assert None not in keys
    assert keys[0] == keys[-1]
    assert len(set(keys)) == len(values) - 1
    assert keys[2] == "1:a,-,4:true"
    empty = with_row_key(table, []).column(ROW_KEY).to_pylist()
    assert set(empty) == {""}


def test_table_format_is_refused_where_it_cannot_apply(tmp_path: Path) -> None:
    import dlt

    with UsageClient("sk-admin-test", transport=accepting().transport()) as client:
        with pytest.raises(InvalidParameterError, match="table_format"):
            sync(client, tmp_path / "usage.duckdb", table_format="delta", now=NOW)
        with pytest.raises(InvalidParameterError, match="postgres"):
            sync(
                client,
                destination=dlt.destinations.postgres("postgresql://u:p@127.0.0.1:1/db"),
                table_format="delta",
                pipelines_dir=tmp_path / "work",
                now=NOW,
            )
        with pytest.raises(InvalidParameterError, match="iceberg"):
            sync(
                client,
                destination=dlt.destinations.filesystem((tmp_path / "b").as_uri()),
                table_format="iceberg",
                pipelines_dir=tmp_path / "work",
                now=NOW,
            )
    assert not (tmp_path / "work").exists()
    assert not (tmp_path / "usage.duckdb").exists()


def test_without_deltalake_the_error_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import dlt

    monkeypatch.setitem(sys.modules, "deltalake", None)
    with (
        UsageClient("sk-admin-test", transport=accepting().transport()) as client,
        pytest.raises(MissingDependencyError, match=r"openai-org-usage\[delta\]"),
    ):
        sync(
            client,
            destination=dlt.destinations.filesystem((tmp_path / "b").as_uri()),
            table_format="delta",
            pipelines_dir=tmp_path / "work",
            now=NOW,
        )
    assert not (tmp_path / "b").exists()


def test_a_run_stopped_before_dropping_replaced_rows_has_them_dropped_by_the_next(
    delta: Target, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Groups a restatement dropped stay until the run deletes them after its load; a run
    that stopped in between leaves them, never a row twice, and the next run deletes them."""
    run(delta, accepting(seed=0), since=SINCE, operations=OPS)
    with monkeypatch.context() as patched:
        patched.setattr(store_sync, "drop_superseded", lambda *args: None)
        run(delta, accepting(seed=1), operations=OPS)
    window = TODAY - timedelta(days=3)
    new = {op: expected_rows(accepting(seed=1), op, window, NOW) for op in OPS}
    stale = table_rows(delta)
    for op in OPS:
        assert set(new[op]) < set(stale[op]), op
        assert len(set(stale[op])) == len(stale[op]), op  # updated in place, not twice

    run(delta, accepting(seed=1), operations=OPS, trailing_days=0)
    stored = table_rows(delta)
    for op in OPS:
        old = expected_rows(accepting(seed=0), op, SINCE, window)
        assert stored[op] == sorted(old + new[op], key=repr), op


def test_directory_and_attribution_tables_merge_too(delta: Target) -> None:
    def counts() -> dict[str, int]:
        names = ["projects", "users", "api_keys", "attributed_costs", TABLES["costs"].name]
        return {name: delta.delta_table(name).num_rows for name in names}

    with UsageClient("sk-admin-test", transport=accepting().transport()) as client:
        first = sync(
            client, **delta.sync_args(), since=SINCE, now=NOW, operations=OPS, attribution=True
        )
        assert first.ok
        before = counts()
        assert all(before.values()), before
        again = sync(client, **delta.sync_args(), now=NOW, operations=OPS, attribution=True)
    assert again.ok
    assert again.table_format == "delta"
    assert counts() == before
    attributed = delta.delta_table("attributed_costs")
    assert len(set(attributed.column(ROW_KEY).to_pylist()) - {None}) > 0
    keys = zip(
        attributed.column("bucket_start").to_pylist(),
        attributed.column(ROW_KEY).to_pylist(),
        strict=True,
    )
    assert len(set(keys)) == attributed.num_rows


def test_the_command_line_syncs_delta_tables(tmp_path: Path) -> None:
    from openai_org_usage.cli._app import cli

    bucket = tmp_path / "bucket"
    env = {
        "DESTINATION__FILESYSTEM__BUCKET_URL": bucket.as_uri(),
        "RUNTIME__DLTHUB_TELEMETRY": "false",
    }
    args = [
        "sync",
        "--demo",
        "--destination",
        "filesystem",
        "--table-format",
        "delta",
        "--pipelines-dir",
        str(tmp_path / "work"),
        "--since",
        "2026-11-15",
        "--operation",
        "costs",
        "--format",
        "json",
    ]
    runner = CliRunner()
    results = [runner.invoke(cli, args, env=env, catch_exceptions=False) for _ in range(2)]
    assert [r.exit_code for r in results] == [0, 0], results[0].output
    first, second = (json.loads(r.stdout) for r in results)
    assert (first["destination"], first["table_format"]) == ("filesystem", "delta")
    from deltalake import DeltaTable

    stored = DeltaTable(str(bucket / "openai_org_usage" / "costs")).to_pyarrow_table()
    assert stored.num_rows == first["total_rows"] > second["total_rows"] > 0

    refused = runner.invoke(
        cli, ["sync", "--demo", "--db", str(tmp_path / "x.duckdb"), "--table-format", "delta"]
    )
    assert refused.exit_code == 2
    assert "--table-format is for --destination filesystem" in refused.output
    assert not (tmp_path / "x.duckdb").exists()


# The reading of Delta tables the README describes (deltalake into Arrow and pandas, DuckDB
# through an Arrow dataset, without its delta extension), but for the bucket's path. Only what
# the test extra installs: polars, which the README also names, is a benchmark peer.
README_READING = textwrap.dedent(
    """
    from deltalake import DeltaTable
    import duckdb

    path = "/data/openai/openai_org_usage/costs"
    costs = DeltaTable(path).to_pyarrow_table()  # Arrow
    df = DeltaTable(path).to_pandas()
    monthly = (
        df.assign(month=df["bucket_start"].dt.strftime("%Y-%m"))
        .groupby(["month", "project_id"], dropna=False)["amount_value"]
        .sum()
        .rename("usd")
        .reset_index()
    )
    current = DeltaTable(path).to_pyarrow_dataset()
    by_project = duckdb.sql(
        "SELECT project_id, round(sum(amount_value), 2) AS usd "
        "FROM current GROUP BY ALL ORDER BY usd DESC"
    ).fetchall()
    """
)


def test_the_readme_reading_of_delta_tables_runs(delta: Target) -> None:
    run(delta, accepting(seed=0), since=SINCE, operations=OPS)
    run(delta, accepting(seed=1), operations=OPS)  # restated: old files hold replaced rows
    assert delta.bucket is not None
    code = README_READING.replace("/data/openai", str(delta.bucket))
    scope: dict[str, Any] = {}
    exec(compile(code, "README", "exec"), scope)
    stored = table_rows(delta, ["costs"])["costs"]
    spend = sum(row[TABLES["costs"].column_names.index("amount_value")] for row in stored)
    assert scope["costs"].num_rows == len(scope["df"]) == len(stored)
    assert scope["monthly"]["usd"].sum() == pytest.approx(spend)
    assert sum(usd for _, usd in scope["by_project"]) == pytest.approx(spend, abs=0.01 * 20)
