"""The fake's sizes: the small demo organization unchanged, a large one generated to scale."""

from __future__ import annotations

import hashlib
import json
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from openai_org_usage.fake import SIZE_PRESETS, FakeUsageAPI, OrgSize
from openai_org_usage.fake._catalog import OPERATIONS
from openai_org_usage.fake._scaled import OTHER_MODELS

AUTH = {"authorization": "Bearer sk-admin-test"}
YEAR_START = 1764028800  # 2025-11-25T00:00Z: the earliest start the default fake serves
YEAR_END = 1795564800  # 2026-11-25T00:00Z
MONTH_START = YEAR_END - 30 * 86400
WEEK_START = YEAR_END - 7 * 86400

# sha256 of every page of a year of daily buckets of the twelve operations (costs: ungrouped,
# by every dimension but user_id, by user_id alone; usage: ungrouped and by every dimension),
# then of the projects (archived included), users, admin keys and service accounts lists, of
# FakeUsageAPI(seed=0), walked by _year_digests below. Computed with the fake as it was before
# sizes existed (commit 35cbafd's fake/, run beside the rest of the package): the small preset
# must serve exactly the same bytes, so tests, cassettes and README figures stay valid. (The
# project API keys lists are left out: their spend_limit comes from the governance model.)
SMALL_USAGE_DIGEST = "789eb80e65530eb4764e7432b0cdae3da8a5d8a46c5a7a8584d0e765479cf0b3"
SMALL_NAMES_DIGEST = "19c854b1b4232155edaece06316347617ac3dd97be0c1de42ad1006ca2833e20"


def _pages(fake: FakeUsageAPI, path: str, params: Sequence[tuple[str, str]]) -> Iterator[bytes]:
    """Every page of one query, following ``page`` cursors (usage) or ``after`` (lists)."""
    follow: list[tuple[str, str]] = []
    while True:
        status, _, body = fake.handle("GET", "/v1" + path, [*params, *follow], AUTH)
        assert status == 200, body[:300]
        yield body
        page = json.loads(body)
        if not page["data"] or not page["has_more"]:
            return
        if page["object"] == "list":
            follow = [("after", page["last_id"])]
        else:
            follow = [("page", page["next_page"])]


def _year_digests(fake: FakeUsageAPI) -> tuple[str, str]:
    usage = hashlib.sha256()
    for path, op in sorted(OPERATIONS.items()):
        costs = path == "/organization/costs"
        base = [
            ("start_time", str(YEAR_START)),
            ("end_time", str(YEAR_END)),
            ("bucket_width", "1d"),
            ("limit", "180" if costs else "31"),
        ]
        groupings: list[tuple[str, ...]] = [()]
        if costs:
            groupings += [tuple(g for g in op.group_by if g != "user_id"), ("user_id",)]
        else:
            groupings.append(op.group_by)
        for grouping in groupings:
            for body in _pages(fake, path, base + [("group_by", g) for g in grouping]):
                usage.update(body)
    names = hashlib.sha256()
    for path in ("/organization/projects", "/organization/users", "/organization/admin_api_keys"):
        extra = [("include_archived", "true")] if path.endswith("projects") else []
        for body in _pages(fake, path, [("limit", "100"), *extra]):
            names.update(body)
    for project in fake.directory.projects:
        if project["status"] == "active":
            accounts = f"/organization/projects/{project['id']}/service_accounts"
            for body in _pages(fake, accounts, [("limit", "100")]):
                names.update(body)
    return usage.hexdigest(), names.hexdigest()


def test_the_small_preset_serves_the_same_bytes_as_before_sizes() -> None:
    assert _year_digests(FakeUsageAPI(seed=0)) == (SMALL_USAGE_DIGEST, SMALL_NAMES_DIGEST)


def test_small_is_the_default_by_name_and_by_size() -> None:
    default = FakeUsageAPI(seed=0)
    for size in ("small", SIZE_PRESETS["small"]):
        fake = FakeUsageAPI(seed=0, size=size)
        assert fake.org.api_keys == default.org.api_keys
        assert fake.org.users == default.org.users
        assert fake.directory == default.directory
    assert default.size == OrgSize(projects=4, users=8, keys=6, models=14, service_accounts=2)
    assert len(default.org.models) == default.size.models


