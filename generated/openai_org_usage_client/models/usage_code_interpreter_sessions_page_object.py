from typing import Literal

UsageCodeInterpreterSessionsPageObject = Literal["page"]

USAGE_CODE_INTERPRETER_SESSIONS_PAGE_OBJECT_VALUES: set[UsageCodeInterpreterSessionsPageObject] = {
    "page",
}


def check_usage_code_interpreter_sessions_page_object(
    value: str,
) -> UsageCodeInterpreterSessionsPageObject:
    if value in USAGE_CODE_INTERPRETER_SESSIONS_PAGE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_CODE_INTERPRETER_SESSIONS_PAGE_OBJECT_VALUES!r}"
    )
