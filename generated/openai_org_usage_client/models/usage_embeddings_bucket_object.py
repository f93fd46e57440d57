from typing import Literal

UsageEmbeddingsBucketObject = Literal["bucket"]

USAGE_EMBEDDINGS_BUCKET_OBJECT_VALUES: set[UsageEmbeddingsBucketObject] = {
    "bucket",
}


def check_usage_embeddings_bucket_object(value: str) -> UsageEmbeddingsBucketObject:
    if value in USAGE_EMBEDDINGS_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_EMBEDDINGS_BUCKET_OBJECT_VALUES!r}"
    )
