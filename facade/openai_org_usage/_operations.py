"""The operations, described from openapi/usage.yaml: the one seam over the generated client.

Everything the rest of the package knows about an operation comes from here: its path, the
bucket widths, ``limit`` ranges, ``group_by`` values and filters it allows, how its request's
query is encoded, its generated page and result classes, and its result schema's fields.

Three tables: ``OPERATIONS``, the operations that page through time buckets (usage and costs:
what the CLI, the store, export and the fake's usage models iterate); ``LISTS``, the admin
lists paged by a cursor (projects, users, API keys, service accounts, spend alerts, rate
limits ...), described by ``ListOperation``; and ``OBJECTS``, the single-object reads (spend
limits), described by ``ObjectOperation``. Which table an operation of the fragment lands in is
decided by ``tools/gen_facade.py`` from its 200 schema's shape, not its name.

The data is ``_spec.py``, written by ``codegen.sh`` (``tools/gen_facade.py``) from the spec
fragment, typed by ``_spec_types.py``. The only thing read from the generated package is its
*public* model classes, looked up by the names in ``_spec.py``
(``openai_org_usage_client.models.<Name>``); none of the generator's private names
(``_get_kwargs`` ...) are used. ``tests/facade/test_operations.py``
checks that this description and the generated package agree: same request as the generated
builder, result classes with exactly these fields, limits as in ``x-limits``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final, Generic, Literal, TypeVar
from urllib.parse import quote

import attrs

import openai_org_usage_client.models as _models
from openai_org_usage_client import AuthenticatedClient
from openai_org_usage_client.models import UnknownUsageResult
from openai_org_usage_client.types import UNSET, Unset

from . import _spec
from ._spec_types import (
    EndpointSpec,
    FieldKind,
    FieldSpec,
    FilterSpec,
    ListOperationSpec,
    ObjectOperationSpec,
    OperationSpec,
    ParameterSpec,
)

# This is the one module that imports the generated package. Besides the operation table it
# offers the generated runtime types the rest of the package needs (the HTTP client requests
# are sent with, the class of results of an unknown type, and the "absent" marker), so no
# other module imports the generated package, and a change in it shows up here first.
__all__ = [
    "LISTS",
    "OBJECTS",
    "OPERATIONS",
    "UNSET",
    "AuthenticatedClient",
    "Field",
    "Filter",
    "ItemColumn",
    "ListFilter",
    "ListOperation",
    "ObjectOperation",
    "Operation",
    "Parameter",
    "UnknownUsageResult",
    "Unset",
]

R = TypeVar("R")

# -- what the package uses --------------------------------------------------------------------


@attrs.frozen
class Filter:
    """One filter parameter: a list of strings (``allowed`` set for enums) or a boolean."""

    name: str
    kind: type  # str for string lists, bool for a boolean such as `batch`
    allowed: tuple[str, ...] | None = None
    description: str = ""


@attrs.frozen
class Field:
    """One field of a result schema, in spec order.

    Attributes:
        name: The generated model's attribute (``object_`` for the JSON ``object``).
        key: The JSON name.
        kind: ``string``, ``integer``, ``number``, ``boolean``, ``object`` or (in list items
            only) ``array``.
        nullable: ``null`` is a valid value.
        required: The key is always present.
        enum: The allowed values of a string restricted to them, sorted; else empty.
        nested: An object's fields (an array's: its object items'); else empty.
        model: An object's (an array's object items') generated model class; else None.
        description: From the spec.
    """

    name: str
    key: str
    kind: FieldKind
    nullable: bool
    required: bool
    enum: tuple[str, ...] = ()
    nested: tuple[Field, ...] = ()
    model: type[Any] | None = None
    description: str = ""


@attrs.frozen
class Parameter:
    """One query parameter of the request, with the default the request builder sends.

    Attributes:
        name: The keyword ``build_request`` (and the generated builder) takes it under.
        required: The request needs it.
        default: What is sent when it is not given (None: nothing).
        array: A list, sent as the key repeated.
        wire: The query key (``project_ids[]`` for ``project_ids``, ``type`` for ``type_``).
        style: ``form`` (``wire=v``) or ``deepObject`` (a mapping, sent as ``wire[key]=v``:
            ``effective_at[gte]=...``). The generated client ignores ``deepObject`` and sends
            the bare keys (``gte=...``), which the API does not read: this table is what the
            facade sends.
    """

    name: str
    required: bool
    default: str | int | bool | None
    array: bool
    wire: str = ""
    style: Literal["form", "deepObject"] = "form"


@attrs.frozen
class _Endpoint:
    """What every operation has, bucketed (``Operation``) or listed (``ListOperation``)."""

    name: str
    path: str
    method: str
    summary: str
    description: str
    page_cls: type[Any]
    fields: tuple[Field, ...]
    parameters: tuple[Parameter, ...]


@attrs.frozen
class Operation(_Endpoint, Generic[R]):
    """Everything the package knows about one operation.

    Attributes:
        name: The client method name (also the CLI's endpoint name).
        path: The URL path below the base URL.
        method: The HTTP method, lower case as the generated client has it.
        summary: The spec's summary line.
        description: The spec's description (may be empty).
        page_cls: The generated page model.
        result_cls: The generated result model.
        result_object: The result's ``object`` value.
        bucket_widths: The allowed ``bucket_width`` values, sorted.
        default_bucket_width: What the API uses when ``bucket_width`` is not sent.
        limits: ``(default, maximum)`` buckets per page by width (``x-limits``); minimum is 1.
        group_by: The allowed ``group_by`` values, sorted.
        filters: The filter parameters by name, in spec order.
        fields: The result schema's fields, in spec order.
        parameters: Every query parameter, in the order they are sent.
    """

    result_cls: type[R]
    result_object: str
    bucket_widths: tuple[str, ...]
    default_bucket_width: str
    limits: Mapping[str, tuple[int, int]]
    group_by: tuple[str, ...]
    filters: Mapping[str, Filter]

    def build_request(self, **kwargs: Any) -> dict[str, Any]:
        """Method, URL and query of one request, in the spec's wire format.

        Exactly what the generated client would send for the same arguments: parameters in
        spec order, lists as lists (sent as repeated keys), booleans as booleans (``true`` /
        ``false``), ``None`` left out, and each parameter's spec default (``bucket_width``,
        for one) filled in when not given.

        Raises:
            TypeError: an unknown or missing required argument.
        """
        params = _query(self.name, self.parameters, kwargs)
        return {"method": self.method, "url": self.path, "params": params}


def _query(
    name: str, parameters: tuple[Parameter, ...], kwargs: dict[str, Any], path: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The query of one request: parameters in spec order, defaults filled, ``None`` left out.

    Raises:
        TypeError: an argument that is neither a parameter nor one of ``path``, or a missing
            required parameter.
    """
    unknown = set(kwargs) - set(path) - {p.name for p in parameters}
    if unknown:
        raise TypeError(f"{name}: unknown request parameters {sorted(unknown)}")
    params: dict[str, Any] = {}
    for param in parameters:
        value = kwargs.get(param.name, param.default)
        if value is None:
            if param.required:
                raise TypeError(f"{name}: missing required parameter {param.name!r}")
            continue
        wire = param.wire or param.name
        if param.style == "deepObject":
            if not isinstance(value, Mapping):
                raise TypeError(f"{name}: {param.name!r} must be a mapping")
            for key, inner in value.items():
                params[f"{wire}[{key}]"] = inner
        else:
            params[wire] = list(value) if param.array else value
    return params


