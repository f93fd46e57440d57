"""Who spent what: usage priced at list price, reconciled to the bill to the cent.

The costs endpoint splits spend by project and line item only. :func:`attribute` prices each
usage result (tokens and other units times the model's prices from ``genai-prices``: uncached,
cached and cache-write input, audio and image tokens, characters, seconds, web searches;
batch and service-tier prices where the data has them), then reconciles: per UTC day and
project, each billed line item is shared among the usage rows of its model (``"gpt-4o-2024-08-06,
input"`` belongs to ``gpt-4o-2024-08-06``; a ``web search`` line item to web search calls) in
proportion to their estimates, in whole cents (largest remainder), so the attributed amounts
and the remainder add up to the billed total exactly.

What cannot be attributed stays visible as remainder rows, one per day, project and line item,
with the reason: a model the price data lacks, a line item not priced from usage (storage,
sessions, images, a fixed fee), a project with no usage that day. Estimates with no billed line
item to reconcile against keep their estimate and get nothing of the bill. Nothing is hidden
and nothing counted twice: ``totals.attributed + totals.remainder == totals.billed``.

Money in different currencies is never added. Every total is kept per currency
(:attr:`Attribution.totals_by_currency`), and every row says its currency. The list prices are
in US dollars, so only line items billed in USD are shared out; a line item billed in another
currency stays a remainder row in its own currency (nothing is converted). With one currency,
``result.totals`` and ``result.currency`` read it directly; with several they raise
:class:`~openai_org_usage.MixedCurrencyError` (an ``InvalidParameterError``) asking which currency.

Priced usage endpoints: completions, decisions, embeddings, audio speeches (characters),
audio transcriptions (seconds, for models priced per duration) and web search calls. Not
priced: images (per image by size; no such prices in the data), moderations (free), vector
stores, code interpreter sessions and file search calls (no model per row).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, Protocol

import attrs

from ._errors import InvalidParameterError, MixedCurrencyError
from ._pagination import AsyncPaginator, Paginator
from ._pricing import (
    PRICED_OPERATIONS,
    UNPRICED_OPERATIONS,
    PriceBook,
    price_data_version,
)

if TYPE_CHECKING:
    from ._client import AsyncUsageClient, UsageClient

__all__ = [
    "BILLED_UNITS",
    "GROUPINGS",
    "JOB_OPERATIONS",
    "NAME_KINDS",
    "PRICED_OPERATIONS",
    "UNPRICED_OPERATIONS",
    "Attribution",
    "AttributionRow",
    "AttributionTotals",
    "MappingNames",
    "Names",
    "aattribute",
    "allocate_cents",
    "attribute",
    "attribution_jobs",
    "reconcile",
    "round_to_total",
]

GROUPINGS: Final = (
    "project_id",
    "user_id",
    "api_key_id",
    "model",
    "batch",
    "service_tier",
    "api_source",
)
"""What ``by`` may hold: the usage endpoints' groupings that identify who or what spent."""

NAME_KINDS: Final = frozenset({"project_id", "user_id", "api_key_id", "service_account_id"})
"""Grouping fields whose values a name source resolves."""

BILLED_UNITS: Final = "usd"
"""The currency of the list prices (and so of the estimates, and of all attributed spend)."""

BUCKET_WIDTHS: Final = ("1d", "1h")

JOB_OPERATIONS: Final = ("costs", *PRICED_OPERATIONS, "images")
"""The operations :func:`attribution_jobs` fetches, in order (images: to name why their
line items are not attributed)."""

# Fields every usage query groups by, when the endpoint has them: the price depends on them
# (model, batch, service tier) and the bill is split by project.
_PRICING_FIELDS: Final = ("project_id", "model", "batch", "service_tier")

_COSTS_GROUPING: Final = ("project_id", "line_item")
_WEB_SEARCH: Final = "web search"

NO_USAGE = "no usage reported for this project that day"
NOT_FROM_USAGE = "line item not priced from usage (a fixed fee, storage, sessions, ...)"
OTHER_CURRENCY = "billed in {currency}; list prices are in USD and nothing is converted"
"""The reason of a remainder billed in another currency (``{currency}``: its code)."""


