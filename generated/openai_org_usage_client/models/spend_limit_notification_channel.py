from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.spend_limit_notification_channel_type import (
    SpendLimitNotificationChannelType,
    check_spend_limit_notification_channel_type,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="SpendLimitNotificationChannel")


@_attrs_define
class SpendLimitNotificationChannel:
    """Email notifications sent when the hard limit is reached.

    Attributes:
        type_ (SpendLimitNotificationChannelType): Always `email`.
        recipients (list[str]): Addresses emailed besides the owners.
        subject_prefix (None | str | Unset): A prefix for the emails' subject.
    """

    type_: SpendLimitNotificationChannelType
    recipients: list[str]
    subject_prefix: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        recipients = self.recipients

        subject_prefix: None | str | Unset
        if isinstance(self.subject_prefix, Unset):
            subject_prefix = UNSET
        else:
            subject_prefix = self.subject_prefix

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "recipients": recipients,
            }
        )
        if subject_prefix is not UNSET:
            field_dict["subject_prefix"] = subject_prefix

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = check_spend_limit_notification_channel_type(d.pop("type"))

        recipients = cast(list[str], d.pop("recipients"))

        def _parse_subject_prefix(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        subject_prefix = _parse_subject_prefix(d.pop("subject_prefix", UNSET))

        spend_limit_notification_channel = cls(
            type_=type_,
            recipients=recipients,
            subject_prefix=subject_prefix,
        )

        spend_limit_notification_channel.additional_properties = d
        return spend_limit_notification_channel

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
