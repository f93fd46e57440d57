from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_file_search_calls_result_object import (
    UsageFileSearchCallsResultObject,
    check_usage_file_search_calls_result_object,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageFileSearchCallsResult")


@_attrs_define
class UsageFileSearchCallsResult:
    """File search calls in one bucket, for one combination of the grouped fields.

    Attributes:
        object_ (UsageFileSearchCallsResultObject):
        num_requests (int): Tool calls made.
        project_id (None | str | Unset): Set when grouping by `project_id`; null otherwise.
        user_id (None | str | Unset): Set when grouping by `user_id`; null otherwise.
        api_key_id (None | str | Unset): Set when grouping by `api_key_id`; null otherwise.
        vector_store_id (None | str | Unset): Set when grouping by `vector_store_id`; null otherwise.
    """

    object_: UsageFileSearchCallsResultObject
    num_requests: int
    project_id: None | str | Unset = UNSET
    user_id: None | str | Unset = UNSET
    api_key_id: None | str | Unset = UNSET
    vector_store_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        num_requests = self.num_requests

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

        api_key_id: None | str | Unset
        if isinstance(self.api_key_id, Unset):
            api_key_id = UNSET
        else:
            api_key_id = self.api_key_id

        vector_store_id: None | str | Unset
        if isinstance(self.vector_store_id, Unset):
            vector_store_id = UNSET
        else:
            vector_store_id = self.vector_store_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "num_requests": num_requests,
            }
        )
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if api_key_id is not UNSET:
            field_dict["api_key_id"] = api_key_id
        if vector_store_id is not UNSET:
            field_dict["vector_store_id"] = vector_store_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = check_usage_file_search_calls_result_object(d.pop("object"))

        num_requests = d.pop("num_requests")

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        def _parse_api_key_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_key_id = _parse_api_key_id(d.pop("api_key_id", UNSET))

        def _parse_vector_store_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        vector_store_id = _parse_vector_store_id(d.pop("vector_store_id", UNSET))

        usage_file_search_calls_result = cls(
            object_=object_,
            num_requests=num_requests,
            project_id=project_id,
            user_id=user_id,
            api_key_id=api_key_id,
            vector_store_id=vector_store_id,
        )

        usage_file_search_calls_result.additional_properties = d
        return usage_file_search_calls_result

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
