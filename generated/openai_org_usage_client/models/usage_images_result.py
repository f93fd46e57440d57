from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_images_result_object import (
    UsageImagesResultObject,
    check_usage_images_result_object,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageImagesResult")


@_attrs_define
class UsageImagesResult:
    """Image usage in one bucket, for one combination of the grouped fields.

    Attributes:
        object_ (UsageImagesResultObject):
        images (int): Images produced.
        num_model_requests (int): Requests made to a model.
        source (None | str | Unset): Set when grouping by `source`; null otherwise.
        size (None | str | Unset): Set when grouping by `size`; null otherwise.
        project_id (None | str | Unset): Set when grouping by `project_id`; null otherwise.
        user_id (None | str | Unset): Set when grouping by `user_id`; null otherwise.
        api_key_id (None | str | Unset): Set when grouping by `api_key_id`; null otherwise.
        model (None | str | Unset): Set when grouping by `model`; null otherwise.
    """

    object_: UsageImagesResultObject
    images: int
    num_model_requests: int
    source: None | str | Unset = UNSET
    size: None | str | Unset = UNSET
    project_id: None | str | Unset = UNSET
    user_id: None | str | Unset = UNSET
    api_key_id: None | str | Unset = UNSET
    model: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        images = self.images

        num_model_requests = self.num_model_requests

        source: None | str | Unset
        if isinstance(self.source, Unset):
            source = UNSET
        else:
            source = self.source

        size: None | str | Unset
        if isinstance(self.size, Unset):
            size = UNSET
        else:
            size = self.size

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

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "images": images,
                "num_model_requests": num_model_requests,
            }
        )
        if source is not UNSET:
            field_dict["source"] = source
        if size is not UNSET:
            field_dict["size"] = size
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if api_key_id is not UNSET:
            field_dict["api_key_id"] = api_key_id
        if model is not UNSET:
            field_dict["model"] = model

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = check_usage_images_result_object(d.pop("object"))

        images = d.pop("images")

        num_model_requests = d.pop("num_model_requests")

        def _parse_source(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        source = _parse_source(d.pop("source", UNSET))

        def _parse_size(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        size = _parse_size(d.pop("size", UNSET))

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

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        usage_images_result = cls(
            object_=object_,
            images=images,
            num_model_requests=num_model_requests,
            source=source,
            size=size,
            project_id=project_id,
            user_id=user_id,
            api_key_id=api_key_id,
            model=model,
        )

        usage_images_result.additional_properties = d
        return usage_images_result

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
