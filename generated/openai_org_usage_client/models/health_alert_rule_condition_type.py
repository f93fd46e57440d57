from typing import Literal

HealthAlertRuleConditionType = Literal[
    "error_rate", "prompt_cache_hit_rate", "rate_limit_utilization", "service_tier_fallback_rate"
]

HEALTH_ALERT_RULE_CONDITION_TYPE_VALUES: set[HealthAlertRuleConditionType] = {
    "error_rate",
    "prompt_cache_hit_rate",
    "rate_limit_utilization",
    "service_tier_fallback_rate",
}


def check_health_alert_rule_condition_type(value: str) -> HealthAlertRuleConditionType:
    if value in HEALTH_ALERT_RULE_CONDITION_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {HEALTH_ALERT_RULE_CONDITION_TYPE_VALUES!r}"
    )
