"""The synthetic organization's cost governance: spend limits, spend alerts, rate limits, the
audit log and health alert rules.

Served at ``/organization/spend_limit``, ``/organization/projects/{id}/spend_limit``,
``/organization/spend_alerts``, ``/organization/projects/{id}/spend_alerts`` and
``/organization/projects/{id}/rate_limits``, and as the ``spend_limit`` of the project API keys
(``/organization/projects/{id}/api_keys``), all consistent with the fake's own costs: the
month-to-date spend is what ``/organization/costs`` answers from the first of the fake's month
(UTC) to its ``now``, computed by the same code.

- The organization's hard limit is on course to be crossed: month-to-date spend is below it,
  and the spend projected to the end of the month (month-to-date / the elapsed share of the
  month) is above it, so it is ``inactive`` yet.
- The first project's spend alert was crossed mid-month: its threshold is that project's spend
  over the month's first 14 days plus one cent, so the 15th is the day it was crossed. The
  other projects' alerts sit at twice their projected spend. The organization has two alerts,
  at half and at all of its hard limit.
- The project key with the most month-to-date spend has its own limit, below that spend:
  ``enforcing``. The next one has a limit it is not near (``inactive``); the others have none.
- Every project has a rate limit per model the organization uses, paged like the lists.
- The audit log (``/organization/audit_logs``) holds the key and limit changes behind all
  this, within the last ``AUDIT_DAYS`` days before ``now``, newest first: the creation of the
  first project keys, an update of each key with a spend limit, a deleted key, and the owner's
  changes to the first project's first rate limits (to the values that endpoint serves). Every
  filter is honoured (``effective_at[gte]`` ... as deepObject, the ``[]`` arrays) and it pages
  by ID like the lists.
- Health alert rules (``/organization/health/alert_rules`` and per project): three for the
  organization, two per project, paged by token (``page`` / ``next``) with an empty page
  between any two full ones, as the API may do (``health_pages``).

Built lazily, on the first request that needs it (computing a month of costs takes the fake
about 10 ms, which most fakes never need). Deterministic: the same seed and ``now`` give the
same answers.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Final

from ._aggregate import costs_page
from ._directory import FakeDirectory, serve_list
from ._hashing import mix64, token
from ._ops import Operation
from ._org import Organization
from ._query import ApiError, bad, parse_query
from ._series import Series

__all__ = [
    "FakeGovernance",
    "LazyGovernance",
    "build_audit_log",
    "build_governance",
    "build_health_rules",
    "health_pages",
    "is_governance_path",
    "month_bounds",
    "serve_governance",
]

DAY: Final = 86_400
MID_MONTH_DAYS: Final = 14
"""Days of spend the crossed project alert's threshold covers: it is crossed on the 15th."""
ALERT_EMAIL: Final = "finance@example.com"
SUBJECT_PREFIX: Final = "[OpenAI spend]"
DEFAULT_LIMIT: Final = 20
MAX_LIMIT: Final = 100
RATE_LIMIT_DEFAULT: Final = 100
AUDIT_DAYS: Final = 30
"""The audit log's events lie within this many days before ``now``."""
AUDIT_KEYS: Final = 4
"""Project keys whose creation the audit log shows."""
HEALTH_DEFAULT: Final = 20


@dataclass(frozen=True, slots=True)
class FakeGovernance:
    """What the governance endpoints serve (JSON-ready dicts), and the spend it was built from.

    ``month_to_date`` maps ``"org"``, each project ID and each key ID to its spend in cents
    from ``month_start`` to ``now``.
    """

    month_start: int
    month_end: int
    now: int
    month_to_date: Mapping[str, float]
    org_limit: dict[str, Any]
    project_limits: Mapping[str, dict[str, Any]]
    org_alerts: tuple[dict[str, Any], ...]
    project_alerts: Mapping[str, tuple[dict[str, Any], ...]]
    key_limits: Mapping[str, dict[str, Any]]
    rate_limits: Mapping[str, tuple[dict[str, Any], ...]]


