from typing import Literal

UsageVectorStoresGroupByItem = Literal["project_id"]

USAGE_VECTOR_STORES_GROUP_BY_ITEM_VALUES: set[UsageVectorStoresGroupByItem] = {
    "project_id",
}


def check_usage_vector_stores_group_by_item(value: str) -> UsageVectorStoresGroupByItem:
    if value in USAGE_VECTOR_STORES_GROUP_BY_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_VECTOR_STORES_GROUP_BY_ITEM_VALUES!r}"
    )
