"""The synthetic organization's directory: names behind the IDs its usage data carries.

Served at ``/organization/projects``, ``/organization/users``,
``/organization/projects/{id}/api_keys``, ``/organization/projects/{id}/service_accounts`` and
``/organization/admin_api_keys``, as the live API does: ``object: list`` pages with ``data``,
``first_id``, ``last_id`` and ``has_more``, paged by ``limit`` (1 to 100, default 20) and
``after`` (the ID of the last object received), ``include_archived`` for projects (archived
ones are left out by default), ``emails`` for users, ``owner_project_access`` for keys and
``order`` for admin keys.

Every project, user and API key ID of the usage data is here, with a name (the small demo
organization's four projects, eight users and six project keys by heart; a generated one's
from lists of names, unique, with e-mails made of them, and creation times spread over the
year before the data begins). Beside them there
is an archived project without usage, ``Legacy prototype``, whose project-scoped reads answer
as the live API can for an archived project: its API keys 403, its service accounts 400.
In the small organization project 3's batch key is owned by a service account and every other
key by a user of its project; a generated one's service accounts own the keys its topology says.
"""

from __future__ import annotations

import json
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from ._hashing import mix64, token
from ._org import DAY0, Organization
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


@dataclass(frozen=True, slots=True)
class _Names:
    """Names and creation times of an organization's projects, users, keys, service accounts."""

    projects: Sequence[str]
    project_created: Sequence[int]
    users: Sequence[str]
    emails: Sequence[str]
    user_added: Sequence[int]
    keys: Sequence[str]
    key_created: Sequence[int]
    accounts: Sequence[str]
    account_created: Sequence[int]


def _hand_made_names(org: Organization) -> _Names:
    users = [USER_NAMES[i % len(USER_NAMES)] for i in range(len(org.users))]
    return _Names(
        projects=[PROJECT_NAMES[i % len(PROJECT_NAMES)] for i in range(len(org.projects))],
        project_created=[T0 - (30 - 5 * i) * DAY_SECONDS for i in range(len(org.projects))],
        users=users,
        emails=[_email(name) for name in users],
        user_added=[T0 - (60 - 3 * i) * DAY_SECONDS for i in range(len(org.users))],
        keys=[KEY_NAMES[k % len(KEY_NAMES)] for k in range(len(org.api_keys))],
        key_created=[T0 - (10 - k) * DAY_SECONDS for k in range(len(org.api_keys))],
        accounts=[name for _, name in SERVICE_ACCOUNTS],
        account_created=[T0 - (20 - n) * DAY_SECONDS for n in range(len(SERVICE_ACCOUNTS))],
    )


_FIRST_NAMES: Final = (
    "Ada", "Grace", "Alan", "Katherine", "Edsger", "Barbara", "Donald", "Frances", "John",
    "Margaret", "Claude", "Hedy", "Dennis", "Radia", "Ken", "Shafi", "Tim", "Sophie", "Linus",
    "Jean", "Niklaus", "Annie", "Vint", "Adele", "Robert", "Karen", "Leslie", "Mary", "Tony",
    "Evelyn", "Butler", "Lynn", "Fernando", "Ida", "Ivan", "Joan", "Whitfield", "Carol",
    "Yukihiro", "Anita", "Bjarne", "Susan", "Guido", "Martha", "James", "Lois", "Rasmus",
    "Elizabeth", "Ward", "Marissa", "Brian", "Cynthia", "Larry", "Jeannette", "Peter", "Monica",
    "Ole", "Xiaowei", "Amir", "Priya",
)  # fmt: skip
_LAST_NAMES: Final = (
    "Lovelace", "Hopper", "Turing", "Johnson", "Dijkstra", "Liskov", "Knuth", "Allen",
    "McCarthy", "Hamilton", "Shannon", "Lamarr", "Ritchie", "Perlman", "Thompson", "Goldwasser",
    "Berners-Lee", "Wilson", "Torvalds", "Sammet", "Wirth", "Easley", "Cerf", "Goldberg",
    "Kahn", "Jones", "Lamport", "Keller", "Hoare", "Berezin", "Lampson", "Conway", "Corbato",
    "Rhodes", "Sutherland", "Clarke", "Diffie", "Shaw", "Matsumoto", "Borg", "Stroustrup",
    "Kare", "Rossum", "Pollack", "Gosling", "Haibt", "Lerdorf", "Feinler", "Cunningham",
    "Mayer", "Kernighan", "Dwork", "Page", "Wing", "Naur", "Lam", "Dahl", "Zhuang", "Pnueli",
    "Rao",
)  # fmt: skip
_PROJECT_WORDS: Final = (
    "Support", "Search", "Billing", "Onboarding", "Fraud", "Checkout", "Recommendations",
    "Translation", "Analytics", "Compliance", "Marketing", "Sales", "Docs", "Mobile", "Voice",
    "Catalog", "Logistics", "Security", "Research", "Platform",
)  # fmt: skip
_PROJECT_KINDS: Final = (
    "assistant", "ranking", "tools", "labeling", "copilot", "summaries", "agents", "pipeline",
    "evals", "classifier", "chat", "insights",
)  # fmt: skip
_KEY_PURPOSES: Final = ("prod", "staging", "dev", "ci", "notebooks", "eval", "batch", "backfill")
_ACCOUNT_ROLES: Final = ("deployer", "pipeline", "etl", "batch-runner", "scheduler", "gateway")


