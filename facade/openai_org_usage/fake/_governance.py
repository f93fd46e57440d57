"""The synthetic organization's cost governance: spend limits, spend alerts and rate limits.

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
    "build_governance",
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
        threshold = _dollars_up(3 * projected(project_id)) if spent.get(project_id) else 50_000
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
        self._lock = threading.Lock()

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


def is_governance_path(path: str) -> bool:
    """Whether ``path`` (without ``/v1``) is a governance read this module serves."""
    rest = path.strip("/").split("/")
    return rest in (["organization", "spend_limit"], ["organization", "spend_alerts"]) or (
        len(rest) == 4
        and rest[:2] == ["organization", "projects"]
        and bool(rest[2])
        and rest[3] in ("spend_limit", "spend_alerts", "rate_limits")
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
    if rest == ["spend_limit"]:
        _params(pairs, (), path)
        return _dumps(governance.org_limit)
    if rest == ["spend_alerts"]:
        params = _params(pairs, ("limit", "order", "after", "before"), path)
        return _page(_ordered(governance.org_alerts, params), params, DEFAULT_LIMIT, MAX_LIMIT)
    project_id, kind = rest[1], rest[2]
    if project_id not in governance.project_limits:
        raise ApiError(404, f"No such project: {project_id}.", param="project_id")
    if kind == "spend_limit":
        _params(pairs, (), path)
        return _dumps(governance.project_limits[project_id])
    if kind == "spend_alerts":
        params = _params(pairs, ("limit", "order", "after", "before"), path)
        alerts = _ordered(governance.project_alerts[project_id], params)
        return _page(alerts, params, DEFAULT_LIMIT, MAX_LIMIT)
    params = _params(pairs, ("limit", "after", "before"), path)
    return _page(governance.rate_limits[project_id], params, RATE_LIMIT_DEFAULT, None)
