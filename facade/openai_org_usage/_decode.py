"""Typed page decoders (msgspec), derived from the operation table at first use.

A page body is decoded in one C pass into ``msgspec`` structs whose fields and JSON types come
from the seam's description of the operation's result (``Operation.fields``): integers refuse
booleans and floats, strings refuse numbers, enums refuse other strings, ``null`` is accepted
only where the field is nullable and a missing key only where the field is optional. So a
decoded page has already passed every type check the compiled builders (``_builders``) make,
without a Python ``dict`` per result or a Python check per field.

Two decoders per operation:

* ``objects``: for the typed iteration. Results must carry every key under its own name and
  nothing else the schema lacks (``forbid_unknown_fields``), because unknown keys belong in
  ``additional_properties``; a missing optional key decodes to the generated client's ``UNSET``.
* ``columns``: for the columnar path. Keys the schema lacks are skipped (frames never carry
  them); a missing optional key decodes to None, as the row shape has it.

Both are strict: anything they refuse goes to the general path, which builds the page or names
its fault; they are a fast path, never a second set of rules (which path runs when:
``_parse``'s module docstring). Neither checks the UTF-8 of what it skips (keys the schema
lacks, results left ``Raw``): ``_parse.page_errors`` refuses a body that is not UTF-8 first.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

import attrs
import msgspec

from ._operations import UNSET, Field, Operation

__all__ = ["Decoders", "decoders", "page_decoder", "per_operation", "result_struct"]

_SCALARS: dict[str, Any] = {
    "integer": int,
    # JSON numbers stay what they were written as (int or float), as with json.loads.
    "number": int | float,
    "string": str,
    "boolean": bool,
}

_names = itertools.count()

T = TypeVar("T")


@attrs.frozen
class Decoders:
    """The page decoders of one operation (see the module docstring).

    ``columns`` leaves each bucket's results undecoded (``msgspec.Raw``): the columnar path
    decodes them with ``column_results`` a few buckets at a time, so that a page's Python
    values never all exist at once.
    """

    objects: msgspec.json.Decoder[Any]
    columns: msgspec.json.Decoder[Any]
    column_results: msgspec.json.Decoder[Any]


def _field_type(field: Field, nested: type[Any] | None) -> Any:
    if field.kind == "object":
        if nested is None:
            raise TypeError(f"{field.key}: an object field needs its nested struct")
        kind: Any = nested
    elif field.enum:
        kind = Literal[field.enum]
    elif field.kind in _SCALARS:
        kind = _SCALARS[field.kind]
    else:
        raise TypeError(f"{field.key}: no decoder type for fields of kind {field.kind!r}")
    return kind | None if field.nullable else kind


def result_struct(
    name: str, fields: Sequence[Field], *, missing: object, forbid_unknown: bool
) -> type[msgspec.Struct]:
    """A struct decoding one result (or nested object) described by ``fields``.

    Attribute names are ``f0``, ``f1`` ... in spec order (renamed to the JSON keys), so no key
    can clash with Python's keywords. An optional key decodes to ``missing`` when absent: the
    default is not checked against the type, so a non-nullable optional field still refuses an
    explicit ``null``.
    """
    spec: list[tuple[str, Any] | tuple[str, Any, Any]] = []
    rename: dict[str, str] = {}
    for index, field in enumerate(fields):
        nested = None
        if field.kind == "object":
            nested = result_struct(
                f"{name}_{field.key}", field.nested, missing=missing, forbid_unknown=forbid_unknown
            )
        attr = f"f{index}"
        rename[attr] = field.key
        kind = _field_type(field, nested)
        spec.append((attr, kind) if field.required else (attr, kind, missing))
    return msgspec.defstruct(
        f"{name}_{next(_names)}",
        spec,
        rename=rename,
        kw_only=True,
        forbid_unknown_fields=forbid_unknown,
        gc=False,  # acyclic: no need to track millions of them
    )


def page_decoder(results: Any) -> msgspec.json.Decoder[Any]:
    """A decoder of a whole page whose buckets' ``results`` are of type ``results``."""
    bucket = msgspec.defstruct(
        f"Bucket_{next(_names)}",
        [
            ("object", Literal["bucket"]),
            ("start_time", int),
            ("end_time", int),
            ("results", results),
        ],
        gc=False,
    )
    page = msgspec.defstruct(
        f"Page_{next(_names)}",
        [
            ("object", Literal["page"]),
            ("data", list[bucket]),  # type: ignore[valid-type]
            ("has_more", bool),
            ("next_page", str | None, None),
        ],
        gc=False,
    )
    return msgspec.json.Decoder(page)


def per_operation(derive: Callable[[Operation[Any]], T]) -> Callable[[Operation[Any]], T]:
    """``derive``, run on an operation's first use only, then remembered.

    Operations are told apart by name and result class. Every page reader derives what it
    needs this way (these decoders, ``_parse``'s converters, ``_columnar``'s plans), so a page
    costs one dictionary lookup for it.
    """
    made: dict[tuple[str, type[Any]], T] = {}

    @functools.wraps(derive)
    def remembered(operation: Operation[Any]) -> T:
        key = (operation.name, operation.result_cls)
        found = made.get(key)
        if found is None:
            found = made[key] = derive(operation)
        return found

    return remembered


@per_operation
def decoders(operation: Operation[Any]) -> Decoders:
    """The decoders of ``operation``, derived from its fields on first use."""
    fields = _own_object(operation)
    objects = result_struct(operation.name, fields, missing=UNSET, forbid_unknown=True)
    columns = result_struct(operation.name, fields, missing=None, forbid_unknown=False)
    return Decoders(
        objects=page_decoder(list[objects]),  # type: ignore[valid-type]
        columns=page_decoder(msgspec.Raw),
        column_results=msgspec.json.Decoder(list[columns]),  # type: ignore[valid-type]
    )


def _own_object(operation: Operation[Any]) -> tuple[Field, ...]:
    """The fields, with ``object`` restricted to this operation's own result type.

    Results of another type (``UnknownUsageResult``) then fail the fast decoders and go to the
    general path, which keeps them in ``Bucket.unknown_results``.
    """
    return tuple(
        attrs.evolve(f, enum=(operation.result_object,), nullable=False, required=True)
        if f.key == "object"
        else f
        for f in operation.fields
    )
