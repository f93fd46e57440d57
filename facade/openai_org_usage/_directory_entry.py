"""One named object of the organization (``Entry``) and the rules its values follow.

``directory`` builds entries from listed objects and looks them up; ``_directory_cache`` checks
them when a cache file is read. A name is a non-empty string; a time is Unix seconds that a
``datetime`` can hold on every platform.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Final, Literal

import attrs

__all__ = ["KINDS", "MAX_SECONDS", "Entry", "Kind", "kinds_text", "seconds", "text", "utc"]

Kind = Literal["project_id", "user_id", "api_key_id", "service_account_id"]

KINDS: Final[tuple[Kind, ...]] = ("project_id", "user_id", "api_key_id", "service_account_id")
"""The kinds of ID a directory resolves: the usage group-by field names, and service accounts."""


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


# The Unix seconds a datetime holds on every platform: 1970 to the end of the year 9999.
MAX_SECONDS: Final = 253_402_300_799


def text(value: object) -> str | None:
    """``value`` if it is a non-empty string, else None (a server's odd value included)."""
    return value if isinstance(value, str) and value else None


def seconds(value: object) -> int | None:
    """``value`` if it is Unix seconds from 0 to ``MAX_SECONDS``, else None."""
    # A time outside the range would make records() fail, and a cache holding it be refused.
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_SECONDS:
        return value
    return None


def utc(value: int | None) -> datetime | None:
    """Unix seconds as an aware UTC datetime (None stays None)."""
    return datetime.fromtimestamp(value, UTC) if value is not None else None


def kinds_text() -> str:
    """What a kind may be, for an error message."""
    return "one of " + ", ".join(repr(k) for k in KINDS)
