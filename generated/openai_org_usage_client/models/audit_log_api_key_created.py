from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.audit_log_api_key_created_data import AuditLogApiKeyCreatedData


T = TypeVar("T", bound="AuditLogApiKeyCreated")


@_attrs_define
class AuditLogApiKeyCreated:
    """The details of an `api_key.created` event.

    Attributes:
        id (str | Unset): The tracking ID of the API key.
        data (AuditLogApiKeyCreatedData | Unset): The payload used to create the API key.
    """

    id: str | Unset = UNSET
    data: AuditLogApiKeyCreatedData | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        data: dict[str, Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if data is not UNSET:
            field_dict["data"] = data

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.audit_log_api_key_created_data import AuditLogApiKeyCreatedData  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id", UNSET)

        _data = d.pop("data", UNSET)
        data: AuditLogApiKeyCreatedData | Unset
        if isinstance(_data, Unset):
            data = UNSET
        else:
            data = AuditLogApiKeyCreatedData.from_dict(_data)

        audit_log_api_key_created = cls(
            id=id,
            data=data,
        )

        audit_log_api_key_created.additional_properties = d
        return audit_log_api_key_created

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
