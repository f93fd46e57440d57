"""The DuckDB backend: an embedded database in one file, the default target of ``sync``.

::

    from openai_usage.store import DuckDBBackend

    with DuckDBBackend("usage.duckdb") as db:  # exclusive until closed
        print(db.read_state("costs"))

Locking. DuckDB lets one process at a time open a file for writing; a second process gets an
``IOException``, turned here into ``SyncLockedError``. Inside one process DuckDB shares one
database between connections instead of refusing, so two syncs in two threads would both get
in: a lock file next to the database (``<db>.lock``, an exclusive non-blocking ``flock``;
``msvcrt.locking`` on Windows) is taken before connecting, and refused the same way. The
lock file stays behind after a sync on purpose: deleting it could race with a sync that just
opened it. Locks on network file systems may not be honoured; keep the database local.

duckdb is imported only when a backend is opened; without it, ``MissingDependencyError``
names the ``duckdb`` extra.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Self

from .._errors import MissingDependencyError
from ._schema import ROW_KEY, STATE_SQL, STATE_TABLE, SyncState, TableSchema
from .._errors import SyncLockedError

if TYPE_CHECKING:
    import duckdb

__all__ = ["DuckDBBackend", "lock_path"]

# DuckDB's names for the casts of parameter lists (the table DDL uses portable names).
_CAST: dict[str, str] = {
    "TIMESTAMPTZ": "TIMESTAMPTZ",
    "TEXT": "VARCHAR",
    "BOOLEAN": "BOOLEAN",
    "BIGINT": "BIGINT",
    "DOUBLE PRECISION": "DOUBLE",
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MEMORY = ":memory:"


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file of a database: ``usage.duckdb`` -> ``usage.duckdb.lock``."""
    return Path(f"{os.fspath(path)}.lock")


