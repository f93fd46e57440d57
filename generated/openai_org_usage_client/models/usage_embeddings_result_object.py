from typing import Literal

UsageEmbeddingsResultObject = Literal["organization.usage.embeddings.result"]

USAGE_EMBEDDINGS_RESULT_OBJECT_VALUES: set[UsageEmbeddingsResultObject] = {
    "organization.usage.embeddings.result",
}


def check_usage_embeddings_result_object(value: str) -> UsageEmbeddingsResultObject:
    if value in USAGE_EMBEDDINGS_RESULT_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_EMBEDDINGS_RESULT_OBJECT_VALUES!r}"
    )
