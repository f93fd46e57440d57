"""Reconciliation: priced usage shares out the bill, per day, project and line item, in cents.

Pure: it reads buckets already fetched (``attribution_jobs``' operations, by name) and
returns an :class:`~openai_org_usage.attribution.Attribution`. Results are read through the
row shape (:func:`openai_org_usage.export.columns`: ``amount_value``, ``model`` ...), never
by the generated models' attribute names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any, Final, NamedTuple

import attrs

from ._attribution_result import (
    BILLED_UNITS,
    Attribution,
    AttributionRow,
    AttributionTotals,
    GroupValue,
    Names,
    group_sort_key,
)
from ._cents import allocate_cents, money, round_to_total
from ._errors import InvalidParameterError
from ._models import Row
from ._pricing import PRICE_COLUMNS, PriceBook, price_data_version
from .export import Column, columns, row_values

__all__ = [
    "BUCKET_WIDTHS",
    "GROUPINGS",
    "NOT_FROM_USAGE",
    "NO_USAGE",
    "OTHER_CURRENCY",
    "checked_grouping",
    "reconcile",
    "reconcile_views",
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

BUCKET_WIDTHS: Final = ("1d", "1h")
"""What ``bucket_width`` may be: the bill is daily, hours share their day's bill."""

_WEB_SEARCH: Final = "web search"

NO_USAGE = "no usage reported for this project that day"
NOT_FROM_USAGE = "line item not priced from usage (a fixed fee, storage, sessions, ...)"
OTHER_CURRENCY = "billed in {currency}; list prices are in USD and nothing is converted"
"""The reason of a remainder billed in another currency (``{currency}``: its code)."""


def checked_grouping(by: Iterable[str], bucket_width: str) -> tuple[str, ...]:
    """``by`` as a tuple of :data:`GROUPINGS` fields, once each, with a width attribution takes.

    Raises:
        InvalidParameterError: A field attribution cannot group by, a repeated field, or a
            ``bucket_width`` other than :data:`BUCKET_WIDTHS`.
    """
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


class _Usage(NamedTuple):
    """One usage result, priced (a tuple: a month of a large organization is many of them)."""

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


_BILL_COLUMNS: Final = ("amount_value", "amount_currency", "project_id", "line_item")


@attrs.frozen
class _Reading:
    """How to read some columns of one operation's results through the row shape."""

    cols: tuple[Column, ...]  # the wanted columns the operation has
    present: tuple[str, ...]  # their names
    absent: tuple[str, ...]  # wanted names the operation lacks (``batch`` of embeddings)

    def row(self, bucket: Any, result: Any) -> dict[str, Any]:
        """``result``'s values by column name (None: unset, null, or no such column)."""
        row = dict(
            zip(
                self.present,
                row_values(self.cols, Row(bucket.start, bucket.end, result)),
                strict=True,
            )
        )
        for name in self.absent:
            row[name] = None
        return row


@cache
def _reading(operation: str, wanted: tuple[str, ...]) -> _Reading:
    by_name = {col.name: col for col in columns(operation)}
    cols = tuple(by_name[n] for n in dict.fromkeys(wanted) if n in by_name)
    absent = tuple(n for n in dict.fromkeys(wanted) if n not in by_name)
    return _Reading(cols, tuple(c.name for c in cols), absent)


class _ByMatch:
    """The usage rows of each day and project, by what a line item is matched on.

    A line item belongs to usage of a model when its text before the first comma is that
    model (any case: ``"gpt-4o-2024-08-06, input"``), and to web search calls when it says
    "web search". Looked up rather than compared row by row: a large organization has
    thousands of rows and hundreds of line items per day.
    """

    def __init__(self, usage: Sequence[_Usage]) -> None:
        # (day, project) -> lowercased model -> row indexes; web search calls under None.
        self.rows: dict[tuple[date, str | None], dict[str | None, list[int]]] = {}
        for i, u in enumerate(usage):
            by_match = self.rows.setdefault((u.day, u.project), {})
            by_match.setdefault(None if u.match == _WEB_SEARCH else u.match.lower(), []).append(i)

    def candidates(self, day: date, project: str | None, line_item: str) -> list[int]:
        """The indexes (ascending) of the rows of ``day`` and ``project`` the item belongs to."""
        by_match = self.rows.get((day, project))
        if not by_match:
            return []
        models = by_match.get(line_item.split(",", 1)[0].strip().lower(), [])
        searches = by_match.get(None, []) if _WEB_SEARCH in line_item.lower() else []
        if models and searches:
            return sorted({*models, *searches})
        return models or searches


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
    (result,) = reconcile_views(
        data, views=(by,), bucket_width=bucket_width, names=names, prices=prices
    )
    return result


