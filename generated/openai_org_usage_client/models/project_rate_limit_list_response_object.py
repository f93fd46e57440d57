from typing import Literal

ProjectRateLimitListResponseObject = Literal["list"]

PROJECT_RATE_LIMIT_LIST_RESPONSE_OBJECT_VALUES: set[ProjectRateLimitListResponseObject] = {
    "list",
}


def check_project_rate_limit_list_response_object(value: str) -> ProjectRateLimitListResponseObject:
    if value in PROJECT_RATE_LIMIT_LIST_RESPONSE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PROJECT_RATE_LIMIT_LIST_RESPONSE_OBJECT_VALUES!r}"
    )
