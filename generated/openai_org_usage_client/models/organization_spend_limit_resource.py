from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.organization_spend_limit_resource_object import (
    OrganizationSpendLimitResourceObject,
    check_organization_spend_limit_resource_object,
)
from ..models.spend_limit_currency_type_1 import (
    SpendLimitCurrencyType1,
    check_spend_limit_currency_type_1,
)
from ..models.spend_limit_interval_type_1 import (
    SpendLimitIntervalType1,
    check_spend_limit_interval_type_1,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.spend_limit_enforcement import SpendLimitEnforcement
    from ..models.spend_limit_notification_channel import SpendLimitNotificationChannel


T = TypeVar("T", bound="OrganizationSpendLimitResource")


@_attrs_define
class OrganizationSpendLimitResource:
    """The organization's hard spend limit.

    Attributes:
        object_ (OrganizationSpendLimitResourceObject): Always `organization.spend_limit`.
        threshold_amount (int): The hard limit, in cents.
        currency (SpendLimitCurrencyType1 | str): The currency of the threshold amount (known value `USD`).
        interval (SpendLimitIntervalType1 | str): The interval spend is evaluated over (known value `month`).
        enforcement (SpendLimitEnforcement): The current enforcement state of a hard spend limit.
        notification_channel (None | SpendLimitNotificationChannel | Unset): Who is emailed when the limit is reached;
            absent or null means the owners only.
    """

    object_: OrganizationSpendLimitResourceObject
    threshold_amount: int
    currency: SpendLimitCurrencyType1 | str
    interval: SpendLimitIntervalType1 | str
    enforcement: SpendLimitEnforcement
    notification_channel: None | SpendLimitNotificationChannel | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.spend_limit_notification_channel import SpendLimitNotificationChannel  # noqa: PLC0415

        object_: str = self.object_

        threshold_amount = self.threshold_amount

        currency: str
        if isinstance(self.currency, str):
            currency = self.currency
        else:
            currency = self.currency

        interval: str
        if isinstance(self.interval, str):
            interval = self.interval
        else:
            interval = self.interval

        enforcement = self.enforcement.to_dict()

        notification_channel: dict[str, Any] | None | Unset
        if isinstance(self.notification_channel, Unset):
            notification_channel = UNSET
        elif isinstance(self.notification_channel, SpendLimitNotificationChannel):
            notification_channel = self.notification_channel.to_dict()
        else:
            notification_channel = self.notification_channel

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "threshold_amount": threshold_amount,
                "currency": currency,
                "interval": interval,
                "enforcement": enforcement,
            }
        )
        if notification_channel is not UNSET:
            field_dict["notification_channel"] = notification_channel

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.spend_limit_enforcement import SpendLimitEnforcement  # noqa: PLC0415
        from ..models.spend_limit_notification_channel import SpendLimitNotificationChannel  # noqa: PLC0415

        d = dict(src_dict)
        object_ = check_organization_spend_limit_resource_object(d.pop("object"))

        threshold_amount = d.pop("threshold_amount")

        def _parse_currency(data: object) -> SpendLimitCurrencyType1 | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_spend_limit_currency_type_1 = check_spend_limit_currency_type_1(
                    data
                )

                return componentsschemas_spend_limit_currency_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(SpendLimitCurrencyType1 | str, data)

        currency = _parse_currency(d.pop("currency"))

        def _parse_interval(data: object) -> SpendLimitIntervalType1 | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_spend_limit_interval_type_1 = check_spend_limit_interval_type_1(
                    data
                )

                return componentsschemas_spend_limit_interval_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(SpendLimitIntervalType1 | str, data)

        interval = _parse_interval(d.pop("interval"))

        enforcement = SpendLimitEnforcement.from_dict(d.pop("enforcement"))

        def _parse_notification_channel(
            data: object,
        ) -> None | SpendLimitNotificationChannel | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                notification_channel_type_0 = SpendLimitNotificationChannel.from_dict(data)

                return notification_channel_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SpendLimitNotificationChannel | Unset, data)

        notification_channel = _parse_notification_channel(d.pop("notification_channel", UNSET))

        organization_spend_limit_resource = cls(
            object_=object_,
            threshold_amount=threshold_amount,
            currency=currency,
            interval=interval,
            enforcement=enforcement,
            notification_channel=notification_channel,
        )

        organization_spend_limit_resource.additional_properties = d
        return organization_spend_limit_resource

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
