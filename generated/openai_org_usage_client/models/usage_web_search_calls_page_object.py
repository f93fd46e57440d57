from typing import Literal

UsageWebSearchCallsPageObject = Literal["page"]

USAGE_WEB_SEARCH_CALLS_PAGE_OBJECT_VALUES: set[UsageWebSearchCallsPageObject] = {
    "page",
}


def check_usage_web_search_calls_page_object(value: str) -> UsageWebSearchCallsPageObject:
    if value in USAGE_WEB_SEARCH_CALLS_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_WEB_SEARCH_CALLS_PAGE_OBJECT_VALUES!r}"
    )
