from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.health_alert_rule_list_response_object import (
    HealthAlertRuleListResponseObject,
    check_health_alert_rule_list_response_object,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.health_alert_rule import HealthAlertRule


T = TypeVar("T", bound="HealthAlertRuleListResponse")


@_attrs_define
class HealthAlertRuleListResponse:
    """One page of health alert rules; `next` is the token of the following page.

    Attributes:
        data (list[HealthAlertRule]):
        has_more (bool):
        object_ (HealthAlertRuleListResponseObject | Unset):
        next_ (None | str | Unset): The `page` token of the next page; null on the last one.
    """

    data: list[HealthAlertRule]
    has_more: bool
    object_: HealthAlertRuleListResponseObject | Unset = UNSET
    next_: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        has_more = self.has_more

        object_: str | Unset = UNSET
        if not isinstance(self.object_, Unset):
            object_ = self.object_

        next_: None | str | Unset
        if isinstance(self.next_, Unset):
            next_ = UNSET
        else:
            next_ = self.next_

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "data": data,
                "has_more": has_more,
            }
        )
        if object_ is not UNSET:
            field_dict["object"] = object_
        if next_ is not UNSET:
            field_dict["next"] = next_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.health_alert_rule import HealthAlertRule  # noqa: PLC0415

        d = dict(src_dict)
        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = HealthAlertRule.from_dict(data_item_data)

            data.append(data_item)

        has_more = d.pop("has_more")

        _object_ = d.pop("object", UNSET)
        object_: HealthAlertRuleListResponseObject | Unset
        if isinstance(_object_, Unset):
            object_ = UNSET
        else:
            object_ = check_health_alert_rule_list_response_object(_object_)

        def _parse_next_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_ = _parse_next_(d.pop("next", UNSET))

        health_alert_rule_list_response = cls(
            data=data,
            has_more=has_more,
            object_=object_,
            next_=next_,
        )

        health_alert_rule_list_response.additional_properties = d
        return health_alert_rule_list_response

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
