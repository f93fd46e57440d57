"""The public surface of ``openai_org_usage``: pinned names, same sync/async methods, docstrings.

A change here is a change of the package's API: update the pinned list on purpose.
"""

from __future__ import annotations

import inspect
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

import openai_org_usage
from openai_org_usage import (
    LISTS,
    OBJECTS,
    OPERATIONS,
    AsyncPaginator,
    AsyncUsageClient,
    Paginator,
    UsageClient,
)

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "usage.yaml"
LIST_PATHS = {op.path for op in LISTS.values()} | {op.path for op in OBJECTS.values()}

KEY = "sk-admin-test-dummy"
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 2, tzinfo=UTC)

PUBLIC_NAMES = [
    "LISTS",
    "OBJECTS",
    "OPERATIONS",
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncListPaginator",
    "AsyncPaginator",
    "AsyncUsageClient",
    "AuditLogBatch",
    "AuditLogCheckpoint",
    "AuthenticationError",
    "BadRequestError",
    "Bucket",
    "BucketWidth",
    "ConflictError",
    "Field",
    "Filter",
    "GroupingRefusedError",
    "InternalServerError",
    "InvalidParameterError",
    "ListFilter",
    "ListOperation",
    "ListPage",
    "ListPaginator",
    "LookbackExceededError",
    "MissingAPIKeyError",
    "MissingDependencyError",
    "MixedCurrencyError",
    "NotFoundError",
    "ObjectOperation",
    "OpenAIUsageError",
    "Operation",
    "Page",
    "PaginationError",
    "Paginator",
    "Parameter",
    "PermissionDeniedError",
    "QuotaExceededError",
    "RateLimitError",
    "RedirectError",
    "ResponseValidationError",
    "Row",
    "StoreError",
    "SyncLockedError",
    "TimeInput",
    "UsageClient",
    "__version__",
    "align_down",
    "align_up",
    "bucket_seconds",
    "check_base_url",
    "count_buckets",
    "from_unix_seconds",
    "parse_tz",
    "resolve_range",
    "to_unix_seconds",
]
COMMON_PARAMS = ["start", "end", "bucket_width", "group_by", "limit"]


def isort_key(name: str) -> tuple[int, str]:
    """Ruff's RUF022 order: CONSTANTS, then Classes, then everything else."""
    if name.isupper():
        return (0, name)
    if name[0].isupper():
        return (1, name)
    return (2, name)


def never_called(request: httpx.Request) -> httpx.Response:
    raise AssertionError("no request expected")


def test_all_is_pinned() -> None:
    assert openai_org_usage.__all__ == PUBLIC_NAMES


def test_all_is_sorted() -> None:
    assert sorted(openai_org_usage.__all__, key=isort_key) == openai_org_usage.__all__
    assert len(set(openai_org_usage.__all__)) == len(openai_org_usage.__all__)


def test_every_public_name_exists() -> None:
    for name in openai_org_usage.__all__:
        assert hasattr(openai_org_usage, name), name
    assert isinstance(openai_org_usage.__version__, str)
    assert openai_org_usage.__version__


def test_star_import_gives_exactly_all() -> None:
    namespace: dict[str, Any] = {}
    exec("from openai_org_usage import *", namespace)
    assert sorted(k for k in namespace if k != "__builtins__") == sorted(PUBLIC_NAMES)


