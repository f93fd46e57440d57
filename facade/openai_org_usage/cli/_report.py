"""The ``report`` command's data: fetched with the facade, aggregated into plain objects.

Nothing here renders. ``fetch_report`` makes the calls (all validated before the first
request), ``build_report`` is a pure function of the buckets, and ``Report.to_dict`` is what
``--format json`` prints, so every format shows the same numbers.

Money in two currencies is never added: every amount carries its currency, totals are kept
per currency (``Report.spend_by_currency``), and ``Report.in_currency`` gives the part of the
report in one currency, which renderers show one currency at a time.

The report also carries the month (``_this_month``): the UTC calendar month holding
the report's end. ``report_jobs`` plans its reads with the report's paginators and
``fetch_report`` makes them, so the command's three steps stay as they were.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, Protocol, TypeVar

import attrs

from openai_org_usage import Bucket, Paginator, UsageClient
from openai_org_usage.attribution import (
    BILLED_UNITS,
    JOB_OPERATIONS,
    Attribution,
    Names,
    attribution_jobs,
    reconcile_views,
)
from openai_org_usage.export import to_records
from openai_org_usage.timerange import TimeRange

from ._rows import iso_utc
from ._this_month import (
    Fetch,
    MonthPlan,
    ThisMonth,
    currency_order,
    first_day_end,
    month_ids,
    read_this_month,
    shared_start,
)

REPORT_BUCKET_WIDTH = "1d"
DEFAULT_TOP = 10

# (key, operation, group_by, progress label). Costs are grouped twice rather than once by
# both fields: the API would return the cross product, which is larger and slower to page.
_QUERIES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("spend_by_project", "costs", ("project_id",), "costs by project"),
    ("spend_by_line_item", "costs", ("line_item",), "costs by line item"),
    ("models", "completions", ("model",), "completions by model"),
    ("users", "completions", ("user_id",), "completions by user"),
    ("api_keys", "completions", ("api_key_id",), "completions by API key"),
)

OTHER_METRICS: Mapping[str, tuple[str, ...]] = {
    "embeddings": ("input_tokens", "num_model_requests"),
    "moderations": ("input_tokens", "num_model_requests"),
    "images": ("images", "num_model_requests"),
    "audio_speeches": ("characters", "num_model_requests"),
    "audio_transcriptions": ("seconds", "num_model_requests"),
    "vector_stores": ("usage_bytes",),
    "code_interpreter_sessions": ("num_sessions",),
    "file_search_calls": ("num_requests",),
    "web_search_calls": ("num_requests", "num_model_requests"),
}
"""Per other endpoint, the result fields the report totals."""

ATTRIBUTION_BY = ("user_id", "api_key_id")
"""Usage is priced at this grain once; spend by user and by key are its two sums."""
ATTRIBUTION_VIEWS = (*ATTRIBUTION_BY, "model")
"""The sums the report shows of that pricing: by user, by key and by model (every usage
query groups by model already, to price it)."""
_ATTRIBUTION_PREFIX = "attribution:"

GAUGES = frozenset({"vector_stores"})
"""Endpoints whose value is a level, not a flow: the latest bucket counts, never the sum."""

_TOKEN_FIELDS = ("input_tokens", "output_tokens", "input_cached_tokens", "num_model_requests")


class _InCurrency(Protocol):
    @property
    def currency(self) -> str: ...


_Money = TypeVar("_Money", bound=_InCurrency)


@attrs.frozen
class Spend:
    """Spend of one project or line item (``name`` None: not attributed to one), in
    ``currency`` (lowercase ISO 4217): one entry per name and currency."""

    name: str | None
    amount: float
    currency: str = BILLED_UNITS


@attrs.frozen
class DailySpend:
    """Spend of one project or line item in one daily bucket (``name`` None: not attributed).

    Attributes:
        start: The bucket's start (UTC; mid-day for a partial first bucket).
        end: The bucket's end (UTC).
        name: The project id or line item.
        amount: Its spend in that bucket.
        currency: Of ``amount``.
    """

    start: datetime
    end: datetime
    name: str | None
    amount: float
    currency: str = BILLED_UNITS


@attrs.frozen
class Tokens:
    """Completions usage of one model, user or API key (``name`` None: not attributed)."""

    name: str | None
    input_tokens: int = 0
    output_tokens: int = 0
    input_cached_tokens: int = 0
    num_model_requests: int = 0

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens (cached input tokens are part of input)."""
        return self.input_tokens + self.output_tokens

    def as_dict(self, name_field: str | None) -> dict[str, Any]:
        """Fields under the API's names, the name under ``name_field`` (omitted if None)."""
        named: dict[str, Any] = {name_field: self.name} if name_field else {}
        return (
            named
            | {field: getattr(self, field) for field in _TOKEN_FIELDS}
            | {"total_tokens": self.total_tokens}
        )


