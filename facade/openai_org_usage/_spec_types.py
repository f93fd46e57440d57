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
    """One query parameter, in the order the spec (and so the generated client) sends them.

    ``name`` is the generated builder's keyword (``project_ids``, ``type_``), ``wire`` the key
    on the wire (``project_ids[]``, ``type``). ``style`` ``form`` sends ``wire=v`` (a list as the
    key repeated); ``deepObject`` sends a mapping as ``wire[key]=v`` (``effective_at[gte]=...``),
    which the generated client does not do (it sends the bare ``gte=...``).
    """

    name: str
    wire: str
    style: Literal["form", "deepObject"]
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
    kind: Literal["boolean", "string", "strings", "choice", "choices", "range"]
    values: tuple[str, ...]
    default: str | int | bool | None
    description: str


class ListOperationSpec(EndpointSpec):
    """One list operation of the spec fragment, paged by a cursor, not in time buckets
    (``fields``: its item's; ``item_object`` None for items without an ``object`` field).

    ``cursor`` says where the next cursor comes from (``last_id`` of the page, the last item's
    ``id``, or the page's ``next`` token), ``cursor_parameter`` what it is sent as (``after``,
    or ``page`` for ``next``)."""

    item_class: str
    item_object: str | None
    path_parameters: tuple[str, ...]
    cursor: Literal["last_id", "item_id", "next"]
    cursor_parameter: str
    page_size: PageSizeSpec
    filters: tuple[ListFilterSpec, ...]


class ObjectOperationSpec(EndpointSpec):
    """One single-object read of the spec fragment (a spend limit ...): a GET whose 200 is one
    object, not a page (``page_class`` and ``item_class`` are its model; ``fields``: its)."""

    item_class: str
    item_object: str
    path_parameters: tuple[str, ...]
