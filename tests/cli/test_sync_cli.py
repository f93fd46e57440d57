"""``openai-org-usage sync``: demo syncs into a temporary DuckDB file, twice, and the refusals.

The demo uses the fake's fixed clock, 2026-11-25T12:00Z, so ``--since 2026-11-01`` stores the
daily buckets from 2026-11-01 through the (partial-day, full-data) bucket of 2026-11-25: the
same buckets ``report --demo --start 2026-11-01`` (ending at that clock) sums.

The demo's fake refuses costs grouped by ``user_id`` with ``project_id``, as the live API does
for some organizations, so a demo sync of costs says so (``USER_ID_NOTE``) and stores costs by
every other field. Tests about something else (tables, lock files, damaged files, times) run
the demo as an organization that refuses no grouping (the ``accepting`` fixture).
"""

from __future__ import annotations

import fnmatch
import functools
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import Result

import openai_org_usage.fake
from openai_org_usage import OPERATIONS
from openai_org_usage.cli import _sync
from openai_org_usage.store import DuckDBBackend, table_name

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
SINCE = ("--since", "2026-11-01")
ERROR_PREFIX = "openai-org-usage: error: "
DEMO_NOTICE = (
    "Demo mode: synthetic data from the embedded fake API; no request leaves this machine."
)
# What the demo's costs are stored by: every group-by field but the refused user_id.
COSTS_GRAIN = ("api_key_id", "api_source", "line_item", "project_id")
USER_ID_NOTE = (
    "openai-org-usage: note: costs: the API refused grouping by user_id; stored grouped by "
    "api_key_id, api_source, line_item, project_id (that field is empty in these rows; later "
    "runs do not ask for it again)."
)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "usage.duckdb"


def _demo_fake(monkeypatch: pytest.MonkeyPatch, **options: Any) -> None:
    """Make ``--demo`` build its fake with ``options`` (it builds ``FakeUsageAPI(seed=0)``)."""
    made = functools.partial(openai_org_usage.fake.FakeUsageAPI, **options)
    monkeypatch.setattr(openai_org_usage.fake, "FakeUsageAPI", made)


