from typing import Literal

UsageModerationsPageObject = Literal["page"]

USAGE_MODERATIONS_PAGE_OBJECT_VALUES: set[UsageModerationsPageObject] = {
    "page",
}


def check_usage_moderations_page_object(value: str) -> UsageModerationsPageObject:
    if value in USAGE_MODERATIONS_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_MODERATIONS_PAGE_OBJECT_VALUES!r}"
    )
