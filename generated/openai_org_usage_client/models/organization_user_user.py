from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.organization_user_user_object import (
    OrganizationUserUserObject,
    check_organization_user_user_object,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="OrganizationUserUser")


@_attrs_define
class OrganizationUserUser:
    """Nested user details.

    Attributes:
        object_ (OrganizationUserUserObject):
        id (str):
        email (None | str | Unset):
        name (None | str | Unset):
        picture (None | str | Unset):
        enabled (bool | None | Unset):
        banned (bool | None | Unset):
        banned_at (int | None | Unset):
    """

    object_: OrganizationUserUserObject
    id: str
    email: None | str | Unset = UNSET
    name: None | str | Unset = UNSET
    picture: None | str | Unset = UNSET
    enabled: bool | None | Unset = UNSET
    banned: bool | None | Unset = UNSET
    banned_at: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        id = self.id

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        picture: None | str | Unset
        if isinstance(self.picture, Unset):
            picture = UNSET
        else:
            picture = self.picture

        enabled: bool | None | Unset
        if isinstance(self.enabled, Unset):
            enabled = UNSET
        else:
            enabled = self.enabled

        banned: bool | None | Unset
        if isinstance(self.banned, Unset):
            banned = UNSET
        else:
            banned = self.banned

        banned_at: int | None | Unset
        if isinstance(self.banned_at, Unset):
            banned_at = UNSET
        else:
            banned_at = self.banned_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "id": id,
            }
        )
        if email is not UNSET:
            field_dict["email"] = email
        if name is not UNSET:
            field_dict["name"] = name
        if picture is not UNSET:
            field_dict["picture"] = picture
        if enabled is not UNSET:
            field_dict["enabled"] = enabled
        if banned is not UNSET:
            field_dict["banned"] = banned
        if banned_at is not UNSET:
            field_dict["banned_at"] = banned_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = check_organization_user_user_object(d.pop("object"))

        id = d.pop("id")

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_picture(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        picture = _parse_picture(d.pop("picture", UNSET))

        def _parse_enabled(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        enabled = _parse_enabled(d.pop("enabled", UNSET))

        def _parse_banned(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        banned = _parse_banned(d.pop("banned", UNSET))

        def _parse_banned_at(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        banned_at = _parse_banned_at(d.pop("banned_at", UNSET))

        organization_user_user = cls(
            object_=object_,
            id=id,
            email=email,
            name=name,
            picture=picture,
            enabled=enabled,
            banned=banned,
            banned_at=banned_at,
        )

        organization_user_user.additional_properties = d
        return organization_user_user

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
