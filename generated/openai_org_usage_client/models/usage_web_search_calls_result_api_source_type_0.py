from typing import Literal

UsageWebSearchCallsResultApiSourceType0 = Literal["agents_api", "unlabeled"]

USAGE_WEB_SEARCH_CALLS_RESULT_API_SOURCE_TYPE_0_VALUES: set[
    UsageWebSearchCallsResultApiSourceType0
] = {
    "agents_api",
    "unlabeled",
}


def check_usage_web_search_calls_result_api_source_type_0(
    value: str,
) -> UsageWebSearchCallsResultApiSourceType0:
    if value in USAGE_WEB_SEARCH_CALLS_RESULT_API_SOURCE_TYPE_0_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_WEB_SEARCH_CALLS_RESULT_API_SOURCE_TYPE_0_VALUES!r}"
    )
