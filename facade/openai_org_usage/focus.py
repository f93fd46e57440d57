"""The bill in FOCUS, the FinOps Foundation's open billing format (1.0, 1.2, 1.3).

::

    from openai_org_usage import UsageClient
    from openai_org_usage.focus import focus_rows, write_focus

    with UsageClient() as client:
        rows = focus_rows(client, start="2026-11-01", end="2026-12-01")
    write_focus(rows, "bill.parquet", format="parquet")

One row per UTC day, project and billed line item (``/organization/costs`` grouped by
``project_id`` and ``line_item``, daily), in each line item's currency. ``BilledCost``,
``EffectiveCost`` and ``ContractedCost`` are the bill rounded to the cent exactly as
:func:`~openai_org_usage.attribution.attribute` rounds it (so the two agree to the cent);
``ListUnitPrice`` and ``ListCost`` come from the price data (``genai-prices``) where it prices
the line item's model and unit, and otherwise ``ListCost`` is the bill (``x_ListCostSource``
says which). Quantities and units are the API's (``quantity``, ``quantity_unit``).

With ``allocation=True`` (FOCUS 1.3 on), each charge is split among the users and API keys
whose usage it bills (``Allocated*`` columns), in whole cents that add up to the charge, by
attribution's weights (usage at list price); see ``openai_org_usage._focus_allocation``.

Money in different currencies is never added: every row carries its ``BillingCurrency``, and
list prices (USD) are used only for charges billed in USD.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, Any, Final

from ._errors import InvalidParameterError
from ._focus_allocation import ALLOCATION_BY, allocated_records, weights_of
from ._focus_columns import ALLOCATION_SINCE, DEFAULT_VERSION, VERSIONS, columns_for
from ._focus_rows import base_record, bill_charges
from ._focus_write import to_arrow, write_csv, write_parquet
from ._pricing import PriceBook
from .attribution import Names, attribution_jobs, reconcile

if TYPE_CHECKING:
    from ._client import UsageClient
    from ._pagination import Paginator

__all__ = [
    "DEFAULT_BILLING_ACCOUNT_ID",
    "DEFAULT_FOCUS_VERSION",
    "FOCUS_FORMATS",
    "FOCUS_VERSIONS",
    "build_focus_rows",
    "check_focus_options",
    "focus_columns",
    "focus_jobs",
    "focus_rows",
    "focus_table",
    "write_focus",
]

FOCUS_VERSIONS: Final = VERSIONS
"""The FOCUS versions an export can follow: ``("1.0", "1.2", "1.3")``."""

DEFAULT_FOCUS_VERSION: Final = DEFAULT_VERSION
"""The newest supported version (``1.3``)."""

FOCUS_FORMATS: Final = ("csv", "parquet")

DEFAULT_BILLING_ACCOUNT_ID: Final = "openai-organization"
"""``BillingAccountId`` when none is given: the API does not name the organization."""


def check_focus_options(
    version: str = DEFAULT_FOCUS_VERSION,
    *,
    allocation: bool = False,
    format: str | None = None,
    billing_account_id: str = DEFAULT_BILLING_ACCOUNT_ID,
) -> None:
    """Refuse options no export can have, before any request.

    Raises:
        InvalidParameterError: An unknown ``version`` or ``format``, ``allocation`` with a
            version before 1.3, or an empty ``billing_account_id``; the message names the
            parameter, the value and what is allowed.

    Example::

        check_focus_options("1.2", allocation=True)  # raises: allocation needs 1.3
    """
    if not isinstance(version, str) or version not in FOCUS_VERSIONS:
        raise InvalidParameterError("version", version, f"one of {', '.join(FOCUS_VERSIONS)}")
    if allocation and version < ALLOCATION_SINCE:
        raise InvalidParameterError(
            "allocation",
            allocation,
            f"False with FOCUS {version}",
            hint=f"split cost allocation columns (Allocated*) exist from FOCUS "
            f"{ALLOCATION_SINCE} on: ask for version {ALLOCATION_SINCE}",
        )
    if format is not None and format not in FOCUS_FORMATS:
        raise InvalidParameterError("format", format, f"one of {', '.join(FOCUS_FORMATS)}")
    if not isinstance(billing_account_id, str) or not billing_account_id.strip():
        raise InvalidParameterError(
            "billing_account_id", billing_account_id, "a non-empty string (FOCUS needs one)"
        )


def focus_columns(
    version: str = DEFAULT_FOCUS_VERSION, *, allocation: bool = False
) -> tuple[str, ...]:
    """The columns of an export: FOCUS columns alphabetical, then the ``x_`` custom ones.

    Args:
        version: A FOCUS version (:data:`FOCUS_VERSIONS`).
        allocation: Include the ``Allocated*`` columns (1.3 on).

    Returns:
        Column names, in the order the writers write them.

    Raises:
        InvalidParameterError: As :func:`check_focus_options`.

    Example::

        assert "BilledCost" in focus_columns("1.0")
    """
    check_focus_options(version, allocation=allocation)
    return columns_for(version, allocation=allocation)


def focus_jobs(
    client: UsageClient,
    *,
    start: Any,
    end: Any = None,
    version: str = DEFAULT_FOCUS_VERSION,
    allocation: bool = False,
    tz: str | None = None,
) -> list[tuple[str, Paginator[Any]]]:
    """The requests an export makes, as lazy paginators (creating them validates all).

    Returns:
        ``(operation, paginator)`` pairs, ``costs`` first; with ``allocation`` also the usage
        endpoints attribution prices.

    Raises:
        InvalidParameterError: Any option or range the client refuses, before any request.

    Example::

        jobs = focus_jobs(client, start="7d")
        data = {name: list(p) for name, p in jobs}
    """
    check_focus_options(version, allocation=allocation)
    if allocation:
        return attribution_jobs(client, start=start, end=end, by=ALLOCATION_BY, tz=tz)
    common: dict[str, Any] = {"start": start, "end": end}
    if tz is not None:
        common["tz"] = tz
    costs = client.costs(bucket_width="1d", group_by=["project_id", "line_item"], **common)
    return [("costs", costs)]


def build_focus_rows(
    data: Mapping[str, Sequence[Any]],
    *,
    version: str = DEFAULT_FOCUS_VERSION,
    allocation: bool = False,
    names: Names | None = None,
    billing_account_id: str = DEFAULT_BILLING_ACCOUNT_ID,
    prices: PriceBook | None = None,
) -> list[dict[str, Any]]:
    """FOCUS records of buckets already fetched (:func:`focus_jobs`' operations, by name).

    Args:
        data: Buckets by operation name: ``costs`` (and the usage endpoints for allocation).
        version: FOCUS version of the columns.
        allocation: Split charges among users and keys (``Allocated*`` columns).
        names: Name source for ``SubAccountName`` and the allocated names (the directory).
        billing_account_id: ``BillingAccountId`` of every row.
        prices: Unit prices (default: the genai-prices data).

    Returns:
        One dict per row, keyed by :func:`focus_columns`: ``Decimal`` amounts, UTC
        ``datetime`` periods, JSON columns as JSON text.

    Raises:
        InvalidParameterError: As :func:`check_focus_options`.

    Example::

        rows = build_focus_rows({"costs": list(client.costs(start="7d", group_by=[
            "project_id", "line_item"]))})
    """
    check_focus_options(version, allocation=allocation, billing_account_id=billing_account_id)
    book = prices or PriceBook()
    charges = bill_charges(data.get("costs", ()), book)
    records = [
        base_record(c, version=version, billing_account_id=billing_account_id, names=names)
        for c in charges
    ]
    if not allocation:
        return records
    usage = {name: b for name, b in data.items() if name not in ("costs", "web_search_calls")}
    web = {"costs": (), "web_search_calls": data.get("web_search_calls", ())}
    weights = weights_of(
        reconcile({"costs": (), **usage}, by=ALLOCATION_BY, prices=book),
        reconcile(web, by=ALLOCATION_BY, prices=book),
    )
    out: list[dict[str, Any]] = []
    for charge, record in zip(charges, records, strict=True):
        out.extend(allocated_records(charge, record, weights, names))
    return out


def focus_rows(
    client: UsageClient,
    *,
    start: Any,
    end: Any = None,
    version: str = DEFAULT_FOCUS_VERSION,
    allocation: bool = False,
    names: Names | None = None,
    billing_account_id: str = DEFAULT_BILLING_ACCOUNT_ID,
    tz: str | None = None,
    fetch: Callable[[Sequence[tuple[str, Paginator[Any]]]], list[list[Any]]] | None = None,
) -> list[dict[str, Any]]:
    """The organization's bill over a range as FOCUS records.

    Args:
        client: A :class:`~openai_org_usage.UsageClient`.
        start: Start of the range (anything the client's methods take).
        end: End of the range (default: now).
        version: FOCUS version (:data:`FOCUS_VERSIONS`; default the newest).
        allocation: Split each charge among the users and API keys that used it (FOCUS 1.3
            ``Allocated*`` columns); fetches the usage endpoints too.
        names: Name source for project, user and key names (the directory).
        billing_account_id: ``BillingAccountId`` (the API does not name the organization).
        tz: Read naive times in this zone, as the client does.
        fetch: Collects the paginators' buckets (default: iterate each).

    Returns:
        One dict per row, keyed by :func:`focus_columns` (see :func:`build_focus_rows`).

    Raises:
        InvalidParameterError: A bad option or range, before any request.
        OpenAIUsageError: Whatever the requests raise.

    Example::

        rows = focus_rows(client, start="2026-11-01", end="2026-12-01", version="1.2")
        print(sum(r["BilledCost"] for r in rows if r["BillingCurrency"] == "USD"))
    """
    check_focus_options(version, allocation=allocation, billing_account_id=billing_account_id)
    jobs = focus_jobs(client, start=start, end=end, version=version, allocation=allocation, tz=tz)
    fetched = fetch(jobs) if fetch is not None else [list(p) for _, p in jobs]
    data = {name: buckets for (name, _), buckets in zip(jobs, fetched, strict=True)}
    return build_focus_rows(
        data,
        version=version,
        allocation=allocation,
        names=names,
        billing_account_id=billing_account_id,
    )


def focus_table(
    rows: Sequence[Mapping[str, Any]],
    *,
    version: str = DEFAULT_FOCUS_VERSION,
    allocation: bool = False,
) -> Any:
    """The records as a typed ``pyarrow.Table`` (``arrow`` extra): decimals exact.

    Raises:
        InvalidParameterError: As :func:`check_focus_options`.
        MissingDependencyError: pyarrow is not installed.

    Example::

        table = focus_table(focus_rows(client, start="7d"))
    """
    return to_arrow(focus_columns(version, allocation=allocation), rows)


def write_focus(
    rows: Sequence[Mapping[str, Any]],
    file: str | os.PathLike[str] | IO[Any],
    *,
    format: str = "csv",
    version: str = DEFAULT_FOCUS_VERSION,
    allocation: bool = False,
    raw: bool = False,
) -> None:
    """Write records as FOCUS CSV or Parquet.

    Args:
        rows: From :func:`focus_rows` with the same ``version`` and ``allocation``.
        file: A path, or an open file (text with ``newline=""`` for CSV, binary for Parquet).
        format: ``csv`` or ``parquet``.
        version: The records' FOCUS version.
        allocation: Whether the records have the ``Allocated*`` columns.
        raw: CSV: write text cells exactly (by default a cell starting with ``=``, ``+``,
            ``-``, ``@``, tab or CR gets a leading ``'``). Parquet is always exact.

    Raises:
        InvalidParameterError: As :func:`check_focus_options`, before anything is written.
        MissingDependencyError: Parquet without pyarrow.

    Example::

        write_focus(rows, "bill.csv")
    """
    check_focus_options(version, allocation=allocation, format=format)
    header = columns_for(version, allocation=allocation)
    if format == "parquet":
        write_parquet(to_arrow(header, rows), file)
        return
    if isinstance(file, str | os.PathLike):
        with open(file, "w", encoding="utf-8", newline="") as handle:
            write_csv(handle, header, rows, raw=raw)
        return
    write_csv(file, header, rows, raw=raw)