@pytest.fixture
def accepting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo as an organization whose API refuses no grouping: no note, finest grain."""
    _demo_fake(monkeypatch, refused_groupings={})


def _sync_json(invoke: Invoke, db: Path, *args: str, notes: Sequence[str] = ()) -> dict[str, Any]:
    result = invoke("sync", "--demo", "--db", str(db), *args, "--format", "json")
    assert result.exit_code == 0, result.output
    # No progress line: stderr is not a terminal; only the notice and the run's notes.
    assert result.stderr.splitlines() == [DEMO_NOTICE, *notes]
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _operation(data: dict[str, Any], name: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = [op for op in data["operations"] if op["operation"] == name]
    assert len(found) == 1, name
    return found[0]


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
    # The first run: one page per operation (25 days fit in one); costs after one refused
    # request (not a page, not counted), and the note says what was stored.
    first = _sync_json(invoke, db, *SINCE, notes=[USER_ID_NOTE])
    assert [op["operation"] for op in first["operations"]] == list(OPERATIONS)
    assert all(op["rows"] > 0 for op in first["operations"])
    assert all(op["start"] == "2026-11-01T00:00:00Z" for op in first["operations"])
    assert all(op["synced_until"] == "2026-11-25T00:00:00Z" for op in first["operations"])
    assert all(op["requests"] == 1 for op in first["operations"])
    assert first["requests"] == len(OPERATIONS)
    costs = _operation(first, "costs")
    assert (costs["group_by"], costs["refused_group_by"]) == (" ".join(COSTS_GRAIN), "user_id")
    before = _counts(db)
    assert before == {op["operation"]: op["rows"] for op in first["operations"]}

    # The second: one request per operation, the refused grouping not asked again (the note
    # repeats what is stored).
    second = _sync_json(invoke, db, notes=[USER_ID_NOTE])
    for op in second["operations"]:
        assert op["requests"] == 1, op
        assert op["deleted"] == 0
        assert op["start"] == "2026-11-22T00:00:00Z"  # 3 trailing days before 2026-11-25
        assert op["end"] == "2026-11-25T12:00:00Z"
    assert second["requests"] == len(OPERATIONS)
    assert _operation(second, "costs")["group_by"] == " ".join(COSTS_GRAIN)
    assert _counts(db) == before


def test_synced_costs_equal_the_report_total(invoke: Invoke, db: Path) -> None:
    # Stored without user_id (refused): every cost still counted once.
    _sync_json(invoke, db, *SINCE, "--operation", "costs", notes=[USER_ID_NOTE])
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


@pytest.mark.usefixtures("accepting")
def test_operation_option_limits_the_tables(invoke: Invoke, db: Path) -> None:
    data = _sync_json(invoke, db, *SINCE, "--operation", "images", "--operation", "costs")
    # In the operation table's order, not the options'.
    expected = [name for name in OPERATIONS if name in ("images", "costs")]
    assert [op["operation"] for op in data["operations"]] == expected == ["costs", "images"]
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


@pytest.mark.usefixtures("accepting")
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
    assert "pip install 'openai-org-usage[duckdb]'" in _one_error_line(result.stderr)
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
    assert "openai-org-usage sync --db usage.duckdb --since 2026-01-01" in result.stdout
    assert "SELECT" in result.stdout
    assert "FROM costs" in result.stdout


# -- what the live API refuses --------------------------------------------------------------------


def test_since_older_than_the_api_serves_loads_from_its_earliest_day(
    invoke: Invoke, db: Path
) -> None:
    args = ("--since", "2024-01-01", "--operation", "costs", "--operation", "vector_stores")
    result = invoke("sync", "--demo", "--db", str(db), *args, "--format", "json")
    assert result.exit_code == 0, result.output
    # The demo's fake serves a year back from its clock (2026-11-25): from 2025-11-25; one
    # note for both operations, and the costs grouping refused as in every first demo sync.
    assert result.stderr.splitlines() == [
        DEMO_NOTICE,
        "openai-org-usage: note: The API serves data from 2025-11-25; loaded from there "
        "(asked for 2024-01-01).",
        USER_ID_NOTE,
    ]
    data = json.loads(result.stdout)
    for op in data["operations"]:
        assert op["start"] == "2025-11-25T00:00:00Z"
        assert op["asked_start"] == "2024-01-01T00:00:00Z"
        assert op["rows"] > 0
    with duckdb.connect(str(db), read_only=True) as con:
        first = con.execute("SELECT min(bucket_start)::DATE::VARCHAR FROM costs").fetchone()
    assert first == ("2025-11-25",)


def test_refused_grouping_is_noted_and_shown(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The plain demo: costs by user_id with project_id refused, as by the live API."""
    monkeypatch.chdir(tmp_path)
    args = ("sync", "--demo", "--db", "u.duckdb", *SINCE, "--operation", "costs")
    result = invoke(*args, "--operation", "images")
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines() == [DEMO_NOTICE, USER_ID_NOTE]
    assert "grouped by" in result.stdout  # the table's extra column
    cell = " ".join(result.stdout.split())  # the cell may wrap
    assert "api_key_id, api_source, line_item, project_id" in cell
    assert "user_id" not in result.stdout
    assert "all fields" in result.stdout  # images: every field
    with duckdb.connect("u.duckdb", read_only=True) as con:
        filled = con.execute("SELECT count(user_id), count(api_key_id) FROM costs").fetchone()
    assert filled is not None
    assert filled[0] == 0
    assert filled[1] > 0

    again = invoke(*args, "--format", "json")
    (costs,) = json.loads(again.stdout)["operations"]
    assert costs["group_by"] == " ".join(COSTS_GRAIN)
    assert costs["refused_group_by"] == "user_id"
    assert costs["requests"] == 1  # the refusal is remembered: no refused request again


