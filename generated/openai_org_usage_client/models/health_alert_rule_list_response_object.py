from typing import Literal

HealthAlertRuleListResponseObject = Literal["list"]

HEALTH_ALERT_RULE_LIST_RESPONSE_OBJECT_VALUES: set[HealthAlertRuleListResponseObject] = {
    "list",
}


def check_health_alert_rule_list_response_object(value: str) -> HealthAlertRuleListResponseObject:
    if value in HEALTH_ALERT_RULE_LIST_RESPONSE_OBJECT_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {HEALTH_ALERT_RULE_LIST_RESPONSE_OBJECT_VALUES!r}"
    )
