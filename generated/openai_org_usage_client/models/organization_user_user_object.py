from typing import Literal

OrganizationUserUserObject = Literal["user"]

ORGANIZATION_USER_USER_OBJECT_VALUES: set[OrganizationUserUserObject] = {
    "user",
}


def check_organization_user_user_object(value: str) -> OrganizationUserUserObject:
    if value in ORGANIZATION_USER_USER_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ORGANIZATION_USER_USER_OBJECT_VALUES!r}"
    )
