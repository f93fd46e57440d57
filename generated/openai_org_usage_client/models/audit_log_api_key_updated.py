from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_log_api_key_updated_changes_requested import (
        AuditLogApiKeyUpdatedChangesRequested,
    )


T = TypeVar("T", bound="AuditLogApiKeyUpdated")


@_attrs_define
class AuditLogApiKeyUpdated:
    """The details of an `api_key.updated` event.

    Attributes:
        id (str | Unset): The tracking ID of the API key.
        changes_requested (AuditLogApiKeyUpdatedChangesRequested | Unset): The payload used to update the API key.
    """

    id: str | Unset = UNSET
    changes_requested: AuditLogApiKeyUpdatedChangesRequested | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        changes_requested: dict[str, Any] | Unset = UNSET
        if not isinstance(self.changes_requested, Unset):
            changes_requested = self.changes_requested.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if changes_requested is not UNSET:
            field_dict["changes_requested"] = changes_requested

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_log_api_key_updated_changes_requested import (
            AuditLogApiKeyUpdatedChangesRequested,  # noqa: PLC0415
        )

        d = dict(src_dict)
        id = d.pop("id", UNSET)

        _changes_requested = d.pop("changes_requested", UNSET)
        changes_requested: AuditLogApiKeyUpdatedChangesRequested | Unset
        if isinstance(_changes_requested, Unset):
            changes_requested = UNSET
        else:
            changes_requested = AuditLogApiKeyUpdatedChangesRequested.from_dict(_changes_requested)

        audit_log_api_key_updated = cls(
            id=id,
            changes_requested=changes_requested,
        )

        audit_log_api_key_updated.additional_properties = d
        return audit_log_api_key_updated

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
