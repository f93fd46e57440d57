from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.project_rate_limit_object import (
    ProjectRateLimitObject,
    check_project_rate_limit_object,
)
from ..types import UNSET, Unset

T = TypeVar("T", bound="ProjectRateLimit")


@_attrs_define
class ProjectRateLimit:
    """The rate limits of one model in a project.

    Attributes:
        object_ (ProjectRateLimitObject): Always `project.rate_limit`.
        id (str): The rate limit ID.
        model (str): The model the limits apply to.
        max_requests_per_1_minute (int): Requests per minute.
        max_tokens_per_1_minute (int): Tokens per minute.
        max_images_per_1_minute (int | Unset): Images per minute; only for image models.
        max_audio_megabytes_per_1_minute (int | Unset): Audio megabytes per minute; only for audio models.
        max_requests_per_1_day (int | Unset): Requests per day; only where the model has such a limit.
        batch_1_day_max_input_tokens (int | Unset): Batch input tokens per day; only where the model has such a limit.
    """

    object_: ProjectRateLimitObject
    id: str
    model: str
    max_requests_per_1_minute: int
    max_tokens_per_1_minute: int
    max_images_per_1_minute: int | Unset = UNSET
    max_audio_megabytes_per_1_minute: int | Unset = UNSET
    max_requests_per_1_day: int | Unset = UNSET
    batch_1_day_max_input_tokens: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        id = self.id

        model = self.model

        max_requests_per_1_minute = self.max_requests_per_1_minute

        max_tokens_per_1_minute = self.max_tokens_per_1_minute

        max_images_per_1_minute = self.max_images_per_1_minute

        max_audio_megabytes_per_1_minute = self.max_audio_megabytes_per_1_minute

        max_requests_per_1_day = self.max_requests_per_1_day

        batch_1_day_max_input_tokens = self.batch_1_day_max_input_tokens

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "id": id,
                "model": model,
                "max_requests_per_1_minute": max_requests_per_1_minute,
                "max_tokens_per_1_minute": max_tokens_per_1_minute,
            }
        )
        if max_images_per_1_minute is not UNSET:
            field_dict["max_images_per_1_minute"] = max_images_per_1_minute
        if max_audio_megabytes_per_1_minute is not UNSET:
            field_dict["max_audio_megabytes_per_1_minute"] = max_audio_megabytes_per_1_minute
        if max_requests_per_1_day is not UNSET:
            field_dict["max_requests_per_1_day"] = max_requests_per_1_day
        if batch_1_day_max_input_tokens is not UNSET:
            field_dict["batch_1_day_max_input_tokens"] = batch_1_day_max_input_tokens

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        object_ = check_project_rate_limit_object(d.pop("object"))

        id = d.pop("id")

        model = d.pop("model")

        max_requests_per_1_minute = d.pop("max_requests_per_1_minute")

        max_tokens_per_1_minute = d.pop("max_tokens_per_1_minute")

        max_images_per_1_minute = d.pop("max_images_per_1_minute", UNSET)

        max_audio_megabytes_per_1_minute = d.pop("max_audio_megabytes_per_1_minute", UNSET)

        max_requests_per_1_day = d.pop("max_requests_per_1_day", UNSET)

        batch_1_day_max_input_tokens = d.pop("batch_1_day_max_input_tokens", UNSET)

        project_rate_limit = cls(
            object_=object_,
            id=id,
            model=model,
            max_requests_per_1_minute=max_requests_per_1_minute,
            max_tokens_per_1_minute=max_tokens_per_1_minute,
            max_images_per_1_minute=max_images_per_1_minute,
            max_audio_megabytes_per_1_minute=max_audio_megabytes_per_1_minute,
            max_requests_per_1_day=max_requests_per_1_day,
            batch_1_day_max_input_tokens=batch_1_day_max_input_tokens,
        )

        project_rate_limit.additional_properties = d
        return project_rate_limit

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
