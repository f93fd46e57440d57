from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AdminApiKeyOwner")


@_attrs_define
class AdminApiKeyOwner:
    """
    Attributes:
        type_ (str | Unset): `user` (upstream says always; its own example shows `service_account`).
        object_ (str | Unset): The owner's object type, e.g. `organization.user`.
        id (str | Unset): The owner's ID.
        name (str | Unset): The owner's name.
        created_at (int | Unset): When the owner was created, Unix seconds.
        role (str | Unset): The owner's role.
    """

    type_: str | Unset = UNSET
    object_: str | Unset = UNSET
    id: str | Unset = UNSET
    name: str | Unset = UNSET
    created_at: int | Unset = UNSET
    role: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_ = self.type_

        object_ = self.object_

        id = self.id

        name = self.name

        created_at = self.created_at

        role = self.role

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if object_ is not UNSET:
            field_dict["object"] = object_
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if role is not UNSET:
            field_dict["role"] = role

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        type_ = d.pop("type", UNSET)

        object_ = d.pop("object", UNSET)

        id = d.pop("id", UNSET)

        name = d.pop("name", UNSET)

        created_at = d.pop("created_at", UNSET)

        role = d.pop("role", UNSET)

        admin_api_key_owner = cls(
            type_=type_,
            object_=object_,
            id=id,
            name=name,
            created_at=created_at,
            role=role,
        )

        admin_api_key_owner.additional_properties = d
        return admin_api_key_owner

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
