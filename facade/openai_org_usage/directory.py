"""Names for the IDs in usage and costs rows: projects, users, API keys, service accounts.

::

    from openai_org_usage import UsageClient
    from openai_org_usage.directory import Directory

    with UsageClient() as client:
        names = Directory.load(client)
        for row in client.costs(start="7d", group_by="project_id").results():
            print(names.label("project_id", row.result.project_id), row.result.amount.value)

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
import contextlib
import json
import logging
import os
import stat
import tempfile
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, TypeVar

import attrs

from openai_org_usage_client.types import Unset

from ._errors import (
    BadRequestError,
    InvalidParameterError,
    NotFoundError,
    PermissionDeniedError,
)

if TYPE_CHECKING:
    from openai_org_usage_client.models import (
        AdminApiKey,
        OrganizationUser,
        Project,
        ProjectApiKey,
        ProjectServiceAccount,
    )

    from ._client import AsyncUsageClient, UsageClient

__all__ = ["COLUMNS", "KINDS", "TABLES", "Directory", "Entry", "Kind"]

logger = logging.getLogger("openai_org_usage")

Kind = Literal["project_id", "user_id", "api_key_id", "service_account_id"]

KINDS: Final[tuple[Kind, ...]] = ("project_id", "user_id", "api_key_id", "service_account_id")
"""The kinds of ID a directory resolves: the usage group-by field names, and service accounts."""

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

_FORMAT: Final = 1
"""Version of the cache file's layout; a file of another version is listed afresh."""

# The wall clock that says how old a cache file is (tests replace it).
_clock: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731

_T = TypeVar("_T")


@attrs.frozen
class Entry:
    """One named object of the organization.

    Attributes:
        kind: ``project_id``, ``user_id``, ``api_key_id`` or ``service_account_id``.
        id: Its ID, as usage rows carry it.
        name: Its name, if it has one.
        email: A user's email address.
        role: A user's organization role, or a service account's project role.
        project_id: The project a project key or service account belongs to.
        owner_type: A key's owner: ``user`` or ``service_account``.
        owner_id: The owner's ID.
        status: A project's ``active`` or ``archived``; a project key's
            ``owner_project_access`` (``active`` or ``inactive``).
        archived: An archived project (or a key or service account of one).
        key_type: ``project`` or ``admin`` for an API key.
        created_at: Creation time (a user's: when added), Unix seconds.
        archived_at: When a project was archived, Unix seconds.
        last_used_at: When a key was last used, Unix seconds.
    """

    kind: Kind
    id: str
    name: str | None = None
    email: str | None = None
    role: str | None = None
    project_id: str | None = None
    owner_type: str | None = None
    owner_id: str | None = None
    status: str | None = None
    archived: bool = False
    key_type: str | None = None
    created_at: int | None = None
    archived_at: int | None = None
    last_used_at: int | None = None


def _text(value: object) -> str | None:
    # Unset, None and anything that is not a non-empty string (a server's odd value) alike.
    return value if isinstance(value, str) and value else None


# The Unix seconds a datetime holds on every platform: 1970 to the end of the year 9999.
_MAX_SECONDS: Final = 253_402_300_799


def _int(value: object) -> int | None:
    # A time outside the range would make records() fail, and a cache holding it be refused.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_SECONDS:
        return value
    return None


