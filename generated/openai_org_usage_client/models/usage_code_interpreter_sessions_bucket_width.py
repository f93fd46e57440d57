from typing import Literal

UsageCodeInterpreterSessionsBucketWidth = Literal["1d", "1h", "1m"]

USAGE_CODE_INTERPRETER_SESSIONS_BUCKET_WIDTH_VALUES: set[
    UsageCodeInterpreterSessionsBucketWidth
] = {
    "1d",
    "1h",
    "1m",
}


def check_usage_code_interpreter_sessions_bucket_width(
    value: str,
) -> UsageCodeInterpreterSessionsBucketWidth:
    if value in USAGE_CODE_INTERPRETER_SESSIONS_BUCKET_WIDTH_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_CODE_INTERPRETER_SESSIONS_BUCKET_WIDTH_VALUES!r}"
    )
