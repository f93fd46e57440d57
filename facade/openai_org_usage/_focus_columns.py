"""The FOCUS columns this package writes, per FOCUS version, with their value kinds.

One table says which columns a version's export has and how each is typed (a decimal, a
string, a UTC date/time or a JSON object); the rows (``focus``), the CSV and Parquet
writers (``_focus_write``) and the tests read it, nobody lists columns a second time.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

__all__ = [
    "ALLOCATION_COLUMNS",
    "ALLOCATION_SINCE",
    "COLUMN_KINDS",
    "DEFAULT_VERSION",
    "VERSIONS",
    "Kind",
    "columns_for",
]

Kind = Literal["decimal", "string", "datetime", "json"]

VERSIONS: Final = ("1.0", "1.2", "1.3")
"""The FOCUS versions an export can follow, oldest first."""

DEFAULT_VERSION: Final = VERSIONS[-1]

ALLOCATION_SINCE: Final = "1.3"
"""The first version with split cost allocation columns (``Allocated*``)."""

# Every version: the columns FOCUS 1.0 requires to be present (the validator's *_Required
# rules), under their ratified names. FOCUS 1.2 and 1.3 keep all of them.
_BASE: Final[tuple[tuple[str, Kind], ...]] = (
    ("BilledCost", "decimal"),
    ("BillingAccountId", "string"),
    ("BillingAccountName", "string"),
    ("BillingCurrency", "string"),
    ("BillingPeriodEnd", "datetime"),
    ("BillingPeriodStart", "datetime"),
    ("ChargeCategory", "string"),
    ("ChargeClass", "string"),
    ("ChargeDescription", "string"),
    ("ChargeFrequency", "string"),
    ("ChargePeriodEnd", "datetime"),
    ("ChargePeriodStart", "datetime"),
    ("CommitmentDiscountCategory", "string"),
    ("CommitmentDiscountId", "string"),
    ("CommitmentDiscountName", "string"),
    ("CommitmentDiscountStatus", "string"),
    ("CommitmentDiscountType", "string"),
    ("ConsumedQuantity", "decimal"),
    ("ConsumedUnit", "string"),
    ("ContractedCost", "decimal"),
    ("ContractedUnitPrice", "decimal"),
    ("EffectiveCost", "decimal"),
    ("InvoiceIssuerName", "string"),
    ("ListCost", "decimal"),
    ("ListUnitPrice", "decimal"),
    ("PricingCategory", "string"),
    ("PricingQuantity", "decimal"),
    ("PricingUnit", "string"),
    ("ProviderName", "string"),
    ("PublisherName", "string"),
    ("RegionId", "string"),
    ("RegionName", "string"),
    ("ResourceId", "string"),
    ("ResourceName", "string"),
    ("ResourceType", "string"),
    ("ServiceCategory", "string"),
    ("ServiceName", "string"),
    ("SkuId", "string"),
    ("SkuPriceId", "string"),
    ("SubAccountId", "string"),
    ("SubAccountName", "string"),
    ("Tags", "json"),
)
_SINCE_1_2: Final[tuple[tuple[str, Kind], ...]] = (("ServiceSubcategory", "string"),)
# 1.3 names the provider twice: who sells (ServiceProviderName, replacing ProviderName, which
# stays for readers of older versions) and whose infrastructure runs it (HostProviderName).
_SINCE_1_3: Final[tuple[tuple[str, Kind], ...]] = (
    ("HostProviderName", "string"),
    ("ServiceProviderName", "string"),
)
ALLOCATION_COLUMNS: Final[tuple[tuple[str, Kind], ...]] = (
    ("AllocatedMethodDetails", "json"),
    ("AllocatedMethodId", "string"),
    ("AllocatedResourceId", "string"),
    ("AllocatedResourceName", "string"),
    ("AllocatedTags", "json"),
)
# Custom columns (FOCUS: x_ prefix): how far ListCost can be trusted.
_CUSTOM: Final[tuple[tuple[str, Kind], ...]] = (("x_ListCostSource", "string"),)

COLUMN_KINDS: Final[Mapping[str, Kind]] = MappingProxyType(
    dict((*_BASE, *_SINCE_1_2, *_SINCE_1_3, *ALLOCATION_COLUMNS, *_CUSTOM))
)
"""Every column any export can have, and its kind."""


def columns_for(version: str, *, allocation: bool = False) -> tuple[str, ...]:
    """The columns of an export in ``version`` (a checked one), FOCUS columns alphabetical,
    then the custom ``x_`` columns."""
    pairs = list(_BASE)
    if version >= "1.2":
        pairs += _SINCE_1_2
    if version >= "1.3":
        pairs += _SINCE_1_3
    if allocation:
        pairs += ALLOCATION_COLUMNS
    return (*sorted(name for name, _ in pairs), *(name for name, _ in _CUSTOM))
