from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.health_alert_rule_object import HealthAlertRuleObject, check_health_alert_rule_object

if TYPE_CHECKING:
    from ..models.health_alert_rule_condition import HealthAlertRuleCondition
    from ..models.health_alert_rule_filters import HealthAlertRuleFilters
    from ..models.health_alert_rule_notifications import HealthAlertRuleNotifications


T = TypeVar("T", bound="HealthAlertRule")


@_attrs_define
class HealthAlertRule:
    """A rule that alerts when a health metric of the API traffic crosses a threshold.

    Attributes:
        id (str): The rule ID.
        object_ (HealthAlertRuleObject): Always `health.alert_rule`.
        name (str): The rule's name.
        enabled (bool): Whether the rule is evaluated.
        organization_id (str): The organization the rule belongs to.
        created_at (int): When the rule was created (Unix seconds).
        updated_at (int): When the rule was last changed (Unix seconds).
        version (int): The rule's version (what an update or delete sends as `expected_version`).
        condition (HealthAlertRuleCondition): When the rule fires.
        filters (HealthAlertRuleFilters): The traffic the rule watches (an empty list means all).
        notifications (HealthAlertRuleNotifications): Where the rule's alerts go.
    """

    id: str
    object_: HealthAlertRuleObject
    name: str
    enabled: bool
    organization_id: str
    created_at: int
    updated_at: int
    version: int
    condition: HealthAlertRuleCondition
    filters: HealthAlertRuleFilters
    notifications: HealthAlertRuleNotifications
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        object_: str = self.object_

        name = self.name

        enabled = self.enabled

        organization_id = self.organization_id

        created_at = self.created_at

        updated_at = self.updated_at

        version = self.version

        condition = self.condition.to_dict()

        filters = self.filters.to_dict()

        notifications = self.notifications.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "object": object_,
                "name": name,
                "enabled": enabled,
                "organization_id": organization_id,
                "created_at": created_at,
                "updated_at": updated_at,
                "version": version,
                "condition": condition,
                "filters": filters,
                "notifications": notifications,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.health_alert_rule_condition import HealthAlertRuleCondition  # noqa: PLC0415
        from ..models.health_alert_rule_filters import HealthAlertRuleFilters  # noqa: PLC0415
        from ..models.health_alert_rule_notifications import HealthAlertRuleNotifications  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        object_ = check_health_alert_rule_object(d.pop("object"))

        name = d.pop("name")

        enabled = d.pop("enabled")

        organization_id = d.pop("organization_id")

        created_at = d.pop("created_at")

        updated_at = d.pop("updated_at")

        version = d.pop("version")

        condition = HealthAlertRuleCondition.from_dict(d.pop("condition"))

        filters = HealthAlertRuleFilters.from_dict(d.pop("filters"))

        notifications = HealthAlertRuleNotifications.from_dict(d.pop("notifications"))

        health_alert_rule = cls(
            id=id,
            object_=object_,
            name=name,
            enabled=enabled,
            organization_id=organization_id,
            created_at=created_at,
            updated_at=updated_at,
            version=version,
            condition=condition,
            filters=filters,
            notifications=notifications,
        )

        health_alert_rule.additional_properties = d
        return health_alert_rule

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