@attrs.frozen
class AttributedSpend:
    """Spend of one user or API key, estimated from usage and reconciled to the bill.

    Attributes:
        id: The user or API key id (None: usage the API reported without one).
        label: What a person reads: the name (else email) from the directory, else the id;
            None when no id.
        estimated: List-price estimate of its usage (before reconciliation).
        amount: Its share of the billed amount (reconciled): these and ``unattributed`` in
            the same currency sum to that currency's spend to the cent.
        currency: Of both amounts: ``usd``, the list prices' (only USD bills are shared out).
    """

    id: str | None
    label: str | None
    estimated: float
    amount: float
    currency: str = BILLED_UNITS


@attrs.frozen
class Unattributed:
    """Billed spend that no user or API key can be given, with the reason.

    Attributes:
        reason: Why (an unpriced model, a line item not priced from usage, ...).
        amount: The billed amount left unattributed for that reason.
        line_items: The line items it comes from, largest first.
        currency: Of ``amount`` (a bill in another currency than USD is never shared out).
    """

    reason: str
    amount: float
    line_items: tuple[str, ...] = ()
    currency: str = BILLED_UNITS


class ReportJobs(list[tuple[str, Paginator[Any]]]):
    """:func:`report_jobs`' paginators (a list, as the fetch functions take it), and the
    month's reads (``month``; None: the report reads no month)."""

    month: MonthPlan | None = None


class ReportData(dict[str, list[Bucket[Any]]]):
    """:func:`fetch_report`'s buckets by key, and the month it read (``this_month``)."""

    this_month: ThisMonth | None = None


