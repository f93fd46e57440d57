from typing import Literal

CostsPageObject = Literal["page"]

COSTS_PAGE_OBJECT_VALUES: set[CostsPageObject] = {
    "page",
}


def check_costs_page_object(value: str) -> CostsPageObject:
    if value in COSTS_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COSTS_PAGE_OBJECT_VALUES!r}")
