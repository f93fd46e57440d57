from typing import Literal

UsageEmbeddingsPageObject = Literal["page"]

USAGE_EMBEDDINGS_PAGE_OBJECT_VALUES: set[UsageEmbeddingsPageObject] = {
    "page",
}


def check_usage_embeddings_page_object(value: str) -> UsageEmbeddingsPageObject:
    if value in USAGE_EMBEDDINGS_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_EMBEDDINGS_PAGE_OBJECT_VALUES!r}"
    )
