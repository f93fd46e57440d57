from typing import Literal

ProjectApiKeyOwnerType = Literal["service_account", "user"]

PROJECT_API_KEY_OWNER_TYPE_VALUES: set[ProjectApiKeyOwnerType] = {
    "service_account",
    "user",
}


def check_project_api_key_owner_type(value: str) -> ProjectApiKeyOwnerType:
    if value in PROJECT_API_KEY_OWNER_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PROJECT_API_KEY_OWNER_TYPE_VALUES!r}"
    )
