"""One row shape: CSV, JSON, NDJSON, records, DataFrames and the store's tables agree.

For every operation of the registry (so an operation added to the spec is covered with no
edit here), the same week from the fake (``FakeUsageAPI(seed=0)``, the ``--demo`` data, clock
2026-11-25T12:00Z) is read through each output, and each must have exactly the columns of
``openai_org_usage.export.columns``, in the same order, with the same values.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from openai_org_usage import OPERATIONS, Row, UsageClient
from openai_org_usage.export import columns, to_pandas, to_records
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage.store import TABLES, sync

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 8, tzinfo=UTC)
DATES = ("--start", "2026-11-01", "--end", "2026-11-08")
NAMES = list(OPERATIONS)
# What each column kind is in DuckDB's information_schema.
DUCKDB_TYPES = {
    "timestamp": "TIMESTAMP WITH TIME ZONE",
    "string": "VARCHAR",
    "boolean": "BOOLEAN",
    "integer": "BIGINT",
    "float": "DOUBLE",
}


def command(name: str) -> tuple[str, ...]:
    return ("costs",) if name == "costs" else ("usage", name)


def shape(name: str) -> list[str]:
    return [c.name for c in columns(name)]


def text(record: dict[str, Any]) -> dict[str, Any]:
    """A record as the text formats spell it: times ISO-8601 UTC, everything else as is."""
    return {
        key: value.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(value, datetime) else value
        for key, value in record.items()
    }


def cli_output(invoke: Invoke, name: str, fmt: str) -> str:
    result = invoke(*command(name), "--demo", *DATES, "--format", fmt)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def rows() -> dict[str, list[Row[Any]]]:
    """The week of every operation from the facade (the same data as ``--demo``)."""
    with UsageClient("sk-admin-test-dummy", transport=FakeUsageAPI(seed=0).transport()) as client:
        return {name: list(getattr(client, name)(start=START, end=END).results()) for name in NAMES}


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A store synced from the same fake: every operation's table, read-only."""
    duckdb = pytest.importorskip("duckdb")
    path: Path = tmp_path_factory.mktemp("row-shape") / "usage.duckdb"
    with UsageClient("sk-admin-test-dummy", transport=FakeUsageAPI(seed=0).transport()) as client:
        sync(client, path, since="2026-11-01", now=END)
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


@pytest.mark.parametrize("name", NAMES)
def test_every_output_has_the_same_columns(
    invoke: Invoke, rows: dict[str, list[Row[Any]]], database: Any, name: str
) -> None:
    expected = shape(name)
    assert expected[:2] == ["bucket_start", "bucket_end"]
    assert "object" not in expected
    assert not any("." in column for column in expected)

    csv_header = next(csv.reader(io.StringIO(cli_output(invoke, name, "csv"))))
    json_rows = json.loads(cli_output(invoke, name, "json"))
    ndjson_rows = [json.loads(line) for line in cli_output(invoke, name, "ndjson").splitlines()]
    assert json_rows, f"the fake has {name} data in this week"
    records = to_records(name, rows[name])
    frame = to_pandas(name, rows[name])
    table = TABLES[name].name
    db_columns = [row[0] for row in database.execute(f"DESCRIBE {table}").fetchall()]

    assert csv_header == expected
    assert all(list(row) == expected for row in json_rows)
    assert all(list(row) == expected for row in ndjson_rows)
    assert all(list(row) == expected for row in records)
    assert list(frame.columns) == expected
    assert db_columns == ["org_id", *expected, "_dlt_load_id"]


@pytest.mark.parametrize("name", NAMES)
def test_text_formats_hold_the_records_values(
    invoke: Invoke, rows: dict[str, list[Row[Any]]], name: str
) -> None:
    """Same values and JSON types; only the times are text (ISO-8601 UTC)."""
    expected = [text(record) for record in to_records(name, rows[name])]
    assert json.loads(cli_output(invoke, name, "json")) == expected
    ndjson = cli_output(invoke, name, "ndjson")
    assert [json.loads(line) for line in ndjson.splitlines()] == expected
    for row in expected:
        assert row["bucket_start"].endswith("Z")
    reader = csv.DictReader(io.StringIO(cli_output(invoke, name, "csv")))
    for got, want in zip(reader, expected, strict=True):
        assert got == {key: _csv(value) for key, value in want.items()}


@pytest.mark.parametrize("name", NAMES)
def test_database_types_follow_the_column_kinds(database: Any, name: str) -> None:
    found = dict(
        database.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ?",
            [TABLES[name].name],
        ).fetchall()
    )
    for column in columns(name):
        assert found[column.name] == DUCKDB_TYPES[column.kind], column.name


def test_every_operation_has_a_table() -> None:
    assert list(TABLES) == list(OPERATIONS)
    assert {TABLES[name].operation for name in OPERATIONS} == set(OPERATIONS)
    assert len({table.name for table in TABLES.values()}) == len(TABLES)


def _csv(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