def test_every_refused_field_is_noted(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An organization refusing costs by api_key_id too: two refusals, one line."""
    _demo_fake(monkeypatch, refuse_costs_api_key_grouping=True)
    monkeypatch.chdir(tmp_path)
    args = ("sync", "--demo", "--db", "u.duckdb", *SINCE, "--operation", "costs")
    result = invoke(*args)
    assert result.exit_code == 0, result.output
    note = (
        "openai-org-usage: note: costs: the API refused grouping by user_id, api_key_id; stored "
        "grouped by api_source, line_item, project_id (those fields are empty in these rows; "
        "later runs do not ask for them again)."
    )
    assert result.stderr.splitlines() == [DEMO_NOTICE, note]
    assert "api_source, line_item, project_id" in " ".join(result.stdout.split())

    again = invoke(*args, "--format", "json")
    (costs,) = json.loads(again.stdout)["operations"]
    assert costs["group_by"] == "api_source line_item project_id"
    assert costs["refused_group_by"] == "user_id api_key_id"
    assert costs["requests"] == 1


@pytest.mark.usefixtures("accepting")
def test_the_table_has_no_grain_column_when_nothing_was_refused(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("sync", "--demo", "--db", "u.duckdb", *SINCE, "--operation", "costs")
    assert result.exit_code == 0, result.output
    assert "grouped by" not in result.stdout
    assert result.stderr.strip() == DEMO_NOTICE
    with duckdb.connect("u.duckdb", read_only=True) as con:
        filled = con.execute("SELECT count(user_id) FROM costs").fetchone()
    assert filled is not None
    assert filled[0] > 0  # user_id was asked for, and served


# -- database files -------------------------------------------------------------------------------


@pytest.mark.usefixtures("accepting")
def test_no_lock_file_is_left_behind(invoke: Invoke, db: Path) -> None:
    _sync_json(invoke, db, *SINCE, "--operation", "costs")
    assert sorted(p.name for p in db.parent.iterdir()) == ["usage.duckdb"]


def test_gitignore_ignores_the_database_and_its_side_files() -> None:
    root = Path(__file__).resolve().parents[2]
    patterns = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    for name in ("usage.duckdb", "usage.duckdb.wal", "usage.duckdb.lock"):
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda p: p.write_text("not a database\n", encoding="utf-8"), "is not a DuckDB database"),
        (
            lambda p: duckdb.connect(str(p)).execute("CREATE TABLE costs (id INTEGER)").close(),
            "did not make",
        ),
    ],
    ids=["text-file", "foreign-table"],
)
def test_unusable_database_is_one_line_exit_1_and_left_unchanged(
    invoke: Invoke, db: Path, make: Callable[[Path], object], says: str
) -> None:
    make(db)
    before = _digest(db)
    result = invoke("sync", "--demo", "--db", str(db), "--operation", "costs")
    assert result.exit_code == 1
    line = _one_error_line(result.stderr)
    assert str(db) in line
    assert says in line
    assert result.stdout == ""
    assert _digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["usage.duckdb"]


@pytest.mark.usefixtures("accepting")
def test_truncated_database_is_one_line_exit_1_and_left_unchanged(invoke: Invoke, db: Path) -> None:
    _sync_json(invoke, db, *SINCE, "--operation", "costs")
    with db.open("r+b") as handle:
        handle.truncate(db.stat().st_size // 2)
    before = _digest(db)
    result = invoke("sync", "--demo", "--db", str(db), "--operation", "costs")
    assert result.exit_code == 1
    assert "damaged or truncated" in _one_error_line(result.stderr)
    assert _digest(db) == before


def test_db_in_a_missing_directory_is_one_line_exit_1(invoke: Invoke, tmp_path: Path) -> None:
    db = tmp_path / "missing" / "usage.duckdb"
    result = invoke("sync", "--demo", "--db", str(db))
    assert result.exit_code == 1
    assert "does not exist" in _one_error_line(result.stderr)
    assert not db.parent.exists()


def test_db_that_is_a_directory_is_a_usage_error(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("sync", "--demo", "--db", str(tmp_path))
    assert result.exit_code == 2
    assert "--db" in _one_error_line(result.stderr)
    assert list(tmp_path.iterdir()) == []  # not even a lock file beside it


@pytest.mark.usefixtures("accepting")
def test_since_offsetless_time_is_utc(invoke: Invoke, db: Path) -> None:
    data = _sync_json(invoke, db, "--since", "2026-11-20T09:00", "--operation", "costs")
    assert data["operations"][0]["start"] == "2026-11-20T00:00:00Z"  # floored to its UTC day


@pytest.mark.parametrize(
    ("since", "says"),
    [("yesterday", "2026-01-01T09:00Z"), ("2027-01-01", "not in the past"), ("0d", "90d")],
)
def test_bad_since_speaks_command_line(invoke: Invoke, db: Path, since: str, says: str) -> None:
    result = invoke("sync", "--demo", "--db", str(db), "--since", since)
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert "--since" in line
    assert says in line
    assert "timedelta" not in line
    assert "datetime" not in line
    assert not db.exists()
