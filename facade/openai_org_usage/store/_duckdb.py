"""The DuckDB backend: an embedded database in one file, the default target of ``sync``.

::

    from openai_org_usage.store import DuckDBBackend

    with DuckDBBackend("usage.duckdb") as db:  # exclusive until closed
        print(db.read_state("costs"))

Locking. DuckDB lets one process at a time open a file for writing; a second process gets an
``IOException``, turned here into ``SyncLockedError``. Inside one process DuckDB shares one
database between connections instead of refusing, so two syncs in two threads would both get
in: a lock file next to the database (``<db>.lock``, an exclusive non-blocking ``flock``;
``msvcrt.locking`` on Windows) is taken before connecting, and refused the same way. The
holder deletes the lock file while it still holds the lock, just before releasing it; a sync
that opened the old file a moment earlier and then gets its lock sees that the name no
longer points at the file it locked, and starts over with the new one (so two syncs never
both hold "the" lock). Locks on network file systems may not be honoured; keep the database
local.

Files that cannot be used. A path in a missing directory, a directory, a file that is not a
DuckDB database (a text file, a truncated or damaged database), a read-only file, or a
database holding a table of one of our names that this package did not make: each is one
``StoreError`` naming the file and the problem, raised before anything is written, so the
file is left exactly as it was (and no lock file stays behind).

duckdb is imported only when a backend is opened; without it, ``MissingDependencyError``
names the ``duckdb`` extra.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any, Self

from openai_org_usage import MissingDependencyError, StoreError, SyncLockedError

from ._schema import ROW_KEY, STATE_COLUMNS, STATE_SQL, STATE_TABLE, SyncState, TableSchema

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
# How DuckDB's information_schema spells each portable type.
_REPORTED: dict[str, str] = {
    "TIMESTAMPTZ": "TIMESTAMP WITH TIME ZONE",
    "TEXT": "VARCHAR",
    "BOOLEAN": "BOOLEAN",
    "BIGINT": "BIGINT",
    "DOUBLE PRECISION": "DOUBLE",
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MEMORY = ":memory:"
# A DuckDB file starts with a main header and two database headers of 4 KiB each.
_HEADERS = 3 * 4096
# A lock file that a finishing holder deleted under us is retried this often; more would
# mean syncs starting and ending back to back, so the next attempt is refused instead.
_LOCK_ATTEMPTS = 3


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file of a database: ``usage.duckdb`` -> ``usage.duckdb.lock``."""
    return Path(f"{os.fspath(path)}.lock")


