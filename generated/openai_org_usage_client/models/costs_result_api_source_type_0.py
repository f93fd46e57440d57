from typing import Literal

CostsResultApiSourceType0 = Literal["agents_api", "unlabeled"]

COSTS_RESULT_API_SOURCE_TYPE_0_VALUES: set[CostsResultApiSourceType0] = {
    "agents_api",
    "unlabeled",
}


def check_costs_result_api_source_type_0(value: str) -> CostsResultApiSourceType0:
    if value in COSTS_RESULT_API_SOURCE_TYPE_0_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {COSTS_RESULT_API_SOURCE_TYPE_0_VALUES!r}"
    )
