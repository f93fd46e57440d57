# Test fixture: a hand-made miniature of the openai SDK's layout (tests/tools/data/sdk/README.md).
# ruff: noqa
# Like the real SDK, every response type holds the same union of all result types.

from typing import List, Union, Optional
from typing_extensions import Literal, Annotated, TypeAlias

from ...._utils import PropertyInfo
from ...._models import BaseModel
from .cost_quantity_unit import CostQuantityUnit

__all__ = ["UsageCompletionsResponse", "Data", "DataResult"]


class DataResultOrganizationUsageCompletionsResult(BaseModel):
    input_tokens: int

    object: Literal["organization.usage.completions.result"]

    output_tokens: int

    batch: Optional[bool] = None

    input_cached_tokens: Optional[int] = None

    model: Optional[str] = None


class DataResultOrganizationCostsResultAmount(BaseModel):
    currency: Optional[str] = None

    value: Optional[float] = None


class DataResultOrganizationCostsResult(BaseModel):
    object: Literal["organization.costs.result"]

    amount: Optional[DataResultOrganizationCostsResultAmount] = None

    line_item: Optional[str] = None

    quantity_unit: Optional[CostQuantityUnit] = None


DataResult: TypeAlias = Annotated[
    Union[DataResultOrganizationUsageCompletionsResult, DataResultOrganizationCostsResult],
    PropertyInfo(discriminator="object"),
]


class Data(BaseModel):
    end_time: int

    object: Literal["bucket"]

    results: List[DataResult]

    start_time: int


class UsageCompletionsResponse(BaseModel):
    data: List[Data]

    has_more: bool

    next_page: Optional[str] = None

    object: Literal["page"]
