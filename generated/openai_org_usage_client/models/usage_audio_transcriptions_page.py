from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_audio_transcriptions_page_object import (
    UsageAudioTranscriptionsPageObject,
    check_usage_audio_transcriptions_page_object,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.usage_audio_transcriptions_bucket import UsageAudioTranscriptionsBucket


T = TypeVar("T", bound="UsageAudioTranscriptionsPage")


@_attrs_define
class UsageAudioTranscriptionsPage:
    """One page of speech-to-text usage buckets, oldest first.

    Attributes:
        object_ (UsageAudioTranscriptionsPageObject):
        data (list[UsageAudioTranscriptionsBucket]):
        has_more (bool): More buckets remain; fetch them with `page` set to `next_page`.
        next_page (None | str | Unset): Cursor for the next page; null or absent on the last page.
    """

    object_: UsageAudioTranscriptionsPageObject
    data: list[UsageAudioTranscriptionsBucket]
    has_more: bool
    next_page: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        data = []
        for data_item_data in self.data:
            data_item = data_item_data.to_dict()
            data.append(data_item)

        has_more = self.has_more

        next_page: None | str | Unset
        if isinstance(self.next_page, Unset):
            next_page = UNSET
        else:
            next_page = self.next_page

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "data": data,
                "has_more": has_more,
            }
        )
        if next_page is not UNSET:
            field_dict["next_page"] = next_page

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.usage_audio_transcriptions_bucket import UsageAudioTranscriptionsBucket  # noqa: PLC0415

        d = dict(src_dict)
        object_ = check_usage_audio_transcriptions_page_object(d.pop("object"))

        data = []
        _data = d.pop("data")
        for data_item_data in _data:
            data_item = UsageAudioTranscriptionsBucket.from_dict(data_item_data)

            data.append(data_item)

        has_more = d.pop("has_more")

        def _parse_next_page(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        next_page = _parse_next_page(d.pop("next_page", UNSET))

        usage_audio_transcriptions_page = cls(
            object_=object_,
            data=data,
            has_more=has_more,
            next_page=next_page,
        )

        usage_audio_transcriptions_page.additional_properties = d
        return usage_audio_transcriptions_page

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
