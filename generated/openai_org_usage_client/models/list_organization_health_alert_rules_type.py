from typing import Literal

ListOrganizationHealthAlertRulesType = Literal[
    "error_rate", "prompt_cache_hit_rate", "rate_limit_utilization", "service_tier_fallback_rate"
]

LIST_ORGANIZATION_HEALTH_ALERT_RULES_TYPE_VALUES: set[ListOrganizationHealthAlertRulesType] = {
    "error_rate",
    "prompt_cache_hit_rate",
    "rate_limit_utilization",
    "service_tier_fallback_rate",
}


def check_list_organization_health_alert_rules_type(
    value: str,
) -> ListOrganizationHealthAlertRulesType:
    if value in LIST_ORGANIZATION_HEALTH_ALERT_RULES_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_ORGANIZATION_HEALTH_ALERT_RULES_TYPE_VALUES!r}"
    )
