from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_log_actor_user import AuditLogActorUser


T = TypeVar("T", bound="AuditLogActorSession")


@_attrs_define
class AuditLogActorSession:
    """The session the action was performed in (more keys, such as `user_agent`, may come).

    Attributes:
        user (AuditLogActorUser | Unset): The user who performed the action.
        ip_address (str | Unset): The IP address the action came from.
    """

    user: AuditLogActorUser | Unset = UNSET
    ip_address: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        user: dict[str, Any] | Unset = UNSET
        if not isinstance(self.user, Unset):
            user = self.user.to_dict()

        ip_address = self.ip_address

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if user is not UNSET:
            field_dict["user"] = user
        if ip_address is not UNSET:
            field_dict["ip_address"] = ip_address

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_log_actor_user import AuditLogActorUser  # noqa: PLC0415

        d = dict(src_dict)
        _user = d.pop("user", UNSET)
        user: AuditLogActorUser | Unset
        if isinstance(_user, Unset):
            user = UNSET
        else:
            user = AuditLogActorUser.from_dict(_user)

        ip_address = d.pop("ip_address", UNSET)

        audit_log_actor_session = cls(
            user=user,
            ip_address=ip_address,
        )

        audit_log_actor_session.additional_properties = d
        return audit_log_actor_session

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