def month_bounds(now: int) -> tuple[int, int]:
    """(first second of ``now``'s UTC month, first second of the next one)."""
    day = datetime.fromtimestamp(now, UTC)
    start = datetime(day.year, day.month, 1, tzinfo=UTC)
    following = datetime(day.year + day.month // 12, day.month % 12 + 1, 1, tzinfo=UTC)
    return int(start.timestamp()), int(following.timestamp())


def _daily_spend(
    org: Organization, series: Series, costs: Operation, start: int, now: int
) -> list[dict[str, float]]:
    """Per day from ``start`` to ``now``: spend in cents by ``"org"``, project and key."""
    if now <= start:
        return []
    pairs = [
        ("start_time", str(start)),
        ("end_time", str(now)),
        ("bucket_width", "1d"),
        ("limit", "31"),
        ("group_by", "project_id"),
        ("group_by", "api_key_id"),
    ]
    query = parse_query(costs, pairs, now)
    days: list[dict[str, float]] = []
    for raw in costs_page(org, series, query):
        bucket = json.loads(raw)
        spent: dict[str, float] = {}
        for result in bucket["results"]:
            cents = float(result["amount"]["value"]) * 100
            spent["org"] = spent.get("org", 0.0) + cents
            for key in ("project_id", "api_key_id"):
                owner = result.get(key)
                if owner:
                    spent[owner] = spent.get(owner, 0.0) + cents
        days.append(spent)
    return days


def _channel(recipients: Sequence[str]) -> dict[str, Any]:
    return {"type": "email", "recipients": list(recipients), "subject_prefix": SUBJECT_PREFIX}


def _dollars_up(cents: float) -> int:
    return max(100, math.ceil(cents / 100) * 100)


def _enforcement(threshold: int, spent: float) -> dict[str, str]:
    return {"status": "enforcing" if spent >= threshold else "inactive"}


def build_governance(
    org: Organization,
    series: Series,
    costs: Operation,
    now: int,
    project_ids: Sequence[str],
    owner_email: str,
) -> FakeGovernance:
    """The governance of ``org`` at ``now`` (pure: the same inputs give the same answers).

    ``project_ids``: every project of the directory (the archived one too, without spend);
    ``owner_email``: who the organization's limit notifies besides its owners.
    """
    seed = org.seed
    month_start, month_end = month_bounds(now)
    days = _daily_spend(org, series, costs, month_start, now)
    spent: dict[str, float] = {}
    for day in days:
        for owner, cents in day.items():
            spent[owner] = spent.get(owner, 0.0) + cents
    elapsed = max(now - month_start, 1) / (month_end - month_start)

    def projected(owner: str) -> float:
        return spent.get(owner, 0.0) / elapsed

    org_spent = spent.get("org", 0.0)
    # Between month-to-date and the projection: not crossed yet, but on course to be.
    org_threshold = _dollars_up((org_spent + projected("org")) / 2) if org_spent else 100_000
    if org_spent and not org_spent < org_threshold < projected("org"):
        org_threshold = math.ceil((org_spent + projected("org")) / 2)
    org_limit = {
        "object": "organization.spend_limit",
        "threshold_amount": org_threshold,
        "currency": "USD",
        "interval": "month",
        "enforcement": _enforcement(org_threshold, org_spent),
        "notification_channel": _channel([owner_email, ALERT_EMAIL]),
    }
    project_limits: dict[str, dict[str, Any]] = {}
    project_alerts: dict[str, tuple[dict[str, Any], ...]] = {}
    for index, project_id in enumerate(project_ids):
        headroom = _PROJECT_HEADROOM[index % len(_PROJECT_HEADROOM)]
        threshold = (
            _dollars_up(headroom * projected(project_id)) if spent.get(project_id) else 50_000
        )
        limit: dict[str, Any] = {
            "object": "project.spend_limit",
            "threshold_amount": threshold,
            "currency": "USD",
            "interval": "month",
            "enforcement": _enforcement(threshold, spent.get(project_id, 0.0)),
        }
        if index % 2 == 0:
            # The others leave it out: owner-only notifications (the SDK's reading of absent).
            limit["notification_channel"] = _channel([ALERT_EMAIL])
        project_limits[project_id] = limit
        if index == 0 and len(days) > MID_MONTH_DAYS:
            first_days = sum(day.get(project_id, 0.0) for day in days[:MID_MONTH_DAYS])
            alert_threshold = math.floor(first_days) + 1
        else:
            alert_threshold = _dollars_up(2 * projected(project_id) or 20_000)
        project_alerts[project_id] = (
            {
                "id": f"spend_alert_{token(seed, 0x6A1, index, 20)}",
                "object": "project.spend_alert",
                "threshold_amount": alert_threshold,
                "currency": "USD",
                "interval": "month",
                "notification_channel": _channel([ALERT_EMAIL]),
            },
        )
    org_alerts = tuple(
        {
            "id": f"spend_alert_{token(seed, 0x6A0, n, 20)}",
            "object": "organization.spend_alert",
            "threshold_amount": share,
            "currency": "USD",
            "interval": "month",
            "notification_channel": _channel([ALERT_EMAIL])
            | ({"subject_prefix": None} if n else {}),
        }
        for n, share in enumerate((org_threshold // 2, org_threshold))
    )
    ranked = sorted(org.api_keys, key=lambda k: (-spent.get(k, 0.0), k))
    key_limits: dict[str, dict[str, Any]] = {}
    if ranked:
        top = ranked[0]
        # Below what the key has spent this month: it is blocked now.
        threshold = max(100, math.floor(spent.get(top, 0.0) * 0.8 / 100) * 100)
        key_limits[top] = {
            "threshold_amount": threshold,
            "currency": "USD",
            "interval": "month",
            "enforcement": _enforcement(threshold, spent.get(top, 0.0)),
        }
    if len(ranked) > 1:
        second = ranked[1]
        threshold = _dollars_up(4 * projected(second) or 10_000)
        key_limits[second] = {
            "threshold_amount": threshold,
            "currency": "USD",
            "interval": "month",
            "enforcement": _enforcement(threshold, spent.get(second, 0.0)),
        }
    models = sorted(org.models)
    rate_limits = {
        project_id: tuple(_rate_limit(seed, p, model) for model in models)
        for p, project_id in enumerate(project_ids)
    }
    return FakeGovernance(
        month_start=month_start,
        month_end=month_end,
        now=now,
        month_to_date=spent,
        org_limit=org_limit,
        project_limits=project_limits,
        org_alerts=org_alerts,
        project_alerts=project_alerts,
        key_limits=key_limits,
        rate_limits=rate_limits,
    )


def _rate_limit(seed: int, project: int, model: str) -> dict[str, Any]:
    """One model's limits in one project, by the kind of model (its name says which)."""
    spread = 1 + mix64(seed, 0x7A7E, project, *model.encode()) % 4
    limit: dict[str, Any] = {
        "object": "project.rate_limit",
        "id": f"rl-{model}",
        "model": model,
        "max_requests_per_1_minute": 500 * spread,
        "max_tokens_per_1_minute": 30_000 * spread * (10 if "mini" in model else 1),
    }
    if model.startswith("dall-e"):
        limit["max_images_per_1_minute"] = 5 * spread
    elif model.startswith(("whisper", "tts")) or "audio" in model or "transcribe" in model:
        limit["max_audio_megabytes_per_1_minute"] = 25 * spread
    else:
        limit["max_requests_per_1_day"] = 10_000 * spread
        limit["batch_1_day_max_input_tokens"] = 900_000 * spread
    return limit


class LazyGovernance:
    """A fake's governance, built on first use (thread-safe)."""

    def __init__(
        self,
        org: Organization,
        series: Series,
        costs: Operation,
        now: int,
        directory: FakeDirectory,
    ) -> None:
        self._args = (org, series, costs, now)
        self._directory = directory
        self._built: FakeGovernance | None = None
        self._keys: FakeDirectory | None = None
        self._audit: tuple[dict[str, Any], ...] | None = None
        self._health: dict[str, tuple[dict[str, Any], ...]] | None = None
        self._lock = threading.Lock()

    def audit_log(self) -> tuple[dict[str, Any], ...]:
        """The audit log events, newest first (built now if they were not yet)."""
        governance = self.get()
        with self._lock:
            if self._audit is None:
                org = self._args[0]
                self._audit = build_audit_log(org.seed, governance, self._directory)
            return self._audit

    def health_rules(self) -> dict[str, tuple[dict[str, Any], ...]]:
        """Health alert rules by scope: ``"org"`` and each project ID."""
        governance = self.get()
        with self._lock:
            if self._health is None:
                org = self._args[0]
                projects = list(governance.project_limits)
                self._health = build_health_rules(org.seed, governance.now, projects)
            return self._health

    @property
    def seed(self) -> int:
        """The organization's seed (page tokens derive from it)."""
        return self._args[0].seed

    def get(self) -> FakeGovernance:
        """The governance, built now if it was not yet."""
        with self._lock:
            if self._built is None:
                org, series, costs, now = self._args
                owners = [u for u in self._directory.users if u.get("role") == "owner"]
                email = owners[0]["email"] if owners else ALERT_EMAIL
                projects = [p["id"] for p in self._directory.projects]
                self._built = build_governance(org, series, costs, now, projects, email)
            return self._built

    def with_key_limits(self, directory: FakeDirectory) -> FakeDirectory:
        """``directory`` with each limited project key's ``spend_limit`` set."""
        governance = self.get()
        with self._lock:
            if self._keys is None or self._directory is not directory:
                self._directory = directory
                self._keys = replace(
                    directory,
                    project_keys={
                        project: tuple(
                            key | {"spend_limit": governance.key_limits[key["id"]]}
                            if key["id"] in governance.key_limits
                            else key
                            for key in keys
                        )
                        for project, keys in directory.project_keys.items()
                    },
                )
            return self._keys


def _actor_session(user: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "type": "session",
        "session": {"user": {"id": user["id"], "email": user["email"]}, "ip_address": "192.0.2.10"},
    }


def _actor_key(user: Mapping[str, Any], key_id: str) -> dict[str, Any]:
    return {
        "type": "api_key",
        "api_key": {
            "id": key_id,
            "type": "user",
            "user": {"id": user["id"], "email": user["email"]},
        },
    }


def build_audit_log(
    seed: int, governance: FakeGovernance, directory: FakeDirectory
) -> tuple[dict[str, Any], ...]:
    """The audit log of the key and limit changes ``governance`` and ``directory`` show,
    newest first (ties by ID), every ``effective_at`` within ``AUDIT_DAYS`` before ``now``."""
    now = governance.now
    owners = [u for u in directory.users if u.get("role") == "owner"] or list(directory.users)
    owner = owners[0] if owners else {"id": "user-owner", "email": ALERT_EMAIL}
    names = {p["id"]: p.get("name", p["id"]) for p in directory.projects}
    admin_key = f"key_{token(seed, 0xAD0, 0, 16)}"
    raw: list[tuple[int, str, dict[str, Any]]] = []

    def at(n: int) -> int:
        # Spread over the window, never at `now` itself, deterministic.
        return (
            now
            - (AUDIT_DAYS - 1) * DAY
            + (n * 5 * DAY + mix64(seed, 0xAD1, n) % DAY) % ((AUDIT_DAYS - 1) * DAY)
        )

    def add(kind: str, project: str | None, actor: dict[str, Any], detail: dict[str, Any]) -> None:
        n = len(raw)
        event: dict[str, Any] = {
            "id": f"audit_log-{token(seed, 0xAD2, n, 20)}",
            "type": kind,
            "effective_at": at(n),
            "actor": actor,
            kind: detail,
        }
        if project is not None:
            event["project"] = {"id": project, "name": names.get(project, project)}
        raw.append((event["effective_at"], event["id"], event))

    keys = [(p, key) for p, ks in directory.project_keys.items() for key in ks]
    for project, key in keys[:AUDIT_KEYS]:
        add(
            "api_key.created",
            project,
            _actor_session(owner),
            {"id": key["id"], "data": {"scopes": ["api.model.request"]}},
        )
    for project, key in keys:
        if key["id"] in governance.key_limits:
            add(
                "api_key.updated",
                project,
                _actor_session(owner),
                {"id": key["id"], "changes_requested": {"scopes": ["api.model.request"]}},
            )
    if keys:
        add(
            "api_key.deleted",
            keys[0][0],
            _actor_session(owner),
            {"id": f"key_{token(seed, 0xAD3, 0, 16)}"},
        )
    for project, limits in list(governance.rate_limits.items())[:1]:
        for limit in limits[:2]:
            changes = {k: v for k, v in limit.items() if k.startswith(("max_", "batch_"))}
            add(
                "rate_limit.updated",
                project,
                _actor_key(owner, admin_key),
                {"id": limit["id"], "changes_requested": changes},
            )
    return tuple(event for _, _, event in sorted(raw, key=lambda r: (-r[0], r[1])))


# Each project's limit over its projected month, so that projects sit at different shares of
# their limits (none crossed): a budget view where every project reads the same percentage
# would hide a column mix-up.
_PROJECT_HEADROOM: Final = (1.6, 2.5, 3.0, 4.5)

_CONDITIONS: Final[tuple[dict[str, Any], ...]] = (
    {"type": "error_rate", "threshold": 0.05, "window_seconds": 900, "status_class": "5xx"},
    {"type": "prompt_cache_hit_rate", "threshold": 0.4},
    {"type": "rate_limit_utilization", "threshold": 0.9, "metric": "tpm", "consecutive_minutes": 5},
    {"type": "service_tier_fallback_rate", "threshold": 0.1, "source_tier": "fast"},
)


def build_health_rules(
    seed: int, now: int, project_ids: Sequence[str]
) -> dict[str, tuple[dict[str, Any], ...]]:
    """Health alert rules by scope: three for ``"org"``, two for each project."""
    organization_id = f"org-{token(seed, 0x4E0, 0, 24)}"
    scopes: dict[str, tuple[dict[str, Any], ...]] = {}
    n = 0
    for scope in ["org", *project_ids]:
        rules: list[dict[str, Any]] = []
        for k in range(3 if scope == "org" else 2):
            condition = _CONDITIONS[n % len(_CONDITIONS)]
            created = now - (40 - n % 30) * DAY
            rules.append(
                {
                    "id": f"har_{token(seed, 0x4E1, n, 20)}",
                    "object": "health.alert_rule",
                    "name": f"{condition['type'].replace('_', ' ')} ({scope})",
                    "enabled": k != 1,
                    "organization_id": organization_id,
                    "created_at": created,
                    "updated_at": created + (k + 1) * 3600,
                    "version": k + 1,
                    "condition": dict(condition),
                    "filters": {
                        "models": [],
                        "observability_tags": [],
                        "project_ids": [] if scope == "org" else [scope],
                        "service_tiers": [],
                    },
                    "notifications": {
                        "email": {
                            "addresses": [ALERT_EMAIL],
                            "enabled": True,
                            "org_owners": scope == "org",
                            "project_owners": scope != "org",
                        },
                        "webhook": {"enabled": k == 0},
                    },
                }
            )
            n += 1
        scopes[scope] = tuple(rules)
    return scopes


def health_pages(
    seed: int, scope: str, items: Sequence[dict[str, Any]], limit: int
) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """(token asking for it, items) of each page of a token listing: ``limit`` items per
    page, with an empty page between any two full ones (the first page has no token)."""
    chunks = [list(items[i : i + limit]) for i in range(0, len(items), limit)] or [[]]
    layout: list[list[dict[str, Any]]] = []
    for index, chunk in enumerate(chunks):
        if index:
            layout.append([])
        layout.append(chunk)
    salt = mix64(seed, 0x4E2, *scope.encode(), limit)
    return [
        (None if n == 0 else f"hpt_{token(salt, 0x4E3, n, 16)}", page)
        for n, page in enumerate(layout)
    ]


def _health_page(
    seed: int,
    scope: str,
    rules: Sequence[dict[str, Any]],
    pairs: Sequence[tuple[str, str]],
    path: str,
) -> bytes:
    params = _params(pairs, ("enabled", "limit", "page", "type"), path)
    selected = list(rules)
    if "enabled" in params:
        if params["enabled"] not in ("true", "false"):
            raise bad("enabled", "Invalid value for 'enabled': expected true or false.")
        selected = [r for r in selected if r["enabled"] == (params["enabled"] == "true")]
    if "type" in params:
        kinds = [c["type"] for c in _CONDITIONS]
        if params["type"] not in kinds:
            raise bad("type", f"Invalid value for 'type': expected one of {', '.join(kinds)}.")
        selected = [r for r in selected if r["condition"]["type"] == params["type"]]
    raw = params.get("limit", str(HEALTH_DEFAULT))
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if limit < 1:
        raise bad("limit", f"Invalid 'limit': {raw!r}; expected an integer >= 1.")
    pages = health_pages(seed, scope, selected, limit)
    tokens = [t for t, _ in pages]
    asked = params.get("page")
    if asked is not None and asked not in tokens[1:]:
        raise bad("page", f"Invalid 'page': {asked[:40]!r} is not a page of this list.")
    index = tokens.index(asked) if asked is not None else 0
    following = tokens[index + 1] if index + 1 < len(pages) else None
    body = {
        "object": "list",
        "data": pages[index][1],
        "has_more": following is not None,
        "next": following,
    }
    return _dumps(body)


_AUDIT_ARRAYS: Final = ("project_ids", "event_types", "actor_ids", "actor_emails", "resource_ids")
_BOUNDS: Final = ("gt", "gte", "lt", "lte")


def _audit_page(
    events: Sequence[dict[str, Any]], pairs: Sequence[tuple[str, str]], path: str
) -> bytes:
    arrays: dict[str, set[str]] = {}
    bounds: dict[str, int] = {}
    single: list[tuple[str, str]] = []
    for key, value in pairs:
        if key.endswith("[]") and key[:-2] in _AUDIT_ARRAYS:
            arrays.setdefault(key[:-2], set()).add(value)
        elif key.startswith("effective_at[") and key.endswith("]") and key[13:-1] in _BOUNDS:
            try:
                bounds[key[13:-1]] = int(value)
            except ValueError:
                raise bad(key, f"Invalid '{key}': {value!r} is not Unix seconds.") from None
        else:
            single.append((key, value))
    params = _params(single, ("tenant_only", "limit", "after", "before"), path)
    tenant_only = params.get("tenant_only", "false")
    if tenant_only not in ("true", "false"):
        raise bad("tenant_only", "Invalid value for 'tenant_only': expected true or false.")
    compare = {
        "gt": lambda t, b: t > b,
        "gte": lambda t, b: t >= b,
        "lt": lambda t, b: t < b,
        "lte": lambda t, b: t <= b,
    }

    def keep(event: dict[str, Any]) -> bool:
        if tenant_only == "true":
            return False  # none of these events is tenant-scoped
        if not all(compare[k](event["effective_at"], b) for k, b in bounds.items()):
            return False
        actor = event["actor"].get("session") or event["actor"].get("api_key") or {}
        user = actor.get("user", {})
        facts = {
            "project_ids": {event.get("project", {}).get("id")},
            "event_types": {event["type"]},
            "actor_ids": {user.get("id"), actor.get("id")},
            "actor_emails": {user.get("email")},
            "resource_ids": {event[event["type"]].get("id")},
        }
        return all(facts[name] & wanted for name, wanted in arrays.items())

    return _page([e for e in events if keep(e)], params, DEFAULT_LIMIT, MAX_LIMIT)


def is_governance_path(path: str) -> bool:
    """Whether ``path`` (without ``/v1``) is a governance read this module serves."""
    rest = path.strip("/").split("/")
    return (
        rest
        in (
            ["organization", "spend_limit"],
            ["organization", "spend_alerts"],
            ["organization", "audit_logs"],
            ["organization", "health", "alert_rules"],
        )
        or (
            len(rest) == 4
            and rest[:2] == ["organization", "projects"]
            and bool(rest[2])
            and rest[3] in ("spend_limit", "spend_alerts", "rate_limits")
        )
        or (
            len(rest) == 5
            and rest[:2] == ["organization", "projects"]
            and bool(rest[2])
            and rest[3:] == ["health", "alert_rules"]
        )
    )


def _params(pairs: Sequence[tuple[str, str]], known: Sequence[str], path: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for key, value in pairs:
        if key not in known:
            raise bad(key, f"Unknown parameter '{key}' for {path}.")
        found[key] = value
    return found


def _page(
    items: Sequence[dict[str, Any]], params: Mapping[str, str], default: int, maximum: int | None
) -> bytes:
    raw = params.get("limit", str(default))
    try:
        limit = int(raw)
    except ValueError:
        limit = 0
    if limit < 1 or (maximum is not None and limit > maximum):
        allowed = f"from 1 to {maximum}" if maximum is not None else ">= 1"
        raise bad("limit", f"Invalid 'limit': {raw!r}; expected an integer {allowed}.")
    ids = [item["id"] for item in items]
    start, end = 0, len(items)
    if "after" in params:
        if params["after"] not in ids:
            raise bad("after", f"Invalid 'after': no object with ID {params['after']!r}.")
        start = ids.index(params["after"]) + 1
    if "before" in params:
        if params["before"] not in ids:
            raise bad("before", f"Invalid 'before': no object with ID {params['before']!r}.")
        end = ids.index(params["before"])
        if "after" not in params:
            start = max(0, end - limit)
    data = list(items[start : min(end, start + limit)])
    body = {
        "object": "list",
        "data": data,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
        "has_more": start + limit < end,
    }
    return json.dumps(body, separators=(",", ":")).encode()


def _ordered(items: Sequence[dict[str, Any]], params: Mapping[str, str]) -> list[dict[str, Any]]:
    order = params.get("order", "asc")
    if order not in ("asc", "desc"):
        raise bad("order", "Invalid value for 'order': expected one of asc, desc.")
    return list(items)[::-1] if order == "desc" else list(items)


def _dumps(payload: object) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def serve_governance(
    lazy: LazyGovernance, directory: FakeDirectory, path: str, pairs: Sequence[tuple[str, str]]
) -> bytes | None:
    """The body of one governance read (or of a project's API keys, with their spend limits),
    or None when ``path`` is neither.

    Raises:
        ApiError: a bad parameter (400) or an unknown project (404).
    """
    rest = path.strip("/").split("/")[1:]
    if len(rest) == 3 and rest[0] == "projects" and rest[2] == "api_keys":
        return serve_list(lazy.with_key_limits(directory), path, pairs)
    if not is_governance_path(path):
        return None
    governance = lazy.get()
    seed = lazy.seed
    if rest == ["audit_logs"]:
        return _audit_page(lazy.audit_log(), pairs, path)
    if rest == ["health", "alert_rules"]:
        return _health_page(seed, "org", lazy.health_rules()["org"], pairs, path)
    if rest == ["spend_limit"]:
        _params(pairs, (), path)
        return _dumps(governance.org_limit)
    if rest == ["spend_alerts"]:
        params = _params(pairs, ("limit", "order", "after", "before"), path)
        return _page(_ordered(governance.org_alerts, params), params, DEFAULT_LIMIT, MAX_LIMIT)
    project_id, kind = rest[1], rest[2]
    if project_id not in governance.project_limits:
        raise ApiError(404, f"No such project: {project_id}.", param="project_id")
    if kind == "health":
        rules = lazy.health_rules()[project_id]
        return _health_page(seed, project_id, rules, pairs, path)
    if kind == "spend_limit":
        _params(pairs, (), path)
        return _dumps(governance.project_limits[project_id])
    if kind == "spend_alerts":
        params = _params(pairs, ("limit", "order", "after", "before"), path)
        alerts = _ordered(governance.project_alerts[project_id], params)
        return _page(alerts, params, DEFAULT_LIMIT, MAX_LIMIT)
    params = _params(pairs, ("limit", "after", "before"), path)
    return _page(governance.rate_limits[project_id], params, RATE_LIMIT_DEFAULT, None)
