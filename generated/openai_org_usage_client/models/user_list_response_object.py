from typing import Literal

UserListResponseObject = Literal["list"]

USER_LIST_RESPONSE_OBJECT_VALUES: set[UserListResponseObject] = {
    "list",
}


def check_user_list_response_object(value: str) -> UserListResponseObject:
    if value in USER_LIST_RESPONSE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USER_LIST_RESPONSE_OBJECT_VALUES!r}"
    )
