from typing import Literal

UsageDecisionsResultApiSourceType0 = Literal["agents_api", "unlabeled"]

USAGE_DECISIONS_RESULT_API_SOURCE_TYPE_0_VALUES: set[UsageDecisionsResultApiSourceType0] = {
    "agents_api",
    "unlabeled",
}


def check_usage_decisions_result_api_source_type_0(
    value: str,
) -> UsageDecisionsResultApiSourceType0:
    if value in USAGE_DECISIONS_RESULT_API_SOURCE_TYPE_0_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_DECISIONS_RESULT_API_SOURCE_TYPE_0_VALUES!r}"
    )
