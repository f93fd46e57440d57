"""Wire behaviour of the fake Usage and Costs API, through httpx and the in-process transport."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
import pytest
from _fake_helpers import (
    ALL_PATHS,
    AUTH,
    BASE_URL,
    DAY,
    HOUR,
    NOW,
    USAGE_OPS,
    day_start,
    documented_example,
    fragment_parameter,
    fragment_paths,
    fragment_spec,
    get_json,
    reference_spec,
    response_schema,
    result_schema,
    schema_errors,
    totals,
    walk,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_org_usage.fake import DEFAULT_NOW, TOKEN_PRICES, FakeUsageAPI
from openai_org_usage.fake._prices import token_price

COMPLETIONS = "/organization/usage/completions"
DECISIONS = "/organization/usage/decisions"
COSTS = "/organization/costs"
TOKEN_METRICS = (
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
METRICS: dict[str, tuple[str, ...]] = {
    "completions": TOKEN_METRICS,
    "decisions": TOKEN_METRICS,
    "embeddings": ("input_tokens", "num_model_requests"),
    "moderations": ("input_tokens", "num_model_requests"),
    "images": ("images", "num_model_requests"),
    "audio_speeches": ("characters", "num_model_requests"),
    "audio_transcriptions": ("seconds", "num_model_requests"),
    "vector_stores": ("usage_bytes",),
    "code_interpreter_sessions": ("num_sessions",),
    "file_search_calls": ("num_requests",),
    "web_search_calls": ("num_model_requests", "num_requests"),
}
FLOW_OPS = tuple(op for op in USAGE_OPS if op != "vector_stores")
FILTER_DIMS = {
    "project_ids": "project_id",
    "user_ids": "user_id",
    "api_key_ids": "api_key_id",
    "models": "model",
    "vector_store_ids": "vector_store_id",
    "sources": "source",
    "sizes": "size",
    "context_levels": "context_level",
    "line_items": "line_item",
}
# Result fields only the newest SDK (openai 3.57.0) has, beside the documented example's fields.
SDK_ONLY_FIELDS: dict[str, tuple[str, ...]] = {
    COMPLETIONS: ("input_cache_write_30m_tokens", "input_cache_write_12h_tokens", "api_source"),
    COSTS: ("user_id", "api_source"),
    "/organization/usage/web_search_calls": ("api_source",),
}
API_SOURCES = {"agents_api", "unlabeled"}
# A recent, complete fortnight (ends at a midnight before the fake's "now").
END = day_start(NOW) - DAY
START = END - 14 * DAY


def _parameter(path: str, name: str) -> dict[str, Any]:
    found = fragment_parameter(path, name)
    if found is None:
        raise KeyError(name)
    return found


def allowed_group_by(path: str) -> list[str]:
    """group_by values the fragment allows for ``path``."""
    values: list[str] = _parameter(path, "group_by")["schema"]["items"]["enum"]
    return values


def served_group_by(path: str) -> list[str]:
    """Every group_by value of ``path`` but those the live rules refuse together.

    Costs by ``user_id`` with ``project_id`` gets 400 by default (``test_fake_live.py``).
    """
    return [g for g in allowed_group_by(path) if not (path == COSTS and g == "project_id")]


def array_filters(path: str) -> list[str]:
    """Array query parameters of ``path`` other than group_by, from the fragment."""
    return [
        p["name"]
        for p in fragment_spec()["paths"][path]["get"]["parameters"]
        if p["schema"].get("type") == "array" and p["name"] != "group_by"
    ]


def filter_values(fake: FakeUsageAPI, path: str, param: str) -> list[str]:
    """Candidate values for a filter: the organization's ids, or the fragment's enum."""
    enum = _parameter(path, param)["schema"]["items"].get("enum")
    if enum:
        return list(enum)
    org = fake.org
    return {
        "project_ids": list(org.projects),
        "user_ids": list(org.users),
        "api_key_ids": list(org.api_keys),
        "models": sorted(org.models),
        "vector_store_ids": list(org.vector_stores),
        "line_items": sorted({line.line_item for line in org.cost_lines}),
    }[param]


def metric_fields(path: str) -> tuple[str, ...]:
    return METRICS[path.rsplit("/", 1)[-1]]


def bucket_sums(page: dict[str, Any], fields: tuple[str, ...]) -> list[dict[str, int]]:
    return [totals(bucket["results"], fields) for bucket in page["data"]]


def cost_total(bucket: dict[str, Any]) -> float:
    return math.fsum(r["amount"]["value"] for r in bucket["results"])


# -- buckets ---------------------------------------------------------------------------------


def test_partial_first_bucket_then_aligned_buckets(unbounded_client: httpx.Client) -> None:
    # The reference's own example (Jan 2025): older than the live API's one-year lookback.
    page = get_json(unbounded_client, COMPLETIONS, {"start_time": 1736616660, "limit": 3})
    spans = [(b["start_time"], b["end_time"]) for b in page["data"]]
    assert spans == [
        (1736616660, 1736640000),
        (1736640000, 1736726400),
        (1736726400, 1736812800),
    ]
    assert all(b["object"] == "bucket" for b in page["data"])


@pytest.mark.parametrize(("width", "seconds"), [("1h", HOUR), ("1m", 60)])
def test_partial_first_bucket_for_hours_and_minutes(
    client: httpx.Client, width: str, seconds: int
) -> None:
    start = START + 5 * HOUR + 17 * 60 + 23
    page = get_json(client, COMPLETIONS, {"start_time": start, "bucket_width": width, "limit": 4})
    spans = [(b["start_time"], b["end_time"]) for b in page["data"]]
    boundary = start - start % seconds + seconds
    assert spans[0] == (start, boundary)
    assert spans[1:] == [(boundary + i * seconds, boundary + (i + 1) * seconds) for i in range(3)]


def test_last_bucket_keeps_its_natural_end_and_full_data(client: httpx.Client) -> None:
    end = START + 2 * DAY + 7 * HOUR  # inside the third day
    page = get_json(client, COMPLETIONS, {"start_time": START, "end_time": end})
    assert [b["end_time"] for b in page["data"]] == [START + DAY, START + 2 * DAY, START + 3 * DAY]
    full_day = get_json(
        client, COMPLETIONS, {"start_time": START + 2 * DAY, "end_time": START + 3 * DAY}
    )
    assert page["data"][-1]["results"] == full_day["data"][0]["results"]


def test_every_bucket_is_present_even_when_empty(
    client: httpx.Client, unbounded_client: httpx.Client
) -> None:
    before_data = 1700000000  # Nov 2023: the organization has no usage before 2024
    page = get_json(unbounded_client, COMPLETIONS, {"start_time": before_data, "limit": 31})
    assert len(page["data"]) == 31
    assert all(b["results"] == [] for b in page["data"])
    future = get_json(
        client,
        "/organization/usage/embeddings",
        {"start_time": NOW - HOUR, "end_time": NOW + 5 * HOUR, "bucket_width": "1h"},
    )
    assert len(future["data"]) == 6
    assert future["data"][0]["results"] != []
    assert all(b["results"] == [] for b in future["data"][1:])


def test_end_time_defaults_to_now(client: httpx.Client) -> None:
    pages = list(walk(client, COMPLETIONS, {"start_time": NOW - 3 * DAY, "limit": 31}))
    buckets = [b for p in pages for b in p["data"]]
    assert buckets[-1]["start_time"] < NOW <= buckets[-1]["end_time"]


def test_weekday_and_working_hour_patterns(client: httpx.Client) -> None:
    end = day_start(NOW) - day_start(NOW) % (7 * DAY) - 4 * DAY  # a Monday midnight
    page = get_json(
        client, COMPLETIONS, {"start_time": end - 28 * DAY, "end_time": end, "limit": 31}
    )
    by_weekday: dict[int, int] = defaultdict(int)
    for bucket in page["data"]:
        weekday = (bucket["start_time"] // DAY + 3) % 7
        by_weekday[weekday] += sum(r["num_model_requests"] for r in bucket["results"])
    assert min(by_weekday[d] for d in range(5)) > 2 * max(by_weekday[5], by_weekday[6])
    hours = list(
        walk(
            client,
            COMPLETIONS,
            {"start_time": end - 7 * DAY, "end_time": end, "bucket_width": "1h", "limit": 168},
        )
    )
    per_hour: dict[int, int] = defaultdict(int)
    for bucket in hours[0]["data"]:
        per_hour[bucket["start_time"] % DAY // HOUR] += sum(
            r["num_model_requests"] for r in bucket["results"]
        )
    busiest, quietest = max(per_hour.values()), min(per_hour.values())
    assert busiest > 3 * quietest


# -- exact aggregation -----------------------------------------------------------------------


@pytest.mark.parametrize("op", FLOW_OPS)
def test_day_equals_sum_of_hours_equals_sum_of_minutes(client: httpx.Client, op: str) -> None:
    path = f"/organization/usage/{op}"
    fields = METRICS[op]
    day = START + 3 * DAY
    daily = get_json(client, path, {"start_time": day, "end_time": day + DAY})
    hourly = get_json(
        client, path, {"start_time": day, "end_time": day + DAY, "bucket_width": "1h"}
    )
    minutely = get_json(
        client,
        path,
        {"start_time": day, "end_time": day + DAY, "bucket_width": "1m", "limit": 1440},
    )
    assert len(hourly["data"]) == 24
    assert len(minutely["data"]) == 1440
    day_total = bucket_sums(daily, fields)[0]
    assert day_total[fields[-1]] > 0
    hour_sums = bucket_sums(hourly, fields)
    minute_sums = bucket_sums(minutely, fields)
    assert {f: sum(h[f] for h in hour_sums) for f in fields} == day_total
    for hour in range(24):
        minutes = minute_sums[hour * 60 : (hour + 1) * 60]
        assert {f: sum(m[f] for m in minutes) for f in fields} == hour_sums[hour]


def test_gauge_is_reported_per_bucket_not_summed(client: httpx.Client) -> None:
    path = "/organization/usage/vector_stores"
    day = START + 2 * DAY
    daily = get_json(client, path, {"start_time": day, "end_time": day + DAY})
    hourly = get_json(
        client, path, {"start_time": day, "end_time": day + DAY, "bucket_width": "1h"}
    )
    stored = daily["data"][0]["results"][0]["usage_bytes"]
    assert stored > 0
    assert {b["results"][0]["usage_bytes"] for b in hourly["data"]} == {stored}


@settings(max_examples=20, deadline=None)
@given(offset=st.integers(min_value=1, max_value=DAY - 1), day=st.integers(0, 13))
def test_partial_first_day_equals_its_minutes(client: httpx.Client, offset: int, day: int) -> None:
    start = START + day * DAY + offset
    boundary = START + (day + 1) * DAY
    first = get_json(client, COMPLETIONS, {"start_time": start, "limit": 1})["data"][0]
    assert (first["start_time"], first["end_time"]) == (start, boundary)
    minutes = [
        bucket
        for page in walk(
            client,
            COMPLETIONS,
            {"start_time": start, "end_time": boundary, "bucket_width": "1m", "limit": 1440},
        )
        for bucket in page["data"]
    ]
    fields = METRICS["completions"]
    summed = {f: sum(r[f] for b in minutes for r in b["results"]) for f in fields}
    assert totals(first["results"], fields) == summed


@pytest.mark.parametrize("path", [COMPLETIONS, DECISIONS])
def test_token_fields_are_consistent(client: httpx.Client, path: str) -> None:
    params = [("start_time", START), ("limit", 14), ("bucket_width", "1d")]
    params += [("group_by", g) for g in allowed_group_by(path)]
    page = get_json(client, path, params)
    checked = 0
    twelve_hours = 0
    for result in (r for b in page["data"] for r in b["results"]):
        checked += 1
        # The total over both cache retentions, as SDK 3.57.0 describes it.
        assert result["input_cache_write_tokens"] == (
            result["input_cache_write_30m_tokens"] + result["input_cache_write_12h_tokens"]
        )
        twelve_hours += result["input_cache_write_12h_tokens"] > 0
        assert result["input_tokens"] == (
            result["input_cached_tokens"]
            + result["input_uncached_tokens"]
            + result["input_cache_write_tokens"]
        )
        assert result["input_uncached_tokens"] == (
            result["input_text_tokens"]
            + result["input_audio_tokens"]
            + result["input_image_tokens"]
        )
        assert result["input_cached_tokens"] == (
            result["input_cached_text_tokens"]
            + result["input_cached_audio_tokens"]
            + result["input_cached_image_tokens"]
        )
        assert result["output_tokens"] == (
            result["output_text_tokens"]
            + result["output_audio_tokens"]
            + result["output_image_tokens"]
        )
        assert result["num_model_requests"] > 0
        assert result["api_source"] in API_SOURCES
    assert checked > (100 if path == COMPLETIONS else 40)
    assert 0 < twelve_hours < checked, "some streams use 12-hour retention, not all"


# -- group_by ----------------------------------------------------------------------------------


def _group_combinations(path: str) -> list[tuple[str, ...]]:
    allowed = allowed_group_by(path)
    combos: list[tuple[str, ...]] = [(g,) for g in allowed]
    combos += list(itertools.combinations(allowed, 2))[:4]
    combos.append(tuple(allowed))
    return list(dict.fromkeys(combos))


@pytest.fixture(scope="module")
def permissive_client() -> Iterator[httpx.Client]:
    """Like ``client``, but no grouping is refused (costs by ``user_id`` with ``project_id``)."""
    fake = FakeUsageAPI(seed=0, refused_groupings={})
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH) as c:
        yield c


@pytest.mark.parametrize(
    ("path", "group_by"),
    [(path, combo) for path in ALL_PATHS for combo in _group_combinations(path)],
)
def test_group_by_sums_to_ungrouped_and_nulls_other_fields(
    permissive_client: httpx.Client, path: str, group_by: tuple[str, ...]
) -> None:
    client = permissive_client
    base = {"start_time": START, "end_time": START + 5 * DAY}
    plain = get_json(client, path, base)
    grouped = get_json(client, path, [*base.items(), *(("group_by", g) for g in group_by)])
    others = [g for g in allowed_group_by(path) if g not in group_by]
    for plain_bucket, bucket in zip(plain["data"], grouped["data"], strict=True):
        assert len(plain_bucket["results"]) == 1
        keys = [tuple(r[g] for g in group_by) for r in bucket["results"]]
        assert len(keys) == len(set(keys)), "one result per group"
        for result in bucket["results"]:
            assert all(result[g] is None for g in others)
            if path != COSTS:  # cost lines without an API key (storage) group under null
                assert all(result[g] is not None for g in group_by)
        if path == COSTS:
            assert math.isclose(cost_total(bucket), cost_total(plain_bucket), rel_tol=1e-9)
        else:
            fields = metric_fields(path)
            assert totals(bucket["results"], fields) == totals(plain_bucket["results"], fields)
    assert any(len(b["results"]) > 1 for b in grouped["data"]) or len(group_by) == 0


@pytest.mark.parametrize("path", ALL_PATHS)
def test_ungrouped_results_have_all_group_fields_null(client: httpx.Client, path: str) -> None:
    page = get_json(client, path, {"start_time": START, "end_time": START + 2 * DAY})
    for bucket in page["data"]:
        (result,) = bucket["results"]
        assert all(result[g] is None for g in allowed_group_by(path))


def test_group_by_accepts_the_sdk_bracket_form(client: httpx.Client) -> None:
    base = [("start_time", START), ("end_time", START + 3 * DAY)]
    repeated = client.get(COMPLETIONS, params=[*base, ("group_by", "model"), ("group_by", "batch")])
    brackets = client.get(
        COMPLETIONS, params=[*base, ("group_by[]", "model"), ("group_by[]", "batch")]
    )
    assert repeated.status_code == brackets.status_code == 200
    assert repeated.content == brackets.content


# -- filters -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "param"), [(path, param) for path in ALL_PATHS for param in array_filters(path)]
)
def test_filters_narrow_results_consistently(
    client: httpx.Client, fake: FakeUsageAPI, path: str, param: str
) -> None:
    dim = FILTER_DIMS[param]
    base = {"start_time": START, "end_time": START + 7 * DAY}
    by_dim = get_json(client, path, {**base, "group_by": dim})
    present = sorted({r[dim] for b in by_dim["data"] for r in b["results"] if r[dim] is not None})
    assert present, f"no {dim} values with usage"
    candidates = filter_values(fake, path, param)
    assert set(present) <= set(candidates)
    value = present[0]
    only = get_json(client, path, {**base, "group_by": dim, param: value})
    assert {r[dim] for b in only["data"] for r in b["results"]} == {value}
    filtered = get_json(client, path, {**base, param: value})
    bracketed = get_json(client, path, [*base.items(), (f"{param}[]", value)])
    assert filtered == bracketed
    unknown_or_unused = [c for c in candidates if c not in present]
    for bucket, grouped in zip(filtered["data"], by_dim["data"], strict=True):
        expected = [r for r in grouped["results"] if r[dim] == value]
        if path == COSTS:
            assert math.isclose(
                cost_total(bucket), math.fsum(r["amount"]["value"] for r in expected), rel_tol=1e-9
            )
        else:
            fields = metric_fields(path)
            assert totals(bucket["results"], fields) == totals(expected, fields)
    if len(present) > 1:
        both = get_json(client, path, [*base.items(), (param, present[0]), (param, present[1])])
        assert both != filtered
    if unknown_or_unused:
        nothing = get_json(client, path, {**base, param: unknown_or_unused[0]})
        assert all(b["results"] == [] for b in nothing["data"])


def test_batch_filter_splits_completions(client: httpx.Client) -> None:
    base = {"start_time": START, "end_time": START + 4 * DAY}
    fields = METRICS["completions"]
    whole = bucket_sums(get_json(client, COMPLETIONS, base), fields)
    batch = bucket_sums(get_json(client, COMPLETIONS, {**base, "batch": "true"}), fields)
    online = bucket_sums(get_json(client, COMPLETIONS, {**base, "batch": "false"}), fields)
    for w, b, o in zip(whole, batch, online, strict=True):
        assert b["num_model_requests"] > 0
        assert o["num_model_requests"] > 0
        assert {f: b[f] + o[f] for f in fields} == w


def test_unknown_ids_match_nothing(client: httpx.Client) -> None:
    page = get_json(client, COMPLETIONS, {"start_time": START, "project_ids": "proj_missing"})
    assert page["data"]
    assert all(b["results"] == [] for b in page["data"])


# -- limits and pagination -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "width", "default", "maximum"),
    [
        (COMPLETIONS, "1d", 7, 31),
        (COMPLETIONS, "1h", 24, 168),
        (COMPLETIONS, "1m", 60, 1440),
        ("/organization/usage/images", "1h", 24, 168),
        (COSTS, "1d", 7, 180),
    ],
)
def test_limit_defaults_and_maxima(
    client: httpx.Client, path: str, width: str, default: int, maximum: int
) -> None:
    start = day_start(NOW) - 200 * DAY  # far enough back for the largest page, within a year
    base: dict[str, Any] = {"start_time": start, "bucket_width": width}
    page = get_json(client, path, base)
    assert len(page["data"]) == default
    assert page["has_more"] is True
    assert isinstance(page["next_page"], str)
    assert len(get_json(client, path, {**base, "limit": maximum})["data"]) == maximum
    for bad in (maximum + 1, 0):
        response = client.get(path, params={**base, "limit": bad})
        assert response.status_code == 400
        assert response.json()["error"]["param"] == "limit"


@pytest.mark.parametrize(
    ("path", "width", "span", "limit"),
    [
        (COMPLETIONS, "1h", 3 * DAY, 10),
        (COMPLETIONS, "1d", 25 * DAY, 7),
        ("/organization/usage/web_search_calls", "1m", 2 * HOUR, 25),
        (COSTS, "1d", 10 * DAY, 3),
    ],
)
def test_cursor_walks_every_bucket_exactly_once(
    client: httpx.Client, path: str, width: str, span: int, limit: int
) -> None:
    start = START - 30 * DAY + 1234  # unaligned: the first bucket is partial
    params: dict[str, Any] = {
        "start_time": start,
        "end_time": start + span,
        "bucket_width": width,
        "limit": limit,
    }
    pages = list(walk(client, path, params))
    buckets = [b for p in pages for b in p["data"]]
    assert buckets[0]["start_time"] == start
    assert all(a["end_time"] == b["start_time"] for a, b in itertools.pairwise(buckets))
    assert buckets[-1]["start_time"] < start + span <= buckets[-1]["end_time"]
    assert all(len(p["data"]) == limit for p in pages[:-1])
    assert all(p["has_more"] for p in pages[:-1])
    unpaged = {
        **params,
        "limit": {"1m": 1440, "1h": 168, "1d": 31 if path != COSTS else 180}[width],
    }
    assert buckets == get_json(client, path, unpaged)["data"]


def test_cursor_is_bound_to_the_query(client: httpx.Client) -> None:
    base: dict[str, Any] = {
        "start_time": START,
        "end_time": START + 10 * DAY,
        "limit": 2,
        "group_by": "model",
    }
    cursor = get_json(client, COMPLETIONS, base)["next_page"]
    # The page size may change between pages...
    assert client.get(COMPLETIONS, params={**base, "limit": 5, "page": cursor}).status_code == 200
    # ...but not what is being paginated.
    for changed in (
        {"project_ids": "proj_x"},
        {"group_by": "project_id"},
        {"start_time": START + 1},
        {"end_time": START + 11 * DAY},
        {"bucket_width": "1h"},
    ):
        response = client.get(COMPLETIONS, params={**base, **changed, "page": cursor})
        assert response.status_code == 400, changed
        assert response.json()["error"]["param"] == "page"
    other_path = client.get("/organization/usage/embeddings", params={**base, "page": cursor})
    assert other_path.status_code == 400
    for garbage in ("nope", "page_!!!", "page_AAAA", cursor[:-4] + "AAA="):
        response = client.get(COMPLETIONS, params={**base, "page": garbage})
        assert response.status_code == 400
        assert response.json()["error"]["param"] == "page"


# -- errors ------------------------------------------------------------------------------------


ERROR_CASES: list[tuple[str, dict[str, Any] | list[tuple[str, Any]], str]] = [
    (COMPLETIONS, {}, "start_time"),
    (COMPLETIONS, {"start_time": "yesterday"}, "start_time"),
    (COMPLETIONS, {"start_time": "1.5"}, "start_time"),
    (COMPLETIONS, {"start_time": -5}, "start_time"),
    (COMPLETIONS, {"start_time": NOW + DAY}, "start_time"),
    (COMPLETIONS, [("start_time", START), ("start_time", START + 1)], "start_time"),
    (COMPLETIONS, {"start_time": START, "end_time": START}, "end_time"),
    (COMPLETIONS, {"start_time": START, "end_time": "later"}, "end_time"),
    (COMPLETIONS, {"start_time": START, "bucket_width": "1w"}, "bucket_width"),
    (COSTS, {"start_time": START, "bucket_width": "1h"}, "bucket_width"),
    (COSTS, {"start_time": START, "group_by": "model"}, "group_by"),
    (COSTS, {"start_time": START, "group_by": "api_sources"}, "group_by"),
    (COSTS, {"start_time": START, "line_items": ""}, "line_items"),
    (COMPLETIONS, {"start_time": START, "line_items": "gpt-4o-2024-08-06, input"}, "line_items"),
    (DECISIONS, {"start_time": START, "group_by": "context_level"}, "group_by"),
    (DECISIONS, {"start_time": START, "limit": 32}, "limit"),
    (DECISIONS, {"start_time": START, "batch": "yes"}, "batch"),
    (COMPLETIONS, {"start_time": START, "group_by": "vector_store_id"}, "group_by"),
    (COMPLETIONS, {"start_time": START, "group_by": "project_id,model"}, "group_by"),
    (COMPLETIONS, {"start_time": START, "limit": 32}, "limit"),
    (COMPLETIONS, {"start_time": START, "limit": "ten"}, "limit"),
    (COSTS, {"start_time": START, "limit": 181}, "limit"),
    (COMPLETIONS, {"start_time": START, "batch": "maybe"}, "batch"),
    ("/organization/usage/images", {"start_time": START, "sizes": "1x1"}, "sizes"),
    ("/organization/usage/images", {"start_time": START, "sources": "image.magic"}, "sources"),
    (
        "/organization/usage/web_search_calls",
        {"start_time": START, "context_levels": "max"},
        "context_levels",
    ),
    (COMPLETIONS, {"start_time": START, "project_ids": ""}, "project_ids"),
    (COMPLETIONS, {"start_time": START, "project_id": "proj_x"}, "project_id"),
    (COSTS, {"start_time": START, "user_ids": "user-x"}, "user_ids"),
    (COMPLETIONS, {"start_time": START, "page": "page_garbage"}, "page"),
]


@pytest.mark.parametrize(("path", "params", "param"), ERROR_CASES)
def test_bad_requests_name_the_parameter(
    client: httpx.Client, path: str, params: dict[str, Any] | list[tuple[str, Any]], param: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert schema_errors(body, {"$ref": "#/components/schemas/ErrorResponse"}) == []
    error = body["error"]
    assert error["param"] == param
    assert error["type"] == "invalid_request_error"
    assert error["code"] is None
    assert error["message"]


def test_401_without_a_bearer_key(fake: FakeUsageAPI) -> None:
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL) as anonymous:
        for headers in ({}, {"Authorization": "Bearer "}, {"Authorization": "Basic abc"}):
            response = anonymous.get(COSTS, params={"start_time": START}, headers=headers)
            assert response.status_code == 401
            assert response.json()["error"]["type"] == "invalid_request_error"
        ok = anonymous.get(
            COSTS, params={"start_time": START}, headers={"Authorization": "Bearer k"}
        )
        assert ok.status_code == 200


def test_specific_api_key_must_match() -> None:
    fake = FakeUsageAPI(api_key="sk-admin-right")
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL) as c:
        wrong = c.get(COSTS, params={"start_time": START}, headers=AUTH)
        assert wrong.status_code == 401
        assert wrong.json()["error"]["code"] == "invalid_api_key"
        assert "sk-admin-test" not in wrong.text  # the key is never echoed in full
        right = c.get(
            COSTS, params={"start_time": START}, headers={"Authorization": "Bearer sk-admin-right"}
        )
        assert right.status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/organization/usage", "/organization/usage/chat", "/v1/organization/costs/", "/v2/foo"],
)
def test_404_for_unknown_paths(fake: FakeUsageAPI, path: str) -> None:
    with httpx.Client(transport=fake.transport(), base_url="https://api.openai.com") as c:
        response = c.get(path, params={"start_time": START}, headers=AUTH)
    assert response.status_code == 404
    assert response.json()["error"]["param"] is None


def test_405_for_other_methods(client: httpx.Client) -> None:
    for method in ("POST", "PUT", "DELETE"):
        response = client.request(method, COMPLETIONS, params={"start_time": START})
        assert response.status_code == 405
        assert response.headers["allow"] == "GET"
        assert response.json()["error"]["type"] == "invalid_request_error"


def test_paths_with_and_without_v1_prefix(fake: FakeUsageAPI) -> None:
    with httpx.Client(transport=fake.transport(), headers=AUTH) as c:
        bare = c.get("https://api.openai.com/organization/costs", params={"start_time": START})
        prefixed = c.get(
            "https://api.openai.com/v1/organization/costs", params={"start_time": START}
        )
    assert bare.status_code == prefixed.status_code == 200
    assert bare.content == prefixed.content


# -- costs -------------------------------------------------------------------------------------


def test_costs_line_items_sum_to_the_total(client: httpx.Client) -> None:
    base = {"start_time": START + 777, "end_time": END, "limit": 31}
    total = get_json(client, COSTS, base)
    items = get_json(client, COSTS, {**base, "group_by": "line_item"})
    for plain, grouped in zip(total["data"], items["data"], strict=True):
        (result,) = plain["results"]
        assert result["quantity"] is None
        assert result["quantity_unit"] is None
        assert result["amount"]["currency"] == "usd"
        assert math.isclose(result["amount"]["value"], cost_total(grouped), rel_tol=1e-9)
        for line in grouped["results"]:
            assert isinstance(line["line_item"], str)
            assert line["quantity"] > 0
            assert line["quantity_unit"] is not None
    units = {r["quantity_unit"] for b in items["data"] for r in b["results"]}
    assert {"tokens", "images", "characters", "gibibyte_hours", "duration_seconds"} <= units


def test_costs_follow_completions_tokens_times_price(client: httpx.Client) -> None:
    base = {"start_time": START, "end_time": START + 3 * DAY}
    usage = get_json(client, COMPLETIONS, {**base, "group_by": ["model", "batch", "service_tier"]})
    costs = get_json(client, COSTS, {**base, "group_by": "line_item"})
    checked = 0
    for usage_bucket, cost_bucket in zip(usage["data"], costs["data"], strict=True):
        lines = {r["line_item"]: r for r in cost_bucket["results"]}
        # A line item holds every service tier of its model and batch flag: sum over them.
        expected: dict[str, list[float]] = {}
        for u in usage_bucket["results"]:
            price = token_price(u["model"], batch=u["batch"], service_tier=u["service_tier"])
            prefix = f"{u['model']}, {'batch ' if u['batch'] else ''}"
            for item, (quantity, per_million) in {
                "input": (
                    u["input_tokens"] - u["input_cached_tokens"] - u["input_audio_tokens"],
                    price.input,
                ),
                "cached input": (
                    u["input_cached_tokens"] - u["input_cached_audio_tokens"],
                    price.cached_input,
                ),
                "output": (u["output_tokens"] - u["output_audio_tokens"], price.output),
                "audio input": (u["input_audio_tokens"], price.audio_input),
                "cached audio input": (u["input_cached_audio_tokens"], price.cached_audio_input),
                "audio output": (u["output_audio_tokens"], price.audio_output),
            }.items():
                if quantity and per_million:
                    acc = expected.setdefault(prefix + item, [0.0, 0.0])
                    acc[0] += quantity
                    acc[1] += quantity * per_million / 1e6
        for name, (quantity, amount) in expected.items():
            line = lines.get(name)
            assert line is not None, name
            assert line["quantity"] == quantity
            assert line["quantity_unit"] == "tokens"
            assert math.isclose(line["amount"]["value"], amount, rel_tol=1e-9)
            checked += 1
        token_lines = {n for n, r in lines.items() if r["quantity_unit"] == "tokens"}
        completions_lines = {
            n for n in token_lines if "decisions" not in n and "embedding" not in n
        }
        assert completions_lines == set(expected)
    assert checked >= 20


def test_costs_follow_embeddings_usage(client: httpx.Client) -> None:
    base = {"start_time": START, "end_time": START + 2 * DAY}
    usage = get_json(client, "/organization/usage/embeddings", {**base, "group_by": "model"})
    costs = get_json(client, COSTS, {**base, "group_by": "line_item"})
    for usage_bucket, cost_bucket in zip(usage["data"], costs["data"], strict=True):
        lines = {r["line_item"]: r for r in cost_bucket["results"]}
        for u in usage_bucket["results"]:
            line = lines[f"{u['model']}, input"]
            assert line["quantity"] == u["input_tokens"]
            expected = u["input_tokens"] * TOKEN_PRICES[u["model"]].input / 1e6
            assert math.isclose(line["amount"]["value"], expected, rel_tol=1e-9)


def test_costs_follow_decisions_tokens_times_price(client: httpx.Client) -> None:
    base = {"start_time": START, "end_time": START + 3 * DAY}
    usage = get_json(client, DECISIONS, {**base, "group_by": ["model", "batch", "service_tier"]})
    costs = get_json(client, COSTS, {**base, "group_by": "line_item"})
    checked = 0
    for usage_bucket, cost_bucket in zip(usage["data"], costs["data"], strict=True):
        lines = {r["line_item"]: r for r in cost_bucket["results"]}
        inputs: dict[str, list[float]] = {}
        outputs: dict[str, int] = {}
        for u in usage_bucket["results"]:
            price = token_price(u["model"], batch=u["batch"], service_tier=u["service_tier"])
            prefix = f"{u['model']}, decisions {'batch ' if u['batch'] else ''}"
            # Cache writes of both retentions are billed as input.
            quantity = u["input_tokens"] - u["input_cached_tokens"] - u["input_audio_tokens"]
            acc = inputs.setdefault(prefix + "input", [0.0, 0.0])
            acc[0] += quantity
            acc[1] += quantity * price.input / 1e6
            outputs[prefix + "output"] = outputs.get(prefix + "output", 0) + u["output_tokens"]
        for name, (quantity, amount) in inputs.items():
            assert lines[name]["quantity"] == quantity
            assert math.isclose(lines[name]["amount"]["value"], amount, rel_tol=1e-9)
            checked += 1
        for name, quantity in outputs.items():
            assert lines[name]["quantity"] == quantity
    assert checked >= 6


def test_costs_by_user_id_sum_to_the_total(client: httpx.Client, fake: FakeUsageAPI) -> None:
    base = {"start_time": START, "end_time": START + 4 * DAY}
    total = get_json(client, COSTS, base)
    by_user = get_json(client, COSTS, {**base, "group_by": ["user_id", "line_item"]})
    users = set()
    for plain, grouped in zip(total["data"], by_user["data"], strict=True):
        assert math.isclose(cost_total(plain), cost_total(grouped), rel_tol=1e-9)
        for line in grouped["results"]:
            users.add(line["user_id"])
            assert line["project_id"] is None
            # Storage and code interpreter sessions belong to a project, not to a user.
            if line["line_item"] in ("vector store storage", "code interpreter sessions"):
                assert line["user_id"] is None
            else:
                assert line["user_id"] in fake.org.users
    assert None in users
    assert len(users - {None}) == len(fake.org.users)


def test_costs_line_items_filter_matches_whole_names_only(client: httpx.Client) -> None:
    base = {"start_time": START, "end_time": START + 3 * DAY, "group_by": "line_item"}
    everything = get_json(client, COSTS, base)
    names = sorted({r["line_item"] for b in everything["data"] for r in b["results"]})
    chosen = ["gpt-4o-2024-08-06, input", "vector store storage"]
    assert set(chosen) <= set(names)
    only = get_json(client, COSTS, [*base.items(), *(("line_items[]", n) for n in chosen)])
    for bucket, whole in zip(only["data"], everything["data"], strict=True):
        assert {r["line_item"] for r in bucket["results"]} == set(chosen)
        assert bucket["results"] == [r for r in whole["results"] if r["line_item"] in chosen]
    # The SDK's docstring: each value must equal a complete line_item; no prefix matching.
    for partial in ("gpt-4o-2024-08-06", "gpt-4o-2024-08-06, inp", "GPT-4O-2024-08-06, INPUT"):
        page = get_json(client, COSTS, {**base, "line_items": partial})
        assert all(b["results"] == [] for b in page["data"]), partial


@pytest.mark.parametrize("path", [COMPLETIONS, DECISIONS, "/organization/usage/web_search_calls"])
def test_api_source_splits_usage_into_agents_api_and_unlabeled(
    client: httpx.Client, path: str
) -> None:
    base = {"start_time": START, "end_time": START + 5 * DAY}
    fields = metric_fields(path)
    plain = get_json(client, path, base)
    by_source = get_json(client, path, {**base, "group_by": "api_source"})
    seen = set()
    for whole, grouped in zip(plain["data"], by_source["data"], strict=True):
        assert whole["results"][0]["api_source"] is None
        seen |= {r["api_source"] for r in grouped["results"]}
        assert totals(grouped["results"], fields) == totals(whole["results"], fields)
    assert seen == API_SOURCES


def test_costs_by_api_source_follow_the_usage_they_bill(client: httpx.Client) -> None:
    base = {"start_time": START, "end_time": START + 2 * DAY}
    costs = get_json(client, COSTS, {**base, "group_by": ["api_source", "line_item"]})
    usage = get_json(client, COMPLETIONS, {**base, "group_by": ["api_source", "model", "batch"]})
    for cost_bucket, usage_bucket in zip(costs["data"], usage["data"], strict=True):
        lines = {(r["api_source"], r["line_item"]): r for r in cost_bucket["results"]}
        assert {source for source, _ in lines} == API_SOURCES
        for u in usage_bucket["results"]:
            item = f"{u['model']}, {'batch ' if u['batch'] else ''}output"
            assert lines[(u["api_source"], item)]["quantity"] == (
                u["output_tokens"] - u["output_audio_tokens"]
            )
        # Lines of operations without source attribution are unlabeled.
        storage = [r for (s, i), r in lines.items() if i == "vector store storage"]
        assert [r["api_source"] for r in storage] == ["unlabeled"]


def test_final_next_page_can_be_left_out() -> None:
    fake = FakeUsageAPI(omit_final_next_page=True, costs_has_more_forever=False)
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH) as c:
        for path in (COMPLETIONS, DECISIONS, COSTS):
            pages = list(walk(c, path, {"start_time": START, "end_time": END, "limit": 10}))
            assert [p["has_more"] for p in pages] == [True, False]
            assert isinstance(pages[0]["next_page"], str)
            assert list(pages[-1]) == ["object", "data", "has_more"]
            # Valid against the fragment, where next_page is optional since SDK 3.57.0.
            assert schema_errors({**pages[-1], "next_page": None}, response_schema(path)) == []
            schema = response_schema(path)
            assert "next_page" not in _page_schema(schema)["required"]


def _page_schema(schema: dict[str, Any]) -> dict[str, Any]:
    name = schema["$ref"].rsplit("/", 1)[-1]
    page: dict[str, Any] = fragment_spec()["components"]["schemas"][name]
    return page


# -- determinism, now, recording -------------------------------------------------------------


def _fingerprint(fake: FakeUsageAPI) -> list[bytes]:
    bodies = []
    for path in ALL_PATHS:
        params = [("start_time", str(START)), ("end_time", str(START + 4 * DAY))]
        params += [("group_by", g) for g in served_group_by(path)]
        status, _, body = fake.handle("GET", path, params, AUTH)
        assert status == 200
        bodies.append(body)
    return bodies


def test_same_seed_same_bytes_and_other_seed_differs() -> None:
    assert _fingerprint(FakeUsageAPI(seed=7)) == _fingerprint(FakeUsageAPI(seed=7))
    assert _fingerprint(FakeUsageAPI(seed=7)) != _fingerprint(FakeUsageAPI(seed=8))
    assert FakeUsageAPI(seed=7).org.projects != FakeUsageAPI(seed=8).org.projects


def test_past_data_does_not_depend_on_now() -> None:
    later = FakeUsageAPI(now=DEFAULT_NOW + timedelta(days=30))
    assert _fingerprint(FakeUsageAPI()) == _fingerprint(later)


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        FakeUsageAPI(now=DEFAULT_NOW.replace(tzinfo=None))


def test_requests_are_recorded_as_sent() -> None:
    fake = FakeUsageAPI()
    with httpx.Client(transport=fake.transport(), base_url=BASE_URL, headers=AUTH) as c:
        c.get(COMPLETIONS, params=[("start_time", START), ("group_by[]", "model")])
        c.post(COSTS)
    assert fake.requests == [
        ("GET", f"/v1{COMPLETIONS}", (("start_time", str(START)), ("group_by[]", "model"))),
        ("POST", f"/v1{COSTS}", ()),
    ]
    assert fake.requests[0].method == "GET"


# -- schema ------------------------------------------------------------------------------------


def test_every_operation_of_the_fragment_is_served() -> None:
    assert sorted(ALL_PATHS) == fragment_paths()


@pytest.mark.parametrize("path", ALL_PATHS)
def test_responses_match_the_fragment_schema(client: httpx.Client, path: str) -> None:
    schema = response_schema(path)
    width = "1d" if path == COSTS else "1h"
    queries: list[list[tuple[str, Any]]] = [
        [("start_time", START + 99), ("limit", 3)],
        [("start_time", START), ("bucket_width", width)]
        + [("group_by", g) for g in served_group_by(path)],
        [("start_time", NOW - DAY), ("end_time", NOW + DAY), ("group_by", "project_id")],
    ]
    for params in queries:
        body = get_json(client, path, params)
        assert schema_errors(body, schema) == []
        results = [r for b in body["data"] for r in b["results"]]
        assert results, params


@pytest.mark.parametrize("path", sorted(reference_spec()["paths"]))
def test_results_match_the_documented_examples(client: httpx.Client, path: str) -> None:
    example = documented_example(path)
    expected = example["data"][0]["results"][0]
    body = get_json(client, path, {"start_time": START, "limit": 1})
    assert list(body) == list(example)
    assert list(body["data"][0]) == list(example["data"][0])
    (result,) = body["data"][0]["results"]
    assert result["object"] == expected["object"]
    # The documented fields in the same order, and what only the newest SDK has.
    added = SDK_ONLY_FIELDS.get(path, ())
    assert [name for name in result if name not in added] == list(expected)
    assert set(result) - set(expected) == set(added)
    assert list(result.get("amount", {})) == list(expected.get("amount", {}))


@pytest.mark.parametrize("path", ALL_PATHS)
def test_results_have_every_field_of_the_fragment(client: httpx.Client, path: str) -> None:
    body = get_json(client, path, {"start_time": START, "limit": 1})
    (result,) = body["data"][0]["results"]
    # Order follows the documented examples (images: size before source, unlike the fragment).
    assert sorted(result) == sorted(result_schema(path)["properties"])
