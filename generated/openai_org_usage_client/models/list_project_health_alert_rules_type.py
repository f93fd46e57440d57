from typing import Literal

ListProjectHealthAlertRulesType = Literal[
    "error_rate", "prompt_cache_hit_rate", "rate_limit_utilization", "service_tier_fallback_rate"
]

LIST_PROJECT_HEALTH_ALERT_RULES_TYPE_VALUES: set[ListProjectHealthAlertRulesType] = {
    "error_rate",
    "prompt_cache_hit_rate",
    "rate_limit_utilization",
    "service_tier_fallback_rate",
}


def check_list_project_health_alert_rules_type(value: str) -> ListProjectHealthAlertRulesType:
    if value in LIST_PROJECT_HEALTH_ALERT_RULES_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIST_PROJECT_HEALTH_ALERT_RULES_TYPE_VALUES!r}"
    )
