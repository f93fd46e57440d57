from typing import Literal

HealthAlertRuleConditionSourceTier = Literal["fast"]

HEALTH_ALERT_RULE_CONDITION_SOURCE_TIER_VALUES: set[HealthAlertRuleConditionSourceTier] = {
    "fast",
}


def check_health_alert_rule_condition_source_tier(value: str) -> HealthAlertRuleConditionSourceTier:
    if value in HEALTH_ALERT_RULE_CONDITION_SOURCE_TIER_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {HEALTH_ALERT_RULE_CONDITION_SOURCE_TIER_VALUES!r}"
    )
