from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.organization_spend_alert_currency import (
    OrganizationSpendAlertCurrency,
    check_organization_spend_alert_currency,
)
from ..models.organization_spend_alert_interval import (
    OrganizationSpendAlertInterval,
    check_organization_spend_alert_interval,
)
from ..models.organization_spend_alert_object import (
    OrganizationSpendAlertObject,
    check_organization_spend_alert_object,
)

if TYPE_CHECKING:
    from ..models.spend_alert_notification_channel import SpendAlertNotificationChannel


T = TypeVar("T", bound="OrganizationSpendAlert")


@_attrs_define
class OrganizationSpendAlert:
    """A spend alert of the organization.

    Attributes:
        id (str): The spend alert ID.
        object_ (OrganizationSpendAlertObject): Always `organization.spend_alert`.
        threshold_amount (int): The alert threshold, in cents.
        currency (OrganizationSpendAlertCurrency): The currency of the threshold.
        interval (OrganizationSpendAlertInterval): The interval spend is evaluated over.
        notification_channel (SpendAlertNotificationChannel): Email notification settings of a spend alert.
    """

    id: str
    object_: OrganizationSpendAlertObject
    threshold_amount: int
    currency: OrganizationSpendAlertCurrency
    interval: OrganizationSpendAlertInterval
    notification_channel: SpendAlertNotificationChannel
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_: str = self.object_

        threshold_amount = self.threshold_amount

        currency: str = self.currency

        interval: str = self.interval

        notification_channel = self.notification_channel.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "object": object_,
                "threshold_amount": threshold_amount,
                "currency": currency,
                "interval": interval,
                "notification_channel": notification_channel,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.spend_alert_notification_channel import SpendAlertNotificationChannel  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        object_ = check_organization_spend_alert_object(d.pop("object"))

        threshold_amount = d.pop("threshold_amount")

        currency = check_organization_spend_alert_currency(d.pop("currency"))

        interval = check_organization_spend_alert_interval(d.pop("interval"))

        notification_channel = SpendAlertNotificationChannel.from_dict(
            d.pop("notification_channel")
        )

        organization_spend_alert = cls(
            id=id,
            object_=object_,
            threshold_amount=threshold_amount,
            currency=currency,
            interval=interval,
            notification_channel=notification_channel,
        )

        organization_spend_alert.additional_properties = d
        return organization_spend_alert

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
