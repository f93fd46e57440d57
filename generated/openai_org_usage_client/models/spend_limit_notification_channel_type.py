from typing import Literal

SpendLimitNotificationChannelType = Literal["email"]

SPEND_LIMIT_NOTIFICATION_CHANNEL_TYPE_VALUES: set[SpendLimitNotificationChannelType] = {
    "email",
}


def check_spend_limit_notification_channel_type(value: str) -> SpendLimitNotificationChannelType:
    if value in SPEND_LIMIT_NOTIFICATION_CHANNEL_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SPEND_LIMIT_NOTIFICATION_CHANNEL_TYPE_VALUES!r}"
    )