class DuckDBBackend:
    """A DuckDB database file, opened for exclusive writing (see the module docstring).

    Args:
        path: The database file (created if missing), or ``":memory:"``.

    Raises:
        SyncLockedError: another sync, or another process, has the database open.
        MissingDependencyError: duckdb is not installed.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        ddb = _import_duckdb()
        self.path = os.fspath(path)
        self._lock = None if self.path == _MEMORY else _FileLock(lock_path(self.path))
        if self._lock is not None:
            self._lock.acquire()
        try:
            self._con: duckdb.DuckDBPyConnection = ddb.connect(self.path)
        except ddb.IOException as exc:
            if self._lock is not None:
                self._lock.release()
            if "lock" not in str(exc).lower():
                raise
            raise SyncLockedError(
                f"{self.path} is open in another process (another sync, or a program holding "
                f"it open for writing); try again when it is closed. DuckDB said: {exc}"
            ) from exc
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise

    def __repr__(self) -> str:
        return f"DuckDBBackend({self.path!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The underlying connection (to query the tables while the backend is open)."""
        return self._con

    def close(self) -> None:
        """Close the connection (checkpointing the file), then release the lock."""
        try:
            self._con.close()
        finally:
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN`` ... ``COMMIT``, or ``ROLLBACK`` on any exception."""
        self._con.begin()
        try:
            yield
        except BaseException:
            self._con.rollback()
            raise
        self._con.commit()

    def create_tables(self, tables: Sequence[TableSchema]) -> None:
        """Create missing tables and the state table; add columns that newer models have."""
        self._con.execute(STATE_SQL)
        for table in tables:
            self._con.execute(table.create_sql())
            rows = self._con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?",
                [table.name],
            ).fetchall()
            existing = {row[0] for row in rows}
            for name, sql_type in table.sql_columns():
                if name not in existing:
                    # A field the generated models gained since the table was made: add it
                    # (null in old rows) instead of failing every later sync.
                    self._con.execute(f"ALTER TABLE {table.name} ADD COLUMN {name} {sql_type}")

    def upsert_rows(self, table: TableSchema, rows: Sequence[tuple[Any, ...]]) -> int:
        """Insert or replace rows by ``row_key``; return how many were written."""
        if not rows:
            return 0
        sql_columns = table.sql_columns()
        names = ", ".join(name for name, _ in sql_columns)
        # One parameter per column, a typed list unnested into rows: one statement for the
        # whole page. executemany() would run one INSERT per row, ~300x slower in DuckDB.
        selects = ", ".join(f"unnest(?::{_CAST[sql_type]}[])" for _, sql_type in sql_columns)
        updates = ", ".join(
            f"{name} = excluded.{name}" for name, _ in sql_columns if name != ROW_KEY
        )
        params = [list(column) for column in zip(*rows, strict=True)]
        self._con.execute(
            f"INSERT INTO {table.name} ({names}) SELECT {selects} "
            f"ON CONFLICT ({ROW_KEY}) DO UPDATE SET {updates}",
            params,
        )
        return len(rows)

    def delete_other_rows(
        self, table: TableSchema, bucket_starts: Sequence[datetime], keep: Collection[str]
    ) -> int:
        """Delete rows of these buckets whose ``row_key`` is not in ``keep``; return how many."""
        if not bucket_starts:
            return 0
        result = self._con.execute(
            f"DELETE FROM {table.name} "
            "WHERE bucket_start IN (SELECT unnest(?::TIMESTAMPTZ[])) "
            f"AND {ROW_KEY} NOT IN (SELECT unnest(?::VARCHAR[]))",
            [list(bucket_starts), list(keep)],
        ).fetchone()
        return int(result[0]) if result else 0

    def read_state(self, operation: str) -> SyncState | None:
        """The stored state of ``operation``, or None."""
        # Read as epoch microseconds: fetching TIMESTAMPTZ values would convert them to the
        # session's time zone (and needs pytz on older duckdb releases).
        row = self._con.execute(
            "SELECT epoch_us(synced_from), epoch_us(synced_until), epoch_us(updated_at) "
            f"FROM {STATE_TABLE} WHERE operation = ?",
            [operation],
        ).fetchone()
        if row is None:
            return None
        synced_from, synced_until, updated_at = (_from_us(v) for v in row)
        return SyncState(operation, synced_from, synced_until, updated_at)

    def write_state(self, state: SyncState) -> None:
        """Insert or replace the state of ``state.operation``."""
        self._con.execute(
            f"INSERT INTO {STATE_TABLE} (operation, synced_from, synced_until, updated_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT (operation) DO UPDATE SET "
            "synced_from = excluded.synced_from, synced_until = excluded.synced_until, "
            "updated_at = excluded.updated_at",
            [state.operation, state.synced_from, state.synced_until, state.updated_at],
        )


def _from_us(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=int(value))


def _import_duckdb() -> Any:
    try:
        import duckdb
    except ImportError as exc:
        raise MissingDependencyError("sync", "duckdb", "duckdb") from exc
    return duckdb


if sys.platform == "win32":
    import msvcrt

    def _try_lock(file: IO[bytes]) -> None:
        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(file: IO[bytes]) -> None:
        file.seek(0)
        msvcrt.locking(file.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(file: IO[bytes]) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(file: IO[bytes]) -> None:
        fcntl.flock(file.fileno(), fcntl.LOCK_UN)


class _FileLock:
    """An exclusive, non-blocking lock on a file; refused with ``SyncLockedError``.

    ``flock`` locks belong to an open file, not to a process, so a second open in the same
    process is refused too: exactly what keeps two threads from syncing one file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def acquire(self) -> None:
        # "a+b": created when missing, never truncated (another holder may be writing it).
        file = open(self.path, "a+b")  # noqa: SIM115 - held open until release()
        try:
            _try_lock(file)
        except OSError as exc:
            file.close()
            raise SyncLockedError(
                f"another sync is running on {self.path.with_suffix('')} "
                f"(it holds {self.path}); wait for it to finish"
            ) from exc
        self._file = file

    def release(self) -> None:
        if self._file is None:
            return
        try:
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None
