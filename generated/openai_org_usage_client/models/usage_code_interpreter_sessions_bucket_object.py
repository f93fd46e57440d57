from typing import Literal

UsageCodeInterpreterSessionsBucketObject = Literal["bucket"]

USAGE_CODE_INTERPRETER_SESSIONS_BUCKET_OBJECT_VALUES: set[
    UsageCodeInterpreterSessionsBucketObject
] = {
    "bucket",
}


def check_usage_code_interpreter_sessions_bucket_object(
    value: str,
) -> UsageCodeInterpreterSessionsBucketObject:
    if value in USAGE_CODE_INTERPRETER_SESSIONS_BUCKET_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {USAGE_CODE_INTERPRETER_SESSIONS_BUCKET_OBJECT_VALUES!r}"
    )
