from typing import Literal

UsageFileSearchCallsPageObject = Literal["page"]

USAGE_FILE_SEARCH_CALLS_PAGE_OBJECT_VALUES: set[UsageFileSearchCallsPageObject] = {
    "page",
}


def check_usage_file_search_calls_page_object(value: str) -> UsageFileSearchCallsPageObject:
    if value in USAGE_FILE_SEARCH_CALLS_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_FILE_SEARCH_CALLS_PAGE_OBJECT_VALUES!r}"
    )
