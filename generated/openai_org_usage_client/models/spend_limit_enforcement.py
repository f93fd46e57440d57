from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.spend_limit_enforcement_status_type_1 import (
    SpendLimitEnforcementStatusType1,
    check_spend_limit_enforcement_status_type_1,
)

T = TypeVar("T", bound="SpendLimitEnforcement")


@_attrs_define
class SpendLimitEnforcement:
    """The current enforcement state of a hard spend limit.

    Attributes:
        status (SpendLimitEnforcementStatusType1 | str): `enforcing` while the limit blocks requests, else `inactive`
            (an open set).
    """

    status: SpendLimitEnforcementStatusType1 | str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status: str
        if isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_status(data: object) -> SpendLimitEnforcementStatusType1 | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                componentsschemas_spend_limit_enforcement_status_type_1 = (
                    check_spend_limit_enforcement_status_type_1(data)
                )

                return componentsschemas_spend_limit_enforcement_status_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(SpendLimitEnforcementStatusType1 | str, data)

        status = _parse_status(d.pop("status"))

        spend_limit_enforcement = cls(
            status=status,
        )

        spend_limit_enforcement.additional_properties = d
        return spend_limit_enforcement

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
