"""Listing an organization's names through a client: what ``Directory.load`` and ``aload`` do.

Every list is read through its records (``ListPaginator.records``: the operation table's
description of the item, nested fields flattened), never attribute by attribute on the
generated models. Which column feeds which field of an ``Entry`` is data (``Reading``): a new
list costs a fragment edit and a ``Reading``, no new reader.

A list the API refuses costs its own names only (see ``directory``'s docstring): the load goes
on and says what is missing; anything else is raised.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from ._directory_entry import KINDS, Entry, Kind, seconds, text
from ._errors import (
    APIStatusError,
    BadRequestError,
    InvalidParameterError,
    NotFoundError,
    PermissionDeniedError,
)

if TYPE_CHECKING:
    from ._client import AsyncUsageClient, UsageClient

__all__ = ["READINGS", "Reading", "check_concurrency", "load", "load_async"]

_T = TypeVar("_T")

# Fields of an Entry that hold Unix seconds; the others (but ``archived``) hold text.
_TIMES: Final = frozenset({"created_at", "archived_at", "last_used_at"})


@attrs.frozen
class Reading:
    """Which column of a list's records (``ListOperation.columns``) each field of an entry
    comes from.

    Attributes:
        list: The list operation (a key of ``LISTS``).
        kind: The entries' kind.
        columns: Entry field -> record column; ``id`` is required.
    """

    list: str
    kind: Kind
    columns: Mapping[str, str]

    def entry(self, record: Mapping[str, Any], **fixed: Any) -> Entry | None:
        """The entry in ``record`` (plus ``fixed`` values), or None when it has no ID.

        A text that is not a non-empty string, or a time that is not Unix seconds a
        ``datetime`` holds, is None: a server's odd value costs that value only.
        """
        values: dict[str, Any] = {
            field: (seconds if field in _TIMES else text)(record[column])
            for field, column in self.columns.items()
        }
        if values["id"] is None:
            return None
        return Entry(self.kind, **values, **fixed)


def _same(*fields: str) -> dict[str, str]:
    return {field: field for field in fields}


_PROJECT: Final = Reading(
    "projects", "project_id", _same("id", "name", "status", "created_at", "archived_at")
)
_USER: Final = Reading(
    "users", "user_id", {**_same("id", "name", "email", "role"), "created_at": "added_at"}
)
_SERVICE_ACCOUNT: Final = Reading(
    "project_service_accounts", "service_account_id", _same("id", "name", "role", "created_at")
)
_PROJECT_KEY: Final = Reading(
    "project_api_keys",
    "api_key_id",
    {
        **_same("id", "name", "owner_type", "created_at", "last_used_at"),
        "status": "owner_project_access",
    },
)
_PROJECT_KEY_USER: Final = Reading(
    "project_api_keys",
    "user_id",
    {f: f"owner_user_{f}" for f in ("id", "name", "email", "created_at")},
)
_PROJECT_KEY_SERVICE_ACCOUNT: Final = Reading(
    "project_api_keys",
    "service_account_id",
    {f: f"owner_service_account_{f}" for f in ("id", "name", "role", "created_at")},
)
_ADMIN_KEY: Final = Reading(
    "admin_api_keys",
    "api_key_id",
    _same("id", "name", "owner_type", "owner_id", "created_at", "last_used_at"),
)
_ADMIN_KEY_OWNER: Final = {
    kind: Reading("admin_api_keys", kind, {f: f"owner_{f}" for f in ("id", "name", "created_at")})
    for kind in ("user_id", "service_account_id")
}

READINGS: Final[tuple[Reading, ...]] = (
    _PROJECT,
    _USER,
    _SERVICE_ACCOUNT,
    _PROJECT_KEY,
    _PROJECT_KEY_USER,
    _PROJECT_KEY_SERVICE_ACCOUNT,
    _ADMIN_KEY,
    *_ADMIN_KEY_OWNER.values(),
)
"""Every reading of a list's records (a test checks their columns against ``LISTS``)."""


