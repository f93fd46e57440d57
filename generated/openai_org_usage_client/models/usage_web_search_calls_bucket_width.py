from typing import Literal

UsageWebSearchCallsBucketWidth = Literal["1d", "1h", "1m"]

USAGE_WEB_SEARCH_CALLS_BUCKET_WIDTH_VALUES: set[UsageWebSearchCallsBucketWidth] = {
    "1d",
    "1h",
    "1m",
}


def check_usage_web_search_calls_bucket_width(value: str) -> UsageWebSearchCallsBucketWidth:
    if value in USAGE_WEB_SEARCH_CALLS_BUCKET_WIDTH_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_WEB_SEARCH_CALLS_BUCKET_WIDTH_VALUES!r}"
    )
