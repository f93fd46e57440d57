from typing import Literal

CostsResultObject = Literal["organization.costs.result"]

COSTS_RESULT_OBJECT_VALUES: set[CostsResultObject] = {
    "organization.costs.result",
}


def check_costs_result_object(value: str) -> CostsResultObject:
    if value in COSTS_RESULT_OBJECT_VALUES:
        return value
    raise TypeError(f"Unexpected value {value!r}. Expected one of {COSTS_RESULT_OBJECT_VALUES!r}")
