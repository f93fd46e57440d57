"""The operations the fake has hand-made models for: filters, group_by, results and metrics.

Everything here mirrors ``openapi/usage.yaml`` (parameters, enums, result schemas), with the
field order of the documented examples of ``openai-usage-upstream.yaml``; what only the newer
SDK has (decisions, ``api_source``, costs by ``user_id``, the two cache-write retentions) comes
after the documented fields. An operation of the fragment without a model here is served from
its result schema (``_generic``); :data:`HAND_MADE` is what this module contributes.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from . import _org as O
from ._org import DimValue

Metrics = Callable[[Sequence[int]], tuple[float, ...]]

USAGE_LIMITS: Final[Mapping[str, tuple[int, int]]] = MappingProxyType(
    {"1d": (7, 31), "1h": (24, 168), "1m": (60, 1440)}
)
"""bucket_width -> (default limit, max limit) for usage endpoints."""
COSTS_LIMITS: Final[Mapping[str, tuple[int, int]]] = MappingProxyType({"1d": (7, 180)})
WIDTH_SECONDS: Final[Mapping[str, int]] = MappingProxyType({"1m": 60, "1h": 3600, "1d": 86400})


@dataclass(frozen=True, slots=True)
class Dimension:
    """Where a generic operation's streams take the values of one grouped or filtered field.

    ``source`` is one of the organization's identifier kinds (``project_id``, ``user_id``,
    ``api_key_id``, ``model``, ``vector_store_id``), ``"values"`` (``values`` holds the
    enum's or the booleans' values, cycled through the streams) or ``"synthetic"`` (made-up
    identifiers named after the field).
    """

    name: str
    source: str
    values: tuple[DimValue, ...] = ()


@dataclass(frozen=True, slots=True)
class Operation:
    """One GET endpoint of the Usage and Costs API."""

    name: str
    path: str
    result_object: str
    filters: Mapping[str, str]
    """Array filter parameter -> the dimension it matches (``project_ids`` -> ``project_id``)."""
    enums: Mapping[str, frozenset[str]]
    """Array filters whose values are restricted to an enum."""
    group_by: tuple[str, ...]
    """Allowed group_by values, in the order their fields appear in a result."""
    limits: Mapping[str, tuple[int, int]]
    fields: tuple[str, ...] = ()
    """Metric fields of a result, in wire order (empty for costs, rendered separately)."""
    metrics: Metrics | None = None
    """Atoms -> values of ``fields``."""
    bool_filters: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    """JSON template of each of ``fields`` (default ``%d``; a nested object takes several
    values of ``metrics``)."""
    constants: tuple[tuple[str, str], ...] = ()
    """(field, JSON) of the result fields that are neither metrics nor grouped: closing it."""
    generic: bool = False
    """Served from the result schema (``_generic``) rather than a hand-made model."""
    dimensions: tuple[Dimension, ...] = ()
    """Generic operations only: the dimensions their streams are built with."""
    rates: tuple[float, ...] = ()
    """Generic operations only: mean daily value of each atom per unit of traffic."""

    @property
    def parameters(self) -> frozenset[str]:
        """Every query parameter name the operation accepts."""
        common = {"start_time", "end_time", "bucket_width", "group_by", "limit", "page"}
        return frozenset(common | set(self.filters) | set(self.bool_filters))

    def result_template(self) -> str:
        """``%``-template of a result's JSON up to (excluding) its dimension fields.

        Rendering results by string formatting is several times faster than ``json.dumps`` on
        dicts and produces the same compact JSON; large pages are dominated by this cost.
        """
        head = '{"object":' + json.dumps(self.result_object).replace("%", "%%")
        formats = self.formats or ("%d",) * len(self.fields)
        return head + "".join(
            f',"{name}":{fmt}' for name, fmt in zip(self.fields, formats, strict=True)
        )

    def dims_fragment(self, grouped: Mapping[str, DimValue]) -> str:
        """JSON of the dimension fields (grouped values, others null) closing a result."""
        parts = [f',"{g}":{json.dumps(grouped.get(g))}' for g in self.group_by]
        parts += [f',"{name}":{value}' for name, value in self.constants]
        return "".join(parts) + "}"


_COMPLETIONS_FIELDS: Final = (
    "input_tokens",
    "input_cached_tokens",
    "input_cache_write_tokens",
    "input_cache_write_30m_tokens",
    "input_cache_write_12h_tokens",
    "input_uncached_tokens",
    "output_tokens",
    "input_text_tokens",
    "output_text_tokens",
    "input_cached_text_tokens",
    "input_audio_tokens",
    "input_cached_audio_tokens",
    "output_audio_tokens",
    "input_image_tokens",
    "input_cached_image_tokens",
    "output_image_tokens",
    "num_model_requests",
)


def _completions(a: Sequence[int]) -> tuple[int, ...]:
    cached = a[O.C_CACHED_TEXT] + a[O.C_CACHED_AUDIO] + a[O.C_CACHED_IMAGE]
    uncached = a[O.C_UNCACHED_TEXT] + a[O.C_UNCACHED_AUDIO] + a[O.C_UNCACHED_IMAGE]
    write_30m, write_12h = a[O.C_CACHE_WRITE_30M], a[O.C_CACHE_WRITE_12H]
    write = write_30m + write_12h
    return (
        cached + write + uncached,
        cached,
        write,
        write_30m,
        write_12h,
        uncached,
        a[O.C_OUT_TEXT] + a[O.C_OUT_AUDIO] + a[O.C_OUT_IMAGE],
        a[O.C_UNCACHED_TEXT],
        a[O.C_OUT_TEXT],
        a[O.C_CACHED_TEXT],
        a[O.C_UNCACHED_AUDIO],
        a[O.C_CACHED_AUDIO],
        a[O.C_OUT_AUDIO],
        a[O.C_UNCACHED_IMAGE],
        a[O.C_CACHED_IMAGE],
        a[O.C_OUT_IMAGE],
        a[O.C_REQUESTS],
    )


def _count_plus_extra(a: Sequence[int]) -> tuple[int, ...]:
    return (a[0] + a[1], a[0])


def _second_then_first(a: Sequence[int]) -> tuple[int, ...]:
    # (tokens|characters|seconds, num_model_requests) from (requests, quantity) atoms.
    return (a[1], a[0])


def _driver(a: Sequence[int]) -> tuple[int, ...]:
    return (a[0],)


def _web_search(a: Sequence[int]) -> tuple[int, ...]:
    return (a[0], a[0] + a[1])


_WHO: Final = {"project_ids": "project_id", "user_ids": "user_id", "api_key_ids": "api_key_id"}
_MODEL_USAGE: Final = _WHO | {"models": "model"}
_MODEL_GROUPS: Final = ("project_id", "user_id", "api_key_id", "model")
_TOKEN_GROUPS: Final = (*_MODEL_GROUPS, "batch", "service_tier", "api_source")
_SIZES: Final = frozenset({"256x256", "512x512", "1024x1024", "1792x1792", "1024x1792"})
_SOURCES: Final = frozenset({"image.generation", "image.edit", "image.variation"})
_LEVELS: Final = frozenset({"low", "medium", "high"})
_NO_ENUMS: Final[Mapping[str, frozenset[str]]] = MappingProxyType({})
_REQUESTS: Final = "num_model_requests"


def _usage(
    name: str,
    fields: tuple[str, ...],
    metrics: Metrics,
    filters: Mapping[str, str],
    group_by: tuple[str, ...],
    *,
    result_object: str | None = None,
    enums: Mapping[str, frozenset[str]] = _NO_ENUMS,
    bool_filters: tuple[str, ...] = (),
) -> Operation:
    return Operation(
        name=name,
        path=f"/organization/usage/{name}",
        result_object=result_object or f"organization.usage.{name}.result",
        filters=MappingProxyType(dict(filters)),
        enums=MappingProxyType(dict(enums)),
        group_by=group_by,
        limits=USAGE_LIMITS,
        fields=fields,
        metrics=metrics,
        bool_filters=bool_filters,
    )


_TOKENS: Final = ("input_tokens", _REQUESTS)

HAND_MADE: Final[Mapping[str, Operation]] = MappingProxyType(
    {
        op.path: op
        for op in (
            Operation(
                name="costs",
                path="/organization/costs",
                result_object="organization.costs.result",
                filters=MappingProxyType(
                    {
                        "project_ids": "project_id",
                        "api_key_ids": "api_key_id",
                        "line_items": "line_item",
                    }
                ),
                enums=_NO_ENUMS,
                # Result field order of the documented costs example, then the SDK's additions.
                group_by=("line_item", "project_id", "api_key_id", "user_id", "api_source"),
                limits=COSTS_LIMITS,
            ),
            _usage(
                "completions",
                _COMPLETIONS_FIELDS,
                _completions,
                _MODEL_USAGE,
                _TOKEN_GROUPS,
                bool_filters=("batch",),
            ),
            _usage(
                "decisions",
                _COMPLETIONS_FIELDS,
                _completions,
                _MODEL_USAGE,
                _TOKEN_GROUPS,
                bool_filters=("batch",),
            ),
            _usage("embeddings", _TOKENS, _second_then_first, _MODEL_USAGE, _MODEL_GROUPS),
            _usage("moderations", _TOKENS, _second_then_first, _MODEL_USAGE, _MODEL_GROUPS),
            _usage(
                "images",
                ("images", _REQUESTS),
                _count_plus_extra,
                _MODEL_USAGE | {"sources": "source", "sizes": "size"},
                ("size", "source", *_MODEL_GROUPS),
                enums={"sources": _SOURCES, "sizes": _SIZES},
            ),
            _usage(
                "audio_speeches",
                ("characters", _REQUESTS),
                _second_then_first,
                _MODEL_USAGE,
                _MODEL_GROUPS,
            ),
            _usage(
                "audio_transcriptions",
                ("seconds", _REQUESTS),
                _second_then_first,
                _MODEL_USAGE,
                _MODEL_GROUPS,
            ),
            _usage(
                "vector_stores",
                ("usage_bytes",),
                _driver,
                {"project_ids": "project_id"},
                ("project_id",),
            ),
            _usage(
                "code_interpreter_sessions",
                ("num_sessions",),
                _driver,
                {"project_ids": "project_id"},
                ("project_id",),
            ),
            _usage(
                "file_search_calls",
                ("num_requests",),
                _driver,
                _WHO | {"vector_store_ids": "vector_store_id"},
                ("project_id", "user_id", "api_key_id", "vector_store_id"),
                result_object="organization.usage.file_searches.result",
            ),
            _usage(
                "web_search_calls",
                (_REQUESTS, "num_requests"),
                _web_search,
                _MODEL_USAGE | {"context_levels": "context_level"},
                (*_MODEL_GROUPS, "context_level", "api_source"),
                result_object="organization.usage.web_searches.result",
                enums={"context_levels": _LEVELS},
            ),
        )
    }
)
"""The hand-made operations by path (without the ``/v1`` prefix)."""