def _model(name: str) -> type[Any]:
    cls = getattr(_models, name, None)
    if not isinstance(cls, type):
        # codegen.sh writes generated/ and _spec.py together: they disagree only when one of
        # them was edited by hand or codegen.sh was not run after a generator upgrade.
        raise ImportError(
            f"_spec.py names {name!r}, which openai_org_usage_client.models does not export; "
            "run ./codegen.sh"
        )
    return cls


def _field(spec: FieldSpec) -> Field:
    return Field(
        name=spec["name"],
        key=spec["key"],
        kind=spec["kind"],
        nullable=spec["nullable"],
        required=spec["required"],
        enum=spec["enum"],
        nested=tuple(_field(inner) for inner in spec["nested"]),
        model=_model(spec["model"]) if spec["model"] is not None else None,
        description=spec["description"],
    )


def _filter(spec: FilterSpec) -> Filter:
    if spec["kind"] == "boolean":
        return Filter(spec["name"], bool, description=spec["description"])
    allowed = spec["values"] if spec["kind"] == "enum" else None
    return Filter(spec["name"], str, allowed, spec["description"])


# Operations with the same ranges share one mapping.
_limits: dict[tuple[tuple[str, int, int], ...], Mapping[str, tuple[int, int]]] = {}


def _limits_of(spec: OperationSpec) -> Mapping[str, tuple[int, int]]:
    ranges = tuple((w, v["default"], v["maximum"]) for w, v in spec["limits"].items())
    found = _limits.get(ranges)
    if found is None:
        found = _limits[ranges] = MappingProxyType({w: (d, m) for w, d, m in ranges})
    return found