def _generated_names(org: Organization) -> _Names:
    """Unique names for a generated organization, and creation times in the year before T0."""
    rng = random.Random(mix64(org.seed, 0xD1D, len(org.users), len(org.api_keys)))
    n_first, n_last = len(_FIRST_NAMES), len(_LAST_NAMES)
    users: list[str] = []
    emails: list[str] = []
    for i in range(len(org.users)):
        # i -> (first, last) is one-to-one over the first n_first * n_last users.
        first = _FIRST_NAMES[i % n_first]
        last = _LAST_NAMES[(i // n_first + i) % n_last]
        round_ = i // (n_first * n_last)
        users.append(f"{first} {last}" + (f" {round_ + 1}" if round_ else ""))
        emails.append(_email(users[-1]))
    n_kinds = len(_PROJECT_KINDS)
    projects = []
    for p in range(len(org.projects)):
        word = _PROJECT_WORDS[p % len(_PROJECT_WORDS)]
        kind = _PROJECT_KINDS[(p // len(_PROJECT_WORDS) + p) % n_kinds]
        round_ = p // (len(_PROJECT_WORDS) * n_kinds)
        projects.append(f"{word} {kind}" + (f" {round_ + 1}" if round_ else ""))
    slugs = [name.lower().replace(" ", "-") for name in projects]
    topology = org.topology
    seen: dict[str, int] = {}
    keys = []
    for project in topology.key_project:
        base = f"{slugs[project]}-{_KEY_PURPOSES[int(rng.random() * len(_KEY_PURPOSES))]}"
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    accounts = []
    for n, project in enumerate(topology.service_accounts):
        base = f"{slugs[project]}-{_ACCOUNT_ROLES[n % len(_ACCOUNT_ROLES)]}"
        seen[base] = seen.get(base, 0) + 1
        accounts.append(base if seen[base] == 1 else f"{base}-{seen[base]}")

    def days_before(count: int, most: int) -> list[int]:
        return [T0 - (1 + int(rng.random() * most)) * DAY_SECONDS for _ in range(count)]

    return _Names(
        projects=projects,
        project_created=days_before(len(projects), 360),
        users=users,
        emails=emails,
        user_added=days_before(len(users), 360),
        keys=keys,
        key_created=days_before(len(keys), 300),
        accounts=accounts,
        account_created=days_before(len(accounts), 300),
    )


def build_directory(org: Organization) -> FakeDirectory:
    """The directory of ``org`` (pure: the same organization gives the same directory)."""
    seed = org.seed
    topology = org.topology
    names = _hand_made_names(org) if topology.hand_made else _generated_names(org)
    archived_id = f"proj_{token(seed, 1, len(org.projects), 24)}"
    projects = [
        {
            "id": project_id,
            "object": "organization.project",
            "name": names.projects[i],
            "created_at": names.project_created[i],
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
            "name": names.users[i],
            "email": names.emails[i],
            "role": "owner" if i == 0 else "reader",
            "added_at": names.user_added[i],
        }
        for i, user_id in enumerate(org.users)
    ]
    accounts: dict[str, list[dict[str, Any]]] = {p: [] for p in org.projects}
    account_objects: list[dict[str, Any]] = []
    for n, project in enumerate(topology.service_accounts):
        account = {
            "object": "organization.project.service_account",
            "id": f"svc_acct_{token(seed, 6, n, 20)}",
            "name": names.accounts[n],
            "role": "member",
            "created_at": names.account_created[n],
        }
        accounts[org.projects[project]].append(account)
        account_objects.append(account)
    keys: dict[str, list[dict[str, Any]]] = {p: [] for p in org.projects}
    for k, key_id in enumerate(org.api_keys):
        project_index = topology.key_project[k]
        created = names.key_created[k]
        owner: dict[str, Any]
        if k in topology.key_service_account:
            account = account_objects[topology.key_service_account[k]]
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
            user = users[topology.key_users[k][0]]
            owner = {
                "type": "user",
                "user": {
                    "id": user["id"],
                    "email": user["email"],
                    "name": user["name"],
                    "created_at": user["added_at"],
                    "role": "owner"
                    if topology.key_users[k][0] == topology.project_users[project_index][0]
                    else "member",
                },
            }
        keys[org.projects[project_index]].append(
            {
                "object": "organization.project.api_key",
                "redacted_value": f"sk-proj-...{key_id[-4:]}",
                "name": names.keys[k],
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
                "id": users[user % len(users)]["id"],
                "name": users[user % len(users)]["name"],
                "created_at": users[user % len(users)]["added_at"],
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
