from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.audit_log_actor_type import AuditLogActorType, check_audit_log_actor_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_log_actor_api_key import AuditLogActorApiKey
    from ..models.audit_log_actor_session import AuditLogActorSession


T = TypeVar("T", bound="AuditLogActor")


@_attrs_define
class AuditLogActor:
    """Who performed the action.

    Attributes:
        type_ (AuditLogActorType | Unset): `session` or `api_key`.
        session (AuditLogActorSession | Unset): The session the action was performed in (more keys, such as
            `user_agent`, may come).
        api_key (AuditLogActorApiKey | Unset): The API key the action was performed with.
    """

    type_: AuditLogActorType | Unset = UNSET
    session: AuditLogActorSession | Unset = UNSET
    api_key: AuditLogActorApiKey | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        type_: str | Unset = UNSET
        if not isinstance(self.type_, Unset):
            type_ = self.type_

        session: dict[str, Any] | Unset = UNSET
        if not isinstance(self.session, Unset):
            session = self.session.to_dict()

        api_key: dict[str, Any] | Unset = UNSET
        if not isinstance(self.api_key, Unset):
            api_key = self.api_key.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if type_ is not UNSET:
            field_dict["type"] = type_
        if session is not UNSET:
            field_dict["session"] = session
        if api_key is not UNSET:
            field_dict["api_key"] = api_key

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_log_actor_api_key import AuditLogActorApiKey  # noqa: PLC0415
        from ..models.audit_log_actor_session import AuditLogActorSession  # noqa: PLC0415

        d = dict(src_dict)
        _type_ = d.pop("type", UNSET)
        type_: AuditLogActorType | Unset
        if isinstance(_type_, Unset):
            type_ = UNSET
        else:
            type_ = check_audit_log_actor_type(_type_)

        _session = d.pop("session", UNSET)
        session: AuditLogActorSession | Unset
        if isinstance(_session, Unset):
            session = UNSET
        else:
            session = AuditLogActorSession.from_dict(_session)

        _api_key = d.pop("api_key", UNSET)
        api_key: AuditLogActorApiKey | Unset
        if isinstance(_api_key, Unset):
            api_key = UNSET
        else:
            api_key = AuditLogActorApiKey.from_dict(_api_key)

        audit_log_actor = cls(
            type_=type_,
            session=session,
            api_key=api_key,
        )

        audit_log_actor.additional_properties = d
        return audit_log_actor

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
