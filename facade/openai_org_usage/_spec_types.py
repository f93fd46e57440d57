"""The types of what ``_spec.py`` holds: plain data, one TypedDict per kind of node.

``tools/gen_facade.py`` writes ``_spec.py`` as values of these types; ``_operations`` reads
them into the classes the package uses. Kept apart from both so that neither imports the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, TypedDict

__all__ = [
    "EndpointSpec",
    "FieldKind",
    "FieldSpec",
    "FilterSpec",
    "LimitSpec",
    "ListFilterSpec",
    "ListOperationSpec",
    "ObjectOperationSpec",
    "OperationSpec",
    "PageSizeSpec",
    "ParameterSpec",
]

FieldKind = Literal["string", "integer", "number", "boolean", "object", "array"]
"""A field's JSON type; ``array`` only in list items (a usage result has none)."""


class FieldSpec(TypedDict):
    """One property of a result or list item schema (``nested``: an object's, or an array's
    object items')."""

    name: str
    key: str
    kind: FieldKind
    nullable: bool
    required: bool
    enum: tuple[str, ...]
    description: str
    model: str | None
    nested: tuple[FieldSpec, ...]


class FilterSpec(TypedDict):
    """One filter parameter."""

    name: str
    kind: Literal["strings", "enum", "boolean"]
    values: tuple[str, ...]
    description: str


class ParameterSpec(TypedDict):
    """One query parameter, in the order the spec (and so the generated client) sends them."""

    name: str
    required: bool
    default: str | int | bool | None
    array: bool


class LimitSpec(TypedDict):
    """``x-limits`` of one bucket width."""

    default: int
    minimum: int
    maximum: int


class EndpointSpec(TypedDict):
    """What every operation of the spec fragment has, bucketed or listed."""

    name: str
    operation_id: str
    path: str
    method: str
    api_module: str
    page_class: str
    summary: str
    description: str
    parameters: tuple[ParameterSpec, ...]
    fields: tuple[FieldSpec, ...]


class OperationSpec(EndpointSpec):
    """One operation of the spec fragment that pages through time buckets (``fields``: its
    result's)."""

    result_class: str
    result_object: str
    bucket_widths: tuple[str, ...]
    default_bucket_width: str
    limits: Mapping[str, LimitSpec]
    group_by: tuple[str, ...]
    filters: tuple[FilterSpec, ...]


class PageSizeSpec(TypedDict):
    """``limit`` of a list operation: the API's default and the allowed range."""

    default: int
    minimum: int
    maximum: int | None


class ListFilterSpec(TypedDict):
    """One filter parameter of a list operation."""

    name: str
    kind: Literal["boolean", "string", "strings", "choice", "choices"]
    values: tuple[str, ...]
    default: str | int | bool | None
    description: str


class ListOperationSpec(EndpointSpec):
    """One list operation of the spec fragment, paged by object ID, not in time buckets
    (``fields``: its item's)."""

    item_class: str
    item_object: str
    path_parameters: tuple[str, ...]
    cursor: Literal["last_id", "item_id"]
    page_size: PageSizeSpec
    filters: tuple[ListFilterSpec, ...]


class ObjectOperationSpec(EndpointSpec):
    """One single-object read of the spec fragment (a spend limit ...): a GET whose 200 is one
    object, not a page (``page_class`` and ``item_class`` are its model; ``fields``: its)."""

    item_class: str
    item_object: str
    path_parameters: tuple[str, ...]
