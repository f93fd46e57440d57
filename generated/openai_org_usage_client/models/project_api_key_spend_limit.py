from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.project_api_key_spend_limit_currency import (
    ProjectApiKeySpendLimitCurrency,
    check_project_api_key_spend_limit_currency,
)
from ..models.project_api_key_spend_limit_interval import (
    ProjectApiKeySpendLimitInterval,
    check_project_api_key_spend_limit_interval,
)

if TYPE_CHECKING:
    from ..models.project_api_key_spend_limit_enforcement import ProjectApiKeySpendLimitEnforcement


T = TypeVar("T", bound="ProjectApiKeySpendLimit")


@_attrs_define
class ProjectApiKeySpendLimit:
    """A project API key's own monthly hard spend limit.

    Attributes:
        threshold_amount (int): The monthly hard limit, in USD cents.
        currency (ProjectApiKeySpendLimitCurrency): Always `USD` for now.
        interval (ProjectApiKeySpendLimitInterval): Always `month` for now.
        enforcement (ProjectApiKeySpendLimitEnforcement): The enforcement state of a key's spend limit.
    """

    threshold_amount: int
    currency: ProjectApiKeySpendLimitCurrency
    interval: ProjectApiKeySpendLimitInterval
    enforcement: ProjectApiKeySpendLimitEnforcement
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        threshold_amount = self.threshold_amount

        currency: str = self.currency

        interval: str = self.interval

        enforcement = self.enforcement.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "threshold_amount": threshold_amount,
                "currency": currency,
                "interval": interval,
                "enforcement": enforcement,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.project_api_key_spend_limit_enforcement import (
            ProjectApiKeySpendLimitEnforcement,  # noqa: PLC0415
        )

        d = dict(src_dict)
        threshold_amount = d.pop("threshold_amount")

        currency = check_project_api_key_spend_limit_currency(d.pop("currency"))

        interval = check_project_api_key_spend_limit_interval(d.pop("interval"))

        enforcement = ProjectApiKeySpendLimitEnforcement.from_dict(d.pop("enforcement"))

        project_api_key_spend_limit = cls(
            threshold_amount=threshold_amount,
            currency=currency,
            interval=interval,
            enforcement=enforcement,
        )

        project_api_key_spend_limit.additional_properties = d
        return project_api_key_spend_limit

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
