"""The bill as FOCUS charge rows: one per UTC day, project, line item and currency.

Pure: it reads costs buckets already fetched (grouped by ``project_id`` and ``line_item``,
daily) through the row shape (``export.columns``), and list prices from the price data
(``_pricing``). The billed amounts are rounded to the cent the way :func:`attribute`
rounds them (largest remainder, currency by currency), so the two agree to the cent.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Final

import attrs

from ._attribution_result import BILLED_UNITS, Names
from ._cents import money, round_to_total
from ._models import Row
from ._pricing import UNIT_USAGE, PriceBook
from .export import columns, row_values

__all__ = [
    "LIST_FROM_BILL",
    "LIST_FROM_PRICES",
    "PROVIDER_NAME",
    "WEB_SEARCH",
    "Charge",
    "base_record",
    "bill_charges",
    "dumps",
    "match_key",
    "with_point",
]

PROVIDER_NAME: Final = "OpenAI"
WEB_SEARCH: Final = "web search"
LIST_FROM_PRICES: Final = "price data"
LIST_FROM_BILL: Final = "billed cost (no list price)"

# FOCUS unit names (UnitFormat) for the API's quantity units; an unknown unit is kept as sent.
_UNITS: Final[Mapping[str, str]] = {
    "tokens": "Tokens",
    "1000_tokens": "1000 Tokens",
    "duration_seconds": "Seconds",
    "duration_minutes": "Minutes",
    "duration_hours": "Hours",
    "gibibyte_hours": "GiB-Hours",
    "images": "Images",
    "characters": "Characters",
    "sessions": "Sessions",
    "calls": "Calls",
}
# Price-data units per one API quantity unit: a token unit's price is per token, so a price
# per 1000_tokens is a thousand of them; transcription prices are per second.
_TOKEN_UNITS: Final = frozenset(u for u in UNIT_USAGE if u not in ("characters", "audio seconds"))
_PER_QUANTITY: Final[Mapping[str, tuple[frozenset[str], int]]] = {
    "tokens": (_TOKEN_UNITS, 1),
    "1000_tokens": (_TOKEN_UNITS, 1000),
    "characters": (frozenset({"characters"}), 1),
    "duration_seconds": (frozenset({"audio seconds"}), 1),
    "duration_minutes": (frozenset({"audio seconds"}), 60),
    "duration_hours": (frozenset({"audio seconds"}), 3600),
}


@attrs.frozen
class Charge:
    """One billed line item of one project on one UTC day, in one currency.

    Attributes:
        start: Charge period start (UTC midnight).
        end: Charge period end.
        project_id: The project (None: billed without one).
        line_item: As the API names it (``gpt-4o-2024-08-06, input``).
        currency: Lowercase ISO 4217.
        cents: The billed amount in whole cents (rounded as :func:`attribute` rounds it).
        quantity: Billed quantity (None: not given, or given in several units).
        quantity_unit: Its unit as the API names it.
        list_unit_price: List price per ``quantity_unit`` (None: not in the price data).
    """

    start: datetime
    end: datetime
    project_id: str | None
    line_item: str
    currency: str
    cents: int
    quantity: Decimal | None
    quantity_unit: str | None
    list_unit_price: Decimal | None

    @property
    def day(self) -> date:
        """The UTC day of the charge."""
        return self.start.date()


def match_key(line_item: str) -> str:
    """What usage a line item is billed for: ``web search``, or its model (lowercase), as
    reconciliation matches them."""
    if WEB_SEARCH in line_item.lower():
        return WEB_SEARCH
    return line_item.split(",", 1)[0].strip().lower()


def _price_unit(line_item: str) -> tuple[str, str] | None:
    """``(model, price-data unit)`` of ``"<model>, <unit>"``; decisions bill as completions."""
    model, sep, unit = line_item.partition(",")
    unit = unit.strip().lower().removeprefix("decisions ").strip()
    if not sep or unit not in UNIT_USAGE or not model.strip():
        return None
    return model.strip(), unit


def _list_unit_price(
    book: PriceBook, line_item: str, quantity_unit: str | None, currency: str, day: date
) -> Decimal | None:
    if currency != BILLED_UNITS or quantity_unit is None or quantity_unit not in _PER_QUANTITY:
        return None  # list prices are USD; nothing is converted
    parsed = _price_unit(line_item)
    if parsed is None:
        return None
    model, unit = parsed
    units, factor = _PER_QUANTITY[quantity_unit]
    if unit not in units:
        return None
    prices = book.unit_prices(model, day=day)
    price = None if prices is None else prices.get(unit)
    if not price:
        return None  # not in the data; a zero price for a billed unit is no list price
    return price * factor


_COST_COLUMNS: Final = (
    "amount_value",
    "amount_currency",
    "project_id",
    "line_item",
    "quantity",
    "quantity_unit",
)


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return Decimal(repr(float(value))) if isinstance(value, float) else Decimal(value)


def bill_charges(costs: Sequence[Any], prices: PriceBook | None = None) -> list[Charge]:
    """The charges of fetched costs buckets, in (day, project, line item, currency) order."""
    by_name = {col.name: col for col in columns("costs")}
    cols = tuple(by_name[n] for n in _COST_COLUMNS)
    Key = tuple[datetime, datetime, str | None, str, str]
    amounts: dict[Key, Decimal] = defaultdict(Decimal)
    quantities: dict[Key, list[tuple[Decimal | None, str | None]]] = defaultdict(list)
    for bucket in costs:
        for result in bucket.results:
            value, currency, project, line_item, quantity, unit = row_values(
                cols, Row(bucket.start, bucket.end, result)
            )
            amount = _decimal(value)
            if amount is None:
                continue
            key = (
                bucket.start,
                bucket.end,
                project if isinstance(project, str) else None,
                line_item if isinstance(line_item, str) else "(no line item)",
                currency.lower() if isinstance(currency, str) else BILLED_UNITS,
            )
            amounts[key] += amount
            quantities[key].append((_decimal(quantity), unit if isinstance(unit, str) else None))
    keys = sorted(amounts, key=lambda k: (k[0], k[2] or "", k[3], k[4]))
    cents: dict[Key, int] = {}
    for cur in sorted({k[4] for k in keys}):
        mine = [k for k in keys if k[4] == cur]
        _, parts = round_to_total([amounts[k] for k in mine])
        cents.update(zip(mine, parts, strict=True))
    book = prices or PriceBook()
    charges = []
    for key in keys:
        start, end, project, line_item, currency = key
        quantity, unit = _one_quantity(quantities[key])
        charges.append(
            Charge(
                start=start,
                end=end,
                project_id=project,
                line_item=line_item,
                currency=currency,
                cents=cents[key],
                quantity=quantity,
                quantity_unit=unit,
                list_unit_price=_list_unit_price(book, line_item, unit, currency, start.date())
                if quantity is not None
                else None,
            )
        )
    return charges


def _one_quantity(
    parts: list[tuple[Decimal | None, str | None]],
) -> tuple[Decimal | None, str | None]:
    """The quantities of one charge's results, summed when they share one unit (else none)."""
    units = {unit for _, unit in parts}
    if len(units) != 1 or any(q is None for q, _ in parts):
        return None, None
    return sum((q for q, _ in parts if q is not None), Decimal(0)), units.pop()


