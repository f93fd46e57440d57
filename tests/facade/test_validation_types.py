"""Values of the wrong type are refused with InvalidParameterError, before any request.

``group_by`` and the string filters take a string or an iterable of strings; ``batch`` a bool;
``limit`` an int; ``bucket_width`` a string. Anything else (numbers, bytes, dicts, lists
holding non-strings ...) must end in ``InvalidParameterError`` naming the parameter, never in
a ``TypeError`` from deep inside, and never in a silently different query (bytes iterated as
ints, a dict read as its keys, an empty filter dropped).
"""

from __future__ import annotations

import asyncio
import enum
import math
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_org_usage import (
    OPERATIONS,
    AsyncUsageClient,
    BucketWidth,
    InvalidParameterError,
    UsageClient,
)
from openai_org_usage._params import Query, build_query

KEY = "sk-admin-test-dummy"
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 2, tzinfo=UTC)
NOW = datetime(2026, 11, 3, tzinfo=UTC)
STRINGS = "a string or a list of strings"

# (operation, parameter) for group_by and every string filter of every operation.
STRING_PARAMS = [
    (op, name)
    for op, operation in OPERATIONS.items()
    for name in ("group_by", *(f for f, s in operation.filters.items() if s.kind is str))
]
BOOL_PARAMS = [
    (op, name)
    for op, operation in OPERATIONS.items()
    for name, spec in operation.filters.items()
    if spec.kind is bool
]


