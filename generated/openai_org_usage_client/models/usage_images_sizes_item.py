from typing import Literal

UsageImagesSizesItem = Literal["1024x1024", "1024x1792", "1792x1792", "256x256", "512x512"]

USAGE_IMAGES_SIZES_ITEM_VALUES: set[UsageImagesSizesItem] = {
    "1024x1024",
    "1024x1792",
    "1792x1792",
    "256x256",
    "512x512",
}


def check_usage_images_sizes_item(value: str) -> UsageImagesSizesItem:
    if value in USAGE_IMAGES_SIZES_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_IMAGES_SIZES_ITEM_VALUES!r}"
    )