class DuckDBBackend:
    """A DuckDB database file, opened for exclusive writing (see the module docstring).

    Args:
        path: The database file (created if missing), or ``":memory:"``.

    Raises:
        SyncLockedError: another sync, or another process, has the database open.
        StoreError: the path cannot be used (missing directory, a directory, not a DuckDB
            database, damaged, read-only); nothing was changed.
        MissingDependencyError: duckdb is not installed.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        ddb = _import_duckdb()
        self._ddb = ddb
        self.path = os.fspath(path)
        if self.path != _MEMORY:
            _check_path(self.path)
        self._lock = None if self.path == _MEMORY else _FileLock(lock_path(self.path))
        if self._lock is not None:
            self._lock.acquire()
        try:
            self._con: duckdb.DuckDBPyConnection = ddb.connect(self.path)
        except ddb.Error as exc:
            if self._lock is not None:
                self._lock.release()
            if isinstance(exc, ddb.IOException) and "lock" in str(exc).lower():
                raise SyncLockedError(
                    f"{self.path} is open in another process (another sync, or a program "
                    f"holding it open for writing); try again when it is closed. "
                    f"DuckDB said: {_duckdb_text(exc)}",
                    path=self.path,
                ) from exc
            raise _open_error(self.path, exc) from exc
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        if self.path != _MEMORY:
            try:
                self._check_size()
            except BaseException:
                self.close()
                raise

    def _check_size(self) -> None:
        """Refuse a truncated file before reading it: DuckDB opens one, and fails later.

        DuckDB reads blocks only when a query needs them, so a file cut short after its
        header opens fine and fails on some later read, possibly after rows were written.
        Its size is known: three 4 KiB headers, then ``total_blocks`` blocks.
        """
        with self._errors("reading the file"):
            row = self._con.execute(
                "SELECT block_size, total_blocks FROM pragma_database_size() "
                "WHERE database_name = current_database()"
            ).fetchone()
        if row is None:
            return
        expected = _HEADERS + int(row[0]) * int(row[1])
        actual = os.path.getsize(self.path)
        if actual < expected:
            raise StoreError(
                f"{self.path} is a damaged or truncated DuckDB database ({actual:,} bytes, "
                f"its blocks need {expected:,}); nothing was changed: restore it from a "
                "backup, or sync into a new file",
                path=self.path,
            )

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
    def _errors(self, doing: str) -> Iterator[None]:
        """DuckDB's own errors as one-line ``StoreError``s naming the file."""
        try:
            yield
        except self._ddb.Error as exc:
            if _is_damage(_duckdb_text(exc)):
                raise _open_error(self.path, exc) from exc
            raise StoreError(
                f"{self.path}: {doing} failed: {_duckdb_text(exc)}", path=self.path
            ) from exc

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN`` ... ``COMMIT``, or ``ROLLBACK`` on any exception."""
        with self._errors("starting a transaction"):
            self._con.begin()
        try:
            yield
        except BaseException:
            with contextlib.suppress(self._ddb.Error):
                self._con.rollback()
            raise
        with self._errors("committing"):
            self._con.commit()

    def create_tables(self, tables: Sequence[TableSchema]) -> None:
        """Create missing tables and the state table; add columns that newer models have.

        Every existing table is checked first, before anything is created or altered: a
        table of one of our names that this package did not make is a ``StoreError``, and
        the file is left as it was.
        """
        with self._errors("reading the tables"):
            found = self._existing_tables()
            state_columns = self._columns(STATE_TABLE) if STATE_TABLE in found else None
            if state_columns is not None:
                self._check_ours(
                    STATE_TABLE,
                    found[STATE_TABLE],
                    state_columns,
                    STATE_COLUMNS,
                    required=[name for name, _ in STATE_COLUMNS[:4]],
                    key="operation",
                )
            existing: dict[str, dict[str, str]] = {}
            for table in tables:
                if table.name in found:
                    columns = self._columns(table.name)
                    self._check_ours(
                        table.name,
                        found[table.name],
                        columns,
                        table.sql_columns(),
                        required=["bucket_start", "bucket_end", ROW_KEY],
                        key=ROW_KEY,
                    )
                    existing[table.name] = columns
        with self._errors("creating the tables"):
            self._con.execute(STATE_SQL)
            for name, sql_type in STATE_COLUMNS:
                if state_columns is not None and name not in state_columns:
                    # A state table made by an older release: the grain columns are new.
                    self._con.execute(f"ALTER TABLE {STATE_TABLE} ADD COLUMN {name} {sql_type}")
            for table in tables:
                self._con.execute(table.create_sql())
                old = existing.get(table.name)
                if old is None:
                    continue
                for name, sql_type in table.sql_columns():
                    if name not in old:
                        # A field the generated models gained since the table was made: add
                        # it (null in old rows) instead of failing every later sync.
                        self._con.execute(f"ALTER TABLE {table.name} ADD COLUMN {name} {sql_type}")

    def _existing_tables(self) -> dict[str, str]:
        rows = self._con.execute(
            "SELECT lower(table_name), table_type FROM information_schema.tables "
            "WHERE table_catalog = current_database() AND table_schema = current_schema()"
        ).fetchall()
        return {str(name): str(kind) for name, kind in rows}

    def _columns(self, table: str) -> dict[str, str]:
        rows = self._con.execute(
            "SELECT lower(column_name), data_type FROM information_schema.columns "
            "WHERE table_catalog = current_database() AND table_schema = current_schema() "
            "AND lower(table_name) = ?",
            [table],
        ).fetchall()
        return {str(name): str(kind) for name, kind in rows}

    def _primary_key(self, table: str) -> list[str]:
        rows = self._con.execute(
            "SELECT constraint_column_names FROM duckdb_constraints() "
            "WHERE database_name = current_database() AND schema_name = current_schema() "
            "AND lower(table_name) = ? AND constraint_type = 'PRIMARY KEY'",
            [table],
        ).fetchall()
        return [str(c).lower() for c in rows[0][0]] if rows else []

    def _check_ours(
        self,
        table: str,
        kind: str,
        columns: dict[str, str],
        expected: Sequence[tuple[str, str]],
        *,
        required: Sequence[str],
        key: str,
    ) -> None:
        """Refuse a table of our name that we did not make: we would damage the owner's data."""
        problems: list[str] = []
        if kind != "BASE TABLE":
            problems.append(f"it is a {kind.lower()}, not a table")
        else:
            for name, sql_type in expected:
                have = columns.get(name)
                want = _REPORTED[sql_type]
                if have is not None and have != want:
                    problems.append(f"column {name} is {have}, expected {want}")
            missing = [name for name in required if name not in columns]
            if missing:
                problems.append(f"no column {', '.join(missing)}")
            elif self._primary_key(table) != [key]:
                problems.append(f"its primary key is not ({key})")
        if problems:
            raise StoreError(
                f"{self.path} holds a table {table} that openai-org-usage did not make "
                f"({'; '.join(problems)}); nothing was changed: sync into another file, or "
                f"rename that table",
                path=self.path,
            )

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
        with self._errors(f"writing {table.name}"):
            self._con.execute(
                f"INSERT INTO {table.name} ({names}) SELECT {selects} "
                f"ON CONFLICT ({ROW_KEY}) DO UPDATE SET {updates}",
                params,
            )
        return len(rows)

    def delete_other_rows(
        self, table: TableSchema, bucket_starts: Sequence[datetime], keep: Collection[str]
    ) -> int:
        """Delete rows of these buckets whose ``row_key`` is not in ``keep``; return how many.

        Whatever the grain of the old rows: rows of a bucket fetched at a finer grain (a
        group-by field the API has since refused) are not in ``keep``, so they go.
        """
        if not bucket_starts:
            return 0
        with self._errors(f"writing {table.name}"):
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
        with self._errors("reading the sync state"):
            row = self._con.execute(
                "SELECT epoch_us(synced_from), epoch_us(synced_until), epoch_us(updated_at), "
                f"group_by, group_by_refused FROM {STATE_TABLE} WHERE operation = ?",
                [operation],
            ).fetchone()
        if row is None:
            return None
        synced_from, synced_until, updated_at = (_from_us(v) for v in row[:3])
        group_by = None if row[3] is None else _split(row[3])
        refused = () if row[4] is None else _split(row[4])
        return SyncState(operation, synced_from, synced_until, updated_at, group_by, refused)

    def write_state(self, state: SyncState) -> None:
        """Insert or replace the state of ``state.operation``."""
        group_by = None if state.group_by is None else ",".join(state.group_by)
        with self._errors("writing the sync state"):
            self._con.execute(
                f"INSERT INTO {STATE_TABLE} (operation, synced_from, synced_until, updated_at, "
                "group_by, group_by_refused) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (operation) DO UPDATE SET "
                "synced_from = excluded.synced_from, synced_until = excluded.synced_until, "
                "updated_at = excluded.updated_at, group_by = excluded.group_by, "
                "group_by_refused = excluded.group_by_refused",
                [
                    state.operation,
                    state.synced_from,
                    state.synced_until,
                    state.updated_at,
                    group_by,
                    ",".join(state.refused),
                ],
            )


