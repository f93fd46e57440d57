"""Database files that cannot be used: one ``StoreError`` line, the file left exactly as it was.

Also the lock file: gone after every run, and safe to delete while another sync waits for it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from openai_org_usage import (
    OPERATIONS,
    InternalServerError,
    StoreError,
    SyncLockedError,
    UsageClient,
)
from openai_org_usage.export import row_key, row_values
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI
from openai_org_usage.store import TABLES, DuckDBBackend, lock_path, sync
from openai_org_usage.store import _duckdb as store_duckdb
from openai_org_usage_client.types import Unset

duckdb = pytest.importorskip("duckdb")

NOW = DEFAULT_NOW


def client_for(fake: FakeUsageAPI) -> UsageClient:
    return UsageClient("sk-admin-test", transport=fake.transport(), max_retries=0)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def refused(path: Path, fake: FakeUsageAPI | None = None, **kwargs: object) -> StoreError:
    """Sync into ``path``; return the StoreError, after checking nothing was sent or left."""
    fake = fake or FakeUsageAPI()
    siblings = set(path.parent.iterdir()) if path.parent.is_dir() else set()
    with pytest.raises(StoreError) as info:
        sync(client_for(fake), path, operations=["costs"], now=NOW, **kwargs)  # type: ignore[arg-type]
    assert not isinstance(info.value, SyncLockedError)
    assert fake.requests == []  # refused before any request
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message
    assert info.value.path == str(path)
    if path.parent.is_dir():
        assert set(path.parent.iterdir()) == siblings  # no lock file, no .wal left behind
    return info.value


def synced_db(path: Path) -> Path:
    sync(client_for(FakeUsageAPI()), path, since="2026-11-01", operations=["costs"], now=NOW)
    return path


# -- not a database -----------------------------------------------------------------------------


def test_a_text_file_is_refused_and_left_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "notes.duckdb"
    db.write_text("shopping list\n- milk\n- eggs\n", encoding="utf-8")
    before = digest(db)
    assert "is not a DuckDB database" in str(refused(db))
    assert digest(db) == before


def test_an_empty_file_is_refused_and_left_empty(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    db.touch()
    assert "is an empty file" in str(refused(db))
    assert db.read_bytes() == b""


@pytest.mark.parametrize("keep", [0.5, 0.9, 100])
def test_a_truncated_database_is_refused_and_left_unchanged(tmp_path: Path, keep: float) -> None:
    db = synced_db(tmp_path / "usage.duckdb")
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.truncate(int(size * keep) if keep < 1 else int(keep))
    before = digest(db)
    assert "damaged or truncated" in str(refused(db))
    assert digest(db) == before


# -- someone else's tables ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ddl", "problem"),
    [
        ("CREATE TABLE costs (id INTEGER, note VARCHAR)", "no column bucket_start"),
        ("CREATE VIEW costs AS SELECT 1 AS one", "it is a view"),
        (
            TABLES["costs"]
            .create_sql()
            .replace("amount_value DOUBLE PRECISION", "amount_value TEXT"),
            "column amount_value is VARCHAR, expected DOUBLE",
        ),
        (
            TABLES["costs"].create_sql().replace("PRIMARY KEY (row_key)", "UNIQUE (bucket_start)"),
            "its primary key is not (row_key)",
        ),
        ("CREATE TABLE sync_state (operation INTEGER PRIMARY KEY, who TEXT)", "sync_state"),
    ],
)
def test_a_table_of_our_name_that_we_did_not_make_is_left_alone(
    tmp_path: Path, ddl: str, problem: str
) -> None:
    db = tmp_path / "mine.duckdb"
    con = duckdb.connect(str(db))
    con.execute(ddl)
    con.close()
    before = digest(db)
    error = refused(db)
    assert "did not make" in str(error)
    assert problem in str(error)
    assert digest(db) == before
    con = duckdb.connect(str(db), read_only=True)
    try:
        found = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    finally:
        con.close()
    assert {row[0] for row in found} <= {
        "costs",
        "sync_state",
    }  # nothing of ours was created next to it


def test_our_own_older_tables_are_upgraded_not_refused(tmp_path: Path) -> None:
    """A file of the release before the grain columns and the November API, synced once."""
    db = tmp_path / "old.duckdb"
    table = TABLES["costs"]
    # That release's costs table: no user_id or api_source (the November API's fields), and
    # rows keyed by the group-by fields it had, as it stored them.
    old_cols = tuple(c for c in table.columns if c.name not in ("user_id", "api_source"))
    old_ddl = table.create_sql().replace("    user_id TEXT,\n", "")
    old_ddl = old_ddl.replace("    api_source TEXT,\n", "")
    assert "user_id" not in old_ddl
    assert "api_source" not in old_ddl
    fake = FakeUsageAPI(refused_groupings={})  # an organization that refuses no grouping
    fetched = client_for(fake).costs(
        start=datetime(2026, 11, 1, tzinfo=UTC),
        end=datetime(2026, 11, 20, tzinfo=UTC),
        group_by=["api_key_id", "line_item", "project_id"],
    )
    old_rows = []
    for row in fetched.results():
        values = row_values(old_cols, row)
        old_rows.append((*values, row_key(old_cols, values)))
    con = duckdb.connect(str(db))
    # The state table as releases before the grain columns made it, with one synced range.
    con.execute(
        "CREATE TABLE sync_state (operation TEXT NOT NULL, synced_from TIMESTAMPTZ NOT NULL, "
        "synced_until TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL, "
        "PRIMARY KEY (operation))"
    )
    con.execute(
        "INSERT INTO sync_state VALUES ('costs', '2026-11-01 00:00:00+00', "
        "'2026-11-20 00:00:00+00', '2026-11-20 06:00:00+00')"
    )
    con.execute(old_ddl)
    names = ", ".join([*(c.name for c in old_cols), "row_key"])
    marks = ", ".join("?" * (len(old_cols) + 1))
    con.executemany(f"INSERT INTO costs ({names}) VALUES ({marks})", old_rows)
    con.close()

    report = sync(client_for(fake), db, operations=["costs"], now=NOW)

    window = datetime(2026, 11, 17, tzinfo=UTC)  # 3 trailing days before synced_until
    assert report.ranges["costs"][0] == window
    con = duckdb.connect(str(db), read_only=True)
    try:
        state = con.execute("SELECT group_by, group_by_refused FROM sync_state").fetchone()
        stored = con.execute("SELECT bucket_start, row_key, user_id FROM costs").fetchall()
        (amount,) = con.execute("SELECT sum(amount_value) FROM costs").fetchone()
    finally:
        con.close()
    assert state == (",".join(OPERATIONS["costs"].group_by), "")
    # The old rows before the window stay as they were; the window is at the new grain (the
    # new columns filled), its old rows deleted: nothing counted twice.
    old_keys = {row[-1] for row in old_rows if row[0] < window}
    assert {key for start, key, _ in stored if start < window} == old_keys
    new_keys = {key for start, key, _ in stored if start >= window}
    every_field: list[Any] = list(OPERATIONS["costs"].group_by)
    fetched_again = client_for(fake).costs(start=window, end=NOW, group_by=every_field)
    assert new_keys == {table.row(row)[-1] for row in fetched_again.results()}
    assert any(user is not None for start, _, user in stored if start >= window)
    every_cost = client_for(fake).costs(start=datetime(2026, 11, 1, tzinfo=UTC), end=NOW)
    expected = 0.0
    for row in every_cost.results():
        assert not isinstance(row.result.amount, Unset)
        assert isinstance(row.result.amount.value, float)
        expected += row.result.amount.value
    assert amount == pytest.approx(expected)


# -- paths --------------------------------------------------------------------------------------


def test_a_directory_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "data"
    target.mkdir()
    assert "is a directory" in str(refused(target))
    assert not lock_path(target).exists()


def test_a_missing_directory_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "nowhere" / "usage.duckdb"
    assert "does not exist" in str(refused(db))
    assert not db.parent.exists()


# A child process, so that a read-only file means read-only even when the tests run as root:
# the child drops to "nobody" first then.
_CHILD = textwrap.dedent(
    """
    import json, os, sys
    from datetime import datetime

    import duckdb
    from openai_org_usage import StoreError, UsageClient
    from openai_org_usage.fake import FakeUsageAPI
    from openai_org_usage.store import sync

    fake = FakeUsageAPI()
    client = UsageClient("sk-admin-test", transport=fake.transport())
    if os.geteuid() == 0:  # everything imported first: the interpreter may be root's only
        os.setgid(65534)
        os.setuid(65534)
    try:
        sync(client, sys.argv[1],
             operations=["costs"], now=datetime.fromisoformat("2026-11-25T12:00:00+00:00"))
    except StoreError as exc:
        print(json.dumps({"error": type(exc).__name__, "message": str(exc),
                          "requests": len(fake.requests)}))
    else:
        print(json.dumps({"error": None}))
    """
)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory outside root's private temp tree, so an unprivileged child can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="openai-org-usage-ro-"))
    if os.geteuid() == 0 and any(not d.stat().st_mode & stat.S_IXOTH for d in folder.parents):
        folder.rmdir()
        pytest.skip(f"an unprivileged process cannot reach {folder}")
    try:
        yield folder
    finally:
        folder.chmod(0o700)
        shutil.rmtree(folder)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
@pytest.mark.parametrize("what", ["file", "directory"])
def test_a_read_only_database_is_refused(shared_dir: Path, what: str) -> None:
    db = synced_db(shared_dir / "usage.duckdb")
    before = digest(db)
    db.chmod(0o444)
    shared_dir.chmod(0o777 if what == "file" else 0o555)
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(db)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=shared_dir,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["error"] == "StoreError"
    assert result["requests"] == 0
    assert str(db) in result["message"]
    expected = "permission denied" if what == "file" else "cannot create its lock file"
    assert expected in result["message"].lower()
    assert digest(db) == before
    assert sorted(p.name for p in shared_dir.iterdir()) == ["usage.duckdb"]


# -- the lock file ------------------------------------------------------------------------------


def test_no_lock_file_is_left_behind(tmp_path: Path) -> None:
    db = tmp_path / "usage.duckdb"
    synced_db(db)
    assert not lock_path(db).exists()
    with pytest.raises(InternalServerError):
        sync(client_for(FakeUsageAPI(faults=["500"])), db, operations=["costs"], now=NOW)
    assert not lock_path(db).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["usage.duckdb"]


def test_a_lock_file_deleted_by_its_holder_while_waited_on_is_not_shared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """B opens the lock file; A (holding it) deletes it and releases; B then locks it.

    B must notice it locked a file no longer at the path, and lock the path's file instead;
    otherwise B and a later C would both hold "the" lock.
    """
    db = tmp_path / "usage.duckdb"
    first = store_duckdb._FileLock(lock_path(db))
    first.acquire()
    real_try_lock = store_duckdb._try_lock
    raced: list[bool] = []

    def release_first_then_lock(file: object) -> None:
        if not raced:
            raced.append(True)
            first.release()  # A finishes between B's open and B's lock
        real_try_lock(file)  # type: ignore[arg-type]

    monkeypatch.setattr(store_duckdb, "_try_lock", release_first_then_lock)
    second = store_duckdb._FileLock(lock_path(db))
    second.acquire()
    monkeypatch.undo()
    assert raced
    held = second._file
    assert held is not None
    assert os.fstat(held.fileno()).st_ino == lock_path(db).stat().st_ino
    with pytest.raises(SyncLockedError, match="another sync is running"):
        DuckDBBackend(db)  # C is refused: B holds the lock on the file at the path
    second.release()
    assert not lock_path(db).exists()
    with DuckDBBackend(db):
        pass
