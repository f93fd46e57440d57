"""``openai-org-usage sync``: demo syncs into a DuckDB file, Parquet files and several
organizations; the summary in every format; one-line refusals.

The demo uses the fake's fixed clock, 2026-11-25T12:00Z, so ``--since 2026-11-01`` stores the
daily buckets from 2026-11-01 through the (partial-day) bucket of 2026-11-25: the same buckets
``report --demo --start 2026-11-01`` sums. The demo's fake refuses costs grouped by
``user_id`` with ``project_id``, as the live API does for some organizations, so a demo sync of
costs says so (``USER_ID_NOTE``); tests about something else use the ``accepting`` fixture.
"""

from __future__ import annotations

import fnmatch
import functools
import io
import json
import os
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import Result

import openai_org_usage.fake
from openai_org_usage import OPERATIONS, UsageClient
from openai_org_usage.cli import _sync
from openai_org_usage.fake import FakeUsageAPI, running_server
from openai_org_usage.store import lock_path, sync, table_name
from openai_org_usage.store._lock import FileLock

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
SINCE = ("--since", "2026-11-01")
ERROR_PREFIX = "openai-org-usage: error: "
DEMO_NOTICE = (
    "Demo mode: synthetic data from the embedded fake API; no request leaves this machine."
)
COSTS_GRAIN = ("api_key_id", "api_source", "line_item", "project_id")
USER_ID_NOTE = (
    "openai-org-usage: note: costs: the API refused grouping by user_id; stored grouped by "
    "api_key_id, api_source, line_item, project_id (that field is empty in these rows; later "
    "runs do not ask for it again)."
)
ORGS_TOML = """\
max_concurrency = 3

[[organizations]]
name = "acme"
org_id = "org-acme"
key_env = "OPENAI_ADMIN_KEY_ACME"

[[organizations]]
name = "beta"
org_id = "org-beta"
key_env = "OPENAI_ADMIN_KEY_BETA"
"""


def _with_base_urls(toml: str, *urls: str) -> str:
    """``toml`` with ``base_url`` added to its organizations, in order."""
    head, *tables = toml.split("[[organizations]]")
    with_urls = [f'{t.rstrip()}\nbase_url = "{u}"\n\n' for t, u in zip(tables, urls, strict=True)]
    return "[[organizations]]".join([head, *with_urls])


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "usage.duckdb"


def _demo_fake(monkeypatch: pytest.MonkeyPatch, **options: Any) -> None:
    """Make ``--demo`` build its fakes with ``options``."""
    made = functools.partial(openai_org_usage.fake.FakeUsageAPI, **options)
    monkeypatch.setattr(openai_org_usage.fake, "FakeUsageAPI", made)


@pytest.fixture
def accepting(monkeypatch: pytest.MonkeyPatch) -> None:
    """The demo as an organization whose API refuses no grouping: no note, finest grain."""
    _demo_fake(monkeypatch, refused_groupings={})


def _sync_json(
    invoke: Invoke, *args: str, notes: Sequence[str] = (), env: dict[str, str] | None = None
) -> dict[str, Any]:
    result = invoke("sync", "--demo", *args, "--format", "json", env=env)
    assert result.exit_code == 0, result.output
    # No progress line: stderr is not a terminal; only the notice and the run's notes.
    assert result.stderr.splitlines() == [DEMO_NOTICE, *notes]
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _counts(db: Path, names: Sequence[str] = tuple(OPERATIONS)) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {
            name: int(con.execute(f"SELECT count(*) FROM {table_name(name)}").fetchone()[0])  # type: ignore[index]
            for name in names
        }


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(ERROR_PREFIX), stderr
    assert "Traceback" not in stderr
    return lines[0]


def test_second_sync_sends_one_request_per_operation_and_changes_no_count(
    invoke: Invoke, db: Path
) -> None:
    first = _sync_json(invoke, "--db", str(db), *SINCE, notes=[USER_ID_NOTE])
    assert [op["operation"] for op in first["operations"]] == list(OPERATIONS)
    assert all(op["rows"] > 0 for op in first["operations"])
    assert all(op["start"] == "2026-11-01T00:00:00Z" for op in first["operations"])
    assert all(op["synced_until"] == "2026-11-25T00:00:00Z" for op in first["operations"])
    # 25 daily buckets: one page each (a first page is a month long).
    assert all(op["requests"] == 1 for op in first["operations"])
    assert first["requests"] == len(OPERATIONS)
    assert (first["destination"], first["dataset"], first["target"]) == ("duckdb", "main", str(db))
    costs = next(op for op in first["operations"] if op["operation"] == "costs")
    assert (costs["group_by"], costs["refused_group_by"]) == (" ".join(COSTS_GRAIN), "user_id")
    before = _counts(db)
    assert before == {op["operation"]: op["rows"] for op in first["operations"]}
    assert {d["table"] for d in first["directory"]} == {
        "projects",
        "users",
        "api_keys",
        "service_accounts",
    }

    # The refusal is remembered, so said once: the second run does not ask, and says nothing.
    second = _sync_json(invoke, "--db", str(db))
    assert [op["requests"] for op in second["operations"]] == [1] * len(OPERATIONS)
    costs = next(op for op in second["operations"] if op["operation"] == "costs")
    assert (costs["group_by"], costs["refused_group_by"]) == (" ".join(COSTS_GRAIN), "user_id")
    assert all(op["start"] == "2026-11-22T00:00:00Z" for op in second["operations"])
    assert _counts(db) == before


