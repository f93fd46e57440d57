from typing import Literal

OrganizationSpendAlertCurrency = Literal["USD"]

ORGANIZATION_SPEND_ALERT_CURRENCY_VALUES: set[OrganizationSpendAlertCurrency] = {
    "USD",
}


def check_organization_spend_alert_currency(value: str) -> OrganizationSpendAlertCurrency:
    if value in ORGANIZATION_SPEND_ALERT_CURRENCY_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ORGANIZATION_SPEND_ALERT_CURRENCY_VALUES!r}"
    )
