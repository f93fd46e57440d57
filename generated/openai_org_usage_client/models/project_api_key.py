from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.project_api_key_object import ProjectApiKeyObject, check_project_api_key_object
from ..models.project_api_key_owner_project_access import (
    ProjectApiKeyOwnerProjectAccess,
    check_project_api_key_owner_project_access,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.project_api_key_owner import ProjectApiKeyOwner
    from ..models.project_api_key_spend_limit import ProjectApiKeySpendLimit


T = TypeVar("T", bound="ProjectApiKey")


@_attrs_define
class ProjectApiKey:
    """An API key of a project.

    Attributes:
        object_ (ProjectApiKeyObject): Always `organization.project.api_key`.
        redacted_value (str): The redacted value of the API key.
        name (str): The name of the API key.
        created_at (int): When the key was created, Unix seconds.
        last_used_at (int | None): When the key was last used, Unix seconds.
        id (str): The key ID, as usage and costs rows name it in `api_key_id`.
        owner_project_access (ProjectApiKeyOwnerProjectAccess): Whether the key's owner currently has effective access
            to the project.
        owner (ProjectApiKeyOwner):
        expires_at (int | None | Unset): When the key expires, Unix seconds; null if it never does.
        spend_limit (None | ProjectApiKeySpendLimit | Unset): The key's own monthly hard spend limit; null if it has
            none.
    """

    object_: ProjectApiKeyObject
    redacted_value: str
    name: str
    created_at: int
    last_used_at: int | None
    id: str
    owner_project_access: ProjectApiKeyOwnerProjectAccess
    owner: ProjectApiKeyOwner
    expires_at: int | None | Unset = UNSET
    spend_limit: None | ProjectApiKeySpendLimit | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.project_api_key_spend_limit import ProjectApiKeySpendLimit  # noqa: PLC0415

        object_: str = self.object_

        redacted_value = self.redacted_value

        name = self.name

        created_at = self.created_at

        last_used_at: int | None
        last_used_at = self.last_used_at

        id = self.id

        owner_project_access: str = self.owner_project_access

        owner = self.owner.to_dict()

        expires_at: int | None | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        else:
            expires_at = self.expires_at

        spend_limit: dict[str, Any] | None | Unset
        if isinstance(self.spend_limit, Unset):
            spend_limit = UNSET
        elif isinstance(self.spend_limit, ProjectApiKeySpendLimit):
            spend_limit = self.spend_limit.to_dict()
        else:
            spend_limit = self.spend_limit

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "redacted_value": redacted_value,
                "name": name,
                "created_at": created_at,
                "last_used_at": last_used_at,
                "id": id,
                "owner_project_access": owner_project_access,
                "owner": owner,
            }
        )
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if spend_limit is not UNSET:
            field_dict["spend_limit"] = spend_limit

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.project_api_key_owner import ProjectApiKeyOwner  # noqa: PLC0415
        from ..models.project_api_key_spend_limit import ProjectApiKeySpendLimit  # noqa: PLC0415

        d = dict(src_dict)
        object_ = check_project_api_key_object(d.pop("object"))

        redacted_value = d.pop("redacted_value")

        name = d.pop("name")

        created_at = d.pop("created_at")

        def _parse_last_used_at(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at"))

        id = d.pop("id")

        owner_project_access = check_project_api_key_owner_project_access(
            d.pop("owner_project_access")
        )

        owner = ProjectApiKeyOwner.from_dict(d.pop("owner"))

        def _parse_expires_at(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        def _parse_spend_limit(data: object) -> None | ProjectApiKeySpendLimit | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                spend_limit_type_0 = ProjectApiKeySpendLimit.from_dict(data)

                return spend_limit_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | ProjectApiKeySpendLimit | Unset, data)

        spend_limit = _parse_spend_limit(d.pop("spend_limit", UNSET))

        project_api_key = cls(
            object_=object_,
            redacted_value=redacted_value,
            name=name,
            created_at=created_at,
            last_used_at=last_used_at,
            id=id,
            owner_project_access=owner_project_access,
            owner=owner,
            expires_at=expires_at,
            spend_limit=spend_limit,
        )

        project_api_key.additional_properties = d
        return project_api_key

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