@attrs.frozen
class Report:
    """Everything the ``report`` command shows.

    Attributes:
        start: Inclusive start (UTC).
        end: Exclusive end (UTC).
        tz: The ``--tz`` the range was written in, if any.
        demo: Whether the data is synthetic.
        currency: Lowercase ISO-4217 code of every amount ("mixed" if the API used several).
        total_spend: Sum of all costs in the range; None when they are in several currencies
            (amounts in different currencies are never added: see ``spend_by_currency``).
        spend_by_project: Largest first (with several currencies: per currency, in
            ``currencies`` order).
        spend_by_line_item: Likewise.
        completions: Completions totals over all models.
        models: Completions by model, most tokens first.
        top_users: The ``top`` users with the most tokens.
        user_count: Distinct users seen (so "top 10 of 42" can be said).
        top_api_keys: The ``top`` API keys with the most tokens.
        api_key_count: Distinct API keys seen.
        other: Per endpoint in ``OTHER_METRICS``, field -> total (latest level for gauges).
        vector_stores_as_of: Start of the bucket the vector store bytes come from.
        daily_spend_by_project: Per day, per project (days in order, largest first within
            a day); days or projects without spend are absent. What the HTML report charts.
        daily_spend_by_line_item: The same per line item.
        spend_by_user: Billed spend attributed to users (estimated from usage, reconciled to
            the bill), largest first; USD only (the list prices' currency).
        spend_by_api_key: The same per API key.
        unattributed: What of the bill no user or key can be given, by currency and reason;
            per currency, with ``spend_by_user`` it sums to that currency's spend (and so
            with ``spend_by_api_key``).
        labels: Display names by id (projects, users, API keys); empty with ``--ids`` or
            when no directory could be read. ``label(id)`` reads it.
        notes: Things a reader should know (a directory that could not be read in full; a
            bill in several currencies).
        spend_by_currency: Total spend per currency, in ``currencies`` order (``usd`` first,
            then alphabetical); one entry with one currency.
        top: Entries a table for people lists (``--top``): users and API keys; projects,
            line items and models at least 15. One last row sums the rest.
        users: Every user's completions usage, most tokens first (``top_users`` is the head).
            Not in ``to_dict``: a table's "rest" row sums the users past ``top``.
        api_keys: Likewise per API key.
        spend_by_model: Billed spend attributed to models (as ``spend_by_user``).
        daily_spend_by_model: Attributed spend per day and model (``name``: the model),
            what the HTML report charts; USD only, as all attributed spend.
        daily_spend_by_user: The same per user (``name``: the user id; None: usage without
            one).
        this_month: The UTC calendar month holding the report's end (:class:`ThisMonth`);
            None when the report read no month.
        range_notes: What a reader should know about the range (dates read in ``--tz``, a
            local boundary that splits a UTC day).
        named: Whether names were looked up (False: IDs throughout, as with ``--ids``).
    """

    start: datetime
    end: datetime
    tz: str | None
    demo: bool
    currency: str
    total_spend: float | None
    spend_by_project: tuple[Spend, ...]
    spend_by_line_item: tuple[Spend, ...]
    completions: Tokens
    models: tuple[Tokens, ...]
    top_users: tuple[Tokens, ...]
    user_count: int
    top_api_keys: tuple[Tokens, ...]
    api_key_count: int
    other: Mapping[str, Mapping[str, int]]
    vector_stores_as_of: datetime | None
    # Defaults: a Report built without the daily series (older callers) still constructs.
    daily_spend_by_project: tuple[DailySpend, ...] = ()
    daily_spend_by_line_item: tuple[DailySpend, ...] = ()
    spend_by_user: tuple[AttributedSpend, ...] = ()
    spend_by_api_key: tuple[AttributedSpend, ...] = ()
    unattributed: tuple[Unattributed, ...] = ()
    labels: Mapping[str, str] = attrs.field(factory=dict)
    notes: tuple[str, ...] = ()
    spend_by_currency: Mapping[str, float] = attrs.field(factory=dict)
    top: int = DEFAULT_TOP
    users: tuple[Tokens, ...] = ()
    api_keys: tuple[Tokens, ...] = ()
    spend_by_model: tuple[AttributedSpend, ...] = ()
    daily_spend_by_model: tuple[DailySpend, ...] = ()
    daily_spend_by_user: tuple[DailySpend, ...] = ()
    this_month: ThisMonth | None = None
    range_notes: tuple[str, ...] = ()
    named: bool = True

    def label(self, value: str | None) -> str | None:
        """What a person reads for an id: its name if the report has one, else the id."""
        if value is None:
            return None
        return self.labels.get(value, value)

    @property
    def currencies(self) -> tuple[str, ...]:
        """The currencies of the amounts, ``usd`` first (``("usd",)`` with one)."""
        if self.spend_by_currency:
            return tuple(self.spend_by_currency)
        return (self.currency,)

    @property
    def mixed_currency(self) -> bool:
        """Whether the amounts are in several currencies (then no total adds them)."""
        return len(self.currencies) > 1

    def spend_in(self, currency: str) -> float:
        """Total spend in ``currency`` (0.0 when nothing was billed in it)."""
        if self.spend_by_currency:
            return self.spend_by_currency.get(currency, 0.0)
        return (self.total_spend or 0.0) if currency == self.currency else 0.0

    def in_currency(self, currency: str) -> Report:
        """The report with only the amounts in ``currency`` (its totals, entries and days).

        Usage figures (tokens, requests) are kept whole: they are not money.
        """
        if not self.mixed_currency and currency == self.currency:
            return self
        total = self.spend_in(currency)
        return attrs.evolve(
            self,
            currency=currency,
            total_spend=total,
            spend_by_project=_only(self.spend_by_project, currency),
            spend_by_line_item=_only(self.spend_by_line_item, currency),
            daily_spend_by_project=_only(self.daily_spend_by_project, currency),
            daily_spend_by_line_item=_only(self.daily_spend_by_line_item, currency),
            spend_by_user=_only(self.spend_by_user, currency),
            spend_by_api_key=_only(self.spend_by_api_key, currency),
            unattributed=_only(self.unattributed, currency),
            spend_by_model=_only(self.spend_by_model, currency),
            daily_spend_by_model=_only(self.daily_spend_by_model, currency),
            daily_spend_by_user=_only(self.daily_spend_by_user, currency),
            spend_by_currency={currency: total},
        )

    @property
    def currency_note(self) -> str | None:
        """What a reader must know about the currencies (:func:`currency_note`)."""
        return currency_note(self.currencies)

    def views(self) -> list[tuple[str, Report]]:
        """``(currency, the report in it)`` per currency, to show money one currency at a time.

        With one currency: ``[(currency, self)]``.
        """
        return [(currency, self.in_currency(currency)) for currency in self.currencies]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: raw numbers, ISO-8601 UTC times, the API's field names.

        ``currencies`` and ``total_spend_by_currency`` are always there. With several
        currencies ``currency`` is ``mixed``, ``total_spend`` is null (nothing adds two
        currencies) and every money entry has its ``currency``; with one, the top-level
        ``currency`` covers every amount and entries are as they always were.
        """
        mixed = self.mixed_currency
        return {
            "start": iso_utc(self.start),
            "end": iso_utc(self.end),
            "tz": self.tz,
            "bucket_width": REPORT_BUCKET_WIDTH,
            "synthetic": self.demo,
            "currency": self.currency,
            "total_spend": self.total_spend,
            "spend_by_project": [
                {"project_id": s.name, "amount": s.amount} | _currency_of(s, mixed)
                for s in self.spend_by_project
            ],
            "spend_by_line_item": [
                {"line_item": s.name, "amount": s.amount} | _currency_of(s, mixed)
                for s in self.spend_by_line_item
            ],
            "completions": self.completions.as_dict(None),
            "models": [t.as_dict("model") for t in self.models],
            "top_users": [t.as_dict("user_id") for t in self.top_users],
            "user_count": self.user_count,
            "top_api_keys": [t.as_dict("api_key_id") for t in self.top_api_keys],
            "api_key_count": self.api_key_count,
            "other": {name: dict(fields) for name, fields in self.other.items()},
            "vector_stores_as_of": (
                iso_utc(self.vector_stores_as_of) if self.vector_stores_as_of else None
            ),
            # Appended after the totals: consumers of the earlier keys see no change.
            "daily_spend_by_project": _daily_dicts(
                self.daily_spend_by_project, "project_id", mixed
            ),
            "daily_spend_by_line_item": _daily_dicts(
                self.daily_spend_by_line_item, "line_item", mixed
            ),
            "spend_by_user": _attributed_dicts(self.spend_by_user, "user_id", mixed),
            "spend_by_api_key": _attributed_dicts(self.spend_by_api_key, "api_key_id", mixed),
            "unattributed": [
                {"reason": u.reason, "amount": u.amount, "line_items": list(u.line_items)}
                | _currency_of(u, mixed)
                for u in self.unattributed
            ],
            "names": dict(self.labels),
            "notes": list(self.notes),
            # Per currency, never one sum: ``total_spend`` is null when there are several.
            "currencies": list(self.currencies),
            "total_spend_by_currency": {c: self.spend_in(c) for c in self.currencies},
            # Appended: the attributed spend by model and the daily series the charts draw.
            "spend_by_model": _attributed_dicts(self.spend_by_model, "model", mixed),
            "daily_spend_by_model": _daily_dicts(self.daily_spend_by_model, "model", mixed),
            "daily_spend_by_user": _daily_dicts(self.daily_spend_by_user, "user_id", mixed),
            "this_month": (
                self.this_month.to_dict(self._anomaly_label) if self.this_month else None
            ),
        }

    def _anomaly_label(self, scope_id: str) -> str:
        return self.label(scope_id) or scope_id

    @property
    def notes_shown(self) -> tuple[str, ...]:
        """The report's notes for people, in the order a Notes section lists them: the
        range, the currencies, the month, then the names (every one)."""
        month = self.this_month.notes if self.this_month else ()
        currency = self.currency_note
        names = tuple(n for n in self.notes if n != currency)
        return (*self.range_notes, *((currency,) if currency else ()), *month, *names)


def _only(entries: Sequence[_Money], *currencies: str) -> tuple[_Money, ...]:
    return tuple(e for e in entries if e.currency in currencies)


def _currency_of(entry: _InCurrency, mixed: bool) -> dict[str, str]:
    """``{"currency": ...}`` for an entry of a report in several currencies, else nothing."""
    return {"currency": entry.currency} if mixed else {}


def _attributed_dicts(
    entries: Sequence[AttributedSpend], id_field: str, mixed: bool
) -> list[dict[str, Any]]:
    return [
        {id_field: a.id, "name": a.label, "estimated": a.estimated, "amount": a.amount}
        | _currency_of(a, mixed)
        for a in entries
    ]


def _daily_dicts(
    entries: Sequence[DailySpend], name_field: str, mixed: bool
) -> list[dict[str, Any]]:
    return [
        {"start": iso_utc(d.start), "end": iso_utc(d.end), name_field: d.name, "amount": d.amount}
        | _currency_of(d, mixed)
        for d in entries
    ]


def currency_note(currencies: Sequence[str], who: str = "users and API keys") -> str | None:
    """What a reader of amounts in these currencies must know; None for US dollars only.

    Args:
        currencies: Of the amounts shown.
        who: What the bill is shared out to (``users and API keys``, ``groups``).
    """
    if len(currencies) == 1:
        if currencies[0] == BILLED_UNITS:
            return None
        return (
            f"Billed in {currencies[0].upper()}: list prices are in USD and nothing is "
            f"converted, so none of it is shared out to {who}."
        )
    listed = ", ".join(c.upper() for c in currencies)
    return (
        f"Billed in {len(currencies)} currencies ({listed}): every total is per currency and "
        "amounts in different currencies are never added. List prices are in USD, so only "
        f"the USD bill is shared out to {who}."
    )


def report_jobs(
    client: UsageClient,
    time_range: TimeRange,
    *,
    this_month: bool = True,
    now: datetime | None = None,
) -> ReportJobs:
    """The report's calls, as lazy paginators (creating them validates every parameter).

    Args:
        client: Where the data comes from.
        time_range: The report's range.
        this_month: Also plan the month's reads (:class:`ThisMonth`), made by
            :func:`fetch_report`.
        now: The clock (the fake's in demo mode; default: the real one): the month is
            counted up to the report's end, or to now if the end is later.
    """
    jobs = ReportJobs()
    queries = [*_QUERIES, *((name, name, (), name.replace("_", " ")) for name in OTHER_METRICS)]
    for _key, operation, group_by, label in queries:
        method: Callable[..., Paginator[Any]] = getattr(client, operation)
        jobs.append(
            (
                label,
                method(
                    start=time_range.start,
                    end=time_range.end,
                    bucket_width=REPORT_BUCKET_WIDTH,
                    group_by=list(group_by) or None,
                ),
            )
        )
    start = time_range.start
    as_of = min(time_range.end, (now or datetime.now(UTC)).astimezone(UTC))
    shared = shared_start(time_range, as_of) if this_month else None
    for operation, paginator in attribution_jobs(
        client,
        start=shared if shared is not None else start,
        end=time_range.end,
        by=ATTRIBUTION_VIEWS,
    ):
        label = f"{operation.replace('_', ' ')} for attribution"
        jobs.append((label, paginator))
    first_end = first_day_end(start) if shared is not None and shared < start else None
    if first_end is not None:
        # The report's first bucket starts mid-day: the widened range holds that day whole,
        # so the report's part of it is asked for on its own (one day).
        for operation, paginator in attribution_jobs(
            client,
            start=start,
            end=min(first_end, time_range.end),
            by=ATTRIBUTION_VIEWS,
        ):
            jobs.append((f"{operation.replace('_', ' ')} for attribution (first day)", paginator))
    if this_month:
        jobs.month = MonthPlan(
            client,
            as_of,
            shared_from=None if shared is None else max(start, shared),
            first_day=first_end is not None,
        )
    return jobs


def report_keys() -> list[str]:
    """The keys of ``fetch_report``'s result, in call order."""
    return (
        [key for key, *_ in _QUERIES]
        + list(OTHER_METRICS)
        + [_ATTRIBUTION_PREFIX + op for op in JOB_OPERATIONS]
    )


def fetch_report(jobs: Sequence[tuple[str, Paginator[Any]]], fetch: Fetch) -> ReportData:
    """Every bucket of ``report_jobs()``, by key (``report_keys()``); and, when the jobs plan
    it (``ReportJobs.month``), the month (``ReportData.this_month``)."""
    keys = report_keys()
    fetched = fetch(jobs)
    plan = getattr(jobs, "month", None)
    first_day = isinstance(plan, MonthPlan) and plan.shared_from is not None and plan.first_day
    count = len(keys)  # the jobs after these: the report's first day, asked apart
    data = ReportData(zip(keys, fetched[:count], strict=True))
    if len(fetched) != count + (len(JOB_OPERATIONS) if first_day else 0):
        raise ValueError(f"fetch returned {len(fetched)} lists for the report's jobs")
    attribution: dict[str, list[Bucket[Any]]] | None = None
    if isinstance(plan, MonthPlan) and plan.shared_from is not None:
        # The attribution jobs read the report's range and the anomalies' weeks at once: the
        # month takes them whole, the report its own buckets (and its first day, if apart).
        attribution = {op: data[_ATTRIBUTION_PREFIX + op] for op in JOB_OPERATIONS}
        first = fetched[count:] if first_day else [[] for _ in JOB_OPERATIONS]
        cut = plan.shared_from
        for op, own in zip(JOB_OPERATIONS, first, strict=True):
            data[_ATTRIBUTION_PREFIX + op] = [
                *own,
                *(b for b in attribution[op] if b.start >= cut),
            ]
    if isinstance(plan, MonthPlan):
        data.this_month = read_this_month(
            plan.client,
            plan.as_of,
            fetch=fetch,
            costs=data["spend_by_project"],
            attribution=attribution,
        )
    return data


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
        key.removeprefix(_ATTRIBUTION_PREFIX): buckets
        for key, buckets in data.items()
        if key.startswith(_ATTRIBUTION_PREFIX)
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
    by_user = _only(_attributed(by_field["user_id"], "user_id", names), *currencies)
    by_key = _only(_attributed(by_field["api_key_id"], "api_key_id", names), *currencies)
    by_model = _only(_attributed(by_field["model"], "model", None), *currencies)
    daily_by_user = _only(_daily_attributed(by_field["user_id"], "user_id"), *currencies)
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
        daily_spend_by_model=_only(_daily_attributed(by_field["model"], "model"), *currencies),
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
    totals: dict[str | None, dict[str, int]] = defaultdict(lambda: dict.fromkeys(_TOKEN_FIELDS, 0))
    # The package's row shape, as for costs: an unset or null count is None there.
    for row in to_records("completions", buckets, extras=False):
        sums = totals[_name(row[field])]
        for name in _TOKEN_FIELDS:
            sums[name] += _int(row[name])
    rows = [Tokens(name, **sums) for name, sums in totals.items()]
    return tuple(sorted(rows, key=lambda t: (-t.total_tokens, t.name or "")))


def _total(entries: Sequence[Tokens]) -> Tokens:
    """The sum of ``entries`` (no name)."""
    fields = [entry.as_dict(None) for entry in entries]
    return Tokens(None, **{name: sum(row[name] for row in fields) for name in _TOKEN_FIELDS})


def _name(value: object) -> str | None:
    return value if isinstance(value, str) else None
