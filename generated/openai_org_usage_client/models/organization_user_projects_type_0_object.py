from typing import Literal

OrganizationUserProjectsType0Object = Literal["list"]

ORGANIZATION_USER_PROJECTS_TYPE_0_OBJECT_VALUES: set[OrganizationUserProjectsType0Object] = {
    "list",
}


def check_organization_user_projects_type_0_object(
    value: str,
) -> OrganizationUserProjectsType0Object:
    if value in ORGANIZATION_USER_PROJECTS_TYPE_0_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ORGANIZATION_USER_PROJECTS_TYPE_0_OBJECT_VALUES!r}"
    )
