from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

if TYPE_CHECKING:
    from ..models.health_alert_rule_notifications_email import HealthAlertRuleNotificationsEmail
    from ..models.health_alert_rule_notifications_webhook import HealthAlertRuleNotificationsWebhook


T = TypeVar("T", bound="HealthAlertRuleNotifications")


@_attrs_define
class HealthAlertRuleNotifications:
    """Where the rule's alerts go.

    Attributes:
        email (HealthAlertRuleNotificationsEmail): Email notifications.
        webhook (HealthAlertRuleNotificationsWebhook): Webhook notifications (the `health.alert.*` events).
    """

    email: HealthAlertRuleNotificationsEmail
    webhook: HealthAlertRuleNotificationsWebhook
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        email = self.email.to_dict()

        webhook = self.webhook.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "email": email,
                "webhook": webhook,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.health_alert_rule_notifications_email import HealthAlertRuleNotificationsEmail  # noqa: PLC0415
        from ..models.health_alert_rule_notifications_webhook import (
            HealthAlertRuleNotificationsWebhook,  # noqa: PLC0415
        )

        d = dict(src_dict)
        email = HealthAlertRuleNotificationsEmail.from_dict(d.pop("email"))

        webhook = HealthAlertRuleNotificationsWebhook.from_dict(d.pop("webhook"))

        health_alert_rule_notifications = cls(
            email=email,
            webhook=webhook,
        )

        health_alert_rule_notifications.additional_properties = d
        return health_alert_rule_notifications

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
