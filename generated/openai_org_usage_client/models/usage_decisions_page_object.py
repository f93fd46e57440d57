from typing import Literal

UsageDecisionsPageObject = Literal["page"]

USAGE_DECISIONS_PAGE_OBJECT_VALUES: set[UsageDecisionsPageObject] = {
    "page",
}


def check_usage_decisions_page_object(value: str) -> UsageDecisionsPageObject:
    if value in USAGE_DECISIONS_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_DECISIONS_PAGE_OBJECT_VALUES!r}"
    )
