from typing import Literal

SpendLimitEnforcementStatusType1 = Literal["enforcing", "inactive"]

SPEND_LIMIT_ENFORCEMENT_STATUS_TYPE_1_VALUES: set[SpendLimitEnforcementStatusType1] = {
    "enforcing",
    "inactive",
}


def check_spend_limit_enforcement_status_type_1(value: str) -> SpendLimitEnforcementStatusType1:
    if value in SPEND_LIMIT_ENFORCEMENT_STATUS_TYPE_1_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SPEND_LIMIT_ENFORCEMENT_STATUS_TYPE_1_VALUES!r}"
    )
