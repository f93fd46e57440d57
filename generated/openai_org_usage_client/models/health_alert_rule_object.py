from typing import Literal

HealthAlertRuleObject = Literal["health.alert_rule"]

HEALTH_ALERT_RULE_OBJECT_VALUES: set[HealthAlertRuleObject] = {
    "health.alert_rule",
}


def check_health_alert_rule_object(value: str) -> HealthAlertRuleObject:
    if value in HEALTH_ALERT_RULE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {HEALTH_ALERT_RULE_OBJECT_VALUES!r}"
    )
