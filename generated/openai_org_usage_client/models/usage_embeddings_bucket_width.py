from typing import Literal

UsageEmbeddingsBucketWidth = Literal["1d", "1h", "1m"]

USAGE_EMBEDDINGS_BUCKET_WIDTH_VALUES: set[UsageEmbeddingsBucketWidth] = {
    "1d",
    "1h",
    "1m",
}


def check_usage_embeddings_bucket_width(value: str) -> UsageEmbeddingsBucketWidth:
    if value in USAGE_EMBEDDINGS_BUCKET_WIDTH_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_EMBEDDINGS_BUCKET_WIDTH_VALUES!r}"
    )
