from typing import Literal

HealthAlertRuleConditionMetric = Literal["rpm", "tpm"]

HEALTH_ALERT_RULE_CONDITION_METRIC_VALUES: set[HealthAlertRuleConditionMetric] = {
    "rpm",
    "tpm",
}


def check_health_alert_rule_condition_metric(value: str) -> HealthAlertRuleConditionMetric:
    if value in HEALTH_ALERT_RULE_CONDITION_METRIC_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {HEALTH_ALERT_RULE_CONDITION_METRIC_VALUES!r}"
    )