# -- turning records into entries -----------------------------------------------------------------


def _entry(reading: Reading, record: Mapping[str, Any], **fixed: Any) -> Entry:
    # A listed object's own ID is checked when its page is read (``_listing``).
    found = reading.entry(record, **fixed)
    if found is None:
        raise ValueError(f"{reading.list}: a listed object without an ID")
    return found


def _project(record: Mapping[str, Any]) -> Entry:
    entry = _entry(_PROJECT, record)
    archived = entry.status == "archived" or entry.archived_at is not None
    return attrs.evolve(
        entry, status=entry.status or ("archived" if archived else None), archived=archived
    )


def _project_key(record: Mapping[str, Any], project: Entry) -> tuple[Entry, Entry | None]:
    """The key's entry, and its owner's (a user or service account) when the key names one."""
    of_project = {"project_id": project.id, "archived": project.archived}
    owner = _PROJECT_KEY_USER.entry(record)
    owner_type = "user"
    if owner is None:
        owner = _PROJECT_KEY_SERVICE_ACCOUNT.entry(record, **of_project)
        owner_type = "service_account"
    key = _entry(_PROJECT_KEY, record, key_type="project", **of_project)
    if owner is None:
        return key, None
    return attrs.evolve(key, owner_type=key.owner_type or owner_type, owner_id=owner.id), owner


@attrs.define
class _ProjectListing:
    """What was listed under one project: keys (with owners) and service accounts."""

    keys: list[tuple[Entry, Entry | None]] = attrs.Factory(list)
    accounts: list[Entry] = attrs.Factory(list)
    problems: list[str] = attrs.Factory(list)


# A list the API refuses (no permission for it, or a project gone or archived meanwhile) costs
# its own names only: the load goes on and says what is missing. Anything else is raised.
_REFUSALS: Final = (BadRequestError, PermissionDeniedError)
_PROJECT_REFUSALS: Final = (BadRequestError, PermissionDeniedError, NotFoundError)


def _project_label(project: Entry) -> str:
    label = f"{project.name} ({project.id})" if project.name else project.id
    return f"archived project {label}" if project.archived else f"project {label}"


@contextlib.contextmanager
def _refused(
    refusals: tuple[type[APIStatusError], ...], what: str, consequence: str, problems: list[str]
) -> Iterator[None]:
    """Record a refusal of ``what`` in ``problems``; keep what was listed."""
    try:
        yield
    except refusals as exc:
        problems.append(
            f"{what} could not be listed (HTTP {exc.status_code}: {exc.message}); {consequence}"
        )


def _refused_project_list(
    project: Entry, what: str, problems: list[str]
) -> contextlib.AbstractContextManager[None]:
    """``_refused`` for one project's ``what``."""
    return _refused(
        _PROJECT_REFUSALS,
        f"{_project_label(project)}: its {what}",
        "their IDs are shown as they are",
        problems,
    )


def _refused_list(
    what: str, consequence: str, problems: list[str]
) -> contextlib.AbstractContextManager[None]:
    """``_refused`` for an organization-wide list."""
    return _refused(_REFUSALS, what, consequence, problems)


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

    def user(self, record: Mapping[str, Any]) -> None:
        self.add(_entry(_USER, record))

    def admin_key(self, record: Mapping[str, Any]) -> None:
        """An admin API key, and its owner as known only through the key."""
        key = _entry(_ADMIN_KEY, record, key_type="admin")
        self.add(key)
        kind = "service_account_id" if key.owner_type == "service_account" else "user_id"
        owner = _ADMIN_KEY_OWNER[kind].entry(record)
        if owner is not None:
            self.add(owner, primary=False)

    def project(self, project: Entry, listing: _ProjectListing) -> None:
        for key, owner in listing.keys:
            self.add(key)
            if owner is not None:
                self.add(owner, primary=False)
        for account in listing.accounts:
            self.add(account)
        (self.archived_problems if project.archived else self.problems).extend(listing.problems)

    def result(self) -> tuple[list[Entry], list[str]]:
        """The entries, kind by kind, and the problems (an archived project's last)."""
        entries = [e for kind in KINDS for e in self.entries[kind].values()]
        return entries, [*self.problems, *self.archived_problems]


