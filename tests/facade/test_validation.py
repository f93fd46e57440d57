"""Parameter validation of every operation: what is accepted, what is sent, what is refused.

Each test talks to an ``httpx.MockTransport`` that records requests and answers with an empty
page, so "accepted" is checked on the wire (the request's query string) and "refused" means an
``InvalidParameterError`` with no request sent at all. The allowed sets are also compared with
``openapi/usage.yaml`` itself, so the facade cannot drift from the spec unnoticed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_org_usage import (
    LISTS,
    OBJECTS,
    OPERATIONS,
    BucketWidth,
    InvalidParameterError,
    UsageClient,
)

SPEC = Path(__file__).resolve().parents[2] / "openapi" / "usage.yaml"
KEY = "sk-admin-test-dummy"
START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 2, tzinfo=UTC)
WIDTH_SECONDS = {"1m": 60, "1h": 3_600, "1d": 86_400}
# Written down here, not read from the code under test.
USAGE_MAX = {"1d": 31, "1h": 168, "1m": 1440}
COSTS_MAX = {"1d": 180}
# The documented (default, maximum) buckets per page by width.
USAGE_LIMITS = {"1m": (60, 1440), "1h": (24, 168), "1d": (7, 31)}
COSTS_LIMITS = {"1d": (7, 180)}
COMMON_PARAMS = {"start_time", "end_time", "bucket_width", "group_by", "limit", "page"}
ALL_FILTERS = sorted({name for op in OPERATIONS.values() for name in op.filters})
SETTINGS = settings(deadline=None, max_examples=60)


class Recorder:
    """A MockTransport handler that records every request and answers empty buckets."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=empty_buckets(request))


def empty_buckets(request: httpx.Request) -> dict[str, Any]:
    """Every bucket of the requested window with no results: the API's answer for no usage."""
    params = request.url.params
    start, end = int(params["start_time"]), int(params["end_time"])
    width = WIDTH_SECONDS[params.get("bucket_width", "1d")]
    data = []
    while start < end:
        stop = min(start - start % width + width, end)
        data.append({"object": "bucket", "start_time": start, "end_time": stop, "results": []})
        start = stop
    return {"object": "page", "data": data, "has_more": False, "next_page": None}


def make_client(recorder: Recorder) -> UsageClient:
    return UsageClient(api_key=KEY, transport=httpx.MockTransport(recorder), max_retries=0)


def fetch(op: str, **kwargs: Any) -> list[httpx.Request]:
    """Call ``op`` over [START, END) (unless given), iterate it, return the requests sent."""
    recorder = Recorder()
    kwargs.setdefault("start", START)
    kwargs.setdefault("end", END)
    with make_client(recorder) as client:
        list(getattr(client, op)(**kwargs))
    assert recorder.requests, "an accepted call must send a request when iterated"
    return recorder.requests


def refuse(op: str, **kwargs: Any) -> InvalidParameterError:
    """Call ``op``, expect InvalidParameterError, and check nothing was sent."""
    recorder = Recorder()
    kwargs.setdefault("start", START)
    kwargs.setdefault("end", END)
    with make_client(recorder) as client, pytest.raises(InvalidParameterError) as info:
        list(getattr(client, op)(**kwargs))
    assert recorder.requests == [], "a refused call must not send anything"
    return info.value


def max_limits(op: str) -> dict[str, int]:
    return COSTS_MAX if op == "costs" else USAGE_MAX


def op_width_pairs() -> Iterator[tuple[str, str]]:
    for name in OPERATIONS:
        for width in max_limits(name):
            yield name, width


# --- group_by ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "value"), [(name, v) for name, op in OPERATIONS.items() for v in op.group_by]
)
def test_each_allowed_group_by_is_sent(op: str, value: str) -> None:
    (request,) = fetch(op, group_by=value)
    assert request.url.params.get_list("group_by") == [value]


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_invalid_group_by_is_refused_before_sending(op: str) -> None:
    exc = refuse(op, group_by=["project_id", "not_a_field"])
    assert exc.param == "group_by"
    assert exc.value == "not_a_field"
    message = str(exc)
    assert message.startswith("group_by='not_a_field' is not allowed")
    for allowed in OPERATIONS[op].group_by:
        assert repr(allowed) in message


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_group_by_of_another_operation_is_refused(op: str) -> None:
    union = {v for other in OPERATIONS.values() for v in other.group_by}
    foreign = sorted(union - set(OPERATIONS[op].group_by))[0]
    exc = refuse(op, group_by=foreign)
    assert exc.param == "group_by"
    assert f"group_by={foreign!r}" in str(exc)


