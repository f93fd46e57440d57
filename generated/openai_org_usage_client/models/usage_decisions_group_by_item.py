from typing import Literal

UsageDecisionsGroupByItem = Literal[
    "api_key_id", "api_source", "batch", "model", "project_id", "service_tier", "user_id"
]

USAGE_DECISIONS_GROUP_BY_ITEM_VALUES: set[UsageDecisionsGroupByItem] = {
    "api_key_id",
    "api_source",
    "batch",
    "model",
    "project_id",
    "service_tier",
    "user_id",
}


def check_usage_decisions_group_by_item(value: str) -> UsageDecisionsGroupByItem:
    if value in USAGE_DECISIONS_GROUP_BY_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_DECISIONS_GROUP_BY_ITEM_VALUES!r}"
    )
