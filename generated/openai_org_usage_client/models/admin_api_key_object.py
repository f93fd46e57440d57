from typing import Literal

AdminApiKeyObject = Literal["organization.admin_api_key"]

ADMIN_API_KEY_OBJECT_VALUES: set[AdminApiKeyObject] = {
    "organization.admin_api_key",
}


def check_admin_api_key_object(value: str) -> AdminApiKeyObject:
    if value in ADMIN_API_KEY_OBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {ADMIN_API_KEY_OBJECT_VALUES!r}")
