from typing import Literal

UsageCostsBucketWidth = Literal["1d"]

USAGE_COSTS_BUCKET_WIDTH_VALUES: set[UsageCostsBucketWidth] = {
    "1d",
}


def check_usage_costs_bucket_width(value: str) -> UsageCostsBucketWidth:
    if value in USAGE_COSTS_BUCKET_WIDTH_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_COSTS_BUCKET_WIDTH_VALUES!r}"
    )
