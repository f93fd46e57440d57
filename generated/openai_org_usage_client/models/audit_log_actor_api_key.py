from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.audit_log_actor_api_key_type import (
    AuditLogActorApiKeyType,
    check_audit_log_actor_api_key_type,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_log_actor_service_account import AuditLogActorServiceAccount
    from ..models.audit_log_actor_user import AuditLogActorUser


T = TypeVar("T", bound="AuditLogActorApiKey")


@_attrs_define
class AuditLogActorApiKey:
    """The API key the action was performed with.

    Attributes:
        id (str | Unset): The tracking ID of the API key.
        type_ (AuditLogActorApiKeyType | Unset): `user` or `service_account`.
        user (AuditLogActorUser | Unset): The user who performed the action.
        service_account (AuditLogActorServiceAccount | Unset): The service account that performed the action.
    """

    id: str | Unset = UNSET
    type_: AuditLogActorApiKeyType | Unset = UNSET
    user: AuditLogActorUser | Unset = UNSET
    service_account: AuditLogActorServiceAccount | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_

        user: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user, Unset):
            user = self.user.to_dict()

        service_account: dict[str, Any] | Unset = UNSET
        if not isinstance(self.service_account, Unset):
            service_account = self.service_account.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if type_ is not UNSET:
            field_dict["type"] = type_
        if user is not UNSET:
            field_dict["user"] = user
        if service_account is not UNSET:
            field_dict["service_account"] = service_account

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_log_actor_service_account import AuditLogActorServiceAccount  # noqa: PLC0415
        from ..models.audit_log_actor_user import AuditLogActorUser  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id", UNSET)

        _type_ = d.pop("type", UNSET)
        type_: AuditLogActorApiKeyType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = check_audit_log_actor_api_key_type(_type_)

        _user = d.pop("user", UNSET)
        user: AuditLogActorUser | Unset
        if isinstance(_user, Unset):
            user = UNSET
        else:
            user = AuditLogActorUser.from_dict(_user)

        _service_account = d.pop("service_account", UNSET)
        service_account: AuditLogActorServiceAccount | Unset
        if isinstance(_service_account, Unset):
            service_account = UNSET
        else:
            service_account = AuditLogActorServiceAccount.from_dict(_service_account)

        audit_log_actor_api_key = cls(
            id=id,
            type_=type_,
            user=user,
            service_account=service_account,
        )

        audit_log_actor_api_key.additional_properties = d
        return audit_log_actor_api_key

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
