"""The ``report`` command's aggregation: fetched buckets into a :class:`Report`.

``build_report`` is a pure function of ``fetch_report``'s buckets (``_report``): it totals
costs and completions, shares the bill out to users, keys and models, and looks up the
labels a reader sees. Money in two currencies is never added: every amount keeps its
currency.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from openai_org_usage import Bucket
from openai_org_usage.attribution import BILLED_UNITS, Attribution, Names, reconcile_views
from openai_org_usage.export import to_records
from openai_org_usage.timerange import TimeRange

from ._report import (
    ATTRIBUTION_BY,
    ATTRIBUTION_PREFIX,
    ATTRIBUTION_VIEWS,
    DEFAULT_TOP,
    GAUGES,
    OTHER_METRICS,
    REPORT_BUCKET_WIDTH,
    TOKEN_FIELDS,
    AttributedSpend,
    DailySpend,
    Report,
    Spend,
    Tokens,
    Unattributed,
    currency_note,
    in_currencies,
)
from ._this_month import ThisMonth, currency_order, month_ids

__all__ = ["build_report"]


def build_report(
    data: Mapping[str, Sequence[Bucket[Any]]],
    time_range: TimeRange,
    *,
    demo: bool,
    top: int = DEFAULT_TOP,
    names: Names | None = None,
    notes: Sequence[str] = (),
    this_month: ThisMonth | None = None,
) -> Report:
    """Aggregate fetched buckets (``fetch_report``'s result) into a :class:`Report`.

    Args:
        data: Buckets by key; without the ``attribution:`` keys the report has no spend by
            user or key.
        time_range: The range asked.
        demo: Whether the data is synthetic.
        top: Users and keys listed by tokens.
        names: Where labels come from (None: ids only, as with ``--ids``).
        notes: Lines for the reader (a directory read in part).
        this_month: The month read (default: the one ``fetch_report`` read, if any).
    """
    month = this_month if this_month is not None else getattr(data, "this_month", None)
    by_project = _spend(data["spend_by_project"], "project_id")
    by_line_item = _spend(data["spend_by_line_item"], "line_item")
    models = _tokens(data["models"], "model")
    users = _tokens(data["users"], "user_id")
    keys = _tokens(data["api_keys"], "api_key_id")
    other: dict[str, dict[str, int]] = {}
    as_of: datetime | None = None
    for name, fields in OTHER_METRICS.items():
        buckets = data[name]
        if name in GAUGES:
            latest = next((b for b in reversed(buckets) if b.results), None)
            as_of = latest.start if latest else None
            buckets = [latest] if latest else []
        rows = to_records(name, buckets, extras=False)
        other[name] = {field: sum(_int(row[field]) for row in rows) for field in fields}
    attribution_data = {
        key.removeprefix(ATTRIBUTION_PREFIX): buckets
        for key, buckets in data.items()
        if key.startswith(ATTRIBUTION_PREFIX)
    }
    # One reconciliation per view, from the same fetched rows: each then gives the cents that
    # `attribute --by user_id` (or `--by api_key_id`) gives, not a finer split summed up.
    # The rows are read and priced once for both.
    views = (
        reconcile_views(attribution_data, views=[(f,) for f in ATTRIBUTION_VIEWS], names=names)
        if attribution_data
        else [None] * len(ATTRIBUTION_VIEWS)
    )
    by_field = dict(zip(ATTRIBUTION_VIEWS, views, strict=True))
    # fsum: a total is a sum of many small floats and should not depend on their order.
    spend_by_currency = {
        currency: math.fsum(s.amount for s in by_project if s.currency == currency)
        for currency in currency_order({s.currency for s in (*by_project, *by_line_item)})
    } or {BILLED_UNITS: 0.0}  # no costs at all still reads as dollars
    currencies = tuple(spend_by_currency)
    attribution = by_field[ATTRIBUTION_BY[0]]
    unattributed = _unattributed(attribution, currencies)
    # Spend by user and key in the currencies billed: list-price estimates (USD) of usage
    # whose bill is in another currency are not spend of this report.
    by_user = in_currencies(_attributed(by_field["user_id"], "user_id", names), *currencies)
    by_key = in_currencies(_attributed(by_field["api_key_id"], "api_key_id", names), *currencies)
    by_model = in_currencies(_attributed(by_field["model"], "model", None), *currencies)
    daily_by_user = in_currencies(_daily_attributed(by_field["user_id"], "user_id"), *currencies)
    in_month = month_ids(month)
    labels = _labels(
        names,
        {
            "project_id": [s.name for s in by_project] + in_month["project_id"],
            "user_id": [u.name for u in users[:top]]
            + [a.id for a in by_user]
            + in_month["user_id"],
            "api_key_id": [k.name for k in keys[:top]]
            + [a.id for a in by_key]
            + in_month["api_key_id"],
        },
    )
    if names is not None and month is not None:
        # A limited scope the directory does not know keeps the name its list gave.
        for scope in month.scopes:
            if scope.kind != "organization" and scope.id not in labels and scope.name != scope.id:
                labels[scope.id] = scope.name
    note = currency_note(currencies)
    range_note = time_range.boundary_note(REPORT_BUCKET_WIDTH)
    range_notes = (
        *(
            (f"Dates read in {time_range.tz_name}; buckets are UTC days.",)
            if time_range.tz_name
            else ()
        ),
        *((range_note,) if range_note else ()),
    )
    return Report(
        start=time_range.start,
        end=time_range.end,
        tz=time_range.tz_name,
        demo=demo,
        currency=currencies[0] if len(currencies) == 1 else "mixed",
        total_spend=spend_by_currency[currencies[0]] if len(currencies) == 1 else None,
        spend_by_project=by_project,
        spend_by_line_item=by_line_item,
        completions=_total(models),
        models=models,
        top_users=users[:top],
        user_count=len(users),
        top_api_keys=keys[:top],
        api_key_count=len(keys),
        other=other,
        vector_stores_as_of=as_of,
        daily_spend_by_project=_daily_spend(data["spend_by_project"], "project_id"),
        daily_spend_by_line_item=_daily_spend(data["spend_by_line_item"], "line_item"),
        spend_by_user=by_user,
        spend_by_api_key=by_key,
        unattributed=tuple(unattributed),
        labels=labels,
        notes=(*notes, *((note,) if note else ())),
        spend_by_currency=spend_by_currency,
        top=top,
        users=users,
        api_keys=keys,
        spend_by_model=by_model,
        daily_spend_by_model=in_currencies(
            _daily_attributed(by_field["model"], "model"), *currencies
        ),
        daily_spend_by_user=daily_by_user,
        this_month=month,
        range_notes=range_notes,
        named=names is not None,
    )


def _daily_attributed(attribution: Attribution | None, field: str) -> tuple[DailySpend, ...]:
    """Attributed spend per bucket and value of ``field``: per day, largest first within
    a day (attributed spend is whole cents, all USD: the list prices' currency)."""
    if attribution is None:
        return ()
    sums: dict[tuple[datetime, datetime, str | None, str], Decimal] = defaultdict(Decimal)
    for row in attribution.attributed_rows:
        value = row.group.get(field)
        key = (row.start, row.end, value if isinstance(value, str) else None, row.currency)
        sums[key] += row.attributed
    out = [
        DailySpend(start, end, name, float(amount), currency)
        for (start, end, name, currency), amount in sums.items()
        if amount
    ]
    order = {c: i for i, c in enumerate(currency_order({d.currency for d in out}))}
    return tuple(sorted(out, key=lambda d: (d.start, order[d.currency], -d.amount, d.name or "")))


def _attributed(
    attribution: Attribution | None, field: str, names: Names | None
) -> tuple[AttributedSpend, ...]:
    """Spend per value of ``field`` (summed over the other grouping), largest first; per
    currency (attributed spend is all USD, the list prices' currency)."""
    if attribution is None:
        return ()
    sums: dict[tuple[str, str | None], list[Decimal]] = {}
    for currency in attribution.currencies:
        for group, estimated, attributed in attribution.by_group(currency):
            value = group.get(field)
            key = (currency, value if isinstance(value, str) else None)
            acc = sums.setdefault(key, [Decimal(0), Decimal(0)])
            acc[0] += estimated
            acc[1] += attributed
    out = [
        AttributedSpend(
            id=key,
            label=(names.label(field, key) if names is not None else key) if key else None,
            estimated=float(estimated),
            amount=float(attributed),
            currency=currency,
        )
        for (currency, key), (estimated, attributed) in sums.items()
    ]
    order = {c: i for i, c in enumerate(attribution.currencies)}
    return tuple(
        sorted(out, key=lambda a: (order[a.currency], -a.amount, -a.estimated, a.id or ""))
    )


def _unattributed(
    attribution: Attribution | None, currencies: Sequence[str]
) -> tuple[Unattributed, ...]:
    """The remainder by reason, currency by currency (``currencies`` order)."""
    if attribution is None:
        return ()
    return tuple(
        Unattributed(reason, float(amount), items, currency)
        for currency in currencies
        if currency in attribution.currencies
        for reason, amount, items in attribution.remainder_by_reason(currency)
    )


def _labels(names: Names | None, ids: Mapping[str, Sequence[str | None]]) -> dict[str, str]:
    """Display names of the ids a report shows (those a name source knows)."""
    if names is None:
        return {}
    labels: dict[str, str] = {}
    for kind, values in ids.items():
        for value in values:
            if value is None or value in labels:
                continue
            label = names.label(kind, value)
            if label and label != value:
                labels[value] = label
    return labels


def _int(value: object) -> int:
    # Optional fields may be unset (older API versions) or null: they count as zero.
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _amounts(bucket: Bucket[Any], field: str) -> dict[tuple[str | None, str], list[float]]:
    """A costs bucket's amounts by ``field`` and currency; results without an amount are
    skipped, one without a currency counts as ``usd`` (as attribution reads it)."""
    amounts: dict[tuple[str | None, str], list[float]] = defaultdict(list)
    # The rows of the package's row shape: a missing amount is None there, whatever the
    # API left out (the amount, or its value).
    for row in to_records("costs", [bucket], extras=False):
        value, currency = row["amount_value"], row["amount_currency"]
        if value is None:
            continue
        currency = currency.lower() if isinstance(currency, str) else BILLED_UNITS
        amounts[_name(row[field]), currency].append(value)
    return amounts


def _spend(buckets: Sequence[Bucket[Any]], field: str) -> tuple[Spend, ...]:
    amounts: dict[tuple[str | None, str], list[float]] = defaultdict(list)
    for bucket in buckets:
        for key, values in _amounts(bucket, field).items():
            amounts[key].extend(values)
    spends = [Spend(name, math.fsum(values), cur) for (name, cur), values in amounts.items()]
    order = {c: i for i, c in enumerate(currency_order({s.currency for s in spends}))}
    return tuple(sorted(spends, key=lambda s: (order[s.currency], -s.amount, s.name or "")))


def _daily_spend(buckets: Sequence[Bucket[Any]], field: str) -> tuple[DailySpend, ...]:
    # The same buckets as the totals (the report asks for daily buckets), kept per day, so
    # each day's entries sum to what that day contributed to the total (per currency).
    out: list[DailySpend] = []
    for bucket in buckets:
        day = [
            DailySpend(bucket.start, bucket.end, name, math.fsum(values), cur)
            for (name, cur), values in _amounts(bucket, field).items()
        ]
        order = {c: i for i, c in enumerate(currency_order({d.currency for d in day}))}
        out.extend(sorted(day, key=lambda d: (order[d.currency], -d.amount, d.name or "")))
    return tuple(out)


def _tokens(buckets: Sequence[Bucket[Any]], field: str) -> tuple[Tokens, ...]:
    """Completions usage by ``field`` (``model``, ``user_id``...), most tokens first."""
    totals: dict[str | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(TOKEN_FIELDS, 0))
    # The package's row shape, as for costs: an unset or null count is None there.
    for row in to_records("completions", buckets, extras=False):
        sums = totals[_name(row[field])]
        for name in TOKEN_FIELDS:
            sums[name] += _int(row[name])
    rows = [Tokens(name, **sums) for name, sums in totals.items()]
    return tuple(sorted(rows, key=lambda t: (-t.total_tokens, t.name or "")))


def _total(entries: Sequence[Tokens]) -> Tokens:
    """The sum of ``entries`` (no name)."""
    fields = [entry.as_dict(None) for entry in entries]
    return Tokens(None, **{name: sum(row[name] for row in fields) for name in TOKEN_FIELDS})


def _name(value: object) -> str | None:
    return value if isinstance(value, str) else None
