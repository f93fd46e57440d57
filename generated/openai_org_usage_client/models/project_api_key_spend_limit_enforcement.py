from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.project_api_key_spend_limit_enforcement_status import (
    ProjectApiKeySpendLimitEnforcementStatus,
    check_project_api_key_spend_limit_enforcement_status,
)

T = TypeVar("T", bound="ProjectApiKeySpendLimitEnforcement")


@_attrs_define
class ProjectApiKeySpendLimitEnforcement:
    """The enforcement state of a key's spend limit.

    Attributes:
        status (ProjectApiKeySpendLimitEnforcementStatus): `enforcing` while the limit blocks requests made with the
            key.
    """

    status: ProjectApiKeySpendLimitEnforcementStatus
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status: str = self.status

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
        status = check_project_api_key_spend_limit_enforcement_status(d.pop("status"))

        project_api_key_spend_limit_enforcement = cls(
            status=status,
        )

        project_api_key_spend_limit_enforcement.additional_properties = d
        return project_api_key_spend_limit_enforcement

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
