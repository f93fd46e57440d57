"""What the live API does that no spec says, as rules the fake applies by default.

Public integrations that sync this API into warehouses report these; a client must survive them
(see ``shared/reference/README.md``, "What the live API does that no spec says"):

- **About one year of history.** A ``start_time`` before midnight (UTC) of the fake's ``now``
  minus :data:`LIVE_LOOKBACK_DAYS` days is refused with 400 ``reporting_lookback_exceeded``.
- **Some groupings are refused.** Costs grouped by ``user_id`` together with ``project_id``, or
  by ``user_id`` with the ``project_ids`` filter, get 400 ``unsupported_group_by``
  (:data:`LIVE_REFUSED_GROUPINGS`); the newest SDK documents the same (it depends on the
  organization and the time range). One integration also reports costs ``group_by=api_key_id``
  refused although the spec lists it (:data:`COSTS_API_KEY_GROUPING`, off by default).

Costs promising more past its end is pagination, handled where pages are built (``_api``).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence, Set
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Final

from ._ops import Operation
from ._query import ApiError, Query

DAY: Final = 86_400
COSTS_PATH: Final = "/organization/costs"

LIVE_LOOKBACK_DAYS: Final = 365
"""Days of history the live API serves, counted back from the UTC midnight of "now"."""

RefusalRule = tuple[str, ...]
"""Names that, all present in one request, get it refused: ``group_by`` values (``user_id``)
and filter parameter names (``project_ids``); at least one must be a ``group_by`` value."""

LIVE_REFUSED_GROUPINGS: Final[Mapping[str, tuple[RefusalRule, ...]]] = MappingProxyType(
    {COSTS_PATH: (("user_id", "project_id"), ("user_id", "project_ids"))}
)
"""Operation path -> the combinations the live API refuses (for some organizations).

``group_by=user_id`` alone is served on costs; with ``project_id`` grouping or the
``project_ids`` filter it is refused.
"""

COSTS_API_KEY_GROUPING: Final[RefusalRule] = ("api_key_id",)
"""The costs grouping one integration reports refused (``refuse_costs_api_key_grouping=True``)."""


def earliest_start(now_ts: int, lookback_days: int) -> int:
    """The oldest ``start_time`` served: UTC midnight of ``now_ts`` minus ``lookback_days``."""
    return now_ts - now_ts % DAY - lookback_days * DAY


def check_lookback(start: int, now_ts: int, lookback_days: int | None) -> None:
    """Raise the live 400 ``reporting_lookback_exceeded`` if ``start`` is too old."""
    if lookback_days is None:
        return
    earliest = earliest_start(now_ts, lookback_days)
    if start >= earliest:
        return
    span = (
        "the past year" if lookback_days == LIVE_LOOKBACK_DAYS else f"the past {lookback_days} days"
    )
    date = datetime.fromtimestamp(earliest, UTC).date().isoformat()
    raise ApiError(
        400,
        f"Usage and cost data are available for {span}. "
        f"Earliest supported start date: {date} (UTC).",
        param="start_time",
        code="reporting_lookback_exceeded",
    )


def refusal_rules(
    refused: Mapping[str, Collection[Collection[str]]] | None,
    *,
    refuse_costs_api_key: bool,
    operations: Mapping[str, Operation],
) -> dict[str, tuple[RefusalRule, ...]]:
    """Check and normalise the ``refused_groupings`` argument of :class:`FakeUsageAPI`.

    ``None`` means :data:`LIVE_REFUSED_GROUPINGS`. Keys are paths of ``operations`` (a ``/v1``
    prefix is accepted). A rule given as a set is ordered by name in messages, a sequence keeps
    its order.
    """
    source = LIVE_REFUSED_GROUPINGS if refused is None else refused
    rules: dict[str, tuple[RefusalRule, ...]] = {}
    for raw_path, raw_rules in source.items():
        path = raw_path[3:] if raw_path.startswith("/v1/") else raw_path
        op = operations.get(path)
        if op is None:
            raise ValueError(f"refused_groupings: unknown operation path {raw_path!r}")
        if isinstance(raw_rules, str):
            raise TypeError(f"refused_groupings[{raw_path!r}] must be a collection of rules")
        rules[path] = rules.get(path, ()) + tuple(_rule(op, rule) for rule in raw_rules)
    if refuse_costs_api_key:
        rules[COSTS_PATH] = (*rules.get(COSTS_PATH, ()), COSTS_API_KEY_GROUPING)
    return {path: found for path, found in rules.items() if found}


def _rule(op: Operation, rule: Collection[str]) -> RefusalRule:
    if isinstance(rule, str):
        raise TypeError(
            f"a refused grouping must be a collection of names, not the string {rule!r}"
        )
    names = tuple(sorted(rule)) if isinstance(rule, Set) else tuple(dict.fromkeys(rule))
    if not all(isinstance(name, str) and name for name in names):
        raise ValueError(f"refused grouping {rule!r}: names must be non-empty strings")
    if all(_is_filter(op, name) for name in names):
        raise ValueError(
            f"refused grouping {rule!r} for {op.path} needs at least one group_by value"
        )
    return names


def _is_filter(op: Operation, name: str) -> bool:
    return name in op.filters or name in op.bool_filters


def check_groupings(query: Query, rules: Sequence[RefusalRule]) -> None:
    """Raise the live 400 ``unsupported_group_by`` for the first rule ``query`` matches."""
    op = query.op
    present = set(query.group_by)
    present.update(param for param, dim in op.filters.items() if dim in query.filters)
    present.update(param for param in op.bool_filters if param in query.filters)
    for rule in rules:
        if present.issuperset(rule):
            raise ApiError(
                400, _refusal_message(op, rule), param="group_by", code="unsupported_group_by"
            )


def _refusal_message(op: Operation, rule: RefusalRule) -> str:
    groups = [name for name in rule if not _is_filter(op, name)]
    filters = [name for name in rule if _is_filter(op, name)]
    subject = "costs" if op.path == COSTS_PATH else f"{op.name} usage"
    text = f"Grouping {subject} by {groups[0]}"
    if len(groups) > 1:
        text += " together with " + " and ".join(groups[1:])
    if filters:
        noun = "filter" if len(filters) == 1 else "filters"
        text += f" with the {' and '.join(filters)} {noun}"
    return text + " is not supported for this organization."


__all__ = [
    "COSTS_API_KEY_GROUPING",
    "LIVE_LOOKBACK_DAYS",
    "LIVE_REFUSED_GROUPINGS",
    "RefusalRule",
    "check_groupings",
    "check_lookback",
    "earliest_start",
    "refusal_rules",
]