def test_duplicate_group_by_values_are_sent_once_in_first_seen_order() -> None:
    (request,) = fetch("completions", group_by=["model", "model", "project_id", "model"])
    assert request.url.params.get_list("group_by") == ["model", "project_id"]


def test_no_group_by_sends_no_group_by_key() -> None:
    (request,) = fetch("completions")
    assert "group_by" not in request.url.params


@SETTINGS
@given(data=st.data(), op=st.sampled_from(list(OPERATIONS)))
def test_any_subset_of_group_by_is_sent_exactly(data: st.DataObject, op: str) -> None:
    subset = data.draw(st.lists(st.sampled_from(OPERATIONS[op].group_by), unique=True))
    (request,) = fetch(op, group_by=subset)
    assert request.url.params.get_list("group_by") == subset


@SETTINGS
@given(data=st.data(), op=st.sampled_from(list(OPERATIONS)))
def test_any_string_outside_the_allowed_set_is_refused(data: st.DataObject, op: str) -> None:
    value = data.draw(st.text().filter(lambda s: s not in OPERATIONS[op].group_by))
    exc = refuse(op, group_by=value)
    assert exc.param == "group_by"
    assert exc.value == value
    assert repr(value) in str(exc)


# --- bucket_width -----------------------------------------------------------------------------


@pytest.mark.parametrize(("op", "width"), list(op_width_pairs()))
def test_each_allowed_bucket_width_is_sent(op: str, width: str) -> None:
    end = START + timedelta(seconds=WIDTH_SECONDS[width])
    (request,) = fetch(op, bucket_width=width, end=end)
    assert request.url.params["bucket_width"] == width


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_default_bucket_width_is_one_day(op: str) -> None:
    (request,) = fetch(op)
    assert request.url.params["bucket_width"] == "1d"


@pytest.mark.parametrize("width", ["1h", "1m", BucketWidth.HOUR])
def test_costs_refuse_widths_other_than_a_day_with_a_hint(width: str) -> None:
    exc = refuse("costs", bucket_width=width)
    assert exc.param == "bucket_width"
    assert str(exc) == (
        f"bucket_width={width!r} is not allowed; expected one of '1d'. "
        "costs are only available per day"
    )


@pytest.mark.parametrize("op", list(OPERATIONS))
@pytest.mark.parametrize("width", ["1w", "", "1D", 1, b"1d"])
def test_unknown_bucket_widths_are_refused(op: str, width: object) -> None:
    exc = refuse(op, bucket_width=width)
    assert exc.param == "bucket_width"
    assert exc.value is width
    for allowed in OPERATIONS[op].bucket_widths:
        assert repr(allowed) in str(exc)


def test_usage_width_error_has_no_costs_hint() -> None:
    exc = refuse("completions", bucket_width="1w")
    assert exc.hint is None
    assert "per day" not in str(exc)


class CallerWidth(enum.StrEnum):
    HOURLY = "1h"


class PlainEnumWidth(enum.Enum):
    MINUTELY = "1m"


@pytest.mark.parametrize(
    ("width", "sent"),
    [
        (BucketWidth.HOUR, "1h"),
        (BucketWidth.DAY, "1d"),
        (BucketWidth.MINUTE, "1m"),
        (CallerWidth.HOURLY, "1h"),
        (PlainEnumWidth.MINUTELY, "1m"),
    ],
)
def test_enum_members_count_as_their_value(width: enum.Enum, sent: str) -> None:
    end = START + timedelta(seconds=WIDTH_SECONDS[sent])
    (request,) = fetch("completions", bucket_width=width, end=end)
    assert request.url.params["bucket_width"] == sent


