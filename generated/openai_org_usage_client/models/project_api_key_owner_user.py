from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="ProjectApiKeyOwnerUser")


@_attrs_define
class ProjectApiKeyOwnerUser:
    """The user that owns a project API key.

    Attributes:
        id (str): The user ID.
        email (str): The email address of the user.
        name (str): The name of the user.
        created_at (int): When the user was created, Unix seconds.
        role (str): The user's project role.
    """

    id: str
    email: str
    name: str
    created_at: int
    role: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        email = self.email

        name = self.name

        created_at = self.created_at

        role = self.role

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "email": email,
                "name": name,
                "created_at": created_at,
                "role": role,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        email = d.pop("email")

        name = d.pop("name")

        created_at = d.pop("created_at")

        role = d.pop("role")

        project_api_key_owner_user = cls(
            id=id,
            email=email,
            name=name,
            created_at=created_at,
            role=role,
        )

        project_api_key_owner_user.additional_properties = d
        return project_api_key_owner_user

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
