"""A sync killed with SIGKILL mid-way resumes with no gap and no duplicate row."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from openai_org_usage import UsageClient
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage.store import TABLES, sync

NOW = "2026-11-25T12:00:00+00:00"
SINCE = "2026-09-01"  # costs: 1 page (up to 180 days); completions: 3 (31 days each)
OPERATIONS = ["costs", "completions"]

# Runs in a child process: a slow sync that reports each committed page on stdout.
CHILD = textwrap.dedent(
    f"""
    import sys
    from datetime import datetime
    from openai_org_usage import UsageClient
    from openai_org_usage.fake import FakeUsageAPI
    from openai_org_usage.store import sync

    fake = FakeUsageAPI(seed=0, latency=0.3)
    with UsageClient("sk-admin-test-dummy", transport=fake.transport(), max_concurrency=1) as c:
        sync(c, sys.argv[1], since={SINCE!r}, operations={OPERATIONS!r},
             now=datetime.fromisoformat({NOW!r}),
             progress=lambda p: print("page", p.operation, p.page, flush=True))
    """
)


def run_to_completion(db: Path) -> None:
    from datetime import datetime

    fake = FakeUsageAPI(seed=0)
    with UsageClient("sk-admin-test-dummy", transport=fake.transport()) as client:
        sync(client, db, since=SINCE, operations=OPERATIONS, now=datetime.fromisoformat(NOW))


def contents(db: Path) -> dict[str, list[tuple[object, ...]]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            op: con.execute(f"SELECT * FROM {TABLES[op].name} ORDER BY row_key").fetchall()
            for op in OPERATIONS
        }
    finally:
        con.close()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("kill_after_pages", [1, 2, 3])
def test_sigkill_then_resume_equals_a_clean_run(tmp_path: Path, kill_after_pages: int) -> None:
    killed = tmp_path / "killed.duckdb"
    seen = 0
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(killed)], stdout=subprocess.PIPE, text=True
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.startswith("page "):
                seen += 1
                if seen == kill_after_pages:
                    os.kill(child.pid, signal.SIGKILL)
                    break
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL, "the sync was killed mid-way, not finished"

    clean = tmp_path / "clean.duckdb"
    run_to_completion(clean)
    expected = contents(clean)
    partial = contents(killed)
    assert 0 < sum(map(len, partial.values())) < sum(map(len, expected.values()))

    run_to_completion(killed)  # resumes: the lock died with the process
    resumed = contents(killed)
    assert resumed == expected
    for rows in resumed.values():
        keys = [row[-1] if isinstance(row[-1], str) else row for row in rows]
        assert len(keys) == len(set(keys)), "no duplicate row"
