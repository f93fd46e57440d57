from typing import Literal

UsageWebSearchCallsContextLevelsItem = Literal["high", "low", "medium"]

USAGE_WEB_SEARCH_CALLS_CONTEXT_LEVELS_ITEM_VALUES: set[UsageWebSearchCallsContextLevelsItem] = {
    "high",
    "low",
    "medium",
}


def check_usage_web_search_calls_context_levels_item(
    value: str,
) -> UsageWebSearchCallsContextLevelsItem:
    if value in USAGE_WEB_SEARCH_CALLS_CONTEXT_LEVELS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_WEB_SEARCH_CALLS_CONTEXT_LEVELS_ITEM_VALUES!r}"
    )