def test_bucket_width_enum_values() -> None:
    assert [(m.name, m.value) for m in BucketWidth] == [
        ("MINUTE", "1m"),
        ("HOUR", "1h"),
        ("DAY", "1d"),
    ]
    assert isinstance(BucketWidth.DAY, str)
    assert str(BucketWidth.DAY) == "1d"


# --- limit ------------------------------------------------------------------------------------


def one_bucket(width: str) -> datetime:
    """The end of a one-bucket range: any limit then means exactly one request."""
    return START + timedelta(seconds=WIDTH_SECONDS[width])


@pytest.mark.parametrize(("op", "width"), list(op_width_pairs()))
def test_default_limit_is_the_maximum_for_the_width(op: str, width: str) -> None:
    (request,) = fetch(op, bucket_width=width, end=one_bucket(width))
    assert request.url.params["limit"] == str(max_limits(op)[width])


@pytest.mark.parametrize(("op", "width"), list(op_width_pairs()))
def test_limit_bounds_per_width(op: str, width: str) -> None:
    maximum = max_limits(op)[width]
    for limit in (1, maximum):
        (request,) = fetch(op, bucket_width=width, limit=limit, end=one_bucket(width))
        assert request.url.params["limit"] == str(limit)
    exc = refuse(op, bucket_width=width, limit=maximum + 1)
    assert exc.param == "limit"
    assert f"an integer from 1 to {maximum} for bucket_width={width!r}" in str(exc)


@pytest.mark.parametrize("limit", [0, -1, -31, True, False, 1.0, 7.5, "7", 10**9])
def test_bad_limits_are_refused_naming_limit(limit: object) -> None:
    exc = refuse("completions", limit=limit)
    assert exc.param == "limit"
    assert exc.value is limit
    assert str(exc).startswith(f"limit={limit!r} is not allowed")


def test_limit_hint_states_the_api_default() -> None:
    exc = refuse("completions", bucket_width="1h", limit=169)
    assert exc.hint == "the API's default is 24; leaving limit unset asks for 168"


@SETTINGS
@given(
    op=st.sampled_from(["completions", "vector_stores", "costs"]),
    width=st.sampled_from(["1d", "1h", "1m"]),
    limit=st.one_of(st.integers(-(10**6), 10**6), st.integers(-3, 1500)),
)
def test_limit_is_accepted_iff_within_bounds(op: str, width: str, limit: int) -> None:
    if op == "costs":
        width = "1d"
    maximum = max_limits(op)[width]
    if 1 <= limit <= maximum:
        (request,) = fetch(op, bucket_width=width, limit=limit, end=one_bucket(width))
        assert request.url.params["limit"] == str(limit)
    else:
        assert refuse(op, bucket_width=width, limit=limit).param == "limit"


# --- filters ----------------------------------------------------------------------------------


def sample_values(op: str, name: str) -> tuple[str, str]:
    allowed = OPERATIONS[op].filters[name].allowed
    return (allowed[0], allowed[1]) if allowed else (f"{name}_1", f"{name}_2")


STRING_FILTERS = [
    (name, f)
    for name, op in OPERATIONS.items()
    for f, spec in op.filters.items()
    if spec.kind is str
]


@pytest.mark.parametrize(("op", "name"), STRING_FILTERS)
def test_string_filter_accepts_one_string(op: str, name: str) -> None:
    first, _ = sample_values(op, name)
    (request,) = fetch(op, **{name: first})
    assert request.url.params.get_list(name) == [first]


@pytest.mark.parametrize(("op", "name"), STRING_FILTERS)
def test_string_filter_list_is_sent_as_repeated_keys(op: str, name: str) -> None:
    first, second = sample_values(op, name)
    (request,) = fetch(op, **{name: [first, second]})
    assert [item for item in request.url.params.multi_items() if item[0] == name] == [
        (name, first),
        (name, second),
    ]


