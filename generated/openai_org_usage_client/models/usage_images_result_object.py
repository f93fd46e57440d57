from typing import Literal

UsageImagesResultObject = Literal["organization.usage.images.result"]

USAGE_IMAGES_RESULT_OBJECT_VALUES: set[UsageImagesResultObject] = {
    "organization.usage.images.result",
}


def check_usage_images_result_object(value: str) -> UsageImagesResultObject:
    if value in USAGE_IMAGES_RESULT_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_IMAGES_RESULT_OBJECT_VALUES!r}"
    )
