from typing import Literal

ProjectApiKeySpendLimitCurrency = Literal["USD"]

PROJECT_API_KEY_SPEND_LIMIT_CURRENCY_VALUES: set[ProjectApiKeySpendLimitCurrency] = {
    "USD",
}


def check_project_api_key_spend_limit_currency(value: str) -> ProjectApiKeySpendLimitCurrency:
    if value in PROJECT_API_KEY_SPEND_LIMIT_CURRENCY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {PROJECT_API_KEY_SPEND_LIMIT_CURRENCY_VALUES!r}"
    )
