"""Names for the IDs in usage and costs rows: projects, users, API keys, service accounts.

::

    from openai_org_usage import UsageClient
    from openai_org_usage.directory import Directory

    with UsageClient() as client:
        names = Directory.load(client)
        for row in client.costs(start="7d", group_by="project_id").results():
            # A field the rows were not grouped by is UNSET; ``or None`` makes it None.
            label = names.label("project_id", row.result.project_id or None)
            print(label, row.result.amount.value)

``Directory.load(client)`` (``await Directory.aload(async_client)``) lists the organization's
projects (archived ones included), users, each project's API keys and service accounts, and
the admin API keys, through the clients' list methods. Kinds are the usage rows' group-by
field names: ``"project_id"``, ``"user_id"``, ``"api_key_id"`` (project and admin keys),
plus ``"service_account_id"``.

- ``name(kind, id)``: the name, or None; ``label(kind, id)``: the name, else the email, else
  the ID itself (what a report shows); ``get(kind, id)``: the whole ``Entry``;
  ``owner(api_key_id)``: the user or service account that owns a key.
- A list the API refuses costs only its own names: a project's keys or service accounts
  (400, 403, or 404 for a project gone meanwhile; the API refuses an archived project's as a
  rule), or the projects, users or admin keys list (400 or 403). Each refusal is one readable
  line in ``problems``, whatever was listed is kept, and the load goes on; any other error
  (401, 5xx, a connection, pages that do not chain) is raised.
- ``records(kind)`` and ``tables()``: plain rows for dimension tables (CSV, DataFrames,
  databases).
- ``Directory.cached(client, path=..., max_age=...)`` keeps the directory in a JSON file (names
  and IDs only: never the admin key) and lists afresh when the file is older than
  ``max_age``; ``refresh()`` lists afresh at once. The file is checked whole when read (every
  field of every entry has its type); one that is not exactly such a file is logged as a
  warning and replaced by a fresh listing, never trusted in part.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from . import _directory_cache
from ._directory_entry import KINDS, Entry, Kind, kinds_text, utc
from ._directory_load import check_concurrency, load, load_async
from ._errors import InvalidParameterError

if TYPE_CHECKING:
    from ._client import AsyncUsageClient, UsageClient

__all__ = ["COLUMNS", "KINDS", "TABLES", "Directory", "Entry", "Kind"]

TABLES: Final[Mapping[Kind, str]] = {
    "project_id": "projects",
    "user_id": "users",
    "api_key_id": "api_keys",
    "service_account_id": "service_accounts",
}
"""The dimension table of each kind (the keys of ``Directory.tables()``)."""

COLUMNS: Final[Mapping[Kind, tuple[str, ...]]] = {
    "project_id": ("id", "name", "status", "archived", "created_at", "archived_at"),
    "user_id": ("id", "name", "email", "role", "created_at"),
    "api_key_id": (
        "id",
        "name",
        "key_type",
        "project_id",
        "owner_type",
        "owner_id",
        "owner_name",
        "owner_email",
        "status",
        "archived",
        "created_at",
        "last_used_at",
    ),
    "service_account_id": ("id", "name", "role", "project_id", "archived", "created_at"),
}
"""The columns of ``records(kind)``, in order. Times are aware UTC datetimes (or None)."""

# The wall clock that says how old a cache file is (tests replace it).
_clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731


# -- the directory --------------------------------------------------------------------------------


class Directory:
    """Names, emails and owners of an organization's projects, users, API keys and service
    accounts, by ID.

    Make one with ``Directory.load(client)``, ``await Directory.aload(async_client)`` or
    ``Directory.cached(client, path=...)``; ``Directory(entries)`` builds one from entries
    (tests, other sources).

    Two directories are equal when they hold the same entries and problems, whenever they
    were fetched. A directory is read-only (``refresh`` apart): share it between threads.

    Attributes:
        problems: What could not be listed and why, one readable line each (a project
            whose keys the API refused, for one). Those about archived projects (refused as a
            rule) come last. Empty when everything was listed.
        fetched_at: When the lists were fetched (aware UTC).
    """

    def __init__(
        self,
        entries: Iterable[Entry],
        *,
        problems: Iterable[str] = (),
        fetched_at: datetime | None = None,
    ) -> None:
        self._entries: dict[Kind, dict[str, Entry]] = {kind: {} for kind in KINDS}
        for entry in entries:
            if entry.kind not in self._entries:
                raise InvalidParameterError("entry.kind", entry.kind, kinds_text())
            self._entries[entry.kind][entry.id] = entry
        self.problems: tuple[str, ...] = tuple(problems)
        self.fetched_at: datetime = fetched_at or _clock()
        self._client: UsageClient | AsyncUsageClient | None = None
        self._cache: Path | None = None

    def __repr__(self) -> str:
        counts = ", ".join(f"{TABLES[k]}={len(v)}" for k, v in self._entries.items())
        return f"<Directory {counts} problems={len(self.problems)}>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Directory):
            return NotImplemented
        return self._entries == other._entries and self.problems == other.problems

    __hash__ = None  # type: ignore[assignment]

    # -- loading ---------------------------------------------------------------------------------

    @classmethod
    def load(cls, client: UsageClient, *, max_concurrency: int | None = None) -> Directory:
        """List everything through ``client`` (a ``UsageClient``).

        Args:
            client: The client to list with.
            max_concurrency: Projects whose keys and service accounts are listed at once.
                Default: the client's ``max_concurrency``. The result does not depend on it.

        Raises:
            InvalidParameterError: ``max_concurrency`` is not an integer >= 1.
            APIError: a list failed other than by a refusal (a refusal lands in ``problems``:
                see the module docstring).
        """
        entries, problems = load(client, check_concurrency(max_concurrency, client.max_concurrency))
        directory = cls(entries, problems=problems)
        directory._client = client
        return directory

    @classmethod
    async def aload(
        cls, client: AsyncUsageClient, *, max_concurrency: int | None = None
    ) -> Directory:
        """``load`` for an ``AsyncUsageClient`` (same arguments, same result)."""
        workers = check_concurrency(max_concurrency, client.max_concurrency)
        entries, problems = await load_async(client, workers)
        directory = cls(entries, problems=problems)
        directory._client = client
        return directory

    @classmethod
    def cached(
        cls,
        client: UsageClient,
        *,
        path: str | os.PathLike[str],
        max_age: timedelta = timedelta(hours=24),
        max_concurrency: int | None = None,
    ) -> Directory:
        """The directory from the JSON file at ``path`` if it is younger than ``max_age``
        and was listed from the same base URL; otherwise listed afresh and written there.

        The file holds names, emails, IDs and roles: never the admin key. It is checked whole
        before any of it is used (``from_json``: every field of every entry, with its type).
        A file that fails (not JSON, truncated, another layout, a wrong or missing field, a
        directory or FIFO at ``path``, unreadable) is logged as a warning naming the file and
        what is wrong, then listed afresh and replaced; one that cannot be written is logged
        as a warning and the directory is returned all the same. A damaged file never raises.

        Raises:
            InvalidParameterError: ``max_age`` is not a positive ``timedelta``.
            APIError: as ``load``.
        """
        target = _directory_cache.check_args(path, max_age)
        found = cls._fresh(_directory_cache.read(target, client.base_url), max_age)
        if found is None:
            found = cls.load(client, max_concurrency=max_concurrency)
            _directory_cache.write(target, found.to_json(), client.base_url)
        found._client = client
        found._cache = target
        return found

    @classmethod
    async def acached(
        cls,
        client: AsyncUsageClient,
        *,
        path: str | os.PathLike[str],
        max_age: timedelta = timedelta(hours=24),
        max_concurrency: int | None = None,
    ) -> Directory:
        """``cached`` for an ``AsyncUsageClient``."""
        target = _directory_cache.check_args(path, max_age)
        snapshot = await asyncio.to_thread(_directory_cache.read, target, client.base_url)
        found = cls._fresh(snapshot, max_age)
        if found is None:
            found = await cls.aload(client, max_concurrency=max_concurrency)
            await asyncio.to_thread(
                _directory_cache.write, target, found.to_json(), client.base_url
            )
        found._client = client
        found._cache = target
        return found

    @classmethod
    def _fresh(
        cls, snapshot: _directory_cache.Snapshot | None, max_age: timedelta
    ) -> Directory | None:
        """The directory a cache file holds, if it is younger than ``max_age``."""
        if snapshot is None:
            return None
        age = _clock() - snapshot.fetched_at
        if age < timedelta(0) or age >= max_age:
            return None
        return cls(snapshot.entries, problems=snapshot.problems, fetched_at=snapshot.fetched_at)

    def refresh(self) -> Directory:
        """List everything afresh with the client it came from (and rewrite its cache file).

        Returns:
            This directory, updated in place.

        Raises:
            InvalidParameterError: it was not made by ``load`` or ``cached`` with a
                ``UsageClient`` (use ``arefresh`` for an async client).
            APIError: as ``load``.
        """
        from ._client import UsageClient

        client = self._client
        if not isinstance(client, UsageClient):
            raise InvalidParameterError(
                "client",
                type(client).__name__,
                "a directory made by Directory.load or Directory.cached with a UsageClient",
                hint="use await directory.arefresh() for one made with an AsyncUsageClient",
            )
        self._replace(Directory.load(client))
        if self._cache is not None:
            _directory_cache.write(self._cache, self.to_json(), client.base_url)
        return self

    async def arefresh(self) -> Directory:
        """``refresh`` for a directory made with an ``AsyncUsageClient``."""
        from ._client import AsyncUsageClient

        client = self._client
        if not isinstance(client, AsyncUsageClient):
            raise InvalidParameterError(
                "client",
                type(client).__name__,
                "a directory made by Directory.aload or Directory.acached with an AsyncUsageClient",
                hint="use directory.refresh() for one made with a UsageClient",
            )
        self._replace(await Directory.aload(client))
        if self._cache is not None:
            await asyncio.to_thread(
                _directory_cache.write, self._cache, self.to_json(), client.base_url
            )
        return self

    def _replace(self, other: Directory) -> None:
        self._entries = other._entries
        self.problems = other.problems
        self.fetched_at = other.fetched_at

    # -- lookups ---------------------------------------------------------------------------------

    def get(self, kind: str, id: str | None) -> Entry | None:
        """The entry of ``id``, or None when the directory does not know it.

        ``None`` (a field the rows were not grouped by) is not known, nor is anything else
        that is not a string.

        Raises:
            InvalidParameterError: ``kind`` is not one of ``KINDS``.
        """
        entries = self._kind(kind)
        return entries.get(id) if isinstance(id, str) else None

    def name(self, kind: str, id: str | None) -> str | None:
        """The name of ``id``, or None (unknown ID, or an object without a name)."""
        entry = self.get(kind, id)
        return entry.name if entry is not None else None

    def email(self, kind: str, id: str | None) -> str | None:
        """A user's email address (or a key's owner's, for ``api_key_id``), or None."""
        entry = self.get(kind, id)
        if entry is None:
            return None
        if entry.kind == "api_key_id":
            owner = self.owner(entry.id)
            return owner.email if owner is not None else None
        return entry.email

    def label(self, kind: str, id: str | None) -> str:
        """What a report shows for ``id``: its name, else its email, else the ID itself.

        ``None`` (a field the rows were not grouped by), or anything else that is not a
        string, is ``""``.
        """
        entry = self.get(kind, id)
        if not isinstance(id, str):
            return ""
        if entry is None:
            return id
        return entry.name or entry.email or id

    def owner(self, api_key_id: str | None) -> Entry | None:
        """The user or service account that owns a key, if the directory knows it."""
        key = self.get("api_key_id", api_key_id)
        if key is None or key.owner_id is None:
            return None
        kind: Kind = "service_account_id" if key.owner_type == "service_account" else "user_id"
        return self.get(kind, key.owner_id) or Entry(kind, key.owner_id)

    def is_archived(self, project_id: str | None) -> bool:
        """Whether ``project_id`` is an archived project (False when unknown)."""
        entry = self.get("project_id", project_id)
        return entry is not None and entry.archived

    def entries(self, kind: str) -> tuple[Entry, ...]:
        """Every entry of ``kind``, in the order listed."""
        return tuple(self._kind(kind).values())

    def __len__(self) -> int:
        return sum(len(v) for v in self._entries.values())

    def __iter__(self) -> Iterator[Entry]:
        for kind in KINDS:
            yield from self._entries[kind].values()

    def _kind(self, kind: str) -> dict[str, Entry]:
        entries = self._entries.get(kind)  # type: ignore[call-overload]
        if entries is None:
            raise InvalidParameterError("kind", kind, kinds_text())
        found: dict[str, Entry] = entries
        return found

    # -- rows ------------------------------------------------------------------------------------

    def records(self, kind: str) -> list[dict[str, Any]]:
        """Every entry of ``kind`` as a plain row with the columns ``COLUMNS[kind]``.

        Times are aware UTC datetimes; a key's ``owner_name`` and ``owner_email`` are looked
        up here.
        """
        entries = self._kind(kind)
        columns = COLUMNS[kind]  # type: ignore[index]
        rows: list[dict[str, Any]] = []
        for entry in entries.values():
            values = attrs.asdict(entry, recurse=False)
            for name in ("created_at", "archived_at", "last_used_at"):
                values[name] = utc(values[name])
            if entry.kind == "api_key_id":
                owner = self.owner(entry.id)
                values["owner_name"] = owner.name if owner is not None else None
                values["owner_email"] = owner.email if owner is not None else None
            rows.append({column: values[column] for column in columns})
        return rows

    def tables(self) -> dict[str, list[dict[str, Any]]]:
        """``records`` of every kind, by table name (``TABLES``)."""
        return {TABLES[kind]: self.records(kind) for kind in KINDS}

    # -- JSON ------------------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """The directory as JSON-ready data (what ``cached`` writes)."""
        return {
            "format": _directory_cache.FORMAT,
            "fetched_at": self.fetched_at.isoformat(),
            "problems": list(self.problems),
            "entries": [attrs.asdict(e, recurse=False) for e in self],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Directory:
        """A directory from ``to_json`` data, checked whole.

        Every key ``to_json`` writes must be there and no other; every entry must have every
        field of ``Entry`` with its type (a time: Unix seconds from 0 to the year 9999).

        Raises:
            ValueError: the data is not such a directory (of this layout version); the
                message names the first field at fault, never quoting its value.
        """
        snapshot = _directory_cache.parse(data)
        return cls(snapshot.entries, problems=snapshot.problems, fetched_at=snapshot.fetched_at)
