from typing import Literal

SpendLimitCurrencyType1 = Literal["USD"]

SPEND_LIMIT_CURRENCY_TYPE_1_VALUES: set[SpendLimitCurrencyType1] = {
    "USD",
}


def check_spend_limit_currency_type_1(value: str) -> SpendLimitCurrencyType1:
    if value in SPEND_LIMIT_CURRENCY_TYPE_1_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SPEND_LIMIT_CURRENCY_TYPE_1_VALUES!r}"
    )
