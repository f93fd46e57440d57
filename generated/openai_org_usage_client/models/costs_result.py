from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.costs_result_api_source_type_0 import (
    CostsResultApiSourceType0,
    check_costs_result_api_source_type_0,
)
from ..models.costs_result_object import CostsResultObject, check_costs_result_object
from ..models.costs_result_quantity_unit_type_1 import (
    CostsResultQuantityUnitType1,
    check_costs_result_quantity_unit_type_1,
)
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.costs_result_amount import CostsResultAmount


T = TypeVar("T", bound="CostsResult")


@_attrs_define
class CostsResult:
    """Spend in one bucket, for one combination of the grouped fields.

    Attributes:
        object_ (CostsResultObject):
        amount (CostsResultAmount | Unset): What the bucket cost.
        line_item (None | str | Unset): Set when grouping by `line_item`; null otherwise.
        project_id (None | str | Unset): Set when grouping by `project_id`; null otherwise.
        api_key_id (None | str | Unset): Set when grouping by `api_key_id`; null otherwise.
        quantity (float | None | Unset): Billed quantity, when grouped by `line_item`.
        quantity_unit (CostsResultQuantityUnitType1 | None | str | Unset): Unit of `quantity`; null when no single
            listed unit applies. May be a unit not listed here.
        user_id (None | str | Unset): Set when grouping by `user_id`; null otherwise.
        api_source (CostsResultApiSourceType0 | None | Unset): Set when grouping by `api_source`; null otherwise.
            `agents_api`: activity attributed to the Agents API. `unlabeled`: every record without published attribution,
            historical and unknown origins included; it does not mean direct API use.
    """

    object_: CostsResultObject
    amount: CostsResultAmount | Unset = UNSET
    line_item: None | str | Unset = UNSET
    project_id: None | str | Unset = UNSET
    api_key_id: None | str | Unset = UNSET
    quantity: float | None | Unset = UNSET
    quantity_unit: CostsResultQuantityUnitType1 | None | str | Unset = UNSET
    user_id: None | str | Unset = UNSET
    api_source: CostsResultApiSourceType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        object_: str = self.object_

        amount: dict[str, Any] | Unset = UNSET
        if not isinstance(self.amount, Unset):
            amount = self.amount.to_dict()

        line_item: None | str | Unset
        if isinstance(self.line_item, Unset):
            line_item = UNSET
        else:
            line_item = self.line_item

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        api_key_id: None | str | Unset
        if isinstance(self.api_key_id, Unset):
            api_key_id = UNSET
        else:
            api_key_id = self.api_key_id

        quantity: float | None | Unset
        if isinstance(self.quantity, Unset):
            quantity = UNSET
        else:
            quantity = self.quantity

        quantity_unit: None | str | Unset
        if isinstance(self.quantity_unit, Unset):
            quantity_unit = UNSET
        elif isinstance(self.quantity_unit, str):
            quantity_unit = self.quantity_unit
        else:
            quantity_unit = self.quantity_unit

        user_id: None | str | Unset
        if isinstance(self.user_id, Unset):
            user_id = UNSET
        else:
            user_id = self.user_id

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
            }
        )
        if amount is not UNSET:
            field_dict["amount"] = amount
        if line_item is not UNSET:
            field_dict["line_item"] = line_item
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if api_key_id is not UNSET:
            field_dict["api_key_id"] = api_key_id
        if quantity is not UNSET:
            field_dict["quantity"] = quantity
        if quantity_unit is not UNSET:
            field_dict["quantity_unit"] = quantity_unit
        if user_id is not UNSET:
            field_dict["user_id"] = user_id
        if api_source is not UNSET:
            field_dict["api_source"] = api_source

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.costs_result_amount import CostsResultAmount  # noqa: PLC0415

        d = dict(src_dict)
        object_ = check_costs_result_object(d.pop("object"))

        _amount = d.pop("amount", UNSET)
        amount: CostsResultAmount | Unset
        if isinstance(_amount, Unset):
            amount = UNSET
        else:
            amount = CostsResultAmount.from_dict(_amount)

        def _parse_line_item(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        line_item = _parse_line_item(d.pop("line_item", UNSET))

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        def _parse_api_key_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        api_key_id = _parse_api_key_id(d.pop("api_key_id", UNSET))

        def _parse_quantity(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        quantity = _parse_quantity(d.pop("quantity", UNSET))

        def _parse_quantity_unit(data: object) -> CostsResultQuantityUnitType1 | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                quantity_unit_type_1 = check_costs_result_quantity_unit_type_1(data)

                return quantity_unit_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CostsResultQuantityUnitType1 | None | str | Unset, data)

        quantity_unit = _parse_quantity_unit(d.pop("quantity_unit", UNSET))

        def _parse_user_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        user_id = _parse_user_id(d.pop("user_id", UNSET))

        def _parse_api_source(data: object) -> CostsResultApiSourceType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                api_source_type_0 = check_costs_result_api_source_type_0(data)

                return api_source_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CostsResultApiSourceType0 | None | Unset, data)

        api_source = _parse_api_source(d.pop("api_source", UNSET))

        costs_result = cls(
            object_=object_,
            amount=amount,
            line_item=line_item,
            project_id=project_id,
            api_key_id=api_key_id,
            quantity=quantity,
            quantity_unit=quantity_unit,
            user_id=user_id,
            api_source=api_source,
        )

        costs_result.additional_properties = d
        return costs_result

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
