from typing import Literal

UsageCompletionsGroupByItem = Literal[
    "api_key_id", "api_source", "batch", "model", "project_id", "service_tier", "user_id"
]

USAGE_COMPLETIONS_GROUP_BY_ITEM_VALUES: set[UsageCompletionsGroupByItem] = {
    "api_key_id",
    "api_source",
    "batch",
    "model",
    "project_id",
    "service_tier",
    "user_id",
}


def check_usage_completions_group_by_item(value: str) -> UsageCompletionsGroupByItem:
    if value in USAGE_COMPLETIONS_GROUP_BY_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_COMPLETIONS_GROUP_BY_ITEM_VALUES!r}"
    )
