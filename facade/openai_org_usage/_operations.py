"""The eleven operations, described from the generated client.

Allowed bucket widths, ``group_by`` values, filter names and enum filter values are read from
the type annotations of the generated request builders (``Literal[...]`` types made from the
spec's enums), so they cannot drift from ``openapi/usage.yaml``. Only the ``limit`` ranges live
here, because upstream states them in prose; a test checks them against the spec's
``x-limits``.
"""

from __future__ import annotations

import sys
import typing
from collections.abc import Callable, Mapping
from types import ModuleType, UnionType
from typing import Any, Generic, TypeVar

import attrs

from openai_org_usage_client.api.usage import (
    usage_audio_speeches,
    usage_audio_transcriptions,
    usage_code_interpreter_sessions,
    usage_completions,
    usage_costs,
    usage_embeddings,
    usage_file_search_calls,
    usage_images,
    usage_moderations,
    usage_vector_stores,
    usage_web_search_calls,
)
from openai_org_usage_client.models import (
    CostsPage,
    CostsResult,
    UsageAudioSpeechesPage,
    UsageAudioSpeechesResult,
    UsageAudioTranscriptionsPage,
    UsageAudioTranscriptionsResult,
    UsageCodeInterpreterSessionsPage,
    UsageCodeInterpreterSessionsResult,
    UsageCompletionsPage,
    UsageCompletionsResult,
    UsageEmbeddingsPage,
    UsageEmbeddingsResult,
    UsageFileSearchCallsPage,
    UsageFileSearchCallsResult,
    UsageImagesPage,
    UsageImagesResult,
    UsageModerationsPage,
    UsageModerationsResult,
    UsageVectorStoresPage,
    UsageVectorStoresResult,
    UsageWebSearchCallsPage,
    UsageWebSearchCallsResult,
)
from openai_org_usage_client.types import Unset

R = TypeVar("R")

# (default, maximum) buckets per page, by bucket width. Minimum is 1 everywhere.
USAGE_LIMITS: Mapping[str, tuple[int, int]] = {"1m": (60, 1440), "1h": (24, 168), "1d": (7, 31)}
COSTS_LIMITS: Mapping[str, tuple[int, int]] = {"1d": (7, 180)}

# Parameters every operation has, handled by the facade itself rather than as filters.
_COMMON = frozenset({"start_time", "end_time", "bucket_width", "group_by", "limit", "page"})


@attrs.frozen
class Filter:
    """One filter parameter: a list of strings (``allowed`` set for enums) or ``batch``."""

    name: str
    kind: type  # str for string lists, bool for `batch`
    allowed: tuple[str, ...] | None = None


@attrs.frozen
class Operation(Generic[R]):
    """Everything the facade needs to know about one operation."""

    name: str
    path: str
    module: ModuleType
    page_cls: type[Any]
    result_cls: type[R]
    limits: Mapping[str, tuple[int, int]]
    result_object: str = attrs.field(init=False)
    bucket_widths: tuple[str, ...] = attrs.field(init=False)
    default_bucket_width: str = attrs.field(init=False)
    group_by: tuple[str, ...] = attrs.field(init=False)
    filters: Mapping[str, Filter] = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        hints = typing.get_type_hints(self.module._get_kwargs)
        set_ = object.__setattr__  # frozen: derived fields are filled once, here
        set_(self, "result_object", _literal_values(_annotation(self.result_cls, "object_"))[0])
        set_(self, "bucket_widths", _literal_values(hints["bucket_width"]))
        set_(self, "group_by", _literal_values(hints["group_by"]))
        signature = self.module._get_kwargs.__kwdefaults__ or {}
        set_(self, "default_bucket_width", signature.get("bucket_width", "1d"))
        filters = {}
        for name, hint in hints.items():
            if name in _COMMON or name == "return":
                continue
            filters[name] = _filter(name, hint)
        set_(self, "filters", filters)

    @property
    def build_request(self) -> Callable[..., dict[str, Any]]:
        """The generated request builder: method, URL and query in the spec's wire format."""
        builder: Callable[..., dict[str, Any]] = self.module._get_kwargs
        return builder


def _annotation(cls: type[Any], name: str) -> Any:
    # Only this one annotation: the others name classes imported under TYPE_CHECKING.
    annotation = cls.__annotations__[name]
    if isinstance(annotation, str):
        return eval(annotation, vars(sys.modules[cls.__module__]))
    return annotation


