from typing import Literal

SpendAlertNotificationChannelType = Literal["email"]

SPEND_ALERT_NOTIFICATION_CHANNEL_TYPE_VALUES: set[SpendAlertNotificationChannelType] = {
    "email",
}


def check_spend_alert_notification_channel_type(value: str) -> SpendAlertNotificationChannelType:
    if value in SPEND_ALERT_NOTIFICATION_CHANNEL_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SPEND_ALERT_NOTIFICATION_CHANNEL_TYPE_VALUES!r}"
    )