def _split(value: str) -> tuple[str, ...]:
    return tuple(part for part in value.split(",") if part)


def _from_us(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=int(value))


def _import_duckdb() -> Any:
    try:
        import duckdb
    except ImportError as exc:
        raise MissingDependencyError("sync", "duckdb", "duckdb") from exc
    return duckdb


def _check_path(path: str) -> None:
    """Refuse, before a lock file is made, paths that can never be a database file."""
    target = Path(path)
    if target.is_dir():
        raise StoreError(f"{path} is a directory, not a database file", path=path)
    parent = target.parent
    if not parent.is_dir():
        raise StoreError(
            f"{path}: the directory {parent} does not exist; create it first", path=path
        )


def _duckdb_text(exc: BaseException) -> str:
    """DuckDB's message on one line, without its "IO Error: " style prefix."""
    text = " ".join(str(exc).split())
    for prefix in ("IO Error: ", "Serialization Error: ", "Internal Error: "):
        text = text.removeprefix(prefix)
    return text


def _is_damage(text: str) -> bool:
    lowered = text.lower()
    return any(words in lowered for words in ("could not read enough bytes", "corrupt", "checksum"))


def _open_error(path: str, exc: BaseException) -> StoreError:
    text = _duckdb_text(exc)
    lowered = text.lower()
    if "not a valid duckdb database file" in lowered:
        if os.path.exists(path) and os.path.getsize(path) == 0:
            problem = "is an empty file, not a DuckDB database"
        else:
            problem = "is not a DuckDB database"
        return StoreError(f"{path} {problem}; nothing was changed: sync into a new file", path=path)
    if _is_damage(text):
        return StoreError(
            f"{path} is a damaged or truncated DuckDB database ({text}); nothing was changed: "
            "restore it from a backup, or sync into a new file",
            path=path,
        )
    if "permission denied" in lowered or "read-only" in lowered or "read only" in lowered:
        return StoreError(
            f"{path} cannot be written (permission denied): sync needs write access to the "
            "file and its directory",
            path=path,
        )
    return StoreError(f"{path} cannot be opened as a DuckDB database: {text}", path=path)


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


