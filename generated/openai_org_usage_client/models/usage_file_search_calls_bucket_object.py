from typing import Literal

UsageFileSearchCallsBucketObject = Literal["bucket"]

USAGE_FILE_SEARCH_CALLS_BUCKET_OBJECT_VALUES: set[UsageFileSearchCallsBucketObject] = {
    "bucket",
}


def check_usage_file_search_calls_bucket_object(value: str) -> UsageFileSearchCallsBucketObject:
    if value in USAGE_FILE_SEARCH_CALLS_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_FILE_SEARCH_CALLS_BUCKET_OBJECT_VALUES!r}"
    )
