from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.usage_decisions_bucket_object import (
    UsageDecisionsBucketObject,
    check_usage_decisions_bucket_object,
)

if TYPE_CHECKING:
    from ..models.unknown_usage_result import UnknownUsageResult
    from ..models.usage_decisions_result import UsageDecisionsResult


T = TypeVar("T", bound="UsageDecisionsBucket")


@_attrs_define
class UsageDecisionsBucket:
    """One UTC-aligned time bucket and its (possibly empty) results.

    Attributes:
        object_ (UsageDecisionsBucketObject):
        start_time (int): Bucket start, Unix seconds, inclusive.
        end_time (int): Bucket end, Unix seconds, exclusive.
        results (list[UnknownUsageResult | UsageDecisionsResult]):
    """

    object_: UsageDecisionsBucketObject
    start_time: int
    end_time: int
    results: list[UnknownUsageResult | UsageDecisionsResult]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.usage_decisions_result import UsageDecisionsResult  # noqa: PLC0415

        object_: str = self.object_

        start_time = self.start_time

        end_time = self.end_time

        results = []
        for results_item_data in self.results:
            results_item: dict[str, Any]
            if isinstance(results_item_data, UsageDecisionsResult):
                results_item = results_item_data.to_dict()
            else:
                results_item = results_item_data.to_dict()

            results.append(results_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "object": object_,
                "start_time": start_time,
                "end_time": end_time,
                "results": results,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.unknown_usage_result import UnknownUsageResult  # noqa: PLC0415
        from ..models.usage_decisions_result import UsageDecisionsResult  # noqa: PLC0415

        d = dict(src_dict)
        object_ = check_usage_decisions_bucket_object(d.pop("object"))

        start_time = d.pop("start_time")

        end_time = d.pop("end_time")

        results = []
        _results = d.pop("results")
        for results_item_data in _results:

            def _parse_results_item(data: object) -> UnknownUsageResult | UsageDecisionsResult:
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    results_item_type_0 = UsageDecisionsResult.from_dict(data)

                    return results_item_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                results_item_type_1 = UnknownUsageResult.from_dict(data)

                return results_item_type_1

            results_item = _parse_results_item(results_item_data)

            results.append(results_item)

        usage_decisions_bucket = cls(
            object_=object_,
            start_time=start_time,
            end_time=end_time,
            results=results,
        )

        usage_decisions_bucket.additional_properties = d
        return usage_decisions_bucket

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