def with_point(value: Decimal) -> Decimal:
    """``value`` with at least one decimal place (``1000`` -> ``1000.0``): a reader that
    types columns by their text reads a decimal, not an integer."""
    exponent = value.as_tuple().exponent
    return value.quantize(Decimal("0.1")) if isinstance(exponent, int) and exponent >= 0 else value


def _month(instant: datetime) -> tuple[datetime, datetime]:
    first = datetime(instant.year, instant.month, 1, tzinfo=UTC)
    after = datetime(instant.year + instant.month // 12, instant.month % 12 + 1, 1, tzinfo=UTC)
    return first, after


def base_record(
    charge: Charge,
    *,
    version: str,
    billing_account_id: str,
    names: Names | None,
) -> dict[str, Any]:
    """The FOCUS record of a whole charge (the version's columns, but allocation's)."""
    period_start, period_end = _month(charge.start)
    billed = money(charge.cents)
    unit = None if charge.quantity_unit is None else _UNITS.get(charge.quantity_unit)
    unit = unit or charge.quantity_unit
    quantity = None if charge.quantity is None else with_point(charge.quantity)
    if charge.list_unit_price is not None and charge.quantity is not None:
        list_cost = with_point(charge.list_unit_price * charge.quantity)
        list_source = LIST_FROM_PRICES
    else:
        list_cost, list_source = billed, LIST_FROM_BILL
    project = charge.project_id
    record: dict[str, Any] = {
        "BilledCost": billed,
        "BillingAccountId": billing_account_id,
        "BillingAccountName": None,
        "BillingCurrency": charge.currency.upper(),
        "BillingPeriodEnd": period_end,
        "BillingPeriodStart": period_start,
        "ChargeCategory": "Usage",
        "ChargeClass": None,
        "ChargeDescription": charge.line_item,
        "ChargeFrequency": "Usage-Based",
        "ChargePeriodEnd": charge.end,
        "ChargePeriodStart": charge.start,
        "CommitmentDiscountCategory": None,
        "CommitmentDiscountId": None,
        "CommitmentDiscountName": None,
        "CommitmentDiscountStatus": None,
        "CommitmentDiscountType": None,
        "ConsumedQuantity": quantity,
        "ConsumedUnit": unit,
        # No negotiated rate is visible: the bill is what was contracted and what it cost.
        "ContractedCost": billed,
        "ContractedUnitPrice": None,
        "EffectiveCost": billed,
        "InvoiceIssuerName": PROVIDER_NAME,
        "ListCost": list_cost,
        "ListUnitPrice": None
        if charge.list_unit_price is None
        else with_point(charge.list_unit_price),
        "PricingCategory": "Standard",
        "PricingQuantity": quantity,
        "PricingUnit": unit,
        "ProviderName": PROVIDER_NAME,
        "PublisherName": PROVIDER_NAME,
        "RegionId": None,
        "RegionName": None,
        "ResourceId": None,
        "ResourceName": None,
        "ResourceType": None,
        "ServiceCategory": "AI and Machine Learning",
        "ServiceName": "OpenAI API",
        # The line item is the price point: stable over time and across organizations.
        "SkuId": charge.line_item,
        "SkuPriceId": charge.line_item,
        "SubAccountId": project,
        "SubAccountName": None
        if project is None or names is None
        else names.name("project_id", project),
        "Tags": None,
        "x_ListCostSource": list_source,
    }
    if version >= "1.2":
        record["ServiceSubcategory"] = "Generative AI"
    if version >= "1.3":
        record["HostProviderName"] = PROVIDER_NAME
        record["ServiceProviderName"] = PROVIDER_NAME
    return record


def dumps(value: Mapping[str, Any]) -> str:
    """A JSON column's text (compact, key order kept, non-ASCII as is)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
