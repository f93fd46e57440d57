"""Operations of the spec fragment without a hand-made model, served from their result schema.

What the fragment says about an operation comes from the package's one reading of it,
``openai_org_usage._operations.OPERATIONS`` (generated into ``_spec.py`` by ``codegen.sh``):
path, ``group_by`` values, filters and their enums, ``limit`` ranges and the result schema's
fields with their JSON types. Nothing else is known about such an operation, so its data is
plausible rather than meaningful:

- integer fields are counts, each an atom following the stream's traffic (hundreds of tokens,
  a few seconds, about one request, per unit of traffic); number fields are amounts (a
  millionth of their atom); an object is filled field by field the same way (a ``currency``
  string inside one is ``"usd"``);
- grouped and filtered fields take their values from the organization (projects, users, API
  keys, models, vector stores), from their enum, from ``false``/``true``, or are made-up
  identifiers named after the field; like every operation's, they are null when not grouped;
- any other field is null when nullable, else its enum's first value, ``false``, or a string.

Every count is a sum of atoms, so these operations aggregate as exactly as the hand-made ones:
minutes sum to hours and days, groups to the ungrouped total.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from ._hashing import mix64, token
from ._ops import Dimension, Operation
from ._org import CHAT_MODELS, DimValue, Organization, Stream

if TYPE_CHECKING:
    # What the fake reads of an operation is the package's one reading of the spec.
    from openai_org_usage._operations import Field as SpecField
    from openai_org_usage._operations import Operation as _Described

    SpecOperation = _Described[Any]

STREAMS_PER_OPERATION: Final = 8
_ORG_SOURCES: Final = frozenset({"project_id", "user_id", "api_key_id", "model", "vector_store_id"})
_SYNTHETIC_VALUES: Final = 3
_AMOUNT_SCALE: Final = 1e-6
# Mean value of a count per unit of traffic (one request), by a word in the field's name.
_PER_UNIT: Final = (
    ("token", 900.0),
    ("byte", 2e6),
    ("second", 60.0),
    ("character", 450.0),
    ("image", 1.3),
)
# Amounts: a millionth of the atom, so 2500 per unit of traffic is $0.0025 per request.
_AMOUNT_PER_UNIT: Final = 2500.0


def spec_operations() -> tuple[SpecOperation, ...]:
    """Every operation of the spec fragment, as the package describes it."""
    # Imported here, not at the top: the package's description is needed only once the
    # operation table is built.
    from openai_org_usage._operations import OPERATIONS

    found: tuple[SpecOperation, ...] = tuple(OPERATIONS.values())
    return found


# -- operation ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Slot:
    """How one value of a result is made from the atoms: ``atom`` scaled, as int or amount."""

    atom: int
    amount: bool


def generic_operation(spec: SpecOperation) -> Operation:
    """A fake :class:`Operation` for ``spec``, derived from its parameters and result schema."""
    fields = {f.key: f for f in spec.fields}
    group_by = tuple(spec.group_by)
    filters: dict[str, str] = {}
    enums: dict[str, frozenset[str]] = {}
    bool_filters: list[str] = []
    for name, spec_filter in spec.filters.items():
        if spec_filter.kind is bool:
            bool_filters.append(name)
            continue
        # `project_ids` filters `project_id`, `models` `model`, `line_items` `line_item`.
        filters[name] = name[:-1] if name.endswith("s") else name
        if spec_filter.allowed:
            enums[name] = frozenset(spec_filter.allowed)
    dimension_names = dict.fromkeys([*group_by, *filters.values(), *bool_filters])
    dimensions = tuple(
        _dimension(name, fields.get(name), _filter_values(name, filters, enums))
        for name in dimension_names
    )
    metric_names: list[str] = []
    formats: list[str] = []
    slots: list[_Slot] = []
    rates: list[float] = []
    constants: list[tuple[str, str]] = []
    for field in fields.values():
        if field.key == "object" or field.key in group_by:
            continue
        template = _metric_template(field, slots, rates)
        if template is None:
            constants.append((field.key, json.dumps(_constant(field))))
        else:
            metric_names.append(field.key)
            formats.append(template)
    return Operation(
        name=spec.name,
        path=spec.path,
        result_object=spec.result_object,
        filters=MappingProxyType(filters),
        enums=MappingProxyType(enums),
        group_by=group_by,
        limits=MappingProxyType(dict(spec.limits)),
        fields=tuple(metric_names),
        metrics=_metrics(tuple(slots)),
        bool_filters=tuple(bool_filters),
        formats=tuple(formats),
        constants=tuple(constants),
        generic=True,
        dimensions=dimensions,
        rates=tuple(rates),
    )


def _filter_values(
    dim: str, filters: Mapping[str, str], enums: Mapping[str, frozenset[str]]
) -> tuple[str, ...]:
    for param, filtered in filters.items():
        if filtered == dim and param in enums:
            return tuple(sorted(enums[param]))
    return ()


def _dimension(name: str, field: SpecField | None, enum: tuple[str, ...]) -> Dimension:
    if name in _ORG_SOURCES:
        return Dimension(name, name)
    if field is not None and field.kind == "boolean":
        return Dimension(name, "values", (False, True))
    values = (field.enum if field is not None else ()) or enum
    if values:
        return Dimension(name, "values", values)
    return Dimension(name, "synthetic")


def _metric_template(field: SpecField, slots: list[_Slot], rates: list[float]) -> str | None:
    """The %-template of a count, amount or object of them (adding its atoms), else None."""
    if field.kind in ("integer", "number"):
        amount = field.kind == "number"
        slots.append(_Slot(len(slots) + 1, amount))
        rates.append(_AMOUNT_PER_UNIT if amount else _per_unit(field.key))
        return "%r" if amount else "%d"
    if field.kind == "object":
        parts = []
        for inner in field.nested:
            template = _metric_template(inner, slots, rates)
            if template is None:
                template = json.dumps(_constant(inner)).replace("%", "%%")
            parts.append(f'"{inner.key}":{template}')
        return "{" + ",".join(parts) + "}"
    return None


def _per_unit(name: str) -> float:
    return next((per for word, per in _PER_UNIT if word in name), 1.0)


def _constant(field: SpecField) -> DimValue:
    if field.nullable:
        return None
    if field.enum:
        return field.enum[0]
    if field.kind == "boolean":
        return False
    return "usd" if field.key == "currency" else field.key


def _metrics(slots: tuple[_Slot, ...]) -> Callable[[Sequence[int]], tuple[float, ...]]:
    def metrics(atoms: Sequence[int]) -> tuple[float, ...]:
        return tuple(
            round(atoms[s.atom] * _AMOUNT_SCALE, 6) if s.amount else atoms[s.atom] for s in slots
        )

    return metrics


# -- streams -----------------------------------------------------------------------------------


def with_generic_streams(
    org: Organization, operations: Sequence[Operation], seed: int
) -> Organization:
    """``org`` plus the streams of each generic operation (hand-made ones already have theirs)."""
    generic = [op for op in operations if op.generic]
    if not generic:
        return org
    streams = dict(org.streams)
    for op in generic:
        streams[op.name] = _streams(op, org, seed)
    return dataclasses.replace(org, streams=MappingProxyType(streams))


def _name_hash(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "big")


def _streams(op: Operation, org: Organization, seed: int) -> tuple[Stream, ...]:
    name_hash = _name_hash(op.name)
    rng = random.Random(mix64(seed, 0x6E4, name_hash))
    # Far above the hand-made streams' keys, distinct per operation (keys seed each stream's data).
    first_key = 1_000_000 + (name_hash % 100_000) * 100
    models = CHAT_MODELS
    out = []
    for j in range(STREAMS_PER_OPERATION):
        key = j % len(org.api_keys)
        users = org.topology.key_users[key]
        user = users[(j // len(org.api_keys)) % len(users)]
        project = org.topology.key_project[key]
        by_source: dict[str, DimValue] = {
            "project_id": org.projects[project],
            "user_id": org.users[user],
            "api_key_id": org.api_keys[key],
            "model": models[j % len(models)],
            "vector_store_id": org.vector_stores[j % len(org.vector_stores)],
        }
        dims: dict[str, DimValue] = {}
        for dimension in op.dimensions:
            if dimension.source == "values":
                dims[dimension.name] = dimension.values[j % len(dimension.values)]
            elif dimension.source == "synthetic":
                dims[dimension.name] = (
                    f"{dimension.name}_{token(seed, name_hash, j % _SYNTHETIC_VALUES, 12)}"
                )
            else:
                dims[dimension.name] = by_source[dimension.source]
        traffic = math.exp(math.log(20.0) + rng.random() * (math.log(2000.0) - math.log(20.0)))
        base = (traffic, *(traffic * rate * (0.7 + 0.6 * rng.random()) for rate in op.rates))
        out.append(
            Stream(
                key=first_key + j,
                op=op.name,
                dims=MappingProxyType(dims),
                base=base,
                activity=0.55 + 0.45 * rng.random(),
                variant=project,
                out_from=len(base),
            )
        )
    return tuple(out)


__all__ = [
    "generic_operation",
    "spec_operations",
    "with_generic_streams",
]
