from typing import Literal

HealthAlertRuleFiltersServiceTiersItem = Literal["default", "flex", "priority", "scale"]

HEALTH_ALERT_RULE_FILTERS_SERVICE_TIERS_ITEM_VALUES: set[HealthAlertRuleFiltersServiceTiersItem] = {
    "default",
    "flex",
    "priority",
    "scale",
}


def check_health_alert_rule_filters_service_tiers_item(
    value: str,
) -> HealthAlertRuleFiltersServiceTiersItem:
    if value in HEALTH_ALERT_RULE_FILTERS_SERVICE_TIERS_ITEM_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {HEALTH_ALERT_RULE_FILTERS_SERVICE_TIERS_ITEM_VALUES!r}"
    )