class Names(Protocol):
    """A source of names for IDs (the directory, or a mapping in tests)."""

    def name(self, kind: str, id: str) -> str | None:
        """The name of ``id`` (``kind``: ``project_id``, ``user_id`` ...), if known."""
        ...

    def label(self, kind: str, id: str) -> str:
        """What a person reads for ``id``: its name, else another handle, else the id."""
        ...


@attrs.frozen
class MappingNames:
    """Names from a plain mapping: ``{"user_id": {"user-abc": "Ada"}}``."""

    names: Mapping[str, Mapping[str, str]]

    def name(self, kind: str, id: str) -> str | None:
        """The mapped name, if any."""
        return self.names.get(kind, {}).get(id)

    def label(self, kind: str, id: str) -> str:
        """The mapped name, else the id."""
        return self.name(kind, id) or id


GroupValue = str | bool | None


def _read_only(totals: Mapping[str, AttributionTotals]) -> Mapping[str, AttributionTotals]:
    return MappingProxyType(dict(totals))


@attrs.frozen
class AttributionRow:
    """One row: spend of one group in one bucket, or a remainder of the bill.

    Attributes:
        start: Bucket start (UTC).
        end: Bucket end (UTC).
        group: The ``by`` fields and their values (None: not reported, or a remainder row
            that has no such value; a remainder keeps its ``project_id`` when grouped by it).
        estimated: List-price estimate of the group's usage (0 on a remainder row).
        attributed: Its share of the bill, in whole cents.
        currency: Of ``attributed`` (lowercase ISO 4217). Always ``usd`` on an attributed
            row (only USD bills are shared out); a remainder row's is its line item's.
        reason: On a remainder row, why it is not attributed; None otherwise.
        line_item: On a remainder row, the billed line item; None otherwise.
        project_id: On a remainder row, the billed project; None otherwise.
        unpriced: On an attributed row, usage it had that could not be priced (reasons).
    """

    start: datetime
    end: datetime
    group: Mapping[str, GroupValue]
    estimated: Decimal
    attributed: Decimal
    currency: str
    reason: str | None = None
    line_item: str | None = None
    project_id: str | None = None
    unpriced: tuple[str, ...] = ()

    @property
    def is_remainder(self) -> bool:
        """Whether this row is billed spend no group could be given."""
        return self.reason is not None


@attrs.frozen
class AttributionTotals:
    """Sums over an attribution in one currency (cents exact, but ``estimated``).

    The estimates are at list prices, which are in USD: in another currency the three
    estimate fields are zero (nothing billed in it is matched to usage).

    Attributes:
        billed: What the costs endpoint billed in ``currency``, rounded to the cent.
        estimated: List-price estimate of all priced usage (USD).
        attributed: Billed spend given to groups.
        remainder: Billed spend left as remainder rows; ``attributed + remainder == billed``.
        matched_billed: Billed amount of the line items matched to priced usage.
        matched_estimated: Estimate of the usage those line items were matched to.
        unbilled_estimate: Estimate of priced usage no billed line item matched (usage whose
            bill is in another currency included).
        currency: Of every amount here (lowercase ISO 4217: ``usd``, ``eur`` ...).
    """

    billed: Decimal
    estimated: Decimal
    attributed: Decimal
    remainder: Decimal
    matched_billed: Decimal
    matched_estimated: Decimal
    unbilled_estimate: Decimal
    currency: str = BILLED_UNITS

    @property
    def estimate_gap(self) -> float | None:
        """How far raw estimates fall from what was billed for the same line items, as a
        fraction of the bill (``-0.1``: estimates 10% below); None without a matched bill."""
        if not self.matched_billed:
            return None
        return float((self.matched_estimated - self.matched_billed) / self.matched_billed)