def _parameters(specs: tuple[ParameterSpec, ...]) -> tuple[Parameter, ...]:
    return tuple(
        Parameter(p["name"], p["required"], p["default"], p["array"], p["wire"], p["style"])
        for p in specs
    )


def _endpoint(spec: EndpointSpec) -> dict[str, Any]:
    """The attributes every operation has, bucketed or listed."""
    return {
        "name": spec["name"],
        "path": spec["path"],
        "method": spec["method"],
        "summary": spec["summary"],
        "description": spec["description"],
        "page_cls": _model(spec["page_class"]),
        "fields": tuple(_field(f) for f in spec["fields"]),
        "parameters": _parameters(spec["parameters"]),
    }


def _operation(spec: OperationSpec) -> Operation[Any]:
    return Operation(
        **_endpoint(spec),
        result_cls=_model(spec["result_class"]),
        result_object=spec["result_object"],
        bucket_widths=spec["bucket_widths"],
        default_bucket_width=spec["default_bucket_width"],
        limits=_limits_of(spec),
        group_by=spec["group_by"],
        filters={f["name"]: _filter(f) for f in spec["filters"]},
    )


OPERATIONS: Final[Mapping[str, Operation[Any]]] = {
    spec["name"]: _operation(spec) for spec in _spec.OPERATIONS
}
"""Every operation by client method name (also the CLI's endpoint names), in spec order."""


# -- list operations ---------------------------------------------------------------------------


@attrs.frozen
class ListFilter:
    """One filter of a list operation.

    Attributes:
        name: The query parameter (also the method's keyword argument).
        kind: ``boolean``; ``string`` (one string); ``strings`` (one or a list); ``choice``
            (one of ``allowed``); ``choices`` (one or a list of ``allowed``); ``range`` (a
            mapping from some of ``allowed``, the bounds, to Unix seconds: a deepObject).
        allowed: The allowed values of a ``choice`` or ``choices`` filter, or the bounds of a
            ``range`` (``gt``, ``gte``, ``lt``, ``lte``), sorted; else empty.
        default: What the API assumes when the filter is not sent.
        description: From the spec.
    """

    name: str
    kind: Literal["boolean", "string", "strings", "choice", "choices", "range"]
    allowed: tuple[str, ...] = ()
    default: str | int | bool | None = None
    description: str = ""


