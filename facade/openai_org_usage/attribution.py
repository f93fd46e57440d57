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

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final

from ._attribution_result import (
    BILLED_UNITS,
    NAME_KINDS,
    Attribution,
    AttributionRow,
    AttributionTotals,
    MappingNames,
    Names,
)
from ._attribution_result import (
    GroupValue as GroupValue,
)
from ._cents import allocate_cents, round_to_total
from ._pagination import AsyncPaginator, Paginator
from ._pricing import PRICED_OPERATIONS, UNPRICED_OPERATIONS
from ._reconcile import (
    BUCKET_WIDTHS as BUCKET_WIDTHS,
)
from ._reconcile import (
    GROUPINGS,
    checked_grouping,
    reconcile,
    reconcile_views,
)
from ._reconcile import (
    NO_USAGE as NO_USAGE,
)
from ._reconcile import (
    NOT_FROM_USAGE as NOT_FROM_USAGE,
)
from ._reconcile import (
    OTHER_CURRENCY as OTHER_CURRENCY,
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
    "reconcile_views",
    "round_to_total",
]
JOB_OPERATIONS: Final = ("costs", *PRICED_OPERATIONS, "images")
"""The operations :func:`attribution_jobs` fetches, in order (images: to name why their
line items are not attributed)."""

# Fields every usage query groups by, when the endpoint has them: the price depends on them
# (model, batch, service tier) and the bill is split by project.
_PRICING_FIELDS: Final = ("project_id", "model", "batch", "service_tier")

_COSTS_GROUPING: Final = ("project_id", "line_item")


def attribution_jobs(
    client: UsageClient | AsyncUsageClient,
    *,
    start: Any,
    end: Any = None,
    by: Sequence[str] = ("user_id",),
    bucket_width: str = "1d",
    tz: str | None = None,
    project_ids: Sequence[str] | None = None,
) -> list[tuple[str, Any]]:
    """The calls :func:`attribute` makes, as lazy paginators (creating them validates all).

    Args:
        project_ids: Ask the usage endpoints for these projects' usage only (default: all).
            The bill is always read whole: it is rounded to cents as one, and each project's
            line items are shared out among that project's usage only, so the rows of these
            projects reconcile to the cents of the whole attribution (the other projects'
            line items become remainder rows).

    Returns:
        ``(operation, paginator)`` pairs: ``costs`` first, then each usage endpoint
        (:class:`Paginator` from a :class:`UsageClient`, :class:`AsyncPaginator` from an
        :class:`AsyncUsageClient`).

    Raises:
        InvalidParameterError: A ``by`` field or width attribution cannot use, or any
            parameter the client refuses; before any request.
    """
    from ._operations import OPERATIONS

    fields = checked_grouping(by, bucket_width)
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
        filters = {"project_ids": list(project_ids)} if project_ids is not None else {}
        jobs.append(
            (
                name,
                method(bucket_width=bucket_width, group_by=group_by or None, **common, **filters),
            )
        )
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
    return reconcile(data, by=by, bucket_width=bucket_width, names=names)


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
    return reconcile(data, by=by, bucket_width=bucket_width, names=names)