def test_filters_and_group_by_together_on_the_wire() -> None:
    (request,) = fetch(
        "completions",
        group_by=["model", "batch"],
        project_ids="proj_a",
        models=("gpt-4o", "gpt-4o-mini"),
        batch=True,
    )
    assert sorted(request.url.params.multi_items()) == sorted(
        [
            ("start_time", str(int(START.timestamp()))),
            ("end_time", str(int(END.timestamp()))),
            ("bucket_width", "1d"),
            ("limit", "31"),
            ("group_by", "model"),
            ("group_by", "batch"),
            ("project_ids", "proj_a"),
            ("models", "gpt-4o"),
            ("models", "gpt-4o-mini"),
            ("batch", "true"),
        ]
    )
    assert request.url.path == "/v1/organization/usage/completions"


def test_unset_filters_are_not_sent() -> None:
    (request,) = fetch("completions", project_ids=None, models=None)
    assert "project_ids" not in request.url.params
    assert "models" not in request.url.params


@pytest.mark.parametrize("empty", [[], (), set(), frozenset(), "gen"])
@pytest.mark.parametrize(("op", "name"), [("completions", "models"), ("costs", "project_ids")])
def test_an_empty_filter_is_refused_not_dropped(op: str, name: str, empty: object) -> None:
    # Dropping it would send no filter: the whole organization's data instead of none.
    value = (x for x in list[str]()) if empty == "gen" else empty
    exc = refuse(op, **{name: value})
    assert exc.param == name
    assert exc.value is value
    assert exc.allowed == "a non-empty list of strings"
    assert "None (the default) means no filter" in str(exc)


@pytest.mark.parametrize("empty", [[], (), None])
def test_an_empty_group_by_means_no_grouping(empty: object) -> None:
    (request,) = fetch("completions", group_by=empty)
    assert "group_by" not in request.url.params


def test_duplicate_filter_values_are_sent_once() -> None:
    (request,) = fetch("embeddings", models=["m1", "m2", "m1"])
    assert request.url.params.get_list("models") == ["m1", "m2"]


@pytest.mark.parametrize(
    ("op", "name", "good", "bad"),
    [
        ("images", "sources", "image.edit", "image.upscale"),
        ("images", "sizes", "1024x1792", "2048x2048"),
        ("web_search_calls", "context_levels", "medium", "extreme"),
    ],
)
def test_enum_filters_are_validated(op: str, name: str, good: str, bad: str) -> None:
    (request,) = fetch(op, **{name: good})
    assert request.url.params.get_list(name) == [good]
    exc = refuse(op, **{name: [good, bad]})
    assert exc.param == name
    assert exc.value == bad
    for allowed in OPERATIONS[op].filters[name].allowed or ():
        assert repr(allowed) in str(exc)


@pytest.mark.parametrize("value", [["proj_a", ""], ""])
def test_string_filter_items_must_be_non_empty_strings(value: object) -> None:
    exc = refuse("costs", project_ids=value)
    assert exc.param == "project_ids"
    assert exc.value == ""
    assert "a non-empty string or a list of them" in str(exc)


@pytest.mark.parametrize(("value", "item"), [([5], 5), (["proj_a", None], None), ([["a"]], ["a"])])
def test_string_filter_items_must_be_strings(value: object, item: object) -> None:
    exc = refuse("costs", project_ids=value)
    assert exc.param == "project_ids"
    assert exc.value == item
    assert exc.allowed == "a string or a list of strings"
    assert str(exc).startswith(f"project_ids={item!r} is not allowed")


def test_string_filter_refuses_a_bool() -> None:
    exc = refuse("costs", project_ids=True)
    assert exc.param == "project_ids"
    assert "a string or a list of strings" in str(exc)


@pytest.mark.parametrize(("batch", "sent"), [(True, "true"), (False, "false")])
def test_batch_is_sent_as_a_json_bool(batch: bool, sent: str) -> None:
    (request,) = fetch("completions", batch=batch)
    assert request.url.params.get_list("batch") == [sent]


def test_batch_none_is_not_sent() -> None:
    (request,) = fetch("completions", batch=None)
    assert "batch" not in request.url.params


@pytest.mark.parametrize("batch", ["true", 1, 0, ["true"]])
def test_batch_must_be_a_bool(batch: object) -> None:
    exc = refuse("completions", batch=batch)
    assert exc.param == "batch"
    assert exc.allowed == "True, False or None (both)"