@attrs.frozen
class ListOperation(_Endpoint, Generic[R]):
    """Everything the package knows about one list operation (projects, users, keys, audit
    logs, health alert rules ...).

    Attributes:
        name: The client method name.
        path: The URL path template below the base URL (``{project_id}`` placeholders).
        method: The HTTP method, lower case.
        summary: The spec's summary line.
        description: The spec's description (may be empty).
        page_cls: The generated page model.
        item_cls: The generated model of one listed object.
        item_object: The objects' ``object`` value; None for objects without one (audit log
            events).
        path_parameters: The placeholders of ``path``, in order.
        cursor: Where the next cursor comes from: ``last_id`` (the page's) or ``item_id``
            (the ``id`` of the page's last object), both sent as ``after``; or ``next`` (the
            page's token, sent as ``page``; pages may be empty while more follow).
        cursor_parameter: The query parameter the cursor is sent as (``after``, ``page``).
        page_size: ``(default, maximum)`` objects per page; maximum None when the API
            documents none. The minimum is 1.
        filters: The filter parameters by name, in spec order.
        parameters: Every query parameter, in the order they are sent.
        fields: The item schema's fields, in spec order (nested ones included: an API key's
            ``owner.user.id``).
        columns: The columns of ``record``: every scalar field of ``fields``, nested ones
            flattened with ``_``.
    """

    item_cls: type[R]
    item_object: str | None
    path_parameters: tuple[str, ...]
    cursor: Literal["last_id", "item_id", "next"]
    cursor_parameter: str
    page_size: tuple[int, int | None]
    filters: Mapping[str, ListFilter]
    columns: tuple[ItemColumn, ...]

    def record(self, item: object) -> dict[str, Any]:
        """One listed object (an ``item_cls``) as a flat record: its value of each of
        ``columns``, by column name.

        A value the API left out or sent as ``null`` is None, and so is every value inside an
        object that is missing. Values are as the generated model holds them, unchecked.

        Example::

            record = LISTS["project_api_keys"].record(key)
            record["owner_user_id"] or record["owner_service_account_id"]
        """
        return _record(self.columns, item)

    def build_request(self, **kwargs: Any) -> dict[str, Any]:
        """Method, URL and query of one request, as the generated client would send it.

        Path parameters are URL-encoded into the path (a ``/`` in an ID cannot reach another
        endpoint); query parameters as in ``Operation.build_request``, under their wire names
        (``project_ids[]``), a ``deepObject`` one as ``effective_at[gte]``: there, and only
        there, this differs from the generated builder, which sends the bare ``gte``.

        Raises:
            TypeError: an unknown or missing required argument.
        """
        params = _query(self.name, self.parameters, kwargs, self.path_parameters)
        url = _url(self.name, self.path, self.path_parameters, kwargs)
        return {"method": self.method, "url": url, "params": params}


def _record(columns: tuple[ItemColumn, ...], item: object) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in columns:
        value: Any = item
        for name in column.path:
            value = getattr(value, name, None)
            if value is None or isinstance(value, Unset):
                value = None
                break
        out[column.name] = value
    return out


def _url(name: str, path: str, path_parameters: tuple[str, ...], kwargs: dict[str, Any]) -> str:
    """``path`` with each placeholder URL-encoded (a ``/`` in an ID cannot reach another
    endpoint)."""
    url = path
    for param in path_parameters:
        value = kwargs.get(param)
        if not isinstance(value, str) or not value:
            raise TypeError(f"{name}: missing path parameter {param!r}")
        url = url.replace("{" + param + "}", quote(value, safe=""))
    return url


@attrs.frozen
class ItemColumn:
    """One column of a list item's record (``ListOperation.record``).

    Attributes:
        name: The JSON keys down to the field, joined with ``_`` (``owner_user_id``).
        path: The generated models' attributes down to it (``owner``, ``user``, ``id``).
        kind: ``string``, ``integer``, ``number`` or ``boolean``.
    """

    name: str
    path: tuple[str, ...]
    kind: FieldKind