def _time(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


# -- turning listed objects into entries ----------------------------------------------------------


def _project(p: Project) -> Entry:
    status = _text(p.status)
    archived_at = _int(p.archived_at)
    archived = status == "archived" or archived_at is not None
    return Entry(
        "project_id",
        p.id,
        name=_text(p.name),
        status=status or ("archived" if archived else None),
        archived=archived,
        created_at=_int(p.created_at),
        archived_at=archived_at,
    )


def _user(u: OrganizationUser) -> Entry:
    return Entry(
        "user_id",
        u.id,
        name=_text(u.name),
        email=_text(u.email),
        role=_text(u.role),
        created_at=_int(u.added_at),
    )


def _project_key(k: ProjectApiKey, project: Entry) -> tuple[Entry, Entry | None]:
    """The key's entry, and its owner's (a user or service account) when the key names one."""
    owner = k.owner
    owner_type = _text(owner.type_)
    owner_entry: Entry | None = None
    if not isinstance(owner.user, Unset) and owner.user is not None:
        u = owner.user
        owner_type = owner_type or "user"
        owner_entry = Entry(
            "user_id",
            u.id,
            name=_text(u.name),
            email=_text(u.email),
            created_at=_int(u.created_at),
        )
    elif not isinstance(owner.service_account, Unset) and owner.service_account is not None:
        s = owner.service_account
        owner_type = owner_type or "service_account"
        owner_entry = Entry(
            "service_account_id",
            s.id,
            name=_text(s.name),
            role=_text(s.role),
            project_id=project.id,
            archived=project.archived,
            created_at=_int(s.created_at),
        )
    key = Entry(
        "api_key_id",
        k.id,
        name=_text(k.name),
        project_id=project.id,
        owner_type=owner_type,
        owner_id=owner_entry.id if owner_entry is not None else None,
        status=_text(k.owner_project_access),
        archived=project.archived,
        key_type="project",
        created_at=_int(k.created_at),
        last_used_at=_int(k.last_used_at),
    )
    return key, owner_entry


def _service_account(s: ProjectServiceAccount, project: Entry) -> Entry:
    return Entry(
        "service_account_id",
        s.id,
        name=_text(s.name),
        role=_text(s.role),
        project_id=project.id,
        archived=project.archived,
        created_at=_int(s.created_at),
    )


def _admin_key(k: AdminApiKey) -> Entry:
    owner = k.owner
    return Entry(
        "api_key_id",
        k.id,
        name=_text(k.name),
        owner_type=_text(owner.type_),
        owner_id=_text(owner.id),
        key_type="admin",
        created_at=_int(k.created_at),
        last_used_at=_int(k.last_used_at),
    )


def _admin_key_owner(k: AdminApiKey) -> Entry | None:
    owner = k.owner
    owner_id = _text(owner.id)
    if owner_id is None:
        return None
    kind: Kind = "service_account_id" if _text(owner.type_) == "service_account" else "user_id"
    return Entry(kind, owner_id, name=_text(owner.name), created_at=_int(owner.created_at))


@attrs.define
class _ProjectListing:
    """What was listed under one project: keys (with owners) and service accounts."""

    keys: list[tuple[Entry, Entry | None]] = attrs.Factory(list)
    accounts: list[ProjectServiceAccount] = attrs.Factory(list)
    problems: list[str] = attrs.Factory(list)


# A list the API refuses (no permission for it, or a project gone or archived meanwhile) costs
# its own names only: the load goes on and says what is missing. Anything else is raised.
_REFUSALS: Final = (BadRequestError, PermissionDeniedError)
_PROJECT_REFUSALS: Final = (BadRequestError, PermissionDeniedError, NotFoundError)


def _project_label(project: Entry) -> str:
    label = f"{project.name} ({project.id})" if project.name else project.id
    return f"archived project {label}" if project.archived else f"project {label}"


@contextlib.contextmanager
def _refused_project_list(project: Entry, what: str, problems: list[str]) -> Iterator[None]:
    """Record a refusal of one project's ``what`` in ``problems``; keep what was listed."""
    try:
        yield
    except _PROJECT_REFUSALS as exc:
        problems.append(
            f"{_project_label(project)}: its {what} could not be listed "
            f"(HTTP {exc.status_code}: {exc.message}); their IDs are shown as they are"
        )


@contextlib.contextmanager
def _refused_list(what: str, consequence: str, problems: list[str]) -> Iterator[None]:
    """Record a refusal of an organization-wide list in ``problems``; keep what was listed."""
    try:
        yield
    except _REFUSALS as exc:
        problems.append(
            f"{what} could not be listed (HTTP {exc.status_code}: {exc.message}); {consequence}"
        )


_PROJECTS_REFUSED = "projects, and their API keys and service accounts, are shown by ID"
_USERS_REFUSED = "users are named only where an API key names its owner"
_ADMIN_KEYS_REFUSED = "admin API keys are shown by ID"


# -- building -------------------------------------------------------------------------------------


class _Builder:
    """Collects entries in a fixed order: the first entry for an ID wins, except that an entry
    from the ID's own list (the users list for a user) replaces one known only as an owner."""

    def __init__(self) -> None:
        self.entries: dict[Kind, dict[str, Entry]] = {kind: {} for kind in KINDS}
        self.primary: set[tuple[Kind, str]] = set()
        self.problems: list[str] = []
        # An archived project's refusals are routine (the API refuses its lists): they go
        # after the problems about what a report shows, so a one-line summary leads with those.
        self.archived_problems: list[str] = []

    def add(self, entry: Entry, *, primary: bool = True) -> None:
        key = (entry.kind, entry.id)
        known = self.entries[entry.kind].get(entry.id)
        if known is None:
            self.entries[entry.kind][entry.id] = entry
        elif primary and key not in self.primary:
            self.entries[entry.kind][entry.id] = _merged(entry, known)
        elif not primary:
            self.entries[entry.kind][entry.id] = _merged(known, entry)
        if primary:
            self.primary.add(key)

    def admin_key(self, key: AdminApiKey) -> None:
        """An admin API key, and its owner as known only through the key."""
        self.add(_admin_key(key))
        owner = _admin_key_owner(key)
        if owner is not None:
            self.add(owner, primary=False)

    def project(self, project: Entry, listing: _ProjectListing) -> None:
        for key, owner in listing.keys:
            self.add(key)
            if owner is not None:
                self.add(owner, primary=False)
        for account in listing.accounts:
            self.add(_service_account(account, project))
        (self.archived_problems if project.archived else self.problems).extend(listing.problems)


def _merged(first: Entry, second: Entry) -> Entry:
    """``first``, its missing values filled from ``second``."""
    values = attrs.asdict(first, recurse=False)
    for name, value in attrs.asdict(second, recurse=False).items():
        if values[name] is None and value is not None:
            values[name] = value
    return Entry(**values)


def _fetch_project_sync(client: UsageClient, project: Entry) -> _ProjectListing:
    listing = _ProjectListing()
    with _refused_project_list(project, "API keys", listing.problems):
        for key in client.project_api_keys(project.id, owner_project_access="any"):
            listing.keys.append(_project_key(key, project))
    with _refused_project_list(project, "service accounts", listing.problems):
        for account in client.project_service_accounts(project.id):
            listing.accounts.append(account)
    return listing


async def _fetch_project_async(client: AsyncUsageClient, project: Entry) -> _ProjectListing:
    listing = _ProjectListing()
    with _refused_project_list(project, "API keys", listing.problems):
        async for key in client.project_api_keys(project.id, owner_project_access="any"):
            listing.keys.append(_project_key(key, project))
    with _refused_project_list(project, "service accounts", listing.problems):
        async for account in client.project_service_accounts(project.id):
            listing.accounts.append(account)
    return listing


def _in_order(
    run: Callable[[Entry], _T], projects: Sequence[Entry], max_concurrency: int
) -> list[_T]:
    """``run`` for each project, up to ``max_concurrency`` at once; results in project order.

    The first failure (in project order) is raised once the others have stopped; projects not
    started yet are not started.
    """
    if max_concurrency <= 1 or len(projects) <= 1:
        return [run(p) for p in projects]
    with ThreadPoolExecutor(
        max_workers=min(max_concurrency, len(projects)), thread_name_prefix="openai-org-usage-dir"
    ) as pool:
        futures: list[Future[_T]] = [pool.submit(run, p) for p in projects]
        try:
            return [f.result() for f in futures]
        except BaseException:
            for f in futures:
                f.cancel()
            raise


async def _in_order_async(
    run: Callable[[Entry], Awaitable[_T]], projects: Sequence[Entry], max_concurrency: int
) -> list[_T]:
    """``_in_order`` for coroutines: at most ``max_concurrency`` running, results in order."""
    room = asyncio.Semaphore(max(1, max_concurrency))

    async def one(project: Entry) -> _T:
        async with room:
            return await run(project)

    tasks = [asyncio.ensure_future(one(p)) for p in projects]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


def _check_concurrency(value: int | None, default: int) -> int:
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterError("max_concurrency", value, "an integer >= 1, or None")
    return value


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
                raise InvalidParameterError("entry.kind", entry.kind, _kinds_text())
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
        workers = _check_concurrency(max_concurrency, client.max_concurrency)
        builder = _Builder()
        projects: list[Entry] = []
        with _refused_list("projects", _PROJECTS_REFUSED, builder.problems):
            for project in client.projects(include_archived=True):
                projects.append(_project(project))
        for entry in projects:
            builder.add(entry)
        with _refused_list("users", _USERS_REFUSED, builder.problems):
            for user in client.users():
                builder.add(_user(user))
        listings = _in_order(lambda p: _fetch_project_sync(client, p), projects, workers)
        for entry, listing in zip(projects, listings, strict=True):
            builder.project(entry, listing)
        with _refused_list("admin API keys", _ADMIN_KEYS_REFUSED, builder.problems):
            for key in client.admin_api_keys():
                builder.admin_key(key)
        directory = cls._built(builder)
        directory._client = client
        return directory

    @classmethod
    async def aload(
        cls, client: AsyncUsageClient, *, max_concurrency: int | None = None
    ) -> Directory:
        """``load`` for an ``AsyncUsageClient`` (same arguments, same result)."""
        workers = _check_concurrency(max_concurrency, client.max_concurrency)
        builder = _Builder()
        projects: list[Entry] = []
        with _refused_list("projects", _PROJECTS_REFUSED, builder.problems):
            async for project in client.projects(include_archived=True):
                projects.append(_project(project))
        for entry in projects:
            builder.add(entry)
        with _refused_list("users", _USERS_REFUSED, builder.problems):
            async for user in client.users():
                builder.add(_user(user))
        listings = await _in_order_async(
            lambda p: _fetch_project_async(client, p), projects, workers
        )
        for entry, listing in zip(projects, listings, strict=True):
            builder.project(entry, listing)
        with _refused_list("admin API keys", _ADMIN_KEYS_REFUSED, builder.problems):
            async for key in client.admin_api_keys():
                builder.admin_key(key)
        directory = cls._built(builder)
        directory._client = client
        return directory

    @classmethod
    def _built(cls, builder: _Builder) -> Directory:
        entries = [e for kind in KINDS for e in builder.entries[kind].values()]
        return cls(entries, problems=[*builder.problems, *builder.archived_problems])

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
        target = _check_cache_args(path, max_age)
        found = _read_cache(target, client.base_url, max_age)
        if found is None:
            found = cls.load(client, max_concurrency=max_concurrency)
            _write_cache(target, found, client.base_url)
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
        target = _check_cache_args(path, max_age)
        found = await asyncio.to_thread(_read_cache, target, client.base_url, max_age)
        if found is None:
            found = await cls.aload(client, max_concurrency=max_concurrency)
            await asyncio.to_thread(_write_cache, target, found, client.base_url)
        found._client = client
        found._cache = target
        return found

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
            _write_cache(self._cache, self, client.base_url)
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
            await asyncio.to_thread(_write_cache, self._cache, self, client.base_url)
        return self

    def _replace(self, other: Directory) -> None:
        self._entries = other._entries
        self.problems = other.problems
        self.fetched_at = other.fetched_at

    # -- lookups ---------------------------------------------------------------------------------

    def get(self, kind: str, id: str | Unset | None) -> Entry | None:
        """The entry of ``id``, or None when the directory does not know it.

        ``id`` may be a usage row's field as it is: ``None`` or ``UNSET`` (not grouped by) is
        not known.

        Raises:
            InvalidParameterError: ``kind`` is not one of ``KINDS``.
        """
        entries = self._kind(kind)
        return entries.get(id) if isinstance(id, str) else None

    def name(self, kind: str, id: str | Unset | None) -> str | None:
        """The name of ``id``, or None (unknown ID, or an object without a name)."""
        entry = self.get(kind, id)
        return entry.name if entry is not None else None

    def email(self, kind: str, id: str | Unset | None) -> str | None:
        """A user's email address (or a key's owner's, for ``api_key_id``), or None."""
        entry = self.get(kind, id)
        if entry is None:
            return None
        if entry.kind == "api_key_id":
            owner = self.owner(entry.id)
            return owner.email if owner is not None else None
        return entry.email

    def label(self, kind: str, id: str | Unset | None) -> str:
        """What a report shows for ``id``: its name, else its email, else the ID itself.

        ``None`` or ``UNSET`` (a field the rows were not grouped by) is ``""``.
        """
        entry = self.get(kind, id)
        if not isinstance(id, str):
            return ""
        if entry is None:
            return id
        return entry.name or entry.email or id

    def owner(self, api_key_id: str | Unset | None) -> Entry | None:
        """The user or service account that owns a key, if the directory knows it."""
        key = self.get("api_key_id", api_key_id)
        if key is None or key.owner_id is None:
            return None
        kind: Kind = "service_account_id" if key.owner_type == "service_account" else "user_id"
        return self.get(kind, key.owner_id) or Entry(kind, key.owner_id)

    def is_archived(self, project_id: str | Unset | None) -> bool:
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
            raise InvalidParameterError("kind", kind, _kinds_text())
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
                values[name] = _time(values[name])
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
            "format": _FORMAT,
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
        if not isinstance(data, Mapping):
            raise ValueError("a directory is a JSON object")
        form = data.get("format")
        if type(form) is not int or form != _FORMAT:
            raise ValueError(f"not a directory of format {_FORMAT}")
        _exact_keys("the directory", data, _TOP_KEYS)
        fetched_at = data["fetched_at"]
        if not isinstance(fetched_at, str):
            raise ValueError("fetched_at is not an ISO 8601 string")
        try:
            when = datetime.fromisoformat(fetched_at)
        except ValueError:
            raise ValueError("fetched_at is not an ISO 8601 time") from None
        if when.tzinfo is None:
            raise ValueError("fetched_at has no timezone")
        problems = data["problems"]
        if not isinstance(problems, list) or not all(isinstance(p, str) for p in problems):
            raise ValueError("problems is not a list of strings")
        raw_entries = data["entries"]
        if not isinstance(raw_entries, list):
            raise ValueError("entries is not a list")
        entries = [_entry_from_json(index, raw) for index, raw in enumerate(raw_entries)]
        return cls(entries, problems=problems, fetched_at=when)


_TOP_KEYS: Final = frozenset({"format", "fetched_at", "problems", "entries"})


def _optional_text(value: object) -> bool:
    return value is None or isinstance(value, str)


def _optional_time(value: object) -> bool:
    return value is None or _int(value) is not None


# Each field of an Entry and what its JSON value must be (a test pins this to attrs.fields).
_ENTRY_CHECKS: Final[Mapping[str, tuple[Callable[[object], bool], str]]] = {
    "kind": (lambda v: isinstance(v, str) and v in KINDS, "one of " + ", ".join(map(repr, KINDS))),
    "id": (lambda v: isinstance(v, str) and bool(v), "a non-empty string"),
    "name": (_optional_text, "a string or null"),
    "email": (_optional_text, "a string or null"),
    "role": (_optional_text, "a string or null"),
    "project_id": (_optional_text, "a string or null"),
    "owner_type": (_optional_text, "a string or null"),
    "owner_id": (_optional_text, "a string or null"),
    "status": (_optional_text, "a string or null"),
    "archived": (lambda v: isinstance(v, bool), "true or false"),
    "key_type": (_optional_text, "a string or null"),
    "created_at": (_optional_time, "Unix seconds or null"),
    "archived_at": (_optional_time, "Unix seconds or null"),
    "last_used_at": (_optional_time, "Unix seconds or null"),
}


def _exact_keys(what: str, data: Mapping[Any, Any], keys: frozenset[str]) -> None:
    missing = sorted(keys - set(data))
    if missing:
        raise ValueError(f"{what} has no {missing[0]}")
    extra = [k for k in data if k not in keys]
    if extra:
        # The name of an unknown key is the file's text: say how many, not what.
        raise ValueError(f"{what} has {len(extra)} unknown key(s)")


def _entry_from_json(index: int, raw: object) -> Entry:
    where = f"entries[{index}]"
    if not isinstance(raw, dict):
        raise ValueError(f"{where} is not an object")
    _exact_keys(where, raw, frozenset(_ENTRY_CHECKS))
    for name, (valid, expected) in _ENTRY_CHECKS.items():
        if not valid(raw[name]):
            raise ValueError(f"{where}.{name} is not {expected}")
    return Entry(**raw)


def _kinds_text() -> str:
    return "one of " + ", ".join(repr(k) for k in KINDS)


def _check_cache_args(path: object, max_age: object) -> Path:
    if not isinstance(path, str | os.PathLike) or not str(path):
        raise InvalidParameterError("path", path, "a file path (str or os.PathLike)")
    if not isinstance(max_age, timedelta) or max_age <= timedelta(0):
        raise InvalidParameterError("max_age", max_age, "a positive datetime.timedelta")
    return Path(path)


def _ignored(path: Path, why: str) -> None:
    logger.warning("directory cache %s %s; listing afresh", path, why)


def _read_cache(path: Path, base_url: str, max_age: timedelta) -> Directory | None:
    """The directory in ``path``, or None: no file, another base URL, too old, or not valid.

    Nothing in the file is trusted until all of it is checked (``from_json``); a file that
    fails is a warning, never an error: the caller lists afresh and writes over it.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        _ignored(path, f"cannot be read ({exc.strerror or type(exc).__name__})")
        return None
    if not stat.S_ISREG(mode):
        # A directory, or a FIFO or device that reading would block on or never finish.
        _ignored(path, "is not a regular file")
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except OSError as exc:
        _ignored(path, f"cannot be read ({exc.strerror or type(exc).__name__})")
        return None
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError: not JSON (also a number too long to convert); RecursionError: nested
        # deeper than the parser goes.
        _ignored(path, f"is not valid JSON ({type(exc).__name__})")
        return None
    if not isinstance(data, dict):
        _ignored(path, "is not a directory cache (not a JSON object)")
        return None
    cached_url = data.pop("base_url", None)
    if not isinstance(cached_url, str):
        _ignored(path, "is not a directory cache (no base_url)")
        return None
    try:
        found = Directory.from_json(data)
    except ValueError as exc:
        _ignored(path, f"is not usable ({exc})")
        return None
    if cached_url != base_url:
        return None  # another API's: not damaged, just not ours
    age = _clock() - found.fetched_at
    if age < timedelta(0) or age >= max_age:
        return None
    return found


def _write_cache(path: Path, directory: Directory, base_url: str) -> None:
    data = {**directory.to_json(), "base_url": base_url}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed over the old file: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out, indent=1, sort_keys=True)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        logger.warning("directory cache %s cannot be written (%s); not cached", path, exc)
