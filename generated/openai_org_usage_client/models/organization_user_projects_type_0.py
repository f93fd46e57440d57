from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.organization_user_projects_type_0_object import (
    OrganizationUserProjectsType0Object,
    check_organization_user_projects_type_0_object,
)

if TYPE_CHECKING:
    from ..models.organization_user_projects_type_0_data_item import (
        OrganizationUserProjectsType0DataItem,
    )


T = TypeVar("T", bound="OrganizationUserProjectsType0")


@_attrs_define
class OrganizationUserProjectsType0:
    """
    Attributes:
        object_ (OrganizationUserProjectsType0Object):
        data (list[OrganizationUserProjectsType0DataItem]):
    """

    object_: OrganizationUserProjectsType0Object
    data: list[OrganizationUserProjectsType0DataItem]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "data": data,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.organization_user_projects_type_0_data_item import (
            OrganizationUserProjectsType0DataItem,  # noqa: PLC0415
        )

        d = dict(src_dict)
        object_ = check_organization_user_projects_type_0_object(d.pop("object"))

        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = OrganizationUserProjectsType0DataItem.from_dict(data_item_data)

            data.append(data_item)

        organization_user_projects_type_0 = cls(
            object_=object_,
            data=data,
        )

        organization_user_projects_type_0.additional_properties = d
        return organization_user_projects_type_0

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
