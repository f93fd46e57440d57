from typing import Literal

UsageFileSearchCallsResultObject = Literal["organization.usage.file_searches.result"]

USAGE_FILE_SEARCH_CALLS_RESULT_OBJECT_VALUES: set[UsageFileSearchCallsResultObject] = {
    "organization.usage.file_searches.result",
}


def check_usage_file_search_calls_result_object(value: str) -> UsageFileSearchCallsResultObject:
    if value in USAGE_FILE_SEARCH_CALLS_RESULT_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_FILE_SEARCH_CALLS_RESULT_OBJECT_VALUES!r}"
    )
