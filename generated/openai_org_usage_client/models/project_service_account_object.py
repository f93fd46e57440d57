from typing import Literal

ProjectServiceAccountObject = Literal["organization.project.service_account"]

PROJECT_SERVICE_ACCOUNT_OBJECT_VALUES: set[ProjectServiceAccountObject] = {
    "organization.project.service_account",
}


def check_project_service_account_object(value: str) -> ProjectServiceAccountObject:
    if value in PROJECT_SERVICE_ACCOUNT_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PROJECT_SERVICE_ACCOUNT_OBJECT_VALUES!r}"
    )
