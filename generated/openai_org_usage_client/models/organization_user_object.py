from typing import Literal

OrganizationUserObject = Literal["organization.user"]

ORGANIZATION_USER_OBJECT_VALUES: set[OrganizationUserObject] = {
    "organization.user",
}


def check_organization_user_object(value: str) -> OrganizationUserObject:
    if value in ORGANIZATION_USER_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ORGANIZATION_USER_OBJECT_VALUES!r}"
    )
