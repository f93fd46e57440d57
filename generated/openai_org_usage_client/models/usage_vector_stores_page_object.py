from typing import Literal

UsageVectorStoresPageObject = Literal["page"]

USAGE_VECTOR_STORES_PAGE_OBJECT_VALUES: set[UsageVectorStoresPageObject] = {
    "page",
}


def check_usage_vector_stores_page_object(value: str) -> UsageVectorStoresPageObject:
    if value in USAGE_VECTOR_STORES_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_VECTOR_STORES_PAGE_OBJECT_VALUES!r}"
    )
