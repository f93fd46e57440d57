from typing import Literal

UsageImagesBucketObject = Literal["bucket"]

USAGE_IMAGES_BUCKET_OBJECT_VALUES: set[UsageImagesBucketObject] = {
    "bucket",
}


def check_usage_images_bucket_object(value: str) -> UsageImagesBucketObject:
    if value in USAGE_IMAGES_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_IMAGES_BUCKET_OBJECT_VALUES!r}"
    )
