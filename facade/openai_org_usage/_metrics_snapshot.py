"""What the metrics expose, read once per refresh: spend and usage of this UTC calendar month.

Pure data (no Prometheus here): :func:`collect_snapshot` makes the requests, and everything a
scrape shows is derived from the :class:`Snapshot` it returns, never from the API. That
includes the month's :class:`~openai_org_usage.budget.BudgetStatus` (limits, alert thresholds,
forecasts), read in the same refresh.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Final

import attrs

from ._attribution_result import Names
from ._cents import money, round_to_total
from ._errors import InvalidParameterError, PermissionDeniedError
from ._models import Row
from .attribution import attribution_jobs, reconcile
from .budget import BudgetStatus, budget_status
from .export import columns, row_values

__all__ = [
    "ATTRIBUTED_DIMENSIONS",
    "BILLED_DIMENSIONS",
    "NONE",
    "OTHER",
    "UNATTRIBUTED",
    "Breakdown",
    "Share",
    "Snapshot",
    "collect_snapshot",
    "month_start",
]

OTHER: Final = "other"
"""The series that sums every group beyond the top N (its ID and name labels)."""
UNATTRIBUTED: Final = "unattributed"
"""The series of billed spend no user, key or model could be given (attribution's remainder)."""
NONE: Final = "none"
"""The series of spend reported with no value for the dimension (no user, no project)."""
_RESERVED: Final = frozenset({OTHER, UNATTRIBUTED, NONE})

BILLED_DIMENSIONS: Final = {"project": "project_id", "line_item": "line_item"}
"""Dimensions read straight from the bill (the costs endpoint), by the field they group by."""
ATTRIBUTED_DIMENSIONS: Final = {"user": "user_id", "api_key": "api_key_id", "model": "model"}
"""Dimensions the bill is shared out to (:func:`~openai_org_usage.attribution.attribute`)."""

# Usage endpoints the attribution does not fetch, read for their token and request counts.
_COUNTED_ONLY: Final = ("moderations", "file_search_calls")


@attrs.frozen
class Share:
    """One series of a breakdown: a group's spend in whole cents.

    Attributes:
        id: The project, user or API key ID, the model or the line item; or one of the
            reserved ``other``, ``unattributed``, ``none``.
        name: What a person reads for it: the directory's name (else the ID); the ID itself
            for models and line items; the reserved word for a reserved ID.
        cents: Its spend, in cents of the breakdown's currency.
    """

    id: str
    name: str
    cents: int

    @property
    def amount(self) -> Decimal:
        """``cents`` as an amount (``Decimal("12.34")``)."""
        return money(self.cents)


@attrs.frozen
class Breakdown:
    """Spend of one currency split along one dimension; the shares add up to ``total_cents``.

    Attributes:
        dimension: ``project``, ``line_item`` (billed), ``user``, ``api_key`` or ``model``
            (attributed).
        currency: Lowercase ISO 4217 (``usd``).
        groups: Every group, largest first (ties by ID); ``none`` among them when spend had
            no value for the dimension.
        unattributed: The remainder of an attributed dimension (0 for billed ones).
    """

    dimension: str
    currency: str
    groups: tuple[Share, ...]
    unattributed: int = 0

    @property
    def total_cents(self) -> int:
        """What the groups and the remainder add up to: the currency's bill."""
        return sum(s.cents for s in self.groups) + self.unattributed

    def bounded(self, top: int) -> tuple[Share, ...]:
        """At most ``top`` groups, then ``other`` (the rest; 0 when nothing is left over),
        then ``unattributed`` for an attributed dimension. The sum is :attr:`total_cents`.

        A group whose ID is a reserved word (a model named ``other``, ``none`` ...) is held as
        ``other`` from the start: two series with the same labels would make the exposition
        invalid.

        Raises:
            InvalidParameterError: ``top`` is negative.
        """
        if top < 0:
            raise InvalidParameterError("top", top, "a whole number >= 0")
        kept: list[Share] = []
        rest = 0
        for share in self.groups:
            if share.id == OTHER or len(kept) >= top:
                rest += share.cents
            else:
                kept.append(share)
        kept.append(Share(OTHER, OTHER, rest))
        if self.dimension in ATTRIBUTED_DIMENSIONS:
            kept.append(Share(UNATTRIBUTED, UNATTRIBUTED, self.unattributed))
        return tuple(kept)


def _read_only(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(value))


def _notes(value: Iterable[str]) -> tuple[str, ...]:
    return tuple(value)


@attrs.frozen
class Snapshot:
    """Spend and usage from ``start`` (the month's first UTC midnight) to ``end``.

    Attributes:
        start: First instant of the period (UTC).
        end: The instant the data runs to (the refresh's clock).
        billed_cents: The bill per currency, in cents (what every breakdown of that
            currency adds up to). Never summed across currencies.
        breakdowns: Per dimension and currency.
        tokens: ``(operation, type) -> tokens`` (``type``: ``input`` or ``output``; totals
            only, so the types add up).
        requests: ``operation -> requests`` (model requests; calls for file search).
        price_data: Where the list prices of the attribution come from.
        budget: The month's limits, alert thresholds and forecasts per scope (None: not
            read, or refused outright).
        budget_notes: What the budget read could not see: each governance read the key was
            refused (HTTP 403), or the whole budget when it was refused.
    """

    start: datetime
    end: datetime
    billed_cents: Mapping[str, int] = attrs.field(converter=_read_only)
    breakdowns: tuple[Breakdown, ...]
    tokens: Mapping[tuple[str, str], int] = attrs.field(converter=_read_only)
    requests: Mapping[str, int] = attrs.field(converter=_read_only)
    price_data: str = ""
    budget: BudgetStatus | None = None
    budget_notes: tuple[str, ...] = attrs.field(default=(), converter=_notes)

    def breakdown(self, dimension: str, currency: str) -> Breakdown | None:
        """The breakdown of ``dimension`` in ``currency``, if there is one."""
        for b in self.breakdowns:
            if b.dimension == dimension and b.currency == currency:
                return b
        return None


def month_start(now: datetime) -> datetime:
    """The first UTC midnight of ``now``'s UTC calendar month.

    Raises:
        InvalidParameterError: ``now`` is naive.
    """
    if now.tzinfo is None:
        raise InvalidParameterError("now", now, "a timezone-aware datetime")
    utc = now.astimezone(UTC)
    return utc.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def collect_snapshot(
    client: Any,
    *,
    now: datetime | None = None,
    names: Names | None = None,
    budget: bool = True,
) -> Snapshot:
    """Read this UTC calendar month's spend and usage: one refresh of the metrics.

    The bill comes from ``/organization/costs`` (by project and line item); spend per user,
    API key and model is the bill shared out by :func:`~openai_org_usage.attribution.attribute`
    (one fetch of usage, reconciled per dimension: each agrees to the cent with
    ``attribute(by=(field,))`` over the same period). Every breakdown is in whole cents and adds
    up to its currency's bill exactly. About ten requests for the month, one page each.

    With ``budget``, also :func:`~openai_org_usage.budget.budget_status` for the same instant
    (a year of daily costs, the spend limits and alerts, each project's keys, and the keys'
    attribution: about 40 more requests on the demo). A governance read the key is refused
    (HTTP 403) leaves out what it would have shown and says so in
    :attr:`Snapshot.budget_notes`; it never fails the refresh.

    Args:
        client: A :class:`~openai_org_usage.UsageClient`.
        now: End of the period (default: the current time); the period starts at the first
            UTC midnight of its month.
        names: Names for project, user and key IDs (the directory); IDs without.
        budget: Also read the budget status (limits, alert thresholds, forecasts).

    Returns:
        The :class:`Snapshot`.

    Raises:
        InvalidParameterError: ``now`` is naive.
        OpenAIUsageError: Whatever the requests raise.

    Example::

        with UsageClient() as client:
            snap = collect_snapshot(client)
    """
    end = datetime.now(UTC) if now is None else now
    start = month_start(end)
    end = end.astimezone(UTC)
    if end <= start:
        return Snapshot(start, end, {}, (), {}, {})
    by = tuple(ATTRIBUTED_DIMENSIONS.values())
    jobs = attribution_jobs(client, start=start, end=end, by=by)
    jobs += [(op, getattr(client, op)(start=start, end=end)) for op in _COUNTED_ONLY]
    data: dict[str, list[Any]] = {name: list(paginator) for name, paginator in jobs}
    breakdowns: list[Breakdown] = []
    billed = _billed(data.get("costs", ()), names, breakdowns)
    price_data = ""
    for dimension, field in ATTRIBUTED_DIMENSIONS.items():
        usage = {op: buckets for op, buckets in data.items() if op not in _COUNTED_ONLY}
        result = reconcile(usage, by=(field,), names=names)
        price_data = result.price_data
        for currency, totals in result.totals_by_currency.items():
            groups = [
                _share(field, group.get(field), _cents(attributed), names)
                for group, _estimated, attributed in result.by_group(currency)
            ]
            breakdowns.append(
                Breakdown(dimension, currency, _ordered(groups), _cents(totals.remainder))
            )
            billed.setdefault(currency, _cents(totals.billed))
    for currency in billed:
        for dimension in BILLED_DIMENSIONS:
            if not any(b.dimension == dimension and b.currency == currency for b in breakdowns):
                breakdowns.append(Breakdown(dimension, currency, ()))
    tokens, requests = _counts(data)
    status, notes = _budget(client, end, names) if budget else (None, ())
    return Snapshot(
        start,
        end,
        billed,
        tuple(breakdowns),
        tokens,
        requests,
        price_data=price_data,
        budget=status,
        budget_notes=notes,
    )


def _budget(
    client: Any, end: datetime, names: Names | None
) -> tuple[BudgetStatus | None, tuple[str, ...]]:
    """The budget status at ``end`` and its notes; a refusal (403) is a note, not a failure.

    ``budget_status`` already turns a refused limit, alert or key list into a note; a read it
    cannot do without (the year of costs, the keys' usage) refused outright leaves the whole
    budget out, for this refresh only.
    """
    try:
        status = budget_status(client, now=end, names=names)
    except PermissionDeniedError as exc:
        return None, (f"the budget (limits, alerts, forecasts): not readable with this key: {exc}",)
    return status, status.notes


def _cents(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _share(field: str, value: object, cents: int, names: Names | None) -> Share:
    if value is None or value == "":
        return Share(NONE, NONE, cents)
    text = str(value).lower() if isinstance(value, bool) else str(value)
    if text in _RESERVED:
        return Share(OTHER, OTHER, cents)
    name = names.label(field, text) if names is not None and field.endswith("_id") else text
    return Share(text, name, cents)


def _ordered(groups: Iterable[Share]) -> tuple[Share, ...]:
    merged: dict[str, Share] = {}
    for s in groups:
        seen = merged.get(s.id)
        merged[s.id] = s if seen is None else attrs.evolve(seen, cents=seen.cents + s.cents)
    return tuple(sorted(merged.values(), key=lambda s: (-s.cents, s.id)))


def _billed(costs: Sequence[Any], names: Names | None, out: list[Breakdown]) -> dict[str, int]:
    """The bill per currency in cents, and its breakdowns by project and line item.

    Read as the attribution reads it (the row shape, each amount as its ``repr``), and rounded
    the same way, so the totals agree to the cent with ``Attribution.totals_by_currency``.
    """
    cols = columns("costs")
    names_of = [c.name for c in cols]
    exact: dict[str, dict[str, dict[str | None, Decimal]]] = defaultdict(
        lambda: {d: defaultdict(Decimal) for d in BILLED_DIMENSIONS}
    )
    for bucket in costs:
        for result in bucket.results:
            row = dict(
                zip(names_of, row_values(cols, Row(bucket.start, bucket.end, result)), strict=True)
            )
            value = row["amount_value"]
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            currency = row["amount_currency"]
            currency = currency.lower() if isinstance(currency, str) else "usd"
            amount = Decimal(repr(float(value)))
            for dimension, field in BILLED_DIMENSIONS.items():
                key = row[field]
                exact[currency][dimension][key if isinstance(key, str) else None] += amount
    billed: dict[str, int] = {}
    for currency in sorted(exact, key=lambda c: (c != "usd", c)):
        for dimension, field in BILLED_DIMENSIONS.items():
            keys = list(exact[currency][dimension])
            total, parts = round_to_total([exact[currency][dimension][k] for k in keys])
            billed[currency] = total
            groups = [_share(field, k, part, names) for k, part in zip(keys, parts, strict=True)]
            out.append(Breakdown(dimension, currency, _ordered(groups)))
    return billed


_REQUEST_COLUMNS: Final = ("num_model_requests", "num_requests")


def _counts(data: Mapping[str, Sequence[Any]]) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """Tokens by operation and type, and requests by operation, summed over the buckets."""
    tokens: dict[tuple[str, str], int] = {}
    requests: dict[str, int] = {}
    for operation, buckets in data.items():
        if operation == "costs":
            continue
        cols = columns(operation)
        token_cols = [
            c.name
            for c in cols
            if c.required and c.kind == "integer" and c.name.endswith("_tokens")
        ]
        request_col = next((n for n in _REQUEST_COLUMNS if n in {c.name for c in cols}), None)
        names_of = [c.name for c in cols]
        for name in token_cols:
            tokens.setdefault((operation, name.removesuffix("_tokens")), 0)
        if request_col is not None:
            requests.setdefault(operation, 0)
        for bucket in buckets:
            for result in bucket.results:
                row = dict(
                    zip(
                        names_of,
                        row_values(cols, Row(bucket.start, bucket.end, result)),
                        strict=True,
                    )
                )
                for name in token_cols:
                    tokens[operation, name.removesuffix("_tokens")] += row[name] or 0
                if request_col is not None:
                    requests[operation] += row[request_col] or 0
    return tokens, requests