class NoRequests:
    """A transport handler that fails the test if anything is sent."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        raise AssertionError(f"a request was sent: {request.method} {request.url}")


def refuse_sync(op: str, **kwargs: Any) -> InvalidParameterError:
    handler = NoRequests()
    client = UsageClient(api_key=KEY, transport=httpx.MockTransport(handler), max_retries=0)
    with client, pytest.raises(InvalidParameterError) as info:
        list(getattr(client, op)(start=START, end=END, **kwargs))
    assert handler.requests == []
    return info.value


def refuse_async(op: str, **kwargs: Any) -> InvalidParameterError:
    handler = NoRequests()

    async def run() -> InvalidParameterError:
        transport = httpx.MockTransport(handler)
        async with AsyncUsageClient(api_key=KEY, transport=transport, max_retries=0) as client:
            with pytest.raises(InvalidParameterError) as info:
                async for _ in getattr(client, op)(start=START, end=END, **kwargs):
                    pass
            return info.value

    exc = asyncio.run(run())
    assert handler.requests == []
    return exc


class Color(enum.Enum):
    RED = 1


@pytest.mark.parametrize("refuse", [refuse_sync, refuse_async], ids=["sync", "async"])
@pytest.mark.parametrize(
    ("op", "kwargs", "param", "value"),
    [
        ("completions", {"group_by": 7}, "group_by", 7),
        ("completions", {"group_by": b"model"}, "group_by", b"model"),
        ("completions", {"group_by": bytearray(b"model")}, "group_by", bytearray(b"model")),
        ("completions", {"group_by": {"model": 1}}, "group_by", {"model": 1}),
        ("completions", {"group_by": 1.5}, "group_by", 1.5),
        ("completions", {"group_by": True}, "group_by", True),
        ("completions", {"group_by": [["model"]]}, "group_by", ["model"]),
        ("costs", {"project_ids": 5}, "project_ids", 5),
        ("costs", {"project_ids": b"proj_a"}, "project_ids", b"proj_a"),
        ("costs", {"project_ids": {"proj_a": "x"}}, "project_ids", {"proj_a": "x"}),
        ("costs", {"project_ids": True}, "project_ids", True),
        ("costs", {"project_ids": Color.RED}, "project_ids", Color.RED),
        ("completions", {"models": [1]}, "models", 1),
        ("completions", {"models": ["gpt-4o", None]}, "models", None),
        ("completions", {"models": [b"gpt-4o"]}, "models", b"gpt-4o"),
        ("images", {"sizes": [1024]}, "sizes", 1024),
        ("images", {"sizes": {"1024x1024": True}}, "sizes", {"1024x1024": True}),
    ],
)
def test_wrong_types_are_refused_naming_the_parameter(
    refuse: Any, op: str, kwargs: dict[str, Any], param: str, value: object
) -> None:
    exc = refuse(op, **kwargs)
    assert exc.param == param
    assert exc.value == value
    assert exc.allowed == STRINGS
    assert str(exc).startswith(f"{param}={value!r} is not allowed; expected {STRINGS}")


def test_refusals_explain_bytes_and_dicts() -> None:
    assert "decode them first" in str(refuse_sync("completions", group_by=b"model"))
    assert "keys only" in str(refuse_sync("completions", models={"gpt-4o": 1}))
    assert "item 1 of the list is NoneType" in str(refuse_sync("completions", models=["a", None]))


@pytest.mark.parametrize("refuse", [refuse_sync, refuse_async], ids=["sync", "async"])
@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"limit": 7.0}, "limit"),
        ({"limit": "7"}, "limit"),
        ({"limit": [7]}, "limit"),
        ({"bucket_width": 7.0}, "bucket_width"),
        ({"bucket_width": "7"}, "bucket_width"),
        ({"bucket_width": ["1d"]}, "bucket_width"),
        ({"bucket_width": {"1d": 1}}, "bucket_width"),
        ({"batch": "true"}, "batch"),
        ({"batch": [True]}, "batch"),
        ({"batch": 1.0}, "batch"),
        ({"models": []}, "models"),
    ],
)
def test_scalar_parameters_refuse_wrong_types(
    refuse: Any, kwargs: dict[str, Any], param: str
) -> None:
    exc = refuse("completions", **kwargs)
    assert exc.param == param
    assert str(exc).startswith(f"{param}=")


# --- properties over arbitrary values ---------------------------------------------------------


class Opaque:
    """An object of no particular kind (not iterable, not a string)."""

    def __repr__(self) -> str:
        return "Opaque()"


class Tier(enum.StrEnum):
    DEFAULT = "default"
    MODEL = "model"


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),  # NaN and infinities included
    st.text(max_size=6),
    st.binary(max_size=6),
    st.builds(Opaque),
    st.sampled_from([Tier.DEFAULT, Tier.MODEL, Color.RED]),
    st.sampled_from(["model", "project_id", "1d", "image.edit", "medium", "1024x1024"]),
)
hashables = st.one_of(st.integers(), st.text(max_size=6), st.binary(max_size=4))
anything = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=4).map(tuple),
        st.dictionaries(hashables, inner, max_size=3),
        st.frozensets(hashables, max_size=3),
        st.sets(st.text(max_size=6), max_size=3),
    ),
    max_leaves=8,
)


def values_for(op: str, param: str) -> st.SearchStrategy[Any]:
    """Arbitrary values, with valid strings for this parameter mixed in to reach acceptance."""
    operation = OPERATIONS[op]
    allowed = operation.group_by if param == "group_by" else operation.filters[param].allowed
    good = st.sampled_from(allowed) if allowed else st.text(min_size=1, max_size=6)
    goods = st.lists(good, max_size=4)
    return st.one_of(
        anything,
        good,
        goods,
        goods.map(tuple),
        goods.map(set),
        goods.map(iter),  # generators and iterators are consumed once
        st.lists(st.one_of(good, anything), max_size=4),
    )


def call(op: str, param: str, value: object) -> Query:
    operation = OPERATIONS[op]
    group_by = value if param == "group_by" else None
    filters = {} if param == "group_by" else {param: value}
    return build_query(
        operation,
        start=START,
        end=END,
        bucket_width=None,
        group_by=group_by,  # type: ignore[arg-type]
        limit=None,
        filters=filters,  # type: ignore[arg-type]
        now=NOW,
    )


def _plain(item: object) -> object:
    return item.value if isinstance(item, enum.Enum) else item


def expected_strings(op: str, param: str, value: object) -> tuple[str, ...] | None:
    """What should be sent for ``value``, or None if it must be refused (an oracle)."""
    operation = OPERATIONS[op]
    allowed = operation.group_by if param == "group_by" else operation.filters[param].allowed
    if value is None:
        return ()
    if isinstance(_plain(value), str):
        items: list[object] = [_plain(value)]
    elif isinstance(value, list | tuple | set | frozenset | Iterator):
        items = [_plain(item) for item in value]
    else:
        return None  # numbers, bools, bytes, dicts, opaque objects
    out: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item or (allowed and item not in allowed):
            return None
        if item not in out:
            out.append(item)
    if not out and param != "group_by":
        return None  # an empty filter would mean "no filter": refused
    return tuple(sorted(out)) if isinstance(value, set | frozenset) else tuple(out)


@pytest.mark.parametrize(("op", "param"), STRING_PARAMS)
@pytest.mark.parametrize(
    "value",
    [7, 1.5, True, b"x", bytearray(b"x"), {"x": 1}, [1], [None], [["x"]], Opaque(), [b"x"]],
    ids=repr,
)
def test_every_string_parameter_refuses_non_strings(op: str, param: str, value: object) -> None:
    with pytest.raises(InvalidParameterError) as info:
        call(op, param, value)
    assert info.value.param == param
    assert info.value.allowed == STRINGS


@pytest.mark.parametrize(("op", "param"), [p for p in STRING_PARAMS if p[1] != "group_by"])
def test_every_filter_refuses_an_empty_list(op: str, param: str) -> None:
    with pytest.raises(InvalidParameterError, match=f"^{param}=\\[\\] is not allowed"):
        call(op, param, [])


@settings(max_examples=400, deadline=None)
@given(data=st.data(), target=st.sampled_from(STRING_PARAMS))
def test_string_parameters_accept_exactly_strings(
    data: st.DataObject, target: tuple[str, str]
) -> None:
    op, param = target
    value = data.draw(values_for(op, param), label=param)
    if isinstance(value, Iterator):
        items = list(value)
        value, oracle_value = iter(items), iter(items)
    else:
        oracle_value = value
    expected = expected_strings(op, param, oracle_value)
    if expected is None:
        # Only InvalidParameterError: any other exception fails the test as an error.
        with pytest.raises(InvalidParameterError) as info:
            call(op, param, value)
        assert info.value.param == param
        assert str(info.value).startswith(f"{param}=")
        return
    query = call(op, param, value)
    if param == "group_by":
        assert query.group_by == expected
    elif value is None:
        assert param not in query.filters
    else:
        assert query.filters[param] == list(expected)


@pytest.mark.parametrize(("op", "param"), BOOL_PARAMS)
@settings(max_examples=60, deadline=None)
@given(value=anything)
def test_batch_accepts_exactly_bools_and_none(op: str, param: str, value: object) -> None:
    if value is not None and not isinstance(value, bool):
        with pytest.raises(InvalidParameterError) as info:
            call(op, param, value)
        assert info.value.param == param
        assert str(info.value).startswith(f"{param}=")
        return
    query = call(op, param, value)
    assert value is None or query.filters[param] is value


@pytest.mark.parametrize("op", sorted(OPERATIONS))
@settings(max_examples=60, deadline=None)
@given(
    limit=anything | st.integers(-3, 2000),
    width=anything | st.sampled_from(["1d", "1h", "1m", BucketWidth.HOUR]),
)
def test_limit_and_bucket_width_accept_only_their_types(
    op: str, limit: object, width: object
) -> None:
    operation = OPERATIONS[op]
    chosen = operation.default_bucket_width if width is None else _plain(width)
    width_ok = isinstance(chosen, str) and chosen in operation.bucket_widths
    limit_ok = limit is None or (
        width_ok and type(limit) is int and 1 <= limit <= operation.limits[str(chosen)][1]
    )

    def run() -> Query:
        return build_query(
            operation,
            start=START,
            end=END,
            bucket_width=width,  # type: ignore[arg-type]
            group_by=None,
            limit=limit,  # type: ignore[arg-type]
            filters={},
            now=NOW,
        )

    if width_ok and limit_ok:
        query = run()
        assert query.bucket_width == chosen
        assert limit is None or query.limit == limit
        return
    with pytest.raises(InvalidParameterError) as info:
        run()
    assert info.value.param == ("limit" if width_ok else "bucket_width")
    assert str(info.value).startswith(f"{info.value.param}=")


def test_the_strategies_reach_both_outcomes() -> None:
    """The property above is only worth something if both branches are taken."""
    outcomes: set[bool] = set()

    @settings(max_examples=150, deadline=None)
    @given(value=values_for("completions", "models"))
    def probe(value: object) -> None:
        outcomes.add(expected_strings("completions", "models", value) is not None)

    probe()
    assert outcomes == {True, False}


def test_sets_are_sent_sorted_and_mappings_refused() -> None:
    query = call("completions", "models", {"b", "a", "c"})
    assert query.filters["models"] == ["a", "b", "c"]
    assert call("completions", "group_by", frozenset({"model", "batch"})).group_by == (
        "batch",
        "model",
    )
    mapping: Mapping[str, int] = {"a": 1}
    with pytest.raises(InvalidParameterError, match="keys only"):
        call("completions", "models", mapping)


def test_a_generator_is_read_once() -> None:
    query = call("completions", "models", (m for m in ["a", "b", "a"]))
    assert query.filters["models"] == ["a", "b"]


def test_nan_and_infinity_are_refused() -> None:
    for value in (math.nan, math.inf, [math.nan]):
        with pytest.raises(InvalidParameterError, match="models="):
            call("completions", "models", value)
