from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.health_alert_rule_filters_service_tiers_item import (
    HealthAlertRuleFiltersServiceTiersItem,
    check_health_alert_rule_filters_service_tiers_item,
)

T = TypeVar("T", bound="HealthAlertRuleFilters")


@_attrs_define
class HealthAlertRuleFilters:
    """The traffic the rule watches (an empty list means all).

    Attributes:
        models (list[str]):
        observability_tags (list[str]):
        project_ids (list[str]):
        service_tiers (list[HealthAlertRuleFiltersServiceTiersItem]):
    """

    models: list[str]
    observability_tags: list[str]
    project_ids: list[str]
    service_tiers: list[HealthAlertRuleFiltersServiceTiersItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        models = self.models

        observability_tags = self.observability_tags

        project_ids = self.project_ids

        service_tiers = []
        for service_tiers_item_data in self.service_tiers:
            service_tiers_item: str = service_tiers_item_data
            service_tiers.append(service_tiers_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "models": models,
                "observability_tags": observability_tags,
                "project_ids": project_ids,
                "service_tiers": service_tiers,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        models = cast(list[str], d.pop("models"))

        observability_tags = cast(list[str], d.pop("observability_tags"))

        project_ids = cast(list[str], d.pop("project_ids"))

        service_tiers = []
        _service_tiers = d.pop("service_tiers")
        for service_tiers_item_data in _service_tiers:
            service_tiers_item = check_health_alert_rule_filters_service_tiers_item(
                service_tiers_item_data
            )

            service_tiers.append(service_tiers_item)

        health_alert_rule_filters = cls(
            models=models,
            observability_tags=observability_tags,
            project_ids=project_ids,
            service_tiers=service_tiers,
        )

        health_alert_rule_filters.additional_properties = d
        return health_alert_rule_filters

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
