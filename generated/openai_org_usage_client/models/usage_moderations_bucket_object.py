from typing import Literal

UsageModerationsBucketObject = Literal["bucket"]

USAGE_MODERATIONS_BUCKET_OBJECT_VALUES: set[UsageModerationsBucketObject] = {
    "bucket",
}


def check_usage_moderations_bucket_object(value: str) -> UsageModerationsBucketObject:
    if value in USAGE_MODERATIONS_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_MODERATIONS_BUCKET_OBJECT_VALUES!r}"
    )
