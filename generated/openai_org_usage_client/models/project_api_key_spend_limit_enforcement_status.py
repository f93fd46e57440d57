from typing import Literal

ProjectApiKeySpendLimitEnforcementStatus = Literal["enforcing", "inactive"]

PROJECT_API_KEY_SPEND_LIMIT_ENFORCEMENT_STATUS_VALUES: set[
    ProjectApiKeySpendLimitEnforcementStatus
] = {
    "enforcing",
    "inactive",
}


def check_project_api_key_spend_limit_enforcement_status(
    value: str,
) -> ProjectApiKeySpendLimitEnforcementStatus:
    if value in PROJECT_API_KEY_SPEND_LIMIT_ENFORCEMENT_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PROJECT_API_KEY_SPEND_LIMIT_ENFORCEMENT_STATUS_VALUES!r}"
    )
