"""The synthetic organization's directory: names behind the IDs its usage data carries.

Served at ``/organization/projects``, ``/organization/users``,
``/organization/projects/{id}/api_keys``, ``/organization/projects/{id}/service_accounts`` and
``/organization/admin_api_keys``, as the live API does: ``object: list`` pages with ``data``,
``first_id``, ``last_id`` and ``has_more``, paged by ``limit`` (1 to 100, default 20) and
``after`` (the ID of the last object received), ``include_archived`` for projects (archived
ones are left out by default), ``emails`` for users, ``owner_project_access`` for keys and
``order`` for admin keys.

Every project, user and API key ID of the usage data is here, with a name (the same four
projects, eight users and six project keys as :class:`~._org.Organization`). Beside them there
is an archived project without usage, ``Legacy prototype``, whose project-scoped reads answer
as the live API can for an archived project: its API keys 403, its service accounts 400.
Project 3's batch key is owned by a service account; every other key by a user of its project.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ._hashing import token
from ._org import DAY0, KEY_PROJECT, KEY_USERS, PROJECT_USERS, Organization
from ._query import ApiError, bad

DAY_SECONDS: Final = 86400
T0: Final = DAY0 * DAY_SECONDS
"""2024-01-01 00:00 UTC: the first day with usage; everything here was created around it."""

PROJECT_NAMES: Final = ("Support assistant", "Search ranking", "Internal tools", "Data labeling")
ARCHIVED_PROJECT_NAME: Final = "Legacy prototype"
USER_NAMES: Final = (
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Katherine Johnson",
    "Edsger Dijkstra",
    "Barbara Liskov",
    "Donald Knuth",
    "Frances Allen",
)
KEY_NAMES: Final = (
    "support-prod",
    "support-staging",
    "ranking-service",
    "tools-cli",
    "tools-notebooks",
    "labeling-batch",
)
SERVICE_ACCOUNTS: Final = ((0, "support-deployer"), (3, "labeling-pipeline"))
"""(project index, name) of each service account."""
SERVICE_ACCOUNT_KEYS: Final = {5: 1}
"""Project key index -> index in SERVICE_ACCOUNTS of the service account that owns it."""
ADMIN_KEYS: Final = ((0, "usage-reporting"), (7, "terraform"))
"""(user index, name) of each admin key."""

DEFAULT_LIMIT: Final = 20
MAX_LIMIT: Final = 100


@dataclass(frozen=True, slots=True)
class FakeDirectory:
    """The organization's objects as the admin list endpoints return them (JSON-ready dicts).

    ``project_keys`` and ``service_accounts`` are by project ID; ``refused`` maps a project's
    ID to its refusals of project-scoped reads (status, message) by list name (``api_keys``,
    ``service_accounts``): the archived project's both, and any a test scenario adds with
    ``dataclasses.replace`` (one active project's keys answering 403, say); a list it does
    not name is served.
    """

    projects: tuple[dict[str, Any], ...]
    users: tuple[dict[str, Any], ...]
    project_keys: Mapping[str, tuple[dict[str, Any], ...]]
    service_accounts: Mapping[str, tuple[dict[str, Any], ...]]
    admin_keys: tuple[dict[str, Any], ...]
    refused: Mapping[str, Mapping[str, tuple[int, str]]]


def _email(name: str) -> str:
    return name.lower().replace(" ", ".") + "@example.com"


def build_directory(org: Organization) -> FakeDirectory:
    """The directory of ``org`` (pure: the same organization gives the same directory)."""
    seed = org.seed
    archived_id = f"proj_{token(seed, 1, len(org.projects), 24)}"
    projects = [
        {
            "id": project_id,
            "object": "organization.project",
            "name": PROJECT_NAMES[i % len(PROJECT_NAMES)],
            "created_at": T0 - (30 - 5 * i) * DAY_SECONDS,
            "archived_at": None,
            "status": "active",
        }
        for i, project_id in enumerate(org.projects)
    ]
    projects.append(
        {
            "id": archived_id,
            "object": "organization.project",
            "name": ARCHIVED_PROJECT_NAME,
            "created_at": T0 - 200 * DAY_SECONDS,
            "archived_at": T0 - 40 * DAY_SECONDS,
            "status": "archived",
        }
    )
    users = [
        {
            "object": "organization.user",
            "id": user_id,
            "name": USER_NAMES[i % len(USER_NAMES)],
            "email": _email(USER_NAMES[i % len(USER_NAMES)]),
            "role": "owner" if i == 0 else "reader",
            "added_at": T0 - (60 - 3 * i) * DAY_SECONDS,
        }
        for i, user_id in enumerate(org.users)
    ]
    accounts: dict[str, list[dict[str, Any]]] = {p: [] for p in org.projects}
    account_objects: list[dict[str, Any]] = []
    for n, (project, name) in enumerate(SERVICE_ACCOUNTS):
        account = {
            "object": "organization.project.service_account",
            "id": f"svc_acct_{token(seed, 6, n, 20)}",
            "name": name,
            "role": "member",
            "created_at": T0 - (20 - n) * DAY_SECONDS,
        }
        accounts[org.projects[project]].append(account)
        account_objects.append(account)
    keys: dict[str, list[dict[str, Any]]] = {p: [] for p in org.projects}
    for k, key_id in enumerate(org.api_keys):
        project_index = KEY_PROJECT[k]
        created = T0 - (10 - k) * DAY_SECONDS
        owner: dict[str, Any]
        if k in SERVICE_ACCOUNT_KEYS:
            account = account_objects[SERVICE_ACCOUNT_KEYS[k]]
            owner = {
                "type": "service_account",
                "service_account": {
                    "id": account["id"],
                    "name": account["name"],
                    "created_at": account["created_at"],
                    "role": account["role"],
                },
            }
        else:
            user = users[KEY_USERS[k][0]]
            owner = {
                "type": "user",
                "user": {
                    "id": user["id"],
                    "email": user["email"],
                    "name": user["name"],
                    "created_at": user["added_at"],
                    "role": "owner"
                    if KEY_USERS[k][0] == PROJECT_USERS[project_index][0]
                    else "member",
                },
            }
        keys[org.projects[project_index]].append(
            {
                "object": "organization.project.api_key",
                "redacted_value": f"sk-proj-...{key_id[-4:]}",
                "name": KEY_NAMES[k % len(KEY_NAMES)],
                "created_at": created,
                "last_used_at": None,
                "id": key_id,
                "owner_project_access": "active",
                "owner": owner,
            }
        )
    admin_keys = [
        {
            "object": "organization.admin_api_key",
            "id": f"key_{token(seed, 5, n, 16)}",
            "name": name,
            "redacted_value": f"sk-admin-...{token(seed, 7, n, 4)}",
            "created_at": T0 - (50 - n) * DAY_SECONDS,
            "expires_at": None,
            "last_used_at": None,
            "owner": {
                "type": "user",
                "object": "organization.user",
                "id": users[user]["id"],
                "name": users[user]["name"],
                "created_at": users[user]["added_at"],
                "role": "owner",
            },
        }
        for n, (user, name) in enumerate(ADMIN_KEYS)
    ]
    refused = {
        archived_id: {
            "api_keys": (403, f"Project {archived_id} is archived."),
            "service_accounts": (400, f"Project {archived_id} is archived."),
        }
    }
    return FakeDirectory(
        projects=tuple(projects),
        users=tuple(users),
        project_keys={p: tuple(v) for p, v in keys.items()},
        service_accounts={p: tuple(v) for p, v in accounts.items()},
        admin_keys=tuple(admin_keys),
        refused=refused,
    )


# -- serving -----------------------------------------------------------------------------------


def _flag(param: str, values: Sequence[str], default: bool) -> bool:
    if not values:
        return default
    value = values[-1].lower()
    if value not in ("true", "false"):
        raise bad(
            param, f"Invalid value for '{param}': expected true or false, got {values[-1]!r}."
        )
    return value == "true"


def _one_of(param: str, values: Sequence[str], allowed: Sequence[str]) -> str | None:
    if not values:
        return None
    if values[-1] not in allowed:
        raise bad(param, f"Invalid value for '{param}': expected one of {', '.join(allowed)}.")
    return values[-1]


def _params(
    pairs: Sequence[tuple[str, str]], known: Sequence[str], path: str
) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for key, value in pairs:
        name = key.removesuffix("[]")
        if name not in known:
            raise bad(name, f"Unknown parameter '{name}' for {path}.")
        found.setdefault(name, []).append(value)
    return found


def _page(
    items: Sequence[dict[str, Any]],
    params: Mapping[str, list[str]],
    maximum: int | None = MAX_LIMIT,
) -> bytes:
    raw_limit = params.get("limit", [str(DEFAULT_LIMIT)])[-1]
    try:
        limit = int(raw_limit)
    except ValueError:
        limit = 0
    if limit < 1 or (maximum is not None and limit > maximum):
        allowed = f"from 1 to {maximum}" if maximum is not None else ">= 1"
        raise bad("limit", f"Invalid 'limit': {raw_limit!r}; expected an integer {allowed}.")
    start = 0
    after = params.get("after", [])
    if after:
        ids = [item["id"] for item in items]
        if after[-1] not in ids:
            raise bad("after", f"Invalid 'after': no object with ID {after[-1]!r} in this list.")
        start = ids.index(after[-1]) + 1
    data = list(items[start : start + limit])
    body = {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": start + limit < len(items),
    }
    return json.dumps(body, separators=(",", ":")).encode()


def is_list_path(path: str) -> bool:
    """Whether ``path`` (without ``/v1``) is one of the admin lists."""
    rest = path.strip("/").split("/")
    return rest in (
        ["organization", "projects"],
        ["organization", "users"],
        ["organization", "admin_api_keys"],
    ) or (
        len(rest) == 4
        and rest[:2] == ["organization", "projects"]
        and bool(rest[2])
        and rest[3] in ("api_keys", "service_accounts")
    )


def serve_list(
    directory: FakeDirectory, path: str, pairs: Sequence[tuple[str, str]]
) -> bytes | None:
    """The body of one admin list request, or None when ``path`` is not an admin list.

    Raises:
        ApiError: a bad parameter (400), an unknown project (404), or a project-scoped read
            of an archived project that the live API refuses (400 or 403).
    """
    parts = path.strip("/").split("/")
    if parts[:1] != ["organization"]:
        return None
    rest = parts[1:]
    if rest == ["projects"]:
        params = _params(pairs, ("limit", "after", "include_archived"), path)
        archived = _flag("include_archived", params.get("include_archived", []), False)
        projects = [p for p in directory.projects if archived or p["status"] != "archived"]
        return _page(projects, params)
    if rest == ["users"]:
        params = _params(pairs, ("limit", "after", "emails"), path)
        emails = set(params.get("emails", []))
        users = [u for u in directory.users if not emails or u["email"] in emails]
        return _page(users, params)
    if rest == ["admin_api_keys"]:
        params = _params(pairs, ("limit", "after", "order"), path)
        order = _one_of("order", params.get("order", []), ("asc", "desc"))
        keys = list(directory.admin_keys)
        # No documented maximum for admin keys (the other lists: 100).
        return _page(keys[::-1] if order == "desc" else keys, params, maximum=None)
    if len(rest) == 3 and rest[0] == "projects" and rest[2] in ("api_keys", "service_accounts"):
        project_id, kind = rest[1], rest[2]
        refusal = directory.refused.get(project_id, {}).get(kind)
        if refusal is not None:
            status, message = refusal
            raise ApiError(status, message, param="project_id")
        if project_id not in directory.project_keys:
            raise ApiError(404, f"No such project: {project_id}.", param="project_id")
        if kind == "service_accounts":
            params = _params(pairs, ("limit", "after"), path)
            return _page(directory.service_accounts[project_id], params)
        params = _params(pairs, ("limit", "after", "owner_project_access"), path)
        access = _one_of(
            "owner_project_access",
            params.get("owner_project_access", []),
            ("active", "inactive", "any"),
        )
        keys = [
            k
            for k in directory.project_keys[project_id]
            if access in (None, "any") or k["owner_project_access"] == access
        ]
        return _page(keys, params)
    return None
