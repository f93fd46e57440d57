from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.organization_user_object import OrganizationUserObject, check_organization_user_object
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.organization_user_projects_type_0 import OrganizationUserProjectsType0
    from ..models.organization_user_user import OrganizationUserUser


T = TypeVar("T", bound="OrganizationUser")


@_attrs_define
class OrganizationUser:
    """A user of the organization.

    Attributes:
        object_ (OrganizationUserObject): Always `organization.user`.
        id (str): The user ID, as usage and costs rows name it in `user_id`.
        added_at (int): When the user was added, Unix seconds.
        name (None | str | Unset): The name of the user.
        email (None | str | Unset): The email address of the user.
        role (None | str | Unset): `owner` or `reader`.
        is_default (bool | Unset): Whether this is the organization's default user.
        created (int | Unset): When the user was created, Unix seconds.
        user (OrganizationUserUser | Unset): Nested user details.
        is_service_account (bool | Unset): Whether the user is a service account.
        is_scale_tier_authorized_purchaser (bool | None | Unset): Whether the user is an authorized purchaser for Scale
            Tier.
        is_scim_managed (bool | Unset): Whether the user is managed through SCIM.
        api_key_last_used_at (int | None | Unset): When the user's API keys were last used, Unix seconds.
        technical_level (None | str | Unset): The technical level metadata for the user.
        developer_persona (None | str | Unset): The developer persona metadata for the user.
        projects (None | OrganizationUserProjectsType0 | Unset): Projects associated with the user, if included.
    """

    object_: OrganizationUserObject
    id: str
    added_at: int
    name: None | str | Unset = UNSET
    email: None | str | Unset = UNSET
    role: None | str | Unset = UNSET
    is_default: bool | Unset = UNSET
    created: int | Unset = UNSET
    user: OrganizationUserUser | Unset = UNSET
    is_service_account: bool | Unset = UNSET
    is_scale_tier_authorized_purchaser: bool | None | Unset = UNSET
    is_scim_managed: bool | Unset = UNSET
    api_key_last_used_at: int | None | Unset = UNSET
    technical_level: None | str | Unset = UNSET
    developer_persona: None | str | Unset = UNSET
    projects: None | OrganizationUserProjectsType0 | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.organization_user_projects_type_0 import OrganizationUserProjectsType0  # noqa: PLC0415

        object_: str = self.object_

        id = self.id

        added_at = self.added_at

        name: None | str | Unset
        if isinstance(self.name, Unset):
            name = UNSET
        else:
            name = self.name

        email: None | str | Unset
        if isinstance(self.email, Unset):
            email = UNSET
        else:
            email = self.email

        role: None | str | Unset
        if isinstance(self.role, Unset):
            role = UNSET
        else:
            role = self.role

        is_default = self.is_default

        created = self.created

        user: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user, Unset):
            user = self.user.to_dict()

        is_service_account = self.is_service_account

        is_scale_tier_authorized_purchaser: bool | None | Unset
        if isinstance(self.is_scale_tier_authorized_purchaser, Unset):
            is_scale_tier_authorized_purchaser = UNSET
        else:
            is_scale_tier_authorized_purchaser = self.is_scale_tier_authorized_purchaser

        is_scim_managed = self.is_scim_managed

        api_key_last_used_at: int | None | Unset
        if isinstance(self.api_key_last_used_at, Unset):
            api_key_last_used_at = UNSET
        else:
            api_key_last_used_at = self.api_key_last_used_at

        technical_level: None | str | Unset
        if isinstance(self.technical_level, Unset):
            technical_level = UNSET
        else:
            technical_level = self.technical_level

        developer_persona: None | str | Unset
        if isinstance(self.developer_persona, Unset):
            developer_persona = UNSET
        else:
            developer_persona = self.developer_persona

        projects: dict[str, Any] | None | Unset
        if isinstance(self.projects, Unset):
            projects = UNSET
        elif isinstance(self.projects, OrganizationUserProjectsType0):
            projects = self.projects.to_dict()
        else:
            projects = self.projects

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "id": id,
                "added_at": added_at,
            }
        )
        if name is not UNSET:
            field_dict["name"] = name
        if email is not UNSET:
            field_dict["email"] = email
        if role is not UNSET:
            field_dict["role"] = role
        if is_default is not UNSET:
            field_dict["is_default"] = is_default
        if created is not UNSET:
            field_dict["created"] = created
        if user is not UNSET:
            field_dict["user"] = user
        if is_service_account is not UNSET:
            field_dict["is_service_account"] = is_service_account
        if is_scale_tier_authorized_purchaser is not UNSET:
            field_dict["is_scale_tier_authorized_purchaser"] = is_scale_tier_authorized_purchaser
        if is_scim_managed is not UNSET:
            field_dict["is_scim_managed"] = is_scim_managed
        if api_key_last_used_at is not UNSET:
            field_dict["api_key_last_used_at"] = api_key_last_used_at
        if technical_level is not UNSET:
            field_dict["technical_level"] = technical_level
        if developer_persona is not UNSET:
            field_dict["developer_persona"] = developer_persona
        if projects is not UNSET:
            field_dict["projects"] = projects

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.organization_user_projects_type_0 import OrganizationUserProjectsType0  # noqa: PLC0415
        from ..models.organization_user_user import OrganizationUserUser  # noqa: PLC0415

        d = dict(src_dict)
        object_ = check_organization_user_object(d.pop("object"))

        id = d.pop("id")

        added_at = d.pop("added_at")

        def _parse_name(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        name = _parse_name(d.pop("name", UNSET))

        def _parse_email(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        email = _parse_email(d.pop("email", UNSET))

        def _parse_role(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        role = _parse_role(d.pop("role", UNSET))

        is_default = d.pop("is_default", UNSET)

        created = d.pop("created", UNSET)

        _user = d.pop("user", UNSET)
        user: OrganizationUserUser | Unset
        if isinstance(_user, Unset):
            user = UNSET
        else:
            user = OrganizationUserUser.from_dict(_user)

        is_service_account = d.pop("is_service_account", UNSET)

        def _parse_is_scale_tier_authorized_purchaser(data: object) -> bool | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(bool | None | Unset, data)

        is_scale_tier_authorized_purchaser = _parse_is_scale_tier_authorized_purchaser(
            d.pop("is_scale_tier_authorized_purchaser", UNSET)
        )

        is_scim_managed = d.pop("is_scim_managed", UNSET)

        def _parse_api_key_last_used_at(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        api_key_last_used_at = _parse_api_key_last_used_at(d.pop("api_key_last_used_at", UNSET))

        def _parse_technical_level(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        technical_level = _parse_technical_level(d.pop("technical_level", UNSET))

        def _parse_developer_persona(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        developer_persona = _parse_developer_persona(d.pop("developer_persona", UNSET))

        def _parse_projects(data: object) -> None | OrganizationUserProjectsType0 | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                projects_type_0 = OrganizationUserProjectsType0.from_dict(data)

                return projects_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | OrganizationUserProjectsType0 | Unset, data)

        projects = _parse_projects(d.pop("projects", UNSET))

        organization_user = cls(
            object_=object_,
            id=id,
            added_at=added_at,
            name=name,
            email=email,
            role=role,
            is_default=is_default,
            created=created,
            user=user,
            is_service_account=is_service_account,
            is_scale_tier_authorized_purchaser=is_scale_tier_authorized_purchaser,
            is_scim_managed=is_scim_managed,
            api_key_last_used_at=api_key_last_used_at,
            technical_level=technical_level,
            developer_persona=developer_persona,
            projects=projects,
        )

        organization_user.additional_properties = d
        return organization_user

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