@pytest.fixture(scope="module")
def large() -> FakeUsageAPI:
    return FakeUsageAPI(seed=0, size="large")


def _get(fake: FakeUsageAPI, path: str, params: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """The buckets of every page of a usage or costs query."""
    return [b for body in _pages(fake, path, params) for b in json.loads(body)["data"]]


def _month(*group_by: str, limit: str = "31", start: int = MONTH_START) -> list[tuple[str, str]]:
    return [
        ("start_time", str(start)),
        ("end_time", str(YEAR_END)),
        ("bucket_width", "1d"),
        ("limit", limit),
        *(("group_by", g) for g in group_by),
    ]


def test_the_large_preset_has_the_stated_counts(large: FakeUsageAPI) -> None:
    org, size = large.org, large.size
    assert size == SIZE_PRESETS["large"]
    assert (len(org.projects), len(org.users), len(org.api_keys)) == (60, 2000, 300)
    assert len(org.models) == 25
    assert len(org.topology.service_accounts) == 40
    assert len(set(org.users)) == 2000
    assert len(set(org.api_keys)) == 300
    # Every model counted is in the data, and every user and key has traffic somewhere.
    streams = [s for ops in org.streams.values() for s in ops]
    assert {s.dims.get("model") for s in streams} - {None} == org.models
    assert {s.dims.get("user_id") for s in streams} - {None} == set(org.users)
    assert {s.dims.get("api_key_id") for s in streams} - {None} == set(org.api_keys)
    assert set(OTHER_MODELS) <= org.models


def test_a_custom_size_is_built_to_measure() -> None:
    size = OrgSize(projects=7, users=120, keys=15, models=13, service_accounts=3)
    fake = FakeUsageAPI(seed=3, size=size)
    assert (len(fake.org.projects), len(fake.org.users), len(fake.org.api_keys)) == (7, 120, 15)
    assert len(fake.org.models) == 13
    assert FakeUsageAPI(seed=3, size=size).org.api_keys == fake.org.api_keys  # deterministic


def test_building_the_large_organization_is_quick() -> None:
    started = time.perf_counter()
    FakeUsageAPI(seed=1, size="large")
    # About 0.2 s on a 2-core machine; the bound leaves room for a loaded CI runner.
    assert time.perf_counter() - started < 3.0


def test_a_few_users_carry_most_of_the_spend(large: FakeUsageAPI) -> None:
    spend: Counter[str] = Counter()
    for bucket in _get(
        large, "/organization/costs", _month("user_id", limit="180", start=WEEK_START)
    ):
        for result in bucket["results"]:
            if result["user_id"] is not None:
                spend[result["user_id"]] += result["amount"]["value"]
    ranked = sorted(spend.values(), reverse=True)
    top = ranked[: len(ranked) // 20]
    assert sum(top) > 0.5 * sum(ranked)
    # ... and the rest is not nothing: a long tail of light users.
    assert ranked[len(ranked) // 2] > 0


def test_costs_by_project_and_line_item_add_up_to_the_total(large: FakeUsageAPI) -> None:
    total = _get(large, "/organization/costs", _month(limit="180", start=WEEK_START))
    grouped = _get(
        large,
        "/organization/costs",
        _month("project_id", "line_item", limit="180", start=WEEK_START),
    )
    assert len(total) == len(grouped) == 7
    for whole, parts in zip(total, grouped, strict=True):
        amount = sum(r["amount"]["value"] for r in whole["results"])
        summed = sum(r["amount"]["value"] for r in parts["results"])
        assert summed == pytest.approx(amount, rel=1e-9)
        assert {r["project_id"] for r in parts["results"]} <= set(large.org.projects)


def test_completions_grouped_by_user_key_model_project_add_up(large: FakeUsageAPI) -> None:
    total = _get(large, "/organization/usage/completions", _month(start=WEEK_START))
    grouped = _get(
        large,
        "/organization/usage/completions",
        _month("user_id", "api_key_id", "model", "project_id", start=WEEK_START),
    )
    fields = ("input_tokens", "output_tokens", "num_model_requests", "input_cached_tokens")
    for whole, parts in zip(total, grouped, strict=True):
        (ungrouped,) = whole["results"]
        for field in fields:
            assert sum(r[field] for r in parts["results"]) == ungrouped[field]
    users = {r["user_id"] for b in grouped for r in b["results"]}
    assert len(users) > 1000  # most of the 2,000 users are active in a week


def test_batch_jobs_are_bursty(large: FakeUsageAPI) -> None:
    batch = [s for s in large.org.streams["completions"] if s.dims["batch"]]
    month_end = [s for s in batch if s.month_end]
    nightly = [s for s in batch if not s.month_end]
    assert month_end
    assert nightly
    params = [*_month("batch"), ("batch", "true")]
    days = {
        b["start_time"]: sum(r["num_model_requests"] for r in b["results"])
        for b in _get(large, "/organization/usage/completions", params)
    }
    # 2026-10-30 and 31 close October: the month-end jobs land there.
    month_close = days[1793318400] + days[1793404800]
    assert month_close > 3 * max(v for k, v in days.items() if k < 1793318400)
    # Service-account keys are shared: some carry many users' traffic.
    users_per_key = Counter(s.dims["api_key_id"] for s in large.org.streams["completions"])
    shared = [large.org.api_keys[k] for k in large.org.topology.key_service_account]
    assert max(users_per_key[k] for k in shared) >= 20


def test_every_id_of_the_large_organization_has_a_name(large: FakeUsageAPI) -> None:
    projects = [
        p
        for body in _pages(large, "/organization/projects", [("limit", "100")])
        for p in json.loads(body)["data"]
    ]
    users = [
        u
        for body in _pages(large, "/organization/users", [("limit", "100")])
        for u in json.loads(body)["data"]
    ]
    assert [p["id"] for p in projects] == list(large.org.projects)
    assert [u["id"] for u in users] == list(large.org.users)
    assert len({u["email"] for u in users}) == len(users)
    assert len({u["name"] for u in users}) == len(users)
    keys: dict[str, str] = {}
    accounts = 0
    for project in projects:
        base = f"/organization/projects/{project['id']}"
        for body in _pages(large, base + "/api_keys", [("limit", "100")]):
            keys |= {k["id"]: k["name"] for k in json.loads(body)["data"]}
        for body in _pages(large, base + "/service_accounts", [("limit", "100")]):
            accounts += len(json.loads(body)["data"])
    assert set(keys) == set(large.org.api_keys)
    assert len(set(keys.values())) == len(keys)
    assert all(keys.values())
    assert accounts == 40


def test_bad_sizes_are_refused_with_what_is_allowed() -> None:
    with pytest.raises(ValueError, match=r"size: unknown preset 'huge'; allowed: small, large"):
        FakeUsageAPI(size="huge")
    with pytest.raises(ValueError, match=r"OrgSize: users=0 is not allowed: an integer >= 1"):
        OrgSize(projects=1, users=0, keys=1, models=12)
    with pytest.raises(ValueError, match=r"keys=3 .* >= 4 \(at least one per project"):
        OrgSize(projects=4, users=10, keys=3, models=12)
    with pytest.raises(ValueError, match=r"models=40 is not allowed: from 11 to 26"):
        OrgSize(projects=4, users=10, keys=4, models=40)
    with pytest.raises(TypeError, match="preset name or an OrgSize"):
        FakeUsageAPI(size=3)  # type: ignore[arg-type]


def test_the_page_cache_can_be_turned_off() -> None:
    params = [("start_time", str(MONTH_START)), ("bucket_width", "1d")]
    cached, uncached = FakeUsageAPI(seed=0), FakeUsageAPI(seed=0, page_cache=0)
    for fake in (cached, uncached):
        first = fake.handle("GET", "/v1/organization/usage/completions", params, AUTH)
        again = fake.handle("GET", "/v1/organization/usage/completions", params, AUTH)
        assert first[2] == again[2]
    assert len(cached._pages) == 1
    assert len(uncached._pages) == 0
    with pytest.raises(ValueError, match="page_cache must be an integer >= 0"):
        FakeUsageAPI(page_cache=-1)