@attrs.frozen
class Attribution:
    """The result of :func:`attribute`.

    Money in two currencies is never added: totals are kept per currency, and the sums
    (:attr:`totals`, :meth:`by_group`, :meth:`remainder_by_reason`) take a ``currency``. With
    one currency (the usual case) they need none; with several, leaving it out raises
    :class:`~openai_org_usage.MixedCurrencyError` rather than adding them up::

        for currency, totals in result.totals_by_currency.items():
            print(currency, totals.billed)

    Attributes:
        by: The grouping fields, in the order asked.
        bucket_width: ``1d`` or ``1h``.
        rows: Attributed rows (bucket order, largest first), then remainder rows; each says
            its currency.
        totals_by_currency: Sums per currency (lowercase ISO 4217), ``usd`` first, then
            alphabetical; in each, ``attributed + remainder == billed``. ``usd`` is there
            whenever something was billed in it, usage was estimated, or nothing was billed.
        price_data: Where the list prices come from (``genai-prices 0.2.3``).
        names: The name source given, if any (labels and ``*_name`` columns).
    """

    by: tuple[str, ...]
    bucket_width: str
    rows: tuple[AttributionRow, ...]
    totals_by_currency: Mapping[str, AttributionTotals] = attrs.field(converter=_read_only)
    price_data: str
    names: Names | None = None

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies of the amounts, ``usd`` first, then alphabetical (``("usd",)``)."""
        return tuple(self.totals_by_currency)

    @property
    def currency(self) -> str:
        """The one currency of every amount (``usd``).

        Raises:
            MixedCurrencyError: The bill is in several currencies (see :attr:`currencies`).
        """
        return self._currency(None)

    @property
    def totals(self) -> AttributionTotals:
        """The sums, when everything is in one currency: ``totals_by_currency[currency]``.

        ``totals.attributed + totals.remainder == totals.billed`` to the cent.

        Raises:
            MixedCurrencyError: The bill is in several currencies: read
                :attr:`totals_by_currency` (no sum across currencies is ever made).
        """
        return self.totals_by_currency[self._currency(None)]

    def _currency(self, currency: str | None) -> str:
        """``currency`` (lowercased), or the only one when None; refuses to pick among several."""
        if currency is not None:
            return currency.lower()
        if len(self.totals_by_currency) == 1:
            return next(iter(self.totals_by_currency))
        raise MixedCurrencyError(
            self.currencies,
            hint="Amounts in different currencies are never added: read "
            "totals_by_currency[currency], or pass currency= to by_group and "
            "remainder_by_reason",
        )

    @property
    def attributed_rows(self) -> tuple[AttributionRow, ...]:
        """The rows that are not remainder."""
        return tuple(r for r in self.rows if not r.is_remainder)

    @property
    def remainder_rows(self) -> tuple[AttributionRow, ...]:
        """The remainder rows."""
        return tuple(r for r in self.rows if r.is_remainder)

    def by_group(
        self, currency: str | None = None
    ) -> list[tuple[Mapping[str, GroupValue], Decimal, Decimal]]:
        """``(group, estimated, attributed)`` over the whole range, largest spend first.

        Args:
            currency: Sum the rows in this currency (``usd``); None: the only one. Attributed
                rows are all ``usd`` (list prices are), so another currency gives ``[]``.

        Raises:
            MixedCurrencyError: ``currency`` is None and the bill is in several.
        """
        wanted = self._currency(currency)
        sums: dict[tuple[GroupValue, ...], list[Decimal]] = {}
        for row in self.attributed_rows:
            if row.currency != wanted:
                continue
            key = tuple(row.group.get(f) for f in self.by)
            acc = sums.setdefault(key, [Decimal(0), Decimal(0)])
            acc[0] += row.estimated
            acc[1] += row.attributed
        out = [(dict(zip(self.by, key, strict=True)), e, a) for key, (e, a) in sums.items()]
        return sorted(out, key=lambda t: (-t[2], -t[1], _sort_key(t[0], self.by)))

    def remainder_by_reason(
        self, currency: str | None = None
    ) -> list[tuple[str, Decimal, tuple[str, ...]]]:
        """``(reason, amount, line items)`` over the whole range, largest first.

        Args:
            currency: Sum the remainder billed in this currency; None: the only one.

        Raises:
            MixedCurrencyError: ``currency`` is None and the bill is in several.
        """
        wanted = self._currency(currency)
        sums: dict[str, Decimal] = defaultdict(Decimal)
        items: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
        for row in self.remainder_rows:
            if row.currency != wanted:
                continue
            reason = row.reason or ""
            sums[reason] += row.attributed
            items[reason][row.line_item or ""] += row.attributed
        return sorted(
            (
                (
                    reason,
                    amount,
                    tuple(k for k, _ in sorted(items[reason].items(), key=lambda kv: -kv[1])),
                )
                for reason, amount in sums.items()
            ),
            key=lambda t: (-t[1], t[0]),
        )

    def label(self, kind: str, value: GroupValue) -> str | None:
        """What a person reads for a group value: its name if a name source knows it."""
        if value is None or isinstance(value, bool):
            return None if value is None else str(value).lower()
        if self.names is not None and kind in NAME_KINDS:
            return self.names.label(kind, value)
        return value

    def columns(self, *, names: bool = False) -> list[str]:
        """The keys of :meth:`to_records`, in order."""
        cols = ["bucket_start", "bucket_end"]
        for field in self.by:
            cols.append(field)
            if names and field in NAME_KINDS:
                cols.append(f"{field}_name")
        return [
            *cols,
            "estimated_cost",
            "attributed_cost",
            "currency",
            "unattributed_reason",
            "line_item",
            "billed_project_id",
        ]

    def to_records(self, *, names: bool = False) -> list[dict[str, Any]]:
        """One dict per row (:meth:`columns` keys): raw ids, ``Decimal`` amounts.

        Each record has its own ``currency``: sum ``attributed_cost`` per currency, never
        across them.

        Args:
            names: Add a ``<field>_name`` column after each id field (None when the name
                source does not know the id, or there is none).
        """
        out: list[dict[str, Any]] = []
        for row in self.rows:
            record: dict[str, Any] = {"bucket_start": row.start, "bucket_end": row.end}
            for field in self.by:
                value = row.group.get(field)
                record[field] = value
                if names and field in NAME_KINDS:
                    record[f"{field}_name"] = (
                        self.names.name(field, value)
                        if self.names is not None and isinstance(value, str)
                        else None
                    )
            record["estimated_cost"] = row.estimated
            record["attributed_cost"] = row.attributed
            record["currency"] = row.currency
            record["unattributed_reason"] = row.reason
            record["line_item"] = row.line_item
            record["billed_project_id"] = row.project_id
            out.append(record)
        return out


# -- the library call -------------------------------------------------------------------------


def _check(by: Iterable[str], bucket_width: str) -> tuple[str, ...]:
    if isinstance(by, str):
        by = (by,)
    fields = tuple(by)
    for field in fields:
        if field not in GROUPINGS:
            raise InvalidParameterError(
                "by", field, f"one of {', '.join(GROUPINGS)}", hint="attribution groups by these"
            )
    if len(set(fields)) != len(fields):
        raise InvalidParameterError("by", list(fields), "each field at most once")
    if bucket_width not in BUCKET_WIDTHS:
        raise InvalidParameterError(
            "bucket_width",
            bucket_width,
            f"one of {', '.join(BUCKET_WIDTHS)}",
            hint="the bill is daily; attribution goes no finer than hours",
        )
    return fields


def attribution_jobs(
    client: UsageClient | AsyncUsageClient,
    *,
    start: Any,
    end: Any = None,
    by: Sequence[str] = ("user_id",),
    bucket_width: str = "1d",
    tz: str | None = None,
) -> list[tuple[str, Any]]:
    """The calls :func:`attribute` makes, as lazy paginators (creating them validates all).

    Returns:
        ``(operation, paginator)`` pairs: ``costs`` first, then each usage endpoint
        (:class:`Paginator` from a :class:`UsageClient`, :class:`AsyncPaginator` from an
        :class:`AsyncUsageClient`).

    Raises:
        InvalidParameterError: A ``by`` field or width attribution cannot use, or any
            parameter the client refuses; before any request.
    """
    from ._operations import OPERATIONS

    fields = _check(by, bucket_width)
    common: dict[str, Any] = {"start": start, "end": end}
    if tz is not None:
        common["tz"] = tz
    jobs: list[tuple[str, Any]] = [
        ("costs", client.costs(bucket_width="1d", group_by=list(_COSTS_GROUPING), **common))
    ]
    wanted = set(fields) | set(_PRICING_FIELDS)
    for name in JOB_OPERATIONS[1:]:
        operation = OPERATIONS[name]
        group_by = [g for g in operation.group_by if g in wanted]
        method: Callable[..., Paginator[Any] | AsyncPaginator[Any]] = getattr(client, name)
        jobs.append((name, method(bucket_width=bucket_width, group_by=group_by or None, **common)))
    return jobs


def attribute(
    client: UsageClient,
    *,
    start: Any,
    end: Any = None,
    by: Sequence[str] = ("user_id",),
    bucket_width: str = "1d",
    names: Names | None = None,
    tz: str | None = None,
    fetch: Callable[[Sequence[tuple[str, Paginator[Any]]]], list[list[Any]]] | None = None,
) -> Attribution:
    """Estimated spend per group of usage, reconciled to what ``/organization/costs`` billed.

    Args:
        client: A :class:`~openai_org_usage.UsageClient`.
        start: Start of the range (anything the client's methods take).
        end: End of the range (default: now).
        by: Grouping fields (:data:`GROUPINGS`); ``()`` gives one row per bucket.
        bucket_width: ``1d`` or ``1h`` (the bill is daily; hours share their day's bill).
        names: A name source for labels and ``*_name`` columns (the directory).
        tz: Read naive times in this zone, as the client does.
        fetch: Collects the paginators' buckets (default: iterate each); the CLI passes one
            with a progress bar.

    Raises:
        InvalidParameterError: Bad ``by`` or ``bucket_width``, or any parameter the client
            refuses: before any request.
        OpenAIUsageError: Whatever the requests raise.
    """
    jobs = attribution_jobs(client, start=start, end=end, by=by, bucket_width=bucket_width, tz=tz)
    fetched = fetch(jobs) if fetch is not None else [list(p) for _, p in jobs]
    data = {name: buckets for (name, _), buckets in zip(jobs, fetched, strict=True)}
    return reconcile(data, by=_check(by, bucket_width), bucket_width=bucket_width, names=names)


async def aattribute(
    client: AsyncUsageClient,
    *,
    start: Any,
    end: Any = None,
    by: Sequence[str] = ("user_id",),
    bucket_width: str = "1d",
    names: Names | None = None,
    tz: str | None = None,
) -> Attribution:
    """:func:`attribute` with an :class:`~openai_org_usage.AsyncUsageClient`.

    Raises:
        InvalidParameterError: As :func:`attribute`, before any request.
        OpenAIUsageError: Whatever the requests raise.
    """
    jobs = attribution_jobs(client, start=start, end=end, by=by, bucket_width=bucket_width, tz=tz)
    data: dict[str, list[Any]] = {}
    for name, paginator in jobs:
        data[name] = [bucket async for bucket in paginator]
    return reconcile(data, by=_check(by, bucket_width), bucket_width=bucket_width, names=names)


# -- reconciliation (pure) ---------------------------------------------------------------------


@attrs.frozen
class _Usage:
    """One usage result, priced."""

    start: datetime
    end: datetime
    day: date
    project: str | None
    match: str  # the model, or _WEB_SEARCH
    group: tuple[GroupValue, ...]
    estimate: Decimal | None
    reason: str | None


def _day(instant: datetime) -> date:
    return instant.date()


def _matches(line_item: str, match: str) -> bool:
    """Whether a billed line item belongs to usage of ``match`` (a model, or web search)."""
    if match == _WEB_SEARCH:
        return _WEB_SEARCH in line_item.lower()
    return line_item.split(",", 1)[0].strip().lower() == match.lower()


def reconcile(
    data: Mapping[str, Sequence[Any]],
    *,
    by: Sequence[str],
    bucket_width: str = "1d",
    names: Names | None = None,
    prices: PriceBook | None = None,
) -> Attribution:
    """Price fetched usage and share the fetched bill (``attribution_jobs``' buckets, by name).

    Args:
        data: Buckets by operation: ``costs`` (grouped by project and line item) and any of
            the usage endpoints (grouped by at least ``by`` and the pricing fields).
        by: Grouping fields of the rows.
        bucket_width: Of the usage buckets.
        names: Name source kept for labels.
        prices: Unit prices (default: the genai-prices data).
    """
    fields = _check(by, bucket_width)
    book = prices or PriceBook()
    usage: list[_Usage] = []
    for operation, buckets in data.items():
        if operation == "costs":
            continue
        for bucket in buckets:
            day = _day(bucket.start)
            for result in bucket.results:
                estimate = book.estimate(operation, result, day)
                model = getattr(result, "model", None)
                match = _WEB_SEARCH if operation == "web_search_calls" else model
                if not isinstance(match, str):
                    match = f"({operation})"
                project = getattr(result, "project_id", None)
                usage.append(
                    _Usage(
                        start=bucket.start,
                        end=bucket.end,
                        day=day,
                        project=project if isinstance(project, str) else None,
                        match=match,
                        group=tuple(getattr(result, f, None) for f in fields),
                        estimate=estimate.amount,
                        reason=estimate.reason,
                    )
                )

    # The bill, exact, per (day, project, line item, currency); then in cents that add up,
    # currency by currency: a rounding cent never moves from one currency to another.
    bill: dict[tuple[date, datetime, datetime, str | None, str, str], Decimal] = defaultdict(
        Decimal
    )
    for bucket in data.get("costs", ()):
        for result in bucket.results:
            amount = getattr(result, "amount", None)
            value = getattr(amount, "value", None)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            currency = getattr(amount, "currency", None)
            currency = currency.lower() if isinstance(currency, str) else BILLED_UNITS
            project = getattr(result, "project_id", None)
            line_item = getattr(result, "line_item", None)
            key = (
                _day(bucket.start),
                bucket.start,
                bucket.end,
                project if isinstance(project, str) else None,
                line_item if isinstance(line_item, str) else "(no line item)",
                currency,
            )
            bill[key] += Decimal(repr(float(value)))
    bill_keys = sorted(bill, key=lambda k: (k[0], k[3] or "", k[4], k[5]))
    billed_cents: dict[str, int] = {}
    cents: dict[tuple[date, datetime, datetime, str | None, str, str], int] = {}
    for cur in sorted({k[5] for k in bill_keys}):
        keys = [k for k in bill_keys if k[5] == cur]
        billed_cents[cur], parts = round_to_total([bill[k] for k in keys])
        cents.update(zip(keys, parts, strict=True))

    by_project_day: dict[tuple[date, str | None], list[int]] = defaultdict(list)
    for i, u in enumerate(usage):
        by_project_day[u.day, u.project].append(i)
    attributed = [0] * len(usage)
    matched = [False] * len(usage)
    remainders: list[tuple[tuple[date, datetime, datetime, str | None, str, str], str, int]] = []
    matched_billed = 0  # cents, USD: only USD line items are matched
    # Line items matched to the same usage rows are shared out together: one rounding per
    # day, project and model rather than one per line item.
    pools: dict[tuple[int, ...], int] = defaultdict(int)
    for key in bill_keys:
        day, _, _, project, line_item, currency = key
        share = cents[key]
        candidates = [
            i for i in by_project_day.get((day, project), []) if _matches(line_item, usage[i].match)
        ]
        priced = tuple(i for i in candidates if usage[i].estimate)
        if currency != BILLED_UNITS:
            # List prices are USD: an estimate says nothing about a bill in another currency
            # without an exchange rate, and none is assumed.
            remainders.append((key, OTHER_CURRENCY.format(currency=currency.upper()), share))
        elif priced:
            pools[priced] += share
            matched_billed += share
        else:
            if candidates:
                reasons = sorted({r for i in candidates if (r := usage[i].reason)})
                reason = "; ".join(reasons) or "usage priced at zero"
            elif (day, project) not in by_project_day:
                reason = NO_USAGE
            else:
                reason = NOT_FROM_USAGE
            remainders.append((key, reason, share))
    for priced, share in pools.items():
        # Shared out to (bucket, group), not to the fetched rows: rows split finer than ``by``
        # (by API key when ``by`` is the user) then get the same cents as rows fetched at
        # ``by``'s grain, so every view of one bill agrees to the cent.
        members: dict[tuple[datetime, datetime, tuple[GroupValue, ...]], list[int]] = {}
        for i in priced:
            members.setdefault((usage[i].start, usage[i].end, usage[i].group), []).append(i)
            matched[i] = True
        order = sorted(
            members, key=lambda k: (k[0], k[1], tuple("" if v is None else str(v) for v in k[2]))
        )
        weights = [
            sum((usage[i].estimate or Decimal(0) for i in members[k]), Decimal(0)) for k in order
        ]
        for k, part in zip(order, allocate_cents(share, weights), strict=True):
            attributed[members[k][0]] += part

    # Attributed rows: usage summed to (bucket, group).
    rows_by_key: dict[tuple[datetime, datetime, tuple[GroupValue, ...]], list[Any]] = {}
    for i, u in enumerate(usage):
        acc = rows_by_key.setdefault((u.start, u.end, u.group), [Decimal(0), 0, set()])
        if u.estimate is not None:
            acc[0] += u.estimate
        acc[1] += attributed[i]
        if u.reason and u.estimate is None:
            acc[2].add(u.reason)
    rows: list[AttributionRow] = []
    for (start, end, group), (estimated, cents_given, unpriced) in rows_by_key.items():
        if not estimated and not cents_given:
            continue  # usage that neither costs nor was billed: nothing to show
        rows.append(
            AttributionRow(
                start=start,
                end=end,
                group=dict(zip(fields, group, strict=True)),
                estimated=estimated,
                attributed=_money(cents_given),
                currency=BILLED_UNITS,
                unpriced=tuple(sorted(unpriced)),
            )
        )
    rows.sort(key=lambda r: (r.start, -r.attributed, -r.estimated, _sort_key(r.group, fields)))
    remainder_rows = [
        AttributionRow(
            start=start,
            end=end,
            group={f: (project if f == "project_id" else None) for f in fields},
            estimated=Decimal(0),
            attributed=_money(share),
            currency=cur,
            reason=reason,
            line_item=line_item,
            project_id=project,
        )
        for (_, start, end, project, line_item, cur), reason, share in remainders
        if share
    ]
    estimated_total = sum((u.estimate for u in usage if u.estimate), Decimal(0))
    matched_estimate = sum(
        (u.estimate for i, u in enumerate(usage) if u.estimate and matched[i]), Decimal(0)
    )
    unbilled_estimate = sum(
        (u.estimate for i, u in enumerate(usage) if u.estimate and not matched[i]), Decimal(0)
    )
    # USD always carries the estimates (list prices are USD); it is a currency of the result
    # when something was billed or estimated in it, or when nothing was billed at all.
    currencies = set(billed_cents)
    if estimated_total or not currencies:
        currencies.add(BILLED_UNITS)
    totals: dict[str, AttributionTotals] = {}
    for cur in sorted(currencies, key=lambda c: (c != BILLED_UNITS, c)):
        usd = cur == BILLED_UNITS
        given = sum(attributed) if usd else 0
        billed_here = billed_cents.get(cur, 0)
        totals[cur] = AttributionTotals(
            billed=_money(billed_here),
            estimated=estimated_total if usd else Decimal(0),
            attributed=_money(given),
            remainder=_money(billed_here - given),
            matched_billed=_money(matched_billed if usd else 0),
            matched_estimated=matched_estimate if usd else Decimal(0),
            unbilled_estimate=unbilled_estimate if usd else Decimal(0),
            currency=cur,
        )
    return Attribution(
        by=fields,
        bucket_width=bucket_width,
        rows=(*rows, *remainder_rows),
        totals_by_currency=totals,
        price_data=price_data_version(),
        names=names,
    )


def _sort_key(group: Mapping[str, GroupValue], fields: Sequence[str]) -> tuple[str, ...]:
    return tuple("" if group.get(f) is None else str(group.get(f)) for f in fields)


def _round_cents(amount: Decimal) -> int:
    """Whole cents, half away from zero (how a bill rounds)."""
    return int((amount * 100).to_integral_value(rounding="ROUND_HALF_UP"))


def _money(cents: int) -> Decimal:
    return Decimal(cents).scaleb(-2)


def allocate_cents(total: int, weights: Sequence[Decimal | Fraction | int]) -> list[int]:
    """Split ``total`` cents (any sign) in proportion to ``weights``; the parts sum to it.

    Largest remainder: each part is its exact share rounded down, then the cents left over
    go one each to the largest fractional parts (ties to the earlier weight).

    Raises:
        ValueError: The weights sum to zero while ``total`` is not zero.
    """
    exact_weights = [Fraction(w) for w in weights]
    weight_sum = sum(exact_weights, Fraction(0))
    if not weight_sum:
        if total:
            raise ValueError(f"cannot split {total} among weights that sum to zero")
        return [0] * len(exact_weights)
    return _largest_remainder(total, [Fraction(total) * w / weight_sum for w in exact_weights])


def round_to_total(amounts: Sequence[Decimal]) -> tuple[int, list[int]]:
    """Exact amounts (one currency) as whole cents that add up to their rounded sum.

    Returns:
        ``(total cents, cents of each amount)``; each within a cent of its exact amount.
    """
    total = _round_cents(sum(amounts, Decimal(0)))
    return total, _largest_remainder(total, [Fraction(a) * 100 for a in amounts])


def _largest_remainder(total: int, exact: Sequence[Fraction]) -> list[int]:
    floors = [math.floor(e) for e in exact]
    short = total - sum(floors)
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:short]:
        floors[i] += 1
    return floors
