from typing import Literal

OrganizationSpendAlertListResourceObject = Literal["list"]

ORGANIZATION_SPEND_ALERT_LIST_RESOURCE_OBJECT_VALUES: set[
    OrganizationSpendAlertListResourceObject
] = {
    "list",
}


def check_organization_spend_alert_list_resource_object(
    value: str,
) -> OrganizationSpendAlertListResourceObject:
    if value in ORGANIZATION_SPEND_ALERT_LIST_RESOURCE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ORGANIZATION_SPEND_ALERT_LIST_RESOURCE_OBJECT_VALUES!r}"
    )
