from typing import Literal

UsageCodeInterpreterSessionsGroupByItem = Literal["project_id"]

USAGE_CODE_INTERPRETER_SESSIONS_GROUP_BY_ITEM_VALUES: set[
    UsageCodeInterpreterSessionsGroupByItem
] = {
    "project_id",
}


def check_usage_code_interpreter_sessions_group_by_item(
    value: str,
) -> UsageCodeInterpreterSessionsGroupByItem:
    if value in USAGE_CODE_INTERPRETER_SESSIONS_GROUP_BY_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_CODE_INTERPRETER_SESSIONS_GROUP_BY_ITEM_VALUES!r}"
    )
