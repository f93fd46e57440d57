from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="AuditLogRateLimitUpdatedChangesRequested")


@_attrs_define
class AuditLogRateLimitUpdatedChangesRequested:
    """The payload used to update the rate limit.

    Attributes:
        max_requests_per_1_minute (int | Unset): Requests per minute.
        max_tokens_per_1_minute (int | Unset): Tokens per minute.
        max_images_per_1_minute (int | Unset): Images per minute.
        max_audio_megabytes_per_1_minute (int | Unset): Audio megabytes per minute.
        max_requests_per_1_day (int | Unset): Requests per day.
        batch_1_day_max_input_tokens (int | Unset): Batch input tokens per day.
    """

    max_requests_per_1_minute: int | Unset = UNSET
    max_tokens_per_1_minute: int | Unset = UNSET
    max_images_per_1_minute: int | Unset = UNSET
    max_audio_megabytes_per_1_minute: int | Unset = UNSET
    max_requests_per_1_day: int | Unset = UNSET
    batch_1_day_max_input_tokens: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        max_requests_per_1_minute = self.max_requests_per_1_minute

        max_tokens_per_1_minute = self.max_tokens_per_1_minute

        max_images_per_1_minute = self.max_images_per_1_minute

        max_audio_megabytes_per_1_minute = self.max_audio_megabytes_per_1_minute

        max_requests_per_1_day = self.max_requests_per_1_day

        batch_1_day_max_input_tokens = self.batch_1_day_max_input_tokens

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if max_requests_per_1_minute is not UNSET:
            field_dict["max_requests_per_1_minute"] = max_requests_per_1_minute
        if max_tokens_per_1_minute is not UNSET:
            field_dict["max_tokens_per_1_minute"] = max_tokens_per_1_minute
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
        max_requests_per_1_minute = d.pop("max_requests_per_1_minute", UNSET)

        max_tokens_per_1_minute = d.pop("max_tokens_per_1_minute", UNSET)

        max_images_per_1_minute = d.pop("max_images_per_1_minute", UNSET)

        max_audio_megabytes_per_1_minute = d.pop("max_audio_megabytes_per_1_minute", UNSET)

        max_requests_per_1_day = d.pop("max_requests_per_1_day", UNSET)

        batch_1_day_max_input_tokens = d.pop("batch_1_day_max_input_tokens", UNSET)

        audit_log_rate_limit_updated_changes_requested = cls(
            max_requests_per_1_minute=max_requests_per_1_minute,
            max_tokens_per_1_minute=max_tokens_per_1_minute,
            max_images_per_1_minute=max_images_per_1_minute,
            max_audio_megabytes_per_1_minute=max_audio_megabytes_per_1_minute,
            max_requests_per_1_day=max_requests_per_1_day,
            batch_1_day_max_input_tokens=batch_1_day_max_input_tokens,
        )

        audit_log_rate_limit_updated_changes_requested.additional_properties = d
        return audit_log_rate_limit_updated_changes_requested

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
