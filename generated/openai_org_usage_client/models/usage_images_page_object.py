from typing import Literal

UsageImagesPageObject = Literal["page"]

USAGE_IMAGES_PAGE_OBJECT_VALUES: set[UsageImagesPageObject] = {
    "page",
}


def check_usage_images_page_object(value: str) -> UsageImagesPageObject:
    if value in USAGE_IMAGES_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_IMAGES_PAGE_OBJECT_VALUES!r}"
    )
