"""Every operation of the fragment is served, with or without a hand-made model.

An operation the fake has no model for is served from its result schema, as the package
describes it (``openai_org_usage._operations``). ``generic_operations`` forces that for
operations that do have a model, so each of the fragment's operations is checked both ways;
a made-up operation shows that one the fake has never heard of is served too. The hand-made
models are checked against the fragment, so they cannot drift from it either.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import attrs
import httpx
import pytest
from _fake_helpers import (
    AUTH,
    BASE_URL,
    DAY,
    NOW,
    day_start,
    fragment_parameter,
    fragment_paths,
    fragment_spec,
    get_json,
    response_schema,
    result_schema,
    schema_errors,
    walk,
)

from openai_org_usage._operations import OPERATIONS as SPEC
from openai_org_usage.fake import FakeUsageAPI, _catalog
from openai_org_usage.fake._catalog import OPERATIONS, operation_table

END = day_start(NOW) - DAY
START = END - 6 * DAY
COMMON = {"start_time", "end_time", "bucket_width", "group_by", "limit", "page"}
SPEC_BY_PATH = {op.path: op for op in SPEC.values()}
# Every operation of the fragment as the generic model serves it.
GENERIC = operation_table(generic=list(SPEC))


def _client(fake: FakeUsageAPI) -> httpx.Client:
    return httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH)


def _kinds(schema: dict[str, Any]) -> set[str]:
    """The non-null JSON types a (resolved) property schema allows."""
    options = schema.get("anyOf", [schema])
    return {o.get("type", "object") for o in options} - {"null"}


def group_by_values(path: str) -> list[str]:
    parameter = fragment_parameter(path, "group_by")
    assert parameter is not None
    values: list[str] = parameter["schema"]["items"]["enum"]
    return values


def counts(path: str) -> list[str]:
    """Integer result fields of ``path`` that are not grouped dimensions: they must add up."""
    grouped = set(group_by_values(path))
    return [
        name
        for name, schema in result_schema(path)["properties"].items()
        if name not in grouped and _kinds(schema) == {"integer"}
    ]


def amounts(results: list[dict[str, Any]]) -> float:
    """Sum of every number (not integer) anywhere in the results (costs' ``amount.value``)."""

    def numbers(value: Any) -> Iterator[float]:
        if isinstance(value, float):
            yield value
        elif isinstance(value, dict):
            for inner in value.values():
                yield from numbers(inner)

    return math.fsum(n for r in results for n in numbers(r))


# -- the hand-made models agree with the fragment ----------------------------------------------


@pytest.mark.parametrize("path", fragment_paths())
def test_hand_made_models_mirror_the_fragment(path: str) -> None:
    op = OPERATIONS[path]
    assert not op.generic, "every operation of the fragment has a hand-made model today"
    parameters = fragment_spec()["paths"][path]["get"]["parameters"]
    assert set(op.group_by) == set(group_by_values(path))
    filters = {p["name"]: p["schema"] for p in parameters if p["name"] not in COMMON}
    assert set(op.filters) | set(op.bool_filters) == set(filters)
    assert {name for name, schema in filters.items() if schema["type"] == "boolean"} == set(
        op.bool_filters
    )
    assert {
        name: frozenset(schema["items"]["enum"])
        for name, schema in filters.items()
        if "enum" in schema.get("items", {})
    } == dict(op.enums)
    limit = fragment_parameter(path, "limit")
    assert limit is not None
    assert {width: (v["default"], v["maximum"]) for width, v in limit["x-limits"].items()} == dict(
        op.limits
    )
    assert op.result_object == result_schema(path)["properties"]["object"]["enum"][0]


def test_the_package_and_the_fake_list_the_same_operations() -> None:
    assert sorted(SPEC_BY_PATH) == fragment_paths() == sorted(OPERATIONS)


# -- the generic model -------------------------------------------------------------------------


@pytest.fixture(scope="module", params=sorted(SPEC), ids=str)
def generic(request: pytest.FixtureRequest) -> Iterator[tuple[str, httpx.Client]]:
    """(path, client) of a fake serving one operation from its result schema only."""
    name: str = request.param
    fake = FakeUsageAPI(seed=3, generic_operations=[name])
    path = SPEC[name].path
    assert fake.operations[path].generic
    assert fake.org.streams[name], "the generic operation has streams of its own"
    with _client(fake) as client:
        yield path, client


def test_generic_pages_are_valid_and_walk_to_the_end(generic: tuple[str, httpx.Client]) -> None:
    path, client = generic
    schema = response_schema(path)
    for params in (
        {"start_time": START + 777, "end_time": END, "limit": 3},
        {"start_time": END - DAY, "end_time": END, "bucket_width": "1h", "limit": 10},
    ):
        if path.endswith("/costs") and params.get("bucket_width") == "1h":
            continue
        pages = list(walk(client, path, params))
        buckets = [b for p in pages for b in p["data"]]
        assert buckets[0]["start_time"] == params["start_time"]
        assert buckets[-1]["end_time"] >= params["end_time"]
        for page in pages:
            assert schema_errors(page, schema) == []
        assert any(b["results"] for b in buckets)


def test_generic_groups_add_up_and_other_fields_are_null(
    generic: tuple[str, httpx.Client],
) -> None:
    path, client = generic
    base = {"start_time": START, "end_time": END}
    plain = get_json(client, path, base)
    allowed = group_by_values(path)
    fields = counts(path)
    for bucket in plain["data"]:
        (result,) = bucket["results"]
        assert all(result[g] is None for g in allowed)
    for group in allowed:
        grouped = get_json(client, path, {**base, "group_by": group})
        assert schema_errors(grouped, response_schema(path)) == []
        values = set()
        for whole, split in zip(plain["data"], grouped["data"], strict=True):
            for result in split["results"]:
                assert result[group] is not None
                assert all(result[g] is None for g in allowed if g != group)
                values.add(result[group])
            for field in fields:
                assert sum(r[field] for r in split["results"]) == whole["results"][0][field]
            assert math.isclose(
                amounts(split["results"]), amounts(whole["results"]), rel_tol=1e-9, abs_tol=1e-5
            )
        assert len(values) > 1, f"{group}: one value only"


def test_generic_filters_narrow_to_the_value(generic: tuple[str, httpx.Client]) -> None:
    path, client = generic
    base = {"start_time": START, "end_time": END}
    op = GENERIC[path]
    for param, dim in op.filters.items():
        if dim not in set(op.group_by):
            continue
        by_dim = get_json(client, path, {**base, "group_by": dim})
        present = sorted({r[dim] for b in by_dim["data"] for r in b["results"]})
        only = get_json(client, path, {**base, "group_by": dim, f"{param}[]": present[0]})
        assert {r[dim] for b in only["data"] for r in b["results"]} == {present[0]}


def test_generic_minutes_and_hours_sum_to_the_day(generic: tuple[str, httpx.Client]) -> None:
    path, client = generic
    if path.endswith("/costs"):
        # Daily buckets only, from the fragment's enum, like the hand-made costs.
        response = client.get(path, params={"start_time": START, "bucket_width": "1h"})
        assert response.status_code == 400
        assert response.json()["error"]["param"] == "bucket_width"
        return
    fields = counts(path)
    day = START + 2 * DAY
    daily = get_json(client, path, {"start_time": day, "end_time": day + DAY})["data"][0]
    hourly = get_json(
        client, path, {"start_time": day, "end_time": day + DAY, "bucket_width": "1h"}
    )["data"]
    minutes = get_json(
        client,
        path,
        {"start_time": day + 5 * 3600, "end_time": day + 6 * 3600, "bucket_width": "1m"},
    )["data"]
    for field in fields:
        total = sum(r[field] for r in daily["results"])
        assert total > 0, field
        assert sum(r[field] for b in hourly for r in b["results"]) == total
        assert sum(r[field] for b in minutes for r in b["results"]) == sum(
            r[field] for r in hourly[5]["results"]
        )


def test_generic_output_is_deterministic() -> None:
    def body(seed: int) -> bytes:
        fake = FakeUsageAPI(seed=seed, generic_operations=["decisions"])
        params = [("start_time", str(START)), ("group_by", "model"), ("group_by", "api_source")]
        status, _, content = fake.handle("GET", "/v1/organization/usage/decisions", params, AUTH)
        assert status == 200
        return content

    assert body(5) == body(5)
    assert body(5) != body(6)


# -- an operation the fake has never heard of --------------------------------------------------


def test_an_operation_without_any_model_is_served(monkeypatch: pytest.MonkeyPatch) -> None:
    """A new operation in the fragment is served once codegen has run, before anyone models it."""
    completions = SPEC["completions"]
    realtime = attrs.evolve(
        completions,
        name="realtime",
        path="/organization/usage/realtime",
        result_object="organization.usage.realtime.result",
    )
    specs = (*_catalog.spec_operations(), realtime)
    monkeypatch.setattr(_catalog, "spec_operations", lambda: specs)
    table = operation_table()
    assert table["/organization/usage/realtime"].generic
    assert not table["/organization/usage/completions"].generic

    fake = FakeUsageAPI(generic_operations=["realtime"])
    with _client(fake) as client:
        pages = list(
            walk(
                client,
                "/organization/usage/realtime",
                {"start_time": START, "end_time": END, "limit": 4, "group_by[]": "api_source"},
            )
        )
    assert [p["has_more"] for p in pages] == [True, False]
    results = [r for p in pages for b in p["data"] for r in b["results"]]
    assert results
    completions_fields = list(result_schema("/organization/usage/completions")["properties"])
    for result in results:
        assert result["object"] == "organization.usage.realtime.result"
        assert sorted(result) == sorted(completions_fields)
        assert result["api_source"] in ("agents_api", "unlabeled")


def test_unknown_generic_operation_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown operation"):
        FakeUsageAPI(generic_operations=["teleportation"])


def test_generic_operations_is_a_collection_of_names() -> None:
    with pytest.raises(TypeError, match="collection of operation names"):
        FakeUsageAPI(generic_operations="decisions")
