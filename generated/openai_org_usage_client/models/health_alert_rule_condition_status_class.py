from typing import Literal

HealthAlertRuleConditionStatusClass = Literal["4xx", "5xx", "all"]

HEALTH_ALERT_RULE_CONDITION_STATUS_CLASS_VALUES: set[HealthAlertRuleConditionStatusClass] = {
    "4xx",
    "5xx",
    "all",
}


def check_health_alert_rule_condition_status_class(
    value: str,
) -> HealthAlertRuleConditionStatusClass:
    if value in HEALTH_ALERT_RULE_CONDITION_STATUS_CLASS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {HEALTH_ALERT_RULE_CONDITION_STATUS_CLASS_VALUES!r}"
    )