def test_operations_are_the_spec_paths_in_order() -> None:
    # One method per usage path of the fragment, named by its last segment, in the fragment's
    # order; the admin lists (pages of objects, not buckets) are in LISTS.
    paths = [p for p in yaml.safe_load(SPEC.read_text())["paths"] if p not in LIST_PATHS]
    assert list(OPERATIONS) == [path.rsplit("/", 1)[-1] for path in paths]
    assert [op.path for op in OPERATIONS.values()] == list(paths)
    # The operations this package started with are all still there.
    assert set(OPERATIONS) >= {
        "completions",
        "embeddings",
        "moderations",
        "images",
        "audio_speeches",
        "audio_transcriptions",
        "vector_stores",
        "code_interpreter_sessions",
        "file_search_calls",
        "web_search_calls",
        "costs",
    }


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_both_clients_have_the_method_with_the_same_parameters(op: str) -> None:
    sync_params = inspect.signature(getattr(UsageClient, op)).parameters
    async_params = inspect.signature(getattr(AsyncUsageClient, op)).parameters
    assert list(sync_params) == list(async_params)
    expected = ["self", *COMMON_PARAMS, *OPERATIONS[op].filters, "tz"]
    assert sorted(sync_params) == sorted(expected)
    for name, param in sync_params.items():
        if name == "self":
            continue
        assert param.kind is inspect.Parameter.KEYWORD_ONLY, name
        assert (param.default is inspect.Parameter.empty) == (name == "start"), name
        assert param.annotation == async_params[name].annotation


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_methods_return_the_right_paginator(op: str) -> None:
    with UsageClient(api_key=KEY, transport=httpx.MockTransport(never_called)) as client:
        paginator = getattr(client, op)(start=START, end=END)
        assert type(paginator) is Paginator
        assert paginator.query.operation is OPERATIONS[op]
    async_client = AsyncUsageClient(api_key=KEY, transport=httpx.MockTransport(never_called))
    async_paginator = getattr(async_client, op)(start=START, end=END)
    assert type(async_paginator) is AsyncPaginator
    assert async_paginator.query.operation is OPERATIONS[op]


def test_client_constructors_match() -> None:
    sync_params = inspect.signature(UsageClient.__init__).parameters
    async_params = inspect.signature(AsyncUsageClient.__init__).parameters
    assert list(sync_params) == list(async_params)
    assert list(sync_params) == [
        "self",
        "api_key",
        "base_url",
        "timeout",
        "max_retries",
        "max_concurrency",
        "retry_budget",
        "transport",
        "allow_insecure_http",
    ]


def public_callables() -> list[tuple[str, Any]]:
    """Every public class and function, and every public method or property they define."""
    found: list[tuple[str, Any]] = []
    for name in openai_org_usage.__all__:
        obj = getattr(openai_org_usage, name)
        if not callable(obj):
            continue
        found.append((name, obj))
        if inspect.isclass(obj):
            seen: set[str] = set()
            # Inherited ones too: the clients' operation methods come from generated mixins.
            for cls in obj.__mro__:
                if cls.__module__.split(".")[0] != "openai_org_usage":
                    continue
                for attr, member in vars(cls).items():
                    if attr.startswith("_") or attr in seen:
                        continue
                    seen.add(attr)
                    if inspect.isfunction(member) or isinstance(member, property):
                        found.append((f"{name}.{attr}", member))
    return found


def test_public_callables_are_many() -> None:
    names = [name for name, _ in public_callables()]
    assert "UsageClient.costs" in names
    assert "AsyncPaginator.to_list" in names
    assert "Bucket.start_time" in names
    assert len(names) > 50


@pytest.mark.parametrize(
    ("name", "obj"), [pytest.param(name, obj, id=name) for name, obj in public_callables()]
)
def test_public_callable_has_a_docstring(name: str, obj: Any) -> None:
    doc = obj.__doc__
    if isinstance(obj, property):
        doc = obj.fget.__doc__ if obj.fget else None
    assert doc, f"{name} has no docstring"
    assert doc.strip(), f"{name} has an empty docstring"


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_operation_docstrings_match_between_clients(op: str) -> None:
    sync_doc = getattr(UsageClient, op).__doc__
    async_doc = getattr(AsyncUsageClient, op).__doc__
    assert sync_doc
    assert async_doc
    # The same apart from the paginator's name and the example's loop (and so the wrapping).
    as_sync = async_doc.replace("AsyncPaginator", "Paginator").replace("async for", "for")
    assert as_sync.split() == sync_doc.split()
    assert "async for bucket in client." in async_doc


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_operation_docstring_comes_from_the_spec(op: str) -> None:
    operation = OPERATIONS[op]
    doc = inspect.getdoc(getattr(UsageClient, op))
    assert doc
    assert " ".join(doc.split()).startswith(operation.summary)
    args = doc.split("Args:")[1].split("Returns:")[0]
    for name, spec in operation.filters.items():
        assert f"{name}: " in args
        assert " ".join(spec.description.split()) in " ".join(args.split())
    for value in operation.group_by:
        assert value in args
