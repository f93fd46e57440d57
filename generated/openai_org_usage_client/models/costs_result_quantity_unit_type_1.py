from typing import Literal

CostsResultQuantityUnitType1 = Literal[
    "1000_tokens",
    "characters",
    "duration_hours",
    "duration_minutes",
    "duration_seconds",
    "gibibyte_hours",
    "images",
    "tokens",
]

COSTS_RESULT_QUANTITY_UNIT_TYPE_1_VALUES: set[CostsResultQuantityUnitType1] = {
    "1000_tokens",
    "characters",
    "duration_hours",
    "duration_minutes",
    "duration_seconds",
    "gibibyte_hours",
    "images",
    "tokens",
}


def check_costs_result_quantity_unit_type_1(value: str) -> CostsResultQuantityUnitType1:
    if value in COSTS_RESULT_QUANTITY_UNIT_TYPE_1_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {COSTS_RESULT_QUANTITY_UNIT_TYPE_1_VALUES!r}"
    )