def _item_columns(name: str, fields: tuple[Field, ...]) -> tuple[ItemColumn, ...]:
    """Every scalar field, in spec order, nested ones flattened (export's row shape does the
    same); arrays and the constant ``object`` are left out."""
    columns: list[ItemColumn] = []

    def flatten(field: Field, path: tuple[str, ...], prefix: str) -> None:
        path = (*path, field.name)
        if field.kind == "object":
            for inner in field.nested:
                flatten(inner, path, f"{prefix}{field.key}_")
        elif field.kind != "array":
            columns.append(ItemColumn(prefix + field.key, path, field.kind))

    for field in fields:
        if field.key != "object":
            flatten(field, (), "")
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise ImportError(f"{name}: the item's flattened columns collide: {names}")
    return tuple(columns)


def _list_operation(spec: ListOperationSpec) -> ListOperation[Any]:
    size = spec["page_size"]
    common = _endpoint(spec)
    return ListOperation(
        **common,
        columns=_item_columns(spec["name"], common["fields"]),
        item_cls=_model(spec["item_class"]),
        item_object=spec["item_object"],
        path_parameters=spec["path_parameters"],
        cursor=spec["cursor"],
        cursor_parameter=spec["cursor_parameter"],
        page_size=(size["default"], size["maximum"]),
        filters={
            f["name"]: ListFilter(f["name"], f["kind"], f["values"], f["default"], f["description"])
            for f in spec["filters"]
        },
    )


LISTS: Final[Mapping[str, ListOperation[Any]]] = {
    spec["name"]: _list_operation(spec) for spec in _spec.LISTS
}
"""Every list operation by client method name, in spec order: kept apart from ``OPERATIONS``,
whose operations page through time buckets (the CLI, the store, export and the fake's usage
models iterate that one)."""


# -- single-object reads -----------------------------------------------------------------------


@attrs.frozen
class ObjectOperation(_Endpoint, Generic[R]):
    """Everything the package knows about one single-object read (a spend limit ...).

    Attributes:
        name: The client method name.
        path: The URL path template below the base URL (``{project_id}`` placeholders).
        method: The HTTP method, lower case.
        summary: The spec's summary line.
        description: The spec's description (may be empty).
        page_cls: The generated model of the object (the same as ``item_cls``).
        item_cls: The generated model of the object.
        item_object: The object's ``object`` value.
        path_parameters: The placeholders of ``path``, in order.
        fields: The object schema's fields, in spec order (nested ones included).
        parameters: Every query parameter (none so far), in the order they are sent.
        columns: The columns of ``record`` (as ``ListOperation.columns``).
    """

    item_cls: type[R]
    item_object: str
    path_parameters: tuple[str, ...]
    columns: tuple[ItemColumn, ...]

    def record(self, item: object) -> dict[str, Any]:
        """The object as a flat record, one value per column (``ListOperation.record``)."""
        return _record(self.columns, item)

    def build_request(self, **kwargs: Any) -> dict[str, Any]:
        """Method, URL and query of the request, as the generated client would send it.

        Raises:
            TypeError: an unknown argument or a missing path parameter.
        """
        params = _query(self.name, self.parameters, kwargs, self.path_parameters)
        url = _url(self.name, self.path, self.path_parameters, kwargs)
        return {"method": self.method, "url": url, "params": params}


def _object_operation(spec: ObjectOperationSpec) -> ObjectOperation[Any]:
    common = _endpoint(spec)
    return ObjectOperation(
        **common,
        columns=_item_columns(spec["name"], common["fields"]),
        item_cls=_model(spec["item_class"]),
        item_object=spec["item_object"],
        path_parameters=spec["path_parameters"],
    )


OBJECTS: Final[Mapping[str, ObjectOperation[Any]]] = {
    spec["name"]: _object_operation(spec) for spec in _spec.OBJECTS
}
"""Every single-object read by client method name, in spec order: a GET whose answer is one
object (a spend limit), returned typed rather than as a paginator."""
