from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_web_search_calls_result_api_source_type_0 import (
    UsageWebSearchCallsResultApiSourceType0,
    check_usage_web_search_calls_result_api_source_type_0,
)
from ..models.usage_web_search_calls_result_object import (
    UsageWebSearchCallsResultObject,
    check_usage_web_search_calls_result_object,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageWebSearchCallsResult")


@_attrs_define
class UsageWebSearchCallsResult:
    """Web search calls in one bucket, for one combination of the grouped fields.

    Attributes:
        object_ (UsageWebSearchCallsResultObject):
        num_model_requests (int): Requests made to a model.
        num_requests (int): Tool calls made.
        project_id (None | str | Unset): Set when grouping by `project_id`; null otherwise.
        user_id (None | str | Unset): Set when grouping by `user_id`; null otherwise.
        api_key_id (None | str | Unset): Set when grouping by `api_key_id`; null otherwise.
        model (None | str | Unset): Set when grouping by `model`; null otherwise.
        context_level (None | str | Unset): Set when grouping by `context_level`; null otherwise.
        api_source (None | Unset | UsageWebSearchCallsResultApiSourceType0): Set when grouping by `api_source`; null
            otherwise. `agents_api`: activity attributed to the Agents API. `unlabeled`: every record without published
            attribution, historical and unknown origins included; it does not mean direct API use.
    """

    object_: UsageWebSearchCallsResultObject
    num_model_requests: int
    num_requests: int
    project_id: None | str | Unset = UNSET
    user_id: None | str | Unset = UNSET
    api_key_id: None | str | Unset = UNSET
    model: None | str | Unset = UNSET
    context_level: None | str | Unset = UNSET
    api_source: None | Unset | UsageWebSearchCallsResultApiSourceType0 = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        num_model_requests = self.num_model_requests

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

        model: None | str | Unset
        if isinstance(self.model, Unset):
            model = UNSET
        else:
            model = self.model

        context_level: None | str | Unset
        if isinstance(self.context_level, Unset):
            context_level = UNSET
        else:
            context_level = self.context_level

        api_source: None | str | Unset
        if isinstance(self.api_source, Unset):
            api_source = UNSET
        elif isinstance(self.api_source, str):
            api_source = self.api_source
        else:
            api_source = self.api_source

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "num_model_requests": num_model_requests,
                "num_requests": num_requests,
            }
        )
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if api_key_id is not UNSET:
            field_dict["api_key_id"] = api_key_id
        if model is not UNSET:
            field_dict["model"] = model
        if context_level is not UNSET:
            field_dict["context_level"] = context_level
        if api_source is not UNSET:
            field_dict["api_source"] = api_source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = check_usage_web_search_calls_result_object(d.pop("object"))

        num_model_requests = d.pop("num_model_requests")

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

        def _parse_model(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        model = _parse_model(d.pop("model", UNSET))

        def _parse_context_level(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        context_level = _parse_context_level(d.pop("context_level", UNSET))

        def _parse_api_source(
            data: object,
        ) -> None | Unset | UsageWebSearchCallsResultApiSourceType0:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                api_source_type_0 = check_usage_web_search_calls_result_api_source_type_0(data)

                return api_source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | Unset | UsageWebSearchCallsResultApiSourceType0, data)

        api_source = _parse_api_source(d.pop("api_source", UNSET))

        usage_web_search_calls_result = cls(
            object_=object_,
            num_model_requests=num_model_requests,
            num_requests=num_requests,
            project_id=project_id,
            user_id=user_id,
            api_key_id=api_key_id,
            model=model,
            context_level=context_level,
            api_source=api_source,
        )

        usage_web_search_calls_result.additional_properties = d
        return usage_web_search_calls_result

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
