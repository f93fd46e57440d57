from typing import Literal

UsageCompletionsResultApiSourceType0 = Literal["agents_api", "unlabeled"]

USAGE_COMPLETIONS_RESULT_API_SOURCE_TYPE_0_VALUES: set[UsageCompletionsResultApiSourceType0] = {
    "agents_api",
    "unlabeled",
}


def check_usage_completions_result_api_source_type_0(
    value: str,
) -> UsageCompletionsResultApiSourceType0:
    if value in USAGE_COMPLETIONS_RESULT_API_SOURCE_TYPE_0_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_COMPLETIONS_RESULT_API_SOURCE_TYPE_0_VALUES!r}"
    )