def _merged(first: Entry, second: Entry) -> Entry:
    """``first``, its missing values filled from ``second``."""
    values = attrs.asdict(first, recurse=False)
    for name, value in attrs.asdict(second, recurse=False).items():
        if values[name] is None and value is not None:
            values[name] = value
    return Entry(**values)


# -- listing, sync and async ----------------------------------------------------------------------


def _fetch_project_sync(client: UsageClient, project: Entry) -> _ProjectListing:
    listing = _ProjectListing()
    with _refused_project_list(project, "API keys", listing.problems):
        for key in client.project_api_keys(project.id, owner_project_access="any").records():
            listing.keys.append(_project_key(key, project))
    with _refused_project_list(project, "service accounts", listing.problems):
        for account in client.project_service_accounts(project.id).records():
            listing.accounts.append(_service_account(account, project))
    return listing


async def _fetch_project_async(client: AsyncUsageClient, project: Entry) -> _ProjectListing:
    listing = _ProjectListing()
    with _refused_project_list(project, "API keys", listing.problems):
        async for key in client.project_api_keys(project.id, owner_project_access="any").records():
            listing.keys.append(_project_key(key, project))
    with _refused_project_list(project, "service accounts", listing.problems):
        async for account in client.project_service_accounts(project.id).records():
            listing.accounts.append(_service_account(account, project))
    return listing


def _service_account(record: Mapping[str, Any], project: Entry) -> Entry:
    return _entry(_SERVICE_ACCOUNT, record, project_id=project.id, archived=project.archived)


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


def check_concurrency(value: int | None, default: int) -> int:
    """``max_concurrency`` checked, or ``default`` for None.

    Raises:
        InvalidParameterError: not an integer >= 1.
    """
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidParameterError("max_concurrency", value, "an integer >= 1, or None")
    return value


def load(client: UsageClient, workers: int) -> tuple[list[Entry], list[str]]:
    """Every entry and problem, listed through ``client`` (``workers`` projects at once)."""
    builder = _Builder()
    projects: list[Entry] = []
    with _refused_list("projects", _PROJECTS_REFUSED, builder.problems):
        for project in client.projects(include_archived=True).records():
            projects.append(_project(project))
    for entry in projects:
        builder.add(entry)
    with _refused_list("users", _USERS_REFUSED, builder.problems):
        for user in client.users().records():
            builder.user(user)
    listings = _in_order(lambda p: _fetch_project_sync(client, p), projects, workers)
    for entry, listing in zip(projects, listings, strict=True):
        builder.project(entry, listing)
    with _refused_list("admin API keys", _ADMIN_KEYS_REFUSED, builder.problems):
        for key in client.admin_api_keys().records():
            builder.admin_key(key)
    return builder.result()


async def load_async(client: AsyncUsageClient, workers: int) -> tuple[list[Entry], list[str]]:
    """``load`` for an ``AsyncUsageClient``."""
    builder = _Builder()
    projects: list[Entry] = []
    with _refused_list("projects", _PROJECTS_REFUSED, builder.problems):
        async for project in client.projects(include_archived=True).records():
            projects.append(_project(project))
    for entry in projects:
        builder.add(entry)
    with _refused_list("users", _USERS_REFUSED, builder.problems):
        async for user in client.users().records():
            builder.user(user)
    listings = await _in_order_async(lambda p: _fetch_project_async(client, p), projects, workers)
    for entry, listing in zip(projects, listings, strict=True):
        builder.project(entry, listing)
    with _refused_list("admin API keys", _ADMIN_KEYS_REFUSED, builder.problems):
        async for key in client.admin_api_keys().records():
            builder.admin_key(key)
    return builder.result()
