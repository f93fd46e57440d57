from typing import Literal

UsageDecisionsBucketObject = Literal["bucket"]

USAGE_DECISIONS_BUCKET_OBJECT_VALUES: set[UsageDecisionsBucketObject] = {
    "bucket",
}


def check_usage_decisions_bucket_object(value: str) -> UsageDecisionsBucketObject:
    if value in USAGE_DECISIONS_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_DECISIONS_BUCKET_OBJECT_VALUES!r}"
    )
