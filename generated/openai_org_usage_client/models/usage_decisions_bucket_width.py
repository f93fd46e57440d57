from typing import Literal

UsageDecisionsBucketWidth = Literal["1d", "1h", "1m"]

USAGE_DECISIONS_BUCKET_WIDTH_VALUES: set[UsageDecisionsBucketWidth] = {
    "1d",
    "1h",
    "1m",
}


def check_usage_decisions_bucket_width(value: str) -> UsageDecisionsBucketWidth:
    if value in USAGE_DECISIONS_BUCKET_WIDTH_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_DECISIONS_BUCKET_WIDTH_VALUES!r}"
    )
