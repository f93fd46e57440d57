from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="HealthAlertRuleNotificationsEmail")


@_attrs_define
class HealthAlertRuleNotificationsEmail:
    """Email notifications.

    Attributes:
        addresses (list[str]):
        enabled (bool):
        org_owners (bool):
        project_owners (bool):
    """

    addresses: list[str]
    enabled: bool
    org_owners: bool
    project_owners: bool
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        addresses = self.addresses

        enabled = self.enabled

        org_owners = self.org_owners

        project_owners = self.project_owners

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "addresses": addresses,
                "enabled": enabled,
                "org_owners": org_owners,
                "project_owners": project_owners,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        addresses = cast(list[str], d.pop("addresses"))

        enabled = d.pop("enabled")

        org_owners = d.pop("org_owners")

        project_owners = d.pop("project_owners")

        health_alert_rule_notifications_email = cls(
            addresses=addresses,
            enabled=enabled,
            org_owners=org_owners,
            project_owners=project_owners,
        )

        health_alert_rule_notifications_email.additional_properties = d
        return health_alert_rule_notifications_email

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
