"""``export focus``: options, errors, files written whole."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
from _focus_support import Invoke

RANGE = ("--demo", "--start", "2026-11-01", "--end", "2026-11-08")


def test_csv_to_stdout_with_the_demo_notice(invoke: Invoke) -> None:
    result = invoke("export", "focus", *RANGE)
    assert result.exit_code == 0, result.output
    assert "Demo mode" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert len(rows) > 100
    assert {"ServiceProviderName", "HostProviderName"} <= set(rows[0])  # 1.3 by default
    assert {r["SubAccountName"] for r in rows} - {""}  # names from the directory
    assert all(Decimal(r["BilledCost"]) >= 0 for r in rows)


def test_versions_and_allocation(invoke: Invoke) -> None:
    older = invoke("export", "focus", *RANGE, "--focus-version", "1.0").stdout
    assert "ServiceProviderName" not in older.splitlines()[0]
    assert "ServiceSubcategory" not in older.splitlines()[0]
    split = invoke("export", "focus", *RANGE, "--allocation")
    assert split.exit_code == 0, split.output
    assert "AllocatedResourceId" in split.stdout.splitlines()[0]


def test_parquet_and_csv_files(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "bill.parquet"
    result = invoke("export", "focus", *RANGE, "--format", "parquet", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    table = pq.read_table(target)
    assert table.num_rows > 100
    assert [p.name for p in tmp_path.iterdir()] == ["bill.parquet"]  # no partial file left
    text = tmp_path / "bill.csv"
    assert invoke("export", "focus", *RANGE, "-o", str(text)).exit_code == 0
    assert len(text.read_text().splitlines()) == table.num_rows + 1


def test_refusals(invoke: Invoke, tmp_path: Path) -> None:
    bad = invoke("export", "focus", *RANGE, "--focus-version", "1.1")
    assert bad.exit_code == 2
    assert "--focus-version" in bad.stderr
    assert "1.1" in bad.stderr
    early = invoke("export", "focus", *RANGE, "--focus-version", "1.0", "--allocation")
    assert early.exit_code == 2
    assert "--allocation needs --focus-version 1.3" in early.stderr
    binary = invoke("export", "focus", *RANGE, "--format", "parquet")
    assert binary.exit_code == 2
    assert "-o FILE" in binary.stderr
    dash = invoke("export", "focus", *RANGE, "--format", "parquet", "-o", "-")
    assert dash.exit_code == 2
    both = invoke("export", "focus", "--demo", "--start", "2026-11-01", "--last", "2d")
    assert both.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_failed_export_leaves_the_file_as_it_was(invoke: Invoke, tmp_path: Path) -> None:
    target = tmp_path / "bill.csv"
    target.write_text("old\n")
    # Before the demo's first day: the fake refuses, and nothing is written.
    result = invoke("export", "focus", "--demo", "--start", "2024-01-01", "-o", str(target))
    assert result.exit_code != 0
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["bill.csv"]


def test_csv_raw(invoke: Invoke) -> None:
    result = invoke("export", "focus", *RANGE, "--csv-raw")
    assert result.exit_code == 0, result.output


def test_help_has_examples(invoke: Invoke) -> None:
    result = invoke("export", "focus", "--help")
    assert result.exit_code == 0
    for flag in ("--focus-version", "--allocation", "--format", "--output", "--demo", "--last"):
        assert flag in result.stdout
    assert "Examples" in result.stdout
