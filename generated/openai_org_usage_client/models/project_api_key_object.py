from typing import Literal

ProjectApiKeyObject = Literal["organization.project.api_key"]

PROJECT_API_KEY_OBJECT_VALUES: set[ProjectApiKeyObject] = {
    "organization.project.api_key",
}


def check_project_api_key_object(value: str) -> ProjectApiKeyObject:
    if value in PROJECT_API_KEY_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PROJECT_API_KEY_OBJECT_VALUES!r}"
    )
