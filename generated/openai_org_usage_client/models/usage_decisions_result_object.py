from typing import Literal

UsageDecisionsResultObject = Literal["organization.usage.decisions.result"]

USAGE_DECISIONS_RESULT_OBJECT_VALUES: set[UsageDecisionsResultObject] = {
    "organization.usage.decisions.result",
}


def check_usage_decisions_result_object(value: str) -> UsageDecisionsResultObject:
    if value in USAGE_DECISIONS_RESULT_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_DECISIONS_RESULT_OBJECT_VALUES!r}"
    )
