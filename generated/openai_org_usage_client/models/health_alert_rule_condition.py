from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.health_alert_rule_condition_metric import (
    HealthAlertRuleConditionMetric,
    check_health_alert_rule_condition_metric,
)
from ..models.health_alert_rule_condition_source_tier import (
    HealthAlertRuleConditionSourceTier,
    check_health_alert_rule_condition_source_tier,
)
from ..models.health_alert_rule_condition_status_class import (
    HealthAlertRuleConditionStatusClass,
    check_health_alert_rule_condition_status_class,
)
from ..models.health_alert_rule_condition_type import (
    HealthAlertRuleConditionType,
    check_health_alert_rule_condition_type,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="HealthAlertRuleCondition")


@_attrs_define
class HealthAlertRuleCondition:
    """When the rule fires.

    Attributes:
        type_ (HealthAlertRuleConditionType): The metric the rule watches.
        threshold (float): The value that triggers the alert.
        window_seconds (int | Unset): `error_rate`: the window evaluated, in seconds.
        status_class (HealthAlertRuleConditionStatusClass | Unset): `error_rate`: which statuses count as errors.
        status_codes (list[int] | None | Unset): `error_rate`: only these status codes, if given.
        metric (HealthAlertRuleConditionMetric | Unset): `rate_limit_utilization`: requests or tokens per minute.
        consecutive_minutes (int | Unset): `rate_limit_utilization`: minutes above the threshold before it fires.
        source_tier (HealthAlertRuleConditionSourceTier | Unset): `service_tier_fallback_rate`: the tier fallen back
            from.
    """

    type_: HealthAlertRuleConditionType
    threshold: float
    window_seconds: int | Unset = UNSET
    status_class: HealthAlertRuleConditionStatusClass | Unset = UNSET
    status_codes: list[int] | None | Unset = UNSET
    metric: HealthAlertRuleConditionMetric | Unset = UNSET
    consecutive_minutes: int | Unset = UNSET
    source_tier: HealthAlertRuleConditionSourceTier | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str = self.type_

        threshold = self.threshold

        window_seconds = self.window_seconds

        status_class: str | Unset = UNSET
        if not isinstance(self.status_class, Unset):
            status_class = self.status_class

        status_codes: list[int] | None | Unset
        if isinstance(self.status_codes, Unset):
            status_codes = UNSET
        elif isinstance(self.status_codes, list):
            status_codes = self.status_codes

        else:
            status_codes = self.status_codes

        metric: str | Unset = UNSET
        if not isinstance(self.metric, Unset):
            metric = self.metric

        consecutive_minutes = self.consecutive_minutes

        source_tier: str | Unset = UNSET
        if not isinstance(self.source_tier, Unset):
            source_tier = self.source_tier

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "type": type_,
                "threshold": threshold,
            }
        )
        if window_seconds is not UNSET:
            field_dict["window_seconds"] = window_seconds
        if status_class is not UNSET:
            field_dict["status_class"] = status_class
        if status_codes is not UNSET:
            field_dict["status_codes"] = status_codes
        if metric is not UNSET:
            field_dict["metric"] = metric
        if consecutive_minutes is not UNSET:
            field_dict["consecutive_minutes"] = consecutive_minutes
        if source_tier is not UNSET:
            field_dict["source_tier"] = source_tier

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = check_health_alert_rule_condition_type(d.pop("type"))

        threshold = d.pop("threshold")

        window_seconds = d.pop("window_seconds", UNSET)

        _status_class = d.pop("status_class", UNSET)
        status_class: HealthAlertRuleConditionStatusClass | Unset
        if isinstance(_status_class, Unset):
            status_class = UNSET
        else:
            status_class = check_health_alert_rule_condition_status_class(_status_class)

        def _parse_status_codes(data: object) -> list[int] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                status_codes_type_0 = cast(list[int], data)

                return status_codes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[int] | None | Unset, data)

        status_codes = _parse_status_codes(d.pop("status_codes", UNSET))

        _metric = d.pop("metric", UNSET)
        metric: HealthAlertRuleConditionMetric | Unset
        if isinstance(_metric, Unset):
            metric = UNSET
        else:
            metric = check_health_alert_rule_condition_metric(_metric)

        consecutive_minutes = d.pop("consecutive_minutes", UNSET)

        _source_tier = d.pop("source_tier", UNSET)
        source_tier: HealthAlertRuleConditionSourceTier | Unset
        if isinstance(_source_tier, Unset):
            source_tier = UNSET
        else:
            source_tier = check_health_alert_rule_condition_source_tier(_source_tier)

        health_alert_rule_condition = cls(
            type_=type_,
            threshold=threshold,
            window_seconds=window_seconds,
            status_class=status_class,
            status_codes=status_codes,
            metric=metric,
            consecutive_minutes=consecutive_minutes,
            source_tier=source_tier,
        )

        health_alert_rule_condition.additional_properties = d
        return health_alert_rule_condition

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
