"""FOCUS 1.3 split cost allocation: each charge shared out to the users and API keys that used it.

The weights are attribution's: the list-price estimate of each (user, API key)'s usage of the
charge's model (or of web search) in its project that day (``reconcile``). Each charge is
split in whole cents by largest remainder, so its allocated rows add up to it exactly; its
quantities are split by the same weights in their smallest unit. A user's total can differ
from ``attribute``'s by rounding cents: attribution rounds once per model, this once per line
item. A charge no usage explains stays one row (its allocated portion is null).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final

from ._attribution_result import Attribution, Names
from ._cents import allocate_cents, money
from ._focus_rows import LIST_FROM_PRICES, Charge, dumps, match_key, with_point

__all__ = ["ALLOCATION_BY", "METHOD_ID", "Weights", "allocated_records", "weights_of"]

METHOD_ID: Final = "openai-org-usage/usage-at-list-price"
"""``AllocatedMethodId``: shares in proportion to usage priced at list price."""

ALLOCATION_BY: Final = ("project_id", "model", "user_id", "api_key_id")
"""The attribution grouping the weights are read from."""

Owner = tuple[str | None, str | None]  # (user_id, api_key_id)
Weights = Mapping[tuple[date, str | None, str], Mapping[Owner, Decimal]]


def weights_of(models: Attribution, web_search: Attribution) -> Weights:
    """Estimates per (day, project, model or web search) and (user, key), from two
    attributions grouped by :data:`ALLOCATION_BY`: one of model usage, one of web search."""
    out: dict[tuple[date, str | None, str], dict[Owner, Decimal]] = defaultdict(
        lambda: defaultdict(Decimal)
    )
    for result, web in ((models, False), (web_search, True)):
        for row in result.attributed_rows:
            if row.estimated <= 0:
                continue
            project, model = row.group.get("project_id"), row.group.get("model")
            user, key = row.group.get("user_id"), row.group.get("api_key_id")
            if web:
                matched = "web search"
            elif isinstance(model, str):
                matched = model.lower()
            else:
                continue
            owner = (user if isinstance(user, str) else None, key if isinstance(key, str) else None)
            project_id = project if isinstance(project, str) else None
            out[row.start.date(), project_id, matched][owner] += row.estimated
    return out


def _split_quantity(quantity: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    raw = quantity.as_tuple().exponent
    exponent: int = min(raw, -1) if isinstance(raw, int) else -1
    units = int(quantity.scaleb(-exponent))
    return [with_point(Decimal(p).scaleb(exponent)) for p in allocate_cents(units, weights)]


def _name(names: Names | None, kind: str, id: str) -> str:
    return names.label(kind, id) if names is not None else id


def allocated_records(
    charge: Charge, record: dict[str, Any], weights: Weights, names: Names | None
) -> list[dict[str, Any]]:
    """``record`` (the whole charge) as allocated charges (one per user and key), or as
    itself with null allocation columns when no usage explains it."""
    plain = {**record, **dict.fromkeys(_ALLOCATED)}
    shares = weights.get((charge.day, charge.project_id, match_key(charge.line_item)), {})
    owners = sorted(shares, key=lambda o: (o[0] or "", o[1] or ""))
    weight = [shares[o] for o in owners]
    if charge.currency != "usd" or not owners or sum(weight) <= 0:
        return [plain]
    total = sum(weight, Decimal(0))
    cents = allocate_cents(charge.cents, weight)
    quantity = record["PricingQuantity"]
    quantities = _split_quantity(quantity, weight) if quantity is not None else None
    unit_price = record["ListUnitPrice"]
    out = []
    for i, ((user, key), share, part) in enumerate(zip(owners, weight, cents, strict=True)):
        amount = money(part)
        row = dict(plain)
        row["BilledCost"] = row["EffectiveCost"] = row["ContractedCost"] = amount
        if quantities is not None:
            row["PricingQuantity"] = row["ConsumedQuantity"] = quantities[i]
        if unit_price is not None and quantities is not None:
            row["ListCost"] = with_point(unit_price * quantities[i])
        elif record["x_ListCostSource"] != LIST_FROM_PRICES:
            row["ListCost"] = amount
        resource = key or user
        tags: dict[str, str] = {}
        if user is not None:
            tags["openai/user_id"] = user
            tags["openai/user_name"] = _name(names, "user_id", user)
        if key is not None:
            tags["openai/api_key_id"] = key
            tags["openai/api_key_name"] = _name(names, "api_key_id", key)
        element: dict[str, Any] = {
            "AllocatedRatio": float(share / total),
            "UsageUnit": "USD at list price",
            "UsageQuantity": float(share),
        }
        row["AllocatedMethodId"] = METHOD_ID
        row["AllocatedMethodDetails"] = dumps({"Elements": [element]})
        row["AllocatedResourceId"] = resource
        row["AllocatedResourceName"] = (
            None
            if resource is None
            else _name(names, "api_key_id" if key is not None else "user_id", resource)
        )
        row["AllocatedTags"] = dumps(tags) if tags else None
        out.append(row)
    return out


_ALLOCATED: Final = (
    "AllocatedMethodDetails",
    "AllocatedMethodId",
    "AllocatedResourceId",
    "AllocatedResourceName",
    "AllocatedTags",
)