@pytest.mark.parametrize(
    ("op", "name"),
    [(op, name) for op in OPERATIONS for name in ALL_FILTERS if name not in OPERATIONS[op].filters],
)
def test_filter_of_another_operation_is_a_type_error(op: str, name: str) -> None:
    recorder = Recorder()
    with make_client(recorder) as client, pytest.raises(TypeError, match=name):
        getattr(client, op)(start=START, end=END, **{name: ["x"]})
    assert recorder.requests == []


def test_vector_stores_has_no_models_filter() -> None:
    recorder = Recorder()
    with make_client(recorder) as client, pytest.raises(TypeError, match="models"):
        client.vector_stores(start=START, end=END, models=["x"])  # type: ignore[call-arg]
    assert recorder.requests == []


# --- the allowed sets are the spec's ------------------------------------------------------------


def spec_operations() -> dict[str, dict[str, dict[str, Any]]]:
    """Each operation's parameters by name, keyed by facade operation name (via the path)."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    by_path = {op.path: name for name, op in OPERATIONS.items()}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for path, item in spec["paths"].items():
        if path in by_path:  # the admin lists are in LISTS, not OPERATIONS
            out[by_path[path]] = {p["name"]: p for p in item["get"]["parameters"]}
    return out


SPEC_OPS = spec_operations()


def test_spec_has_exactly_the_operations_of_the_table() -> None:
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    assert sorted(SPEC_OPS) == sorted(OPERATIONS)
    assert len(OPERATIONS) + len(LISTS) + len(OBJECTS) == sum(
        len(item) for item in spec["paths"].values()
    )
    # The eleven of the published description, and decisions since November 2026.
    assert len(OPERATIONS) == 12
    assert OPERATIONS["decisions"].path == "/organization/usage/decisions"


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_group_by_and_bucket_width_equal_the_spec_enums(op: str) -> None:
    params = SPEC_OPS[op]
    assert set(OPERATIONS[op].group_by) == set(params["group_by"]["schema"]["items"]["enum"])
    assert len(OPERATIONS[op].group_by) == len(params["group_by"]["schema"]["items"]["enum"])
    assert set(OPERATIONS[op].bucket_widths) == set(params["bucket_width"]["schema"]["enum"])
    assert OPERATIONS[op].default_bucket_width == params["bucket_width"]["schema"]["default"]


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_filters_equal_the_spec_parameters(op: str) -> None:
    params = SPEC_OPS[op]
    spec_filters = {name: p for name, p in params.items() if name not in COMMON_PARAMS}
    facade_filters = OPERATIONS[op].filters
    assert set(facade_filters) == set(spec_filters)
    for name, param in spec_filters.items():
        schema = param["schema"]
        if schema["type"] == "boolean":
            assert facade_filters[name].kind is bool
            continue
        assert schema["type"] == "array"
        enum_values = schema["items"].get("enum")
        allowed = facade_filters[name].allowed
        assert (set(allowed) if allowed else None) == (set(enum_values) if enum_values else None)


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_limits_equal_the_spec_x_limits(op: str) -> None:
    x_limits = SPEC_OPS[op]["limit"]["x-limits"]
    assert dict(OPERATIONS[op].limits) == {
        w: (v["default"], v["maximum"]) for w, v in x_limits.items()
    }
    assert {v["minimum"] for v in x_limits.values()} == {1}
    assert set(x_limits) == set(OPERATIONS[op].bucket_widths)


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_limit_tables_are_the_documented_values(op: str) -> None:
    assert dict(OPERATIONS[op].limits) == (COSTS_LIMITS if op == "costs" else USAGE_LIMITS)
    assert {w: m for w, (_, m) in OPERATIONS[op].limits.items()} == max_limits(op)


def test_operations_with_the_same_limits_share_one_table() -> None:
    tables: dict[tuple[tuple[str, tuple[int, int]], ...], object] = {}
    for operation in OPERATIONS.values():
        shared = tables.setdefault(tuple(operation.limits.items()), operation.limits)
        assert operation.limits is shared, operation.name
    assert len(tables) == 2  # the usage operations' and costs'
