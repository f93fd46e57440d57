from typing import Literal

UsageCompletionsBucketObject = Literal["bucket"]

USAGE_COMPLETIONS_BUCKET_OBJECT_VALUES: set[UsageCompletionsBucketObject] = {
    "bucket",
}


def check_usage_completions_bucket_object(value: str) -> UsageCompletionsBucketObject:
    if value in USAGE_COMPLETIONS_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_COMPLETIONS_BUCKET_OBJECT_VALUES!r}"
    )
