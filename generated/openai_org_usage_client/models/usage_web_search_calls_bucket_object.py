from typing import Literal

UsageWebSearchCallsBucketObject = Literal["bucket"]

USAGE_WEB_SEARCH_CALLS_BUCKET_OBJECT_VALUES: set[UsageWebSearchCallsBucketObject] = {
    "bucket",
}


def check_usage_web_search_calls_bucket_object(value: str) -> UsageWebSearchCallsBucketObject:
    if value in USAGE_WEB_SEARCH_CALLS_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_WEB_SEARCH_CALLS_BUCKET_OBJECT_VALUES!r}"
    )