def test_synced_costs_equal_the_report_total(invoke: Invoke, db: Path) -> None:
    _sync_json(invoke, "--db", str(db), *SINCE, "--operation", "costs", notes=[USER_ID_NOTE])
    report = json.loads(
        invoke("report", "--demo", "--start", "2026-11-01", "--format", "json").stdout
    )
    with duckdb.connect(str(db), read_only=True) as con:
        total = con.execute("SELECT sum(amount_value) FROM costs").fetchone()
    assert total is not None
    assert total[0] == pytest.approx(report["total_spend"], rel=1e-12)


def test_several_organizations_land_in_one_table_by_org_id(
    invoke: Invoke, db: Path, tmp_path: Path
) -> None:
    """Each organization of the file with its own key and base URL: a fake each, over
    loopback, of different seeds (clocks at the current time, as the sync's end is)."""
    now = datetime.now(UTC).replace(microsecond=0)
    fakes = [FakeUsageAPI(seed, now, refused_groupings={}) for seed in (0, 1)]
    keys = {"OPENAI_ADMIN_KEY_ACME": "sk-admin-acme-test", "OPENAI_ADMIN_KEY_BETA": "sk-beta"}
    with running_server(fakes[0]) as acme, running_server(fakes[1]) as beta:
        config = tmp_path / "orgs.toml"
        config.write_text(_with_base_urls(ORGS_TOML, acme, beta), encoding="utf-8")
        result = invoke(
            "sync", "--db", str(db), "--config", str(config), "--since", "5d",
            "--operation", "costs", "--format", "json", env=keys,
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr == ""  # no demo notice: real organizations
    data = json.loads(result.stdout)
    assert data["synthetic"] is False
    assert [(op["org"], op["org_id"]) for op in data["operations"]] == [
        ("acme", "org-acme"),
        ("beta", "org-beta"),
    ]
    assert all(fake.requests for fake in fakes)
    with duckdb.connect(str(db), read_only=True) as con:
        by_org = dict(con.execute("SELECT org_id, count(*) FROM costs GROUP BY ALL").fetchall())
        spend = dict(
            con.execute("SELECT org_id, sum(amount_value) FROM costs GROUP BY ALL").fetchall()
        )
    assert by_org == {op["org_id"]: op["rows"] for op in data["operations"]}
    assert spend["org-acme"] != spend["org-beta"]  # fakes of different seeds


def test_an_organization_without_its_key_fails_alone_exit_1(
    invoke: Invoke, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "orgs.toml"
    config.write_text(ORGS_TOML, encoding="utf-8")
    monkeypatch.delenv("OPENAI_ADMIN_KEY_ACME", raising=False)
    monkeypatch.delenv("OPENAI_ADMIN_KEY_BETA", raising=False)
    result = invoke("sync", "--db", str(db), "--config", str(config), "--format", "json")
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith(ERROR_PREFIX)]
    assert errors == [
        f"{ERROR_PREFIX}organization acme failed: environment variable "
        "OPENAI_ADMIN_KEY_ACME is unset",
        f"{ERROR_PREFIX}organization beta failed: environment variable "
        "OPENAI_ADMIN_KEY_BETA is unset",
    ]
    data = json.loads(result.stdout)
    assert set(data["failed"]) == {"acme", "beta"}
    assert data["total_rows"] == 0


def test_demo_with_config_is_a_usage_error_naming_both(
    invoke: Invoke, db: Path, tmp_path: Path
) -> None:
    """The demo would store synthetic rows under the org_ids of the file's real
    organizations (it once did, quietly): refused before anything is read or made."""
    config = tmp_path / "orgs.toml"
    config.write_text(ORGS_TOML, encoding="utf-8")
    result = invoke("sync", "--demo", "--db", str(db), "--config", str(config))
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert "--demo" in line
    assert "--config" in line
    assert result.stdout == ""
    assert not db.exists()
    assert not os.path.exists(f"{db}.dlt")


def test_when_every_organization_fails_only_the_summary_and_the_errors_are_printed(
    invoke: Invoke, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "orgs.toml"
    config.write_text(ORGS_TOML, encoding="utf-8")
    monkeypatch.delenv("OPENAI_ADMIN_KEY_ACME", raising=False)
    monkeypatch.delenv("OPENAI_ADMIN_KEY_BETA", raising=False)
    result = invoke("sync", "--db", str(db), "--config", str(config))
    assert result.exit_code == 1
    assert result.stdout.split("\n")[:2] == [
        f"Sync into {db}",
        f"0 requests, 0 rows loaded; 2 organizations failed; {db} was not created",
    ]
    assert "No rows" not in result.stdout
    assert "partial" not in result.stdout
    assert [line.split(":")[1] for line in result.stderr.splitlines()] == [" error"] * 2
    # Nothing was loaded: no database file, no working directory, no lock file.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orgs.toml"]


def test_an_organization_the_api_refuses_leaves_no_file_and_no_claim_it_was_fetched(
    invoke: Invoke, db: Path, tmp_path: Path
) -> None:
    """A wrong key (401 on the first request): the summary says the operation failed, not
    that its range was fetched, and the file the run would have made is not there."""
    with running_server(FakeUsageAPI(api_key="sk-admin-the-right-one")) as url:
        config = tmp_path / "orgs.toml"
        toml = ORGS_TOML.split('\n\n[[organizations]]\nname = "beta"')[0]
        config.write_text(_with_base_urls(toml, url), encoding="utf-8")
        result = invoke(
            "sync", "--db", str(db), "--config", str(config), "--operation", "costs",
            env={"OPENAI_ADMIN_KEY_ACME": "sk-admin-a-wrong-one"},
        )  # fmt: skip
    assert result.exit_code == 1
    assert "401" in _one_error_line(result.stderr)
    row = next(line.split() for line in result.stdout.splitlines() if line.startswith("costs"))
    assert row == ["costs", "0", "0", "failed", "-"]
    assert "partial" not in result.stdout
    assert f"{db} was not created" in " ".join(result.stdout.split())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["orgs.toml"]


def test_a_database_that_was_there_is_left_as_it_was_when_every_organization_fails(
    invoke: Invoke, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, accepting: None
) -> None:
    _sync_json(invoke, "--db", str(db), *SINCE, "--operation", "costs")
    before = db.read_bytes()
    config = tmp_path / "orgs.toml"
    config.write_text(ORGS_TOML, encoding="utf-8")
    monkeypatch.delenv("OPENAI_ADMIN_KEY_ACME", raising=False)
    monkeypatch.delenv("OPENAI_ADMIN_KEY_BETA", raising=False)
    result = invoke("sync", "--db", str(db), "--config", str(config))
    assert result.exit_code == 1
    assert "was not created" not in result.stdout
    assert db.read_bytes() == before


def test_the_grouping_is_shown_whole_at_80_columns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Which fields the rows have is text that matters: wrapped, never shortened."""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    fake = FakeUsageAPI()  # refuses costs by user_id: stored by four fields
    with UsageClient("sk-admin-test", transport=fake.transport()) as client:
        result = sync(client, tmp_path / "u.duckdb", since="2026-11-18", now=fake.now)
    monkeypatch.setenv("COLUMNS", "80")
    out = Terminal()
    _sync.render_sync("table", out, result, demo=True)
    text = re.sub(r"\x1b\[[0-9;]*m", "", out.getvalue())  # a terminal gets styles
    assert "\u2026" not in text  # nothing shortened
    assert max(len(line.rstrip()) for line in text.splitlines()) <= 80
    words = " ".join(text.split())
    assert "costs 2026-11-25 api_key_id, api_source, line_item, project_id" in words


@pytest.mark.usefixtures("accepting")
def test_parquet_files_through_dlt_configuration(invoke: Invoke, tmp_path: Path) -> None:
    bucket = tmp_path / "bucket"
    env = {"DESTINATION__FILESYSTEM__BUCKET_URL": bucket.as_uri()}
    args = ("--destination", "filesystem", "--pipelines-dir", str(tmp_path / "work"))
    data = _sync_json(invoke, *args, *SINCE, "--operation", "costs", env=env)
    assert (data["destination"], data["dataset"]) == ("filesystem", "openai_org_usage")
    files = list((bucket / "openai_org_usage" / "costs").glob("*.parquet"))
    assert files
    with duckdb.connect() as con:
        (rows,) = con.execute(
            f"SELECT count(*) FROM read_parquet('{bucket}/openai_org_usage/costs/*.parquet')"
        ).fetchone()  # type: ignore[misc]
    assert rows == data["total_rows"] > 0


def test_an_unconfigured_destination_is_one_line_naming_the_variable(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no .dlt/ here
    monkeypatch.delenv("DESTINATION__FILESYSTEM__BUCKET_URL", raising=False)
    result = invoke("sync", "--demo", "--destination", "filesystem", "--operation", "costs")
    assert result.exit_code == 1
    line = [x for x in result.stderr.splitlines() if x.startswith(ERROR_PREFIX)]
    assert len(line) == 1
    assert "DESTINATION__FILESYSTEM__BUCKET_URL" in line[0]


@pytest.mark.parametrize(
    "args",
    [(), ("--db", "x.duckdb", "--destination", "postgres")],
    ids=["neither", "both"],
)
def test_db_or_destination_is_required(invoke: Invoke, args: tuple[str, ...]) -> None:
    result = invoke("sync", "--demo", *args)
    assert result.exit_code == 2
    assert "--db PATH" in _one_error_line(result.stderr)


@pytest.mark.parametrize(
    ("toml", "says"),
    [
        ("organizations = []", "organizations"),
        ('[[organizations]]\nname = "a"\norg_id = "o"\nkey_env = "sk-admin-abc"', "key_env"),
        ("[[organizations]]\nname = 'a'", "org_id"),
        ("not toml at all [", "TOML"),
    ],
)
def test_a_bad_config_is_a_usage_error_naming_the_entry(
    invoke: Invoke, db: Path, tmp_path: Path, toml: str, says: str
) -> None:
    config = tmp_path / "orgs.toml"
    config.write_text(toml, encoding="utf-8")
    result = invoke("sync", "--db", str(db), "--config", str(config))
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert says in line
    assert "sk-admin-abc" not in line  # a key pasted in the wrong place is never echoed
    assert not db.exists()


def test_a_plain_http_base_url_in_a_config_is_refused_in_the_files_terms(
    invoke: Invoke, db: Path, tmp_path: Path
) -> None:
    config = tmp_path / "orgs.toml"
    config.write_text(
        '[[organizations]]\nname = "acme"\norg_id = "org-abc"\nkey_env = "KEY_ACME"\n'
        'base_url = "http://proxy.example.com/v1"\n',
        encoding="utf-8",
    )
    result = invoke("sync", "--db", str(db), "--config", str(config))
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert "organizations[0].base_url" in line
    assert "http://proxy.example.com/v1" in line
    assert "unencrypted" in line
    # Neither an option nor a keyword the user never used, nor a remedy the file cannot take.
    assert "--base-url" not in line
    assert "allow_insecure_http" not in line
    assert not db.exists()


@pytest.mark.usefixtures("accepting")
def test_table_output(invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("sync", "--demo", "--db", "usage.duckdb", *SINCE, "--operation", "costs")
    assert result.exit_code == 0, result.output
    assert "Sync into usage.duckdb" in result.stdout
    assert "1 request, " in result.stdout
    assert "costs" in result.stdout


@pytest.mark.usefixtures("accepting")
def test_csv_and_ndjson_summaries(invoke: Invoke, db: Path) -> None:
    csv_out = invoke(
        "sync", "--demo", "--db", str(db), *SINCE, "--operation", "costs", "--format", "csv"
    )
    assert csv_out.exit_code == 0
    header, row = csv_out.stdout.splitlines()[:2]
    assert header.split(",") == list(_sync._COLUMNS)
    assert row.startswith("default,default,costs,costs,")
    nd = invoke("sync", "--demo", "--db", str(db), "--operation", "costs", "--format", "ndjson")
    (record,) = [json.loads(line) for line in nd.stdout.splitlines()]
    assert record["start"] == "2026-11-22T00:00:00Z"


@pytest.mark.usefixtures("accepting")
def test_concurrent_sync_is_refused_with_one_line(invoke: Invoke, db: Path) -> None:
    with FileLock(lock_path(db), str(db)):
        result = invoke("sync", "--demo", "--db", str(db), "--operation", "costs")
    assert result.exit_code == 1
    assert "another sync is running" in _one_error_line(result.stderr)


def test_text_file_is_one_line_exit_1_and_left_unchanged(invoke: Invoke, db: Path) -> None:
    db.write_text("notes\n", encoding="utf-8")
    result = invoke("sync", "--demo", "--db", str(db))
    assert result.exit_code == 1
    assert "is not a DuckDB database" in _one_error_line(result.stderr)
    assert db.read_text(encoding="utf-8") == "notes\n"


def test_help_has_examples_for_each_destination(invoke: Invoke) -> None:
    text = invoke("sync", "--help").stdout
    for needle in (
        "--db usage.duckdb",
        "--destination postgres",
        "--destination filesystem",
        "DESTINATION__POSTGRES__CREDENTIALS",
        "--config orgs.toml",
        "key_env",
    ):
        assert needle in text, needle


def test_gitignore_ignores_the_database_and_its_side_files() -> None:
    root = Path(__file__).resolve().parents[2]
    patterns = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    for name in ("usage.duckdb", "usage.duckdb.wal", "usage.duckdb.lock"):
        assert any(fnmatch.fnmatch(name, pattern) for pattern in patterns), name


@pytest.mark.parametrize(
    ("since", "says"),
    [("yesterday", "2026-01-01T09:00Z"), ("2027-01-01", "not in the past")],
)
def test_bad_since_speaks_command_line(invoke: Invoke, db: Path, since: str, says: str) -> None:
    result = invoke("sync", "--demo", "--db", str(db), "--since", since)
    assert result.exit_code == 2
    line = _one_error_line(result.stderr)
    assert "--since" in line
    assert says in line
    assert not db.exists()
    assert not os.path.exists(f"{db}.dlt")


# -- governance ---------------------------------------------------------------------------------

GOVERNANCE = {"spend_limits", "spend_alerts", "rate_limits", "audit_logs"}


def _tables(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        found = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        names = [n for (n,) in found]
        return {
            name: int(con.execute(f"SELECT count(*) FROM {name}").fetchone()[0])  # type: ignore[index]
            for name in names
            if not name.startswith("_dlt")
        }


@pytest.mark.usefixtures("accepting")
def test_governance_is_on_by_default_and_forecasts_and_anomalies_are_opt_in(
    invoke: Invoke, tmp_path: Path
) -> None:
    db = tmp_path / "default.duckdb"
    data = _sync_json(invoke, "--db", str(db), "--since", "2026-11-20", "--operation", "costs")
    counts = {d["table"]: d["rows"] for d in data["governance"]}
    assert set(counts) == GOVERNANCE
    assert data["governance_notes"] == {}
    assert {d["table"] for d in data["directory"]} == {  # names stay apart
        "projects",
        "users",
        "api_keys",
        "service_accounts",
    }
    tables = _tables(db)
    assert {t: tables[t] for t in GOVERNANCE} == counts
    assert min(counts.values()) > 0
    with duckdb.connect(str(db), read_only=True) as con:
        for table in GOVERNANCE:
            assert con.execute(f"SELECT DISTINCT org_id FROM {table}").fetchall() == [("default",)]

    opted = tmp_path / "opted.duckdb"
    data = _sync_json(
        invoke,
        "--db",
        str(opted),
        "--since",
        "2026-11-20",
        "--operation",
        "costs",
        "--no-governance",
        "--forecasts",
        "--anomalies",
    )
    assert {d["table"] for d in data["governance"]} == {"forecasts", "anomalies"}
    assert not GOVERNANCE & set(_tables(opted))
    assert _tables(opted)["forecasts"] > 0


@pytest.mark.usefixtures("accepting")
def test_the_table_summary_counts_the_governance_rows(
    invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke("sync", "--demo", "--db", "usage.duckdb", *SINCE, "--operation", "costs")
    assert result.exit_code == 0, result.output
    rows = sum(_tables(tmp_path / "usage.duckdb")[t] for t in GOVERNANCE)
    assert f"governance: {rows:,} rows in 4 tables" in " ".join(result.stdout.split())
    quiet = invoke(
        "sync", "--demo", "--db", "other.duckdb", *SINCE, "--operation", "costs", "--no-governance"
    )
    assert "governance" not in quiet.stdout


def test_refused_governance_reads_are_notes_per_organization() -> None:
    from openai_org_usage.store import SyncReport

    refused = "the audit log: not readable with this key (HTTP 403)"
    end = datetime(2026, 11, 25, tzinfo=UTC)
    one = SyncReport("u.duckdb", "duckdb", "main", end, (), governance_notes={"a": (refused,)})
    assert _sync.sync_notes(one) == [f"governance: {refused}."]


def test_help_names_the_governance_options(invoke: Invoke) -> None:
    text = " ".join(invoke("sync", "--help").stdout.split())
    for needle in ("--governance / --no-governance", "--forecasts", "--anomalies", "audit_logs"):
        assert needle in text, needle
