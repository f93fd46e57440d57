from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.audit_log_event_type import AuditLogEventType, check_audit_log_event_type
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_log_actor import AuditLogActor
    from ..models.audit_log_api_key_created import AuditLogApiKeyCreated
    from ..models.audit_log_api_key_deleted import AuditLogApiKeyDeleted
    from ..models.audit_log_api_key_updated import AuditLogApiKeyUpdated
    from ..models.audit_log_project import AuditLogProject
    from ..models.audit_log_rate_limit_deleted import AuditLogRateLimitDeleted
    from ..models.audit_log_rate_limit_updated import AuditLogRateLimitUpdated


T = TypeVar("T", bound="AuditLog")


@_attrs_define
class AuditLog:
    """One user action or configuration change in the organization. It has no `object` field.

    Attributes:
        id (str): The ID of this event.
        type_ (AuditLogEventType | str): The event type (the known ones are AuditLogEventType; any other string may
            come).
        effective_at (int): When the event happened (Unix seconds).
        project (AuditLogProject | Unset): The project the action was scoped to; absent for actions not scoped to a
            project.
        actor (AuditLogActor | None | Unset):
        api_key_created (AuditLogApiKeyCreated | Unset): The details of an `api_key.created` event.
        api_key_updated (AuditLogApiKeyUpdated | Unset): The details of an `api_key.updated` event.
        api_key_deleted (AuditLogApiKeyDeleted | Unset): The details of an `api_key.deleted` event.
        rate_limit_updated (AuditLogRateLimitUpdated | Unset): The details of a `rate_limit.updated` event.
        rate_limit_deleted (AuditLogRateLimitDeleted | Unset): The details of a `rate_limit.deleted` event.
    """

    id: str
    type_: AuditLogEventType | str
    effective_at: int
    project: AuditLogProject | Unset = UNSET
    actor: AuditLogActor | None | Unset = UNSET
    api_key_created: AuditLogApiKeyCreated | Unset = UNSET
    api_key_updated: AuditLogApiKeyUpdated | Unset = UNSET
    api_key_deleted: AuditLogApiKeyDeleted | Unset = UNSET
    rate_limit_updated: AuditLogRateLimitUpdated | Unset = UNSET
    rate_limit_deleted: AuditLogRateLimitDeleted | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.audit_log_actor import AuditLogActor  # noqa: PLC0415

        id = self.id

        type_: str
        if isinstance(self.type_, str):
            type_ = self.type_
        else:
            type_ = self.type_

        effective_at = self.effective_at

        project: dict[str, Any] | Unset = UNSET
        if not isinstance(self.project, Unset):
            project = self.project.to_dict()

        actor: dict[str, Any] | None | Unset
        if isinstance(self.actor, Unset):
            actor = UNSET
        elif isinstance(self.actor, AuditLogActor):
            actor = self.actor.to_dict()
        else:
            actor = self.actor

        api_key_created: dict[str, Any] | Unset = UNSET
        if not isinstance(self.api_key_created, Unset):
            api_key_created = self.api_key_created.to_dict()

        api_key_updated: dict[str, Any] | Unset = UNSET
        if not isinstance(self.api_key_updated, Unset):
            api_key_updated = self.api_key_updated.to_dict()

        api_key_deleted: dict[str, Any] | Unset = UNSET
        if not isinstance(self.api_key_deleted, Unset):
            api_key_deleted = self.api_key_deleted.to_dict()

        rate_limit_updated: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rate_limit_updated, Unset):
            rate_limit_updated = self.rate_limit_updated.to_dict()

        rate_limit_deleted: dict[str, Any] | Unset = UNSET
        if not isinstance(self.rate_limit_deleted, Unset):
            rate_limit_deleted = self.rate_limit_deleted.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "type": type_,
                "effective_at": effective_at,
            }
        )
        if project is not UNSET:
            field_dict["project"] = project
        if actor is not UNSET:
            field_dict["actor"] = actor
        if api_key_created is not UNSET:
            field_dict["api_key.created"] = api_key_created
        if api_key_updated is not UNSET:
            field_dict["api_key.updated"] = api_key_updated
        if api_key_deleted is not UNSET:
            field_dict["api_key.deleted"] = api_key_deleted
        if rate_limit_updated is not UNSET:
            field_dict["rate_limit.updated"] = rate_limit_updated
        if rate_limit_deleted is not UNSET:
            field_dict["rate_limit.deleted"] = rate_limit_deleted

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_log_actor import AuditLogActor  # noqa: PLC0415
        from ..models.audit_log_api_key_created import AuditLogApiKeyCreated  # noqa: PLC0415
        from ..models.audit_log_api_key_deleted import AuditLogApiKeyDeleted  # noqa: PLC0415
        from ..models.audit_log_api_key_updated import AuditLogApiKeyUpdated  # noqa: PLC0415
        from ..models.audit_log_project import AuditLogProject  # noqa: PLC0415
        from ..models.audit_log_rate_limit_deleted import AuditLogRateLimitDeleted  # noqa: PLC0415
        from ..models.audit_log_rate_limit_updated import AuditLogRateLimitUpdated  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        def _parse_type_(data: object) -> AuditLogEventType | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                type_type_1 = check_audit_log_event_type(data)

                return type_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditLogEventType | str, data)

        type_ = _parse_type_(d.pop("type"))

        effective_at = d.pop("effective_at")

        _project = d.pop("project", UNSET)
        project: AuditLogProject | Unset
        if isinstance(_project, Unset):
            project = UNSET
        else:
            project = AuditLogProject.from_dict(_project)

        def _parse_actor(data: object) -> AuditLogActor | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                actor_type_0 = AuditLogActor.from_dict(data)

                return actor_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(AuditLogActor | None | Unset, data)

        actor = _parse_actor(d.pop("actor", UNSET))

        _api_key_created = d.pop("api_key.created", UNSET)
        api_key_created: AuditLogApiKeyCreated | Unset
        if isinstance(_api_key_created, Unset):
            api_key_created = UNSET
        else:
            api_key_created = AuditLogApiKeyCreated.from_dict(_api_key_created)

        _api_key_updated = d.pop("api_key.updated", UNSET)
        api_key_updated: AuditLogApiKeyUpdated | Unset
        if isinstance(_api_key_updated, Unset):
            api_key_updated = UNSET
        else:
            api_key_updated = AuditLogApiKeyUpdated.from_dict(_api_key_updated)

        _api_key_deleted = d.pop("api_key.deleted", UNSET)
        api_key_deleted: AuditLogApiKeyDeleted | Unset
        if isinstance(_api_key_deleted, Unset):
            api_key_deleted = UNSET
        else:
            api_key_deleted = AuditLogApiKeyDeleted.from_dict(_api_key_deleted)

        _rate_limit_updated = d.pop("rate_limit.updated", UNSET)
        rate_limit_updated: AuditLogRateLimitUpdated | Unset
        if isinstance(_rate_limit_updated, Unset):
            rate_limit_updated = UNSET
        else:
            rate_limit_updated = AuditLogRateLimitUpdated.from_dict(_rate_limit_updated)

        _rate_limit_deleted = d.pop("rate_limit.deleted", UNSET)
        rate_limit_deleted: AuditLogRateLimitDeleted | Unset
        if isinstance(_rate_limit_deleted, Unset):
            rate_limit_deleted = UNSET
        else:
            rate_limit_deleted = AuditLogRateLimitDeleted.from_dict(_rate_limit_deleted)

        audit_log = cls(
            id=id,
            type_=type_,
            effective_at=effective_at,
            project=project,
            actor=actor,
            api_key_created=api_key_created,
            api_key_updated=api_key_updated,
            api_key_deleted=api_key_deleted,
            rate_limit_updated=rate_limit_updated,
            rate_limit_deleted=rate_limit_deleted,
        )

        audit_log.additional_properties = d
        return audit_log

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
