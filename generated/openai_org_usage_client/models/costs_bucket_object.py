from typing import Literal

CostsBucketObject = Literal["bucket"]

COSTS_BUCKET_OBJECT_VALUES: set[CostsBucketObject] = {
    "bucket",
}


def check_costs_bucket_object(value: str) -> CostsBucketObject:
    if value in COSTS_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COSTS_BUCKET_OBJECT_VALUES!r}")
