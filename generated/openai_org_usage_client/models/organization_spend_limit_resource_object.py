from typing import Literal

OrganizationSpendLimitResourceObject = Literal["organization.spend_limit"]

ORGANIZATION_SPEND_LIMIT_RESOURCE_OBJECT_VALUES: set[OrganizationSpendLimitResourceObject] = {
    "organization.spend_limit",
}


def check_organization_spend_limit_resource_object(
    value: str,
) -> OrganizationSpendLimitResourceObject:
    if value in ORGANIZATION_SPEND_LIMIT_RESOURCE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ORGANIZATION_SPEND_LIMIT_RESOURCE_OBJECT_VALUES!r}"
    )
