from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.admin_api_key_object import AdminApiKeyObject, check_admin_api_key_object
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.admin_api_key_owner import AdminApiKeyOwner


T = TypeVar("T", bound="AdminApiKey")


@_attrs_define
class AdminApiKey:
    """An admin API key of the organization.

    Attributes:
        object_ (AdminApiKeyObject): Always `organization.admin_api_key`.
        id (str): The key ID, as usage and costs rows name it in `api_key_id`.
        redacted_value (str): The redacted value of the API key.
        created_at (int): When the key was created, Unix seconds.
        expires_at (int | None):
        owner (AdminApiKeyOwner):
        name (None | str | Unset): The name of the API key.
        last_used_at (int | None | Unset):
    """

    object_: AdminApiKeyObject
    id: str
    redacted_value: str
    created_at: int
    expires_at: int | None
    owner: AdminApiKeyOwner
    name: None | str | Unset = UNSET
    last_used_at: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        id = self.id

        redacted_value = self.redacted_value

        created_at = self.created_at

        expires_at: int | None
        expires_at = self.expires_at

        owner = self.owner.to_dict()

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        last_used_at: int | None | Unset
        if isinstance(self.last_used_at, Unset):
            last_used_at = UNSET
        else:
            last_used_at = self.last_used_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "id": id,
                "redacted_value": redacted_value,
                "created_at": created_at,
                "expires_at": expires_at,
                "owner": owner,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if last_used_at is not UNSET:
            field_dict["last_used_at"] = last_used_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.admin_api_key_owner import AdminApiKeyOwner  # noqa: PLC0415

        d = dict(src_dict)
        object_ = check_admin_api_key_object(d.pop("object"))

        id = d.pop("id")

        redacted_value = d.pop("redacted_value")

        created_at = d.pop("created_at")

        def _parse_expires_at(data: object) -> int | None:
            if data is None:
                return data
            return cast(int | None, data)

        expires_at = _parse_expires_at(d.pop("expires_at"))

        owner = AdminApiKeyOwner.from_dict(d.pop("owner"))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_last_used_at(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        last_used_at = _parse_last_used_at(d.pop("last_used_at", UNSET))

        admin_api_key = cls(
            object_=object_,
            id=id,
            redacted_value=redacted_value,
            created_at=created_at,
            expires_at=expires_at,
            owner=owner,
            name=name,
            last_used_at=last_used_at,
        )

        admin_api_key.additional_properties = d
        return admin_api_key

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
