from typing import Literal

UsageVectorStoresBucketObject = Literal["bucket"]

USAGE_VECTOR_STORES_BUCKET_OBJECT_VALUES: set[UsageVectorStoresBucketObject] = {
    "bucket",
}


def check_usage_vector_stores_bucket_object(value: str) -> UsageVectorStoresBucketObject:
    if value in USAGE_VECTOR_STORES_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_VECTOR_STORES_BUCKET_OBJECT_VALUES!r}"
    )