def _strip_unset(hint: Any) -> Any:
    args = [a for a in typing.get_args(hint) if a is not Unset]
    if typing.get_origin(hint) in (typing.Union, UnionType) and len(args) == 1:
        return args[0]
    return hint


def _literal_values(hint: Any) -> tuple[str, ...]:
    hint = _strip_unset(hint)
    if typing.get_origin(hint) is list:
        (hint,) = typing.get_args(hint)
    if typing.get_origin(hint) is not typing.Literal:
        raise TypeError(f"expected a Literal type from the generated client, got {hint!r}")
    return tuple(str(v) for v in typing.get_args(hint))


def _filter(name: str, hint: Any) -> Filter:
    hint = _strip_unset(hint)
    if hint is bool:
        return Filter(name, bool)
    if typing.get_origin(hint) is list:
        (item,) = typing.get_args(hint)
        if item is str:
            return Filter(name, str)
        return Filter(name, str, _literal_values(item))
    raise TypeError(f"unexpected filter type for {name}: {hint!r}")


COSTS = Operation("costs", "/organization/costs", usage_costs, CostsPage, CostsResult, COSTS_LIMITS)
COMPLETIONS = Operation(
    "completions",
    "/organization/usage/completions",
    usage_completions,
    UsageCompletionsPage,
    UsageCompletionsResult,
    USAGE_LIMITS,
)
EMBEDDINGS = Operation(
    "embeddings",
    "/organization/usage/embeddings",
    usage_embeddings,
    UsageEmbeddingsPage,
    UsageEmbeddingsResult,
    USAGE_LIMITS,
)
MODERATIONS = Operation(
    "moderations",
    "/organization/usage/moderations",
    usage_moderations,
    UsageModerationsPage,
    UsageModerationsResult,
    USAGE_LIMITS,
)
IMAGES = Operation(
    "images",
    "/organization/usage/images",
    usage_images,
    UsageImagesPage,
    UsageImagesResult,
    USAGE_LIMITS,
)
AUDIO_SPEECHES = Operation(
    "audio_speeches",
    "/organization/usage/audio_speeches",
    usage_audio_speeches,
    UsageAudioSpeechesPage,
    UsageAudioSpeechesResult,
    USAGE_LIMITS,
)
AUDIO_TRANSCRIPTIONS = Operation(
    "audio_transcriptions",
    "/organization/usage/audio_transcriptions",
    usage_audio_transcriptions,
    UsageAudioTranscriptionsPage,
    UsageAudioTranscriptionsResult,
    USAGE_LIMITS,
)
VECTOR_STORES = Operation(
    "vector_stores",
    "/organization/usage/vector_stores",
    usage_vector_stores,
    UsageVectorStoresPage,
    UsageVectorStoresResult,
    USAGE_LIMITS,
)
CODE_INTERPRETER_SESSIONS = Operation(
    "code_interpreter_sessions",
    "/organization/usage/code_interpreter_sessions",
    usage_code_interpreter_sessions,
    UsageCodeInterpreterSessionsPage,
    UsageCodeInterpreterSessionsResult,
    USAGE_LIMITS,
)
FILE_SEARCH_CALLS = Operation(
    "file_search_calls",
    "/organization/usage/file_search_calls",
    usage_file_search_calls,
    UsageFileSearchCallsPage,
    UsageFileSearchCallsResult,
    USAGE_LIMITS,
)
WEB_SEARCH_CALLS = Operation(
    "web_search_calls",
    "/organization/usage/web_search_calls",
    usage_web_search_calls,
    UsageWebSearchCallsPage,
    UsageWebSearchCallsResult,
    USAGE_LIMITS,
)

OPERATIONS: Mapping[str, Operation[Any]] = {
    op.name: op
    for op in (
        COMPLETIONS,
        EMBEDDINGS,
        MODERATIONS,
        IMAGES,
        AUDIO_SPEECHES,
        AUDIO_TRANSCRIPTIONS,
        VECTOR_STORES,
        CODE_INTERPRETER_SESSIONS,
        FILE_SEARCH_CALLS,
        WEB_SEARCH_CALLS,
        COSTS,
    )
}
"""Every operation by facade method name (also the CLI's endpoint names)."""
