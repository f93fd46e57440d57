"""Raw rows as plain data: one record per result, with its bucket's start and end.

A record is the result's ``to_dict()`` (the API's own field names and values) minus ``object``,
after ``start`` and ``end`` as ISO-8601 UTC strings. Flat formats (CSV, tables) spell nested
objects as dotted columns (``amount.value``).
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import attrs

import openai_org_usage_client.models as generated_models
from openai_org_usage import Bucket
from openai_org_usage._operations import Operation
from openai_org_usage_client.types import Unset

Record = dict[str, Any]
_SKIPPED = {"object_", "additional_properties"}


def iso_utc(instant: datetime) -> str:
    """``2026-11-01T00:00:00Z``: ISO-8601, UTC, whole seconds (the API's resolution)."""
    return instant.strftime("%Y-%m-%dT%H:%M:%SZ")


def records(buckets: Iterable[Bucket[Any]]) -> list[Record]:
    """One record per result, in bucket order."""
    out: list[Record] = []
    for bucket in buckets:
        bounds = {"start": iso_utc(bucket.start), "end": iso_utc(bucket.end)}
        for result in bucket.results:
            fields = result.to_dict()
            fields.pop("object", None)
            out.append(bounds | fields)
    return out


def flatten(record: Record) -> Record:
    """Nested objects as dotted keys: ``{"amount": {"value": 1}}`` -> ``{"amount.value": 1}``."""
    flat: Record = {}
    for key, value in record.items():
        if isinstance(value, dict):
            for sub_key, sub_value in flatten(value).items():
                flat[f"{key}.{sub_key}"] = sub_value
        else:
            flat[key] = value
    return flat


def declared_columns(result_cls: type[Any]) -> tuple[str, ...]:
    """The flat columns a result class declares, in the spec's field order.

    Nested model fields (costs' ``amount``) expand to their own fields, so the header of an
    operation is the same whether or not any row came back, and whatever fields were set.
    """
    namespace = {**vars(sys.modules[result_cls.__module__]), **vars(generated_models)}
    hints = typing.get_type_hints(result_cls, globalns=namespace)
    columns: list[str] = []
    for field in attrs.fields(result_cls):
        if field.name in _SKIPPED:
            continue
        nested = [arg for arg in typing.get_args(hints[field.name]) or () if attrs.has(arg)]
        if nested:
            columns.extend(f"{field.name}.{sub}" for sub in declared_columns(nested[0]))
        else:
            columns.append(field.name)
    return tuple(columns)


def columns(operation: Operation[Any], flat_records: Iterable[Record]) -> list[str]:
    """A stable header: start, end, the declared fields, then any undeclared ones, sorted.

    Undeclared fields are ones the API added after this client was generated; they are kept
    (lossless) rather than dropped.
    """
    known = ["start", "end", *declared_columns(operation.result_cls)]
    extra = sorted({key for record in flat_records for key in record} - set(known))
    return known + extra


def breakdown_columns(result_cls: type[Any]) -> frozenset[str]:
    """Optional integer fields: breakdowns of a required total (text/audio/image tokens ...).

    Tables leave them out to stay readable; the machine formats keep every field.
    """
    namespace = {**vars(sys.modules[result_cls.__module__]), **vars(generated_models)}
    hints = typing.get_type_hints(result_cls, globalns=namespace)
    return frozenset(
        field.name
        for field in attrs.fields(result_cls)
        if field.default is not attrs.NOTHING
        and set(typing.get_args(hints[field.name])) - {Unset} == {int}
    )