def reconcile_views(
    data: Mapping[str, Sequence[Any]],
    *,
    views: Sequence[Sequence[str]],
    bucket_width: str = "1d",
    names: Names | None = None,
    prices: PriceBook | None = None,
) -> list[Attribution]:
    """:func:`reconcile` once per grouping in ``views``, reading and pricing the data once.

    Each result is the one ``reconcile(data, by=view)`` gives, to the cent: the bill is
    shared out at each view's own grain (spend by user, and by key, from the same rows).

    Args:
        data: As :func:`reconcile`'s (usage grouped by at least every view's fields).
        views: Groupings (each a ``by``).
        bucket_width: Of the usage buckets.
        names: Name source kept for labels.
        prices: Unit prices (default: the genai-prices data).

    Raises:
        InvalidParameterError: A view :func:`reconcile` would refuse as ``by``.
    """
    checked = [checked_grouping(by, bucket_width) for by in views]
    every = tuple(dict.fromkeys(field for fields in checked for field in fields))
    usage = _priced_usage(data, every, prices or PriceBook())
    bill = _read_bill(data)
    out: list[Attribution] = []
    for fields in checked:
        picks = [every.index(f) for f in fields]
        view = (
            usage
            if list(fields) == list(every)
            else [u._replace(group=tuple(u.group[j] for j in picks)) for u in usage]
        )
        out.append(_share_out(view, bill, fields, bucket_width, names))
    return out


def _priced_usage(
    data: Mapping[str, Sequence[Any]], fields: tuple[str, ...], book: PriceBook
) -> list[_Usage]:
    """Every usage result of ``data``, priced, grouped by ``fields``."""
    usage: list[_Usage] = []
    for operation, buckets in data.items():
        if operation == "costs":
            continue
        reading = _reading(
            operation, (*PRICE_COLUMNS.get(operation, ()), "model", "project_id", *fields)
        )
        for bucket in buckets:
            day = _day(bucket.start)
            for result in bucket.results:
                row = reading.row(bucket, result)
                estimate = book.estimate(operation, row, day)
                model = row["model"]
                match = _WEB_SEARCH if operation == "web_search_calls" else model
                if not isinstance(match, str):
                    match = f"({operation})"
                project = row["project_id"]
                usage.append(
                    _Usage(
                        start=bucket.start,
                        end=bucket.end,
                        day=day,
                        project=project if isinstance(project, str) else None,
                        match=match,
                        group=tuple(row[f] for f in fields),
                        estimate=estimate.amount,
                        reason=estimate.reason,
                    )
                )
    return usage


_BillKey = tuple[date, datetime, datetime, str | None, str, str]
"""(day, bucket start, bucket end, project, line item, currency) of a billed amount."""


@attrs.frozen
class _Bill:
    """The bill in whole cents that add up, per currency."""

    keys: list[_BillKey]  # in the order line items are shared out
    cents: dict[_BillKey, int]
    billed_cents: dict[str, int]


def _read_bill(data: Mapping[str, Sequence[Any]]) -> _Bill:
    """The bill, exact, per (day, project, line item, currency); then in cents that add up,
    currency by currency: a rounding cent never moves from one currency to another."""
    bill: dict[_BillKey, Decimal] = defaultdict(Decimal)
    reading = _reading("costs", _BILL_COLUMNS)
    for bucket in data.get("costs", ()):
        for result in bucket.results:
            row = reading.row(bucket, result)
            value = row["amount_value"]
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                continue
            currency = row["amount_currency"]
            currency = currency.lower() if isinstance(currency, str) else BILLED_UNITS
            project = row["project_id"]
            line_item = row["line_item"]
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
    cents: dict[_BillKey, int] = {}
    for cur in sorted({k[5] for k in bill_keys}):
        keys = [k for k in bill_keys if k[5] == cur]
        billed_cents[cur], parts = round_to_total([bill[k] for k in keys])
        cents.update(zip(keys, parts, strict=True))
    return _Bill(bill_keys, cents, billed_cents)


def _share_out(
    usage: Sequence[_Usage],
    bill: _Bill,
    fields: tuple[str, ...],
    bucket_width: str,
    names: Names | None,
) -> Attribution:
    """Each day's bill per project and line item shared among its usage rows, in cents."""
    bill_keys, cents, billed_cents = bill.keys, bill.cents, bill.billed_cents
    by_match = _ByMatch(usage)
    attributed = [0] * len(usage)
    matched = [False] * len(usage)
    remainders: list[tuple[_BillKey, str, int]] = []
    matched_billed = 0  # cents, USD: only USD line items are matched
    # Line items matched to the same usage rows are shared out together: one rounding per
    # day, project and model rather than one per line item.
    pools: dict[tuple[int, ...], int] = defaultdict(int)
    for key in bill_keys:
        day, _, _, project, line_item, currency = key
        share = cents[key]
        candidates = by_match.candidates(day, project, line_item)
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
            elif (day, project) not in by_match.rows:
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
                attributed=money(cents_given),
                currency=BILLED_UNITS,
                unpriced=tuple(sorted(unpriced)),
            )
        )
    rows.sort(key=lambda r: (r.start, -r.attributed, -r.estimated, group_sort_key(r.group, fields)))
    remainder_rows = [
        AttributionRow(
            start=start,
            end=end,
            group={f: (project if f == "project_id" else None) for f in fields},
            estimated=Decimal(0),
            attributed=money(share),
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
            billed=money(billed_here),
            estimated=estimated_total if usd else Decimal(0),
            attributed=money(given),
            remainder=money(billed_here - given),
            matched_billed=money(matched_billed if usd else 0),
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
