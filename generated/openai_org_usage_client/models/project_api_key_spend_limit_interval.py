from typing import Literal

ProjectApiKeySpendLimitInterval = Literal["month"]

PROJECT_API_KEY_SPEND_LIMIT_INTERVAL_VALUES: set[ProjectApiKeySpendLimitInterval] = {
    "month",
}


def check_project_api_key_spend_limit_interval(value: str) -> ProjectApiKeySpendLimitInterval:
    if value in PROJECT_API_KEY_SPEND_LIMIT_INTERVAL_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PROJECT_API_KEY_SPEND_LIMIT_INTERVAL_VALUES!r}"
    )
