from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_vector_stores_result_object import (
    UsageVectorStoresResultObject,
    check_usage_vector_stores_result_object,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageVectorStoresResult")


@_attrs_define
class UsageVectorStoresResult:
    """Vector store storage in one bucket, for one combination of the grouped fields.

    Attributes:
        object_ (UsageVectorStoresResultObject):
        usage_bytes (int): Bytes stored in vector stores.
        project_id (None | str | Unset): Set when grouping by `project_id`; null otherwise.
    """

    object_: UsageVectorStoresResultObject
    usage_bytes: int
    project_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        usage_bytes = self.usage_bytes

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "usage_bytes": usage_bytes,
            }
        )
        if project_id is not UNSET:
            field_dict["project_id"] = project_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = check_usage_vector_stores_result_object(d.pop("object"))

        usage_bytes = d.pop("usage_bytes")

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        usage_vector_stores_result = cls(
            object_=object_,
            usage_bytes=usage_bytes,
            project_id=project_id,
        )

        usage_vector_stores_result.additional_properties = d
        return usage_vector_stores_result

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
