from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.project_service_account_object import (
    ProjectServiceAccountObject,
    check_project_service_account_object,
)
from ..models.project_service_account_role import (
    ProjectServiceAccountRole,
    check_project_service_account_role,
)

T = TypeVar("T", bound="ProjectServiceAccount")


@_attrs_define
class ProjectServiceAccount:
    """A service account of a project.

    Attributes:
        object_ (ProjectServiceAccountObject): Always `organization.project.service_account`.
        id (str): The service account ID.
        name (str): The name of the service account.
        role (ProjectServiceAccountRole): `owner`, `member` or `none`.
        created_at (int): When the service account was created, Unix seconds.
    """

    object_: ProjectServiceAccountObject
    id: str
    name: str
    role: ProjectServiceAccountRole
    created_at: int
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        id = self.id

        name = self.name

        role: str = self.role

        created_at = self.created_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "id": id,
                "name": name,
                "role": role,
                "created_at": created_at,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = check_project_service_account_object(d.pop("object"))

        id = d.pop("id")

        name = d.pop("name")

        role = check_project_service_account_role(d.pop("role"))

        created_at = d.pop("created_at")

        project_service_account = cls(
            object_=object_,
            id=id,
            name=name,
            role=role,
            created_at=created_at,
        )

        project_service_account.additional_properties = d
        return project_service_account

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
