from typing import Literal

UsageCompletionsPageObject = Literal["page"]

USAGE_COMPLETIONS_PAGE_OBJECT_VALUES: set[UsageCompletionsPageObject] = {
    "page",
}


def check_usage_completions_page_object(value: str) -> UsageCompletionsPageObject:
    if value in USAGE_COMPLETIONS_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_COMPLETIONS_PAGE_OBJECT_VALUES!r}"
    )
