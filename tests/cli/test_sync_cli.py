"""``openai-usage sync``: demo syncs into a temporary DuckDB file, twice, and the refusals.

The demo uses the fake's fixed clock, 2026-11-25T12:00Z, so ``--since 2026-11-01`` stores the
daily buckets from 2026-11-01 through the (partial-day, full-data) bucket of 2026-11-25: the
same buckets ``report --demo --start 2026-11-01`` (ending at that clock) sums.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import Result

from openai_usage import OPERATIONS
from openai_usage.cli import _sync
from openai_usage.store import DuckDBBackend, table_name

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
SINCE = ("--since", "2026-11-01")
ERROR_PREFIX = "openai-usage: error: "
DEMO_NOTICE = (
    "Demo mode: synthetic data from the embedded fake API; no request leaves this machine."
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "usage.duckdb"


def _sync_json(invoke: Invoke, db: Path, *args: str) -> dict[str, Any]:
    result = invoke("sync", "--demo", "--db", str(db), *args, "--format", "json")
    assert result.exit_code == 0, result.output
    assert result.stderr.strip() == DEMO_NOTICE  # no progress line: stderr is not a terminal
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        counts = {}
        for name in OPERATIONS:
            row = con.execute(f"SELECT count(*) FROM {table_name(name)}").fetchone()
            assert row is not None
            counts[name] = int(row[0])
    return counts


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(ERROR_PREFIX), stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_second_sync_sends_one_request_per_operation_and_changes_no_count(
    invoke: Invoke, db: Path
) -> None:
    first = _sync_json(invoke, db, *SINCE)
    assert [op["operation"] for op in first["operations"]] == list(OPERATIONS)
    assert all(op["rows"] > 0 for op in first["operations"])
    assert all(op["start"] == "2026-11-01T00:00:00Z" for op in first["operations"])
    assert all(op["synced_until"] == "2026-11-25T00:00:00Z" for op in first["operations"])
    assert first["requests"] == sum(op["requests"] for op in first["operations"])
    before = _counts(db)
    assert before == {op["operation"]: op["rows"] for op in first["operations"]}

    second = _sync_json(invoke, db)
    for op in second["operations"]:
        assert op["requests"] <= 1, op
        assert op["deleted"] == 0
        assert op["start"] == "2026-11-22T00:00:00Z"  # 3 trailing days before 2026-11-25
        assert op["end"] == "2026-11-25T12:00:00Z"
    assert second["requests"] <= len(OPERATIONS)
    assert _counts(db) == before


def test_synced_costs_equal_the_report_total(invoke: Invoke, db: Path) -> None:
    _sync_json(invoke, db, *SINCE, "--operation", "costs")
    report = json.loads(
        invoke("report", "--demo", "--start", "2026-11-01", "--format", "json").stdout
    )
    assert report["end"] == "2026-11-25T12:00:00Z"  # the fake's clock, as the sync's
    with duckdb.connect(str(db), read_only=True) as con:
        total = con.execute("SELECT sum(amount_value) FROM costs").fetchone()
        by_project = dict(
            con.execute("SELECT project_id, sum(amount_value) FROM costs GROUP BY ALL").fetchall()
        )
    assert total is not None
    assert total[0] == pytest.approx(report["total_spend"], rel=1e-12)
    assert by_project == pytest.approx(
        {e["project_id"]: e["amount"] for e in report["spend_by_project"]}, rel=1e-12
    )


def test_operation_option_limits_the_tables(invoke: Invoke, db: Path) -> None:
    data = _sync_json(invoke, db, *SINCE, "--operation", "costs", "--operation", "images")
    assert [op["operation"] for op in data["operations"]] == ["images", "costs"]
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {row[0] for row in con.execute("SHOW TABLES").fetchall()}
    assert tables == {"costs", "usage_images", "sync_state"}


def test_table_output(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a short path keeps the title on one line
    result = invoke("sync", "--demo", "--db", "usage.duckdb", *SINCE, "--operation", "costs")
    assert result.exit_code == 0, result.output
    assert "Sync into usage.duckdb" in result.stdout
    assert "synthetic demo data" in result.stdout
    assert "costs" in result.stdout
    assert "2026-11-01 to 2026-11-25 12:00" in result.stdout
    assert "1 requests" in result.stdout


def test_progress_goes_to_stderr_when_it_is_a_terminal(
    invoke: Invoke, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_sync, "stderr_is_interactive", lambda: True)
    result = invoke("sync", "--demo", "--db", str(db), *SINCE, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["requests"] == len(OPERATIONS)  # stdout stays clean


def test_concurrent_sync_is_refused_with_one_line(invoke: Invoke, db: Path) -> None:
    _sync_json(invoke, db, *SINCE, "--operation", "costs")
    with DuckDBBackend(db):  # holds the store's lock, as a running sync does
        result = invoke("sync", "--demo", "--db", str(db))
    assert result.exit_code == 1
    assert "another sync is running" in _one_error_line(result.stderr)
    assert result.stdout == ""
    # The lock went with the holder; the refused run changed nothing.
    assert _sync_json(invoke, db, "--operation", "costs")["requests"] == 1


def test_missing_duckdb_exits_2_naming_the_extra(
    invoke: Invoke, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "duckdb", None)  # makes `import duckdb` fail
    result = invoke("sync", "--demo", "--db", str(db))
    assert result.exit_code == 2
    assert "pip install 'openai-usage[duckdb]'" in _one_error_line(result.stderr)
    assert not db.exists()


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("--since", "yesterday"), "--since"),
        (("--since", "2027-01-01"), "--since"),
        (("--operation", "chats"), "--operation"),
        (("--trailing-days", "-1"), "--trailing-days"),
    ],
)
def test_bad_options_exit_2(invoke: Invoke, db: Path, args: tuple[str, ...], named: str) -> None:
    result = invoke("sync", "--demo", "--db", str(db), *args)
    assert result.exit_code == 2
    assert named in _one_error_line(result.stderr)
    assert not db.exists()


def test_db_is_required(invoke: Invoke) -> None:
    result = invoke("sync", "--demo")
    assert result.exit_code == 2
    assert "--db" in _one_error_line(result.stderr)


def test_help_has_examples_and_a_query(invoke: Invoke) -> None:
    result = invoke("sync", "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.stdout
    assert "openai-usage sync --db usage.duckdb --since 2026-01-01" in result.stdout
    assert "SELECT" in result.stdout
    assert "FROM costs" in result.stdout
