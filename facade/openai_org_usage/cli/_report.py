"""The ``report`` command's data: fetched with the facade, aggregated into plain objects.

Nothing here renders. ``fetch_report`` makes the calls (all validated before the first
request), ``build_report`` (``_report_build``) is a pure function of the buckets, and
``Report.to_dict`` is what ``--format json`` prints, so every format shows the same numbers.

Money in two currencies is never added: every amount carries its currency, totals are kept
per currency (``Report.spend_by_currency``), and ``Report.in_currency`` gives the part of the
report in one currency, which renderers show one currency at a time.

The report also carries the month (``_this_month``): the UTC calendar month holding
the report's end. ``report_jobs`` plans its reads with the report's paginators and
``fetch_report`` makes them, so the command's three steps stay as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

import attrs

from openai_org_usage import Bucket, Paginator, UsageClient
from openai_org_usage.attribution import BILLED_UNITS, JOB_OPERATIONS, attribution_jobs
from openai_org_usage.timerange import TimeRange

from ._rows import iso_utc
from ._this_month import (
    Fetch,
    MonthPlan,
    ThisMonth,
    first_day_end,
    read_this_month,
    shared_start,
)

__all__ = [
    "ATTRIBUTION_BY",
    "ATTRIBUTION_PREFIX",
    "ATTRIBUTION_VIEWS",
    "DEFAULT_TOP",
    "GAUGES",
    "OTHER_METRICS",
    "REPORT_BUCKET_WIDTH",
    "TOKEN_FIELDS",
    "AttributedSpend",
    "DailySpend",
    "Report",
    "ReportData",
    "ReportJobs",
    "Spend",
    "Tokens",
    "Unattributed",
    "currency_note",
    "fetch_report",
    "in_currencies",
    "report_jobs",
    "report_keys",
]

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
ATTRIBUTION_PREFIX = "attribution:"
"""``fetch_report``'s keys of the attribution reads: this prefix and the operation."""

GAUGES = frozenset({"vector_stores"})
"""Endpoints whose value is a level, not a flow: the latest bucket counts, never the sum."""

TOKEN_FIELDS = ("input_tokens", "output_tokens", "input_cached_tokens", "num_model_requests")
"""The completions fields a :class:`Tokens` sums, under the API's names."""


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
            | {field: getattr(self, field) for field in TOKEN_FIELDS}
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
            spend_by_project=in_currencies(self.spend_by_project, currency),
            spend_by_line_item=in_currencies(self.spend_by_line_item, currency),
            daily_spend_by_project=in_currencies(self.daily_spend_by_project, currency),
            daily_spend_by_line_item=in_currencies(self.daily_spend_by_line_item, currency),
            spend_by_user=in_currencies(self.spend_by_user, currency),
            spend_by_api_key=in_currencies(self.spend_by_api_key, currency),
            unattributed=in_currencies(self.unattributed, currency),
            spend_by_model=in_currencies(self.spend_by_model, currency),
            daily_spend_by_model=in_currencies(self.daily_spend_by_model, currency),
            daily_spend_by_user=in_currencies(self.daily_spend_by_user, currency),
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


def in_currencies(entries: Sequence[_Money], *currencies: str) -> tuple[_Money, ...]:
    """The entries whose amounts are in one of ``currencies``, in their order."""
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
        + [ATTRIBUTION_PREFIX + op for op in JOB_OPERATIONS]
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
        attribution = {op: data[ATTRIBUTION_PREFIX + op] for op in JOB_OPERATIONS}
        first = fetched[count:] if first_day else [[] for _ in JOB_OPERATIONS]
        cut = plan.shared_from
        for op, own in zip(JOB_OPERATIONS, first, strict=True):
            data[ATTRIBUTION_PREFIX + op] = [
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