def _names_this_file(file: IO[bytes], path: Path) -> bool:
    """Whether ``path`` still is the open ``file`` (not deleted, not replaced)."""
    try:
        named = os.stat(path)
    except OSError:
        return False
    held = os.fstat(file.fileno())
    return (named.st_dev, named.st_ino) == (held.st_dev, held.st_ino)


class _FileLock:
    """An exclusive, non-blocking lock on a file; refused with ``SyncLockedError``.

    ``flock`` locks belong to an open file, not to a process, so a second open in the same
    process is refused too: exactly what keeps two threads from syncing one file.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: IO[bytes] | None = None

    def acquire(self) -> None:
        database = os.fspath(self.path)[: -len(".lock")]
        for _ in range(_LOCK_ATTEMPTS):
            try:
                # "a+b": created when missing, never truncated (another holder may have it).
                file = open(self.path, "a+b")  # noqa: SIM115 - held open until release()
            except OSError as exc:
                raise StoreError(
                    f"{database}: cannot create its lock file {self.path}: "
                    f"{exc.strerror or exc}; sync needs write access to the directory",
                    path=database,
                ) from exc
            try:
                _try_lock(file)
            except OSError as exc:
                file.close()
                raise SyncLockedError(
                    f"another sync is running on {database} (it holds {self.path}); "
                    "wait for it to finish",
                    path=database,
                ) from exc
            if _names_this_file(file, self.path):
                self._file = file
                return
            # The holder we raced with deleted this file on release: lock the new one.
            _unlock(file)
            file.close()
        raise SyncLockedError(
            f"another sync keeps taking {database} (its lock file {self.path} was replaced "
            f"{_LOCK_ATTEMPTS} times); wait for it to finish",
            path=database,
        )

    def release(self) -> None:
        if self._file is None:
            return
        try:
            # Deleted while still held: nobody can lock this file any more, and a sync that
            # opened it just now notices the name is gone (see acquire). Windows refuses to
            # delete an open file; the lock file then stays, which is harmless.
            with contextlib.suppress(OSError):
                if _names_this_file(self._file, self.path):
                    self.path.unlink()
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None
