from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_code_interpreter_sessions_result_object import (
    UsageCodeInterpreterSessionsResultObject,
    check_usage_code_interpreter_sessions_result_object,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="UsageCodeInterpreterSessionsResult")


@_attrs_define
class UsageCodeInterpreterSessionsResult:
    """Code interpreter sessions in one bucket, for one combination of the grouped fields.

    Attributes:
        object_ (UsageCodeInterpreterSessionsResultObject):
        num_sessions (int): Code interpreter sessions.
        project_id (None | str | Unset): Set when grouping by `project_id`; null otherwise.
    """

    object_: UsageCodeInterpreterSessionsResultObject
    num_sessions: int
    project_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        num_sessions = self.num_sessions

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
                "num_sessions": num_sessions,
            }
        )
        if project_id is not UNSET:
            field_dict["project_id"] = project_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = check_usage_code_interpreter_sessions_result_object(d.pop("object"))

        num_sessions = d.pop("num_sessions")

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        usage_code_interpreter_sessions_result = cls(
            object_=object_,
            num_sessions=num_sessions,
            project_id=project_id,
        )

        usage_code_interpreter_sessions_result.additional_properties = d
        return usage_code_interpreter_sessions_result

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
