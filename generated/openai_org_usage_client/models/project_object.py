from typing import Literal

ProjectObject = Literal["organization.project"]

PROJECT_OBJECT_VALUES: set[ProjectObject] = {
    "organization.project",
}


def check_project_object(value: str) -> ProjectObject:
    if value in PROJECT_OBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {PROJECT_OBJECT_VALUES!r}")
