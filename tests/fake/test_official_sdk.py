"""The official Python SDK (``openai`` 3.57.0) against the fake over loopback.

The fake models what the SDK has and the published description lacks (the twelfth operation
``decisions``, ``api_source``, costs by ``user_id`` and ``line_items``, the two cache-write
retention counters, optional ``next_page``). Here the vendor's own client is the judge: every
operation is called with every ``group_by`` value and every filter, as the SDK sends them
(``group_by[]=``), and paged to the end by hand (the SDK's usage methods return one page:
``has_more`` and ``next_page``, no paginator). Each page the SDK parsed must equal the JSON the
fake sent (nothing dropped, nothing it does not model), and each result carry exactly the
fields the SDK's result type declares.

Costs keeps promising more past its end, as the live API does: its walk stops at the first
page without buckets.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from openai_org_usage._operations import OPERATIONS as SPEC
from openai_org_usage.fake import FakeUsageAPI, running_server

openai = pytest.importorskip("openai", reason="the official SDK is a test extra")

SDK_VERSION = "3.57.0"
ADMIN_KEY = "sk-admin-test-official-sdk"
# Five daily buckets, two per page: three pages (costs: and an empty one that promises more).
START = int(datetime(2026, 11, 1, tzinfo=UTC).timestamp())
END = int(datetime(2026, 11, 6, tzinfo=UTC).timestamp())
LIMIT = 2
DAY = 86_400
COSTS = "costs"
API_SOURCES = {"agents_api", "unlabeled"}
# Costs by user_id with project_id, or with the project_ids filter, gets 400 (live rules).
COSTS_USER_VARIANTS = {
    "by_user": {"drop_group_by": {"project_id"}, "drop_filters": {"project_ids"}},
    "by_project": {"drop_group_by": {"user_id"}, "drop_filters": set()},
}


def test_the_pinned_sdk_is_installed() -> None:
    assert openai.__version__ == SDK_VERSION


@pytest.fixture(scope="module")
def fake() -> FakeUsageAPI:
    return FakeUsageAPI(seed=0, api_key=ADMIN_KEY)


@pytest.fixture(scope="module")
def base_url(fake: FakeUsageAPI) -> Iterator[str]:
    with running_server(fake) as url:
        yield url


@pytest.fixture(scope="module")
def sdk(base_url: str) -> Iterator[Any]:
    client = openai.OpenAI(
        api_key="sk-not-used-by-admin-endpoints",
        admin_api_key=ADMIN_KEY,
        base_url=base_url,
        max_retries=0,
    )
    with client:
        yield client


def filter_values(fake: FakeUsageAPI, name: str) -> dict[str, Any]:
    """Every filter of the operation, with values that keep the fake's usage."""
    org = fake.org
    ids: dict[str, list[str]] = {
        "project_ids": list(org.projects),
        "user_ids": list(org.users),
        "api_key_ids": list(org.api_keys),
        "vector_store_ids": list(org.vector_stores),
        "models": sorted(org.models),
        "line_items": sorted({line.line_item for line in org.cost_lines}),
    }
    out: dict[str, Any] = {}
    for filter_name, spec in SPEC[name].filters.items():
        if spec.kind is bool:
            out[filter_name] = False
        elif spec.allowed is not None:
            out[filter_name] = list(spec.allowed)
        else:
            out[filter_name] = ids[filter_name]
    return out


def cases() -> list[tuple[str, str]]:
    """(operation, variant): every operation once; costs once per side of its refused pair."""
    found = [(name, "all") for name in sorted(SPEC) if name != COSTS]
    return [*found, *((COSTS, variant) for variant in COSTS_USER_VARIANTS)]


def call_kwargs(fake: FakeUsageAPI, name: str, variant: str) -> dict[str, Any]:
    group_by = list(SPEC[name].group_by)
    filters = filter_values(fake, name)
    if variant != "all":
        rules = COSTS_USER_VARIANTS[variant]
        group_by = [g for g in group_by if g not in rules["drop_group_by"]]
        filters = {k: v for k, v in filters.items() if k not in rules["drop_filters"]}
    return {
        "start_time": START,
        "end_time": END,
        "bucket_width": "1d",
        "limit": LIMIT,
        "group_by": group_by,
        **filters,
    }


def walk(method: Any, name: str, kwargs: dict[str, Any]) -> list[tuple[Any, dict[str, Any]]]:
    """(parsed page, JSON received) of every page, following ``next_page`` by hand."""
    pages = []
    cursor: str | None = None
    for _ in range(20):
        raw = method(**kwargs, **({"page": cursor} if cursor else {}))
        page, body = raw.parse(), raw.http_response.json()
        if name == COSTS and not page.data:
            # Past the end: costs still promises more, with a fresh cursor.
            assert page.has_more is True
            assert page.next_page not in (None, cursor)
            return pages
        pages.append((page, body))
        if not page.has_more:
            assert page.next_page is None
            return pages
        assert isinstance(page.next_page, str)
        assert page.next_page != cursor, "a fresh cursor on every page"
        cursor = page.next_page
    raise AssertionError("more than 20 pages")


def check(name: str, variant: str, pages: list[tuple[Any, dict[str, Any]]]) -> None:
    spec = SPEC[name]
    assert len(pages) == 3
    assert [page.has_more for page, _ in pages] == [True, True, name == COSTS]
    buckets = [b for page, _ in pages for b in page.data]
    assert [(b.start_time, b.end_time) for b in buckets] == [
        (START + i * DAY, START + (i + 1) * DAY) for i in range(5)
    ]
    results = [r for b in buckets for r in b.results]
    assert results, "the fake's organization uses every operation every week"
    grouped = call_kwargs(FakeUsageAPI(), name, variant)["group_by"]
    for result in results:
        assert result.object == spec.result_object
        # The fake sends exactly the fields the SDK's result type declares; none is unknown.
        assert set(result.model_fields_set) == set(type(result).model_fields)
        assert not result.model_extra
        for field in grouped:
            value = getattr(result, field)
            # Costs lines of storage and sessions have no user or API key.
            if name != COSTS or field not in ("user_id", "api_key_id"):
                assert value is not None, field
        if "api_source" in grouped:
            assert result.api_source in API_SOURCES
        if hasattr(result, "input_cache_write_30m_tokens"):
            assert result.input_cache_write_tokens == (
                result.input_cache_write_30m_tokens + result.input_cache_write_12h_tokens
            )
    for page, body in pages:
        # Nothing the fake sent was dropped or changed by the SDK's models.
        assert page.to_dict() == body


@pytest.mark.parametrize(("name", "variant"), cases())
def test_sdk_parses_and_pages_every_operation(
    sdk: Any, fake: FakeUsageAPI, name: str, variant: str
) -> None:
    method = getattr(sdk.admin.organization.usage.with_raw_response, name)
    seen = len(fake.requests)
    pages = walk(method, name, call_kwargs(fake, name, variant))
    check(name, variant, pages)
    sent = fake.requests[seen:]
    assert all(r.path == f"/v1{SPEC[name].path}" for r in sent)
    first = [key for key, _ in sent[0].query]
    # The SDK's own array format: brackets, which the fake accepts as the live API does.
    assert "group_by[]" in first
    assert "group_by" not in first
    for request in sent[1:]:
        assert [p for p in request.query if p[0] != "page"] == list(sent[0].query)


def test_every_operation_of_the_fragment_is_an_sdk_method(sdk: Any) -> None:
    usage = sdk.admin.organization.usage
    assert len(SPEC) == 12
    for name in SPEC:
        assert callable(getattr(usage, name)), name


@pytest.mark.asyncio
async def test_async_sdk_pages_every_operation(base_url: str, fake: FakeUsageAPI) -> None:
    async with openai.AsyncOpenAI(
        api_key="sk-not-used-by-admin-endpoints",
        admin_api_key=ADMIN_KEY,
        base_url=base_url,
        max_retries=0,
    ) as client:

        async def pages_of(name: str, variant: str) -> int:
            method = getattr(client.admin.organization.usage, name)
            kwargs = call_kwargs(fake, name, variant)
            count, cursor = 0, None
            while True:
                page = await method(**kwargs, **({"page": cursor} if cursor else {}))
                if not page.data:
                    assert name == COSTS
                    return count
                count += 1
                if not page.has_more:
                    return count
                cursor = page.next_page

        counts = await asyncio.gather(*(pages_of(name, variant) for name, variant in cases()))
    assert counts == [3] * len(cases())


def test_sdk_refused_costs_grouping_is_a_bad_request(sdk: Any) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        sdk.admin.organization.usage.costs(
            start_time=START, end_time=END, group_by=["user_id", "project_id"]
        )
    assert caught.value.status_code == 400
    assert caught.value.code == "unsupported_group_by"
    assert caught.value.param == "group_by"


def test_sdk_decisions_leaves_none_out_of_the_query(sdk: Any, fake: FakeUsageAPI) -> None:
    seen = len(fake.requests)
    page = sdk.admin.organization.usage.decisions(
        start_time=START, end_time=None, group_by=None, limit=None, batch=None
    )
    assert page.data
    (request,) = fake.requests[seen:]
    assert request.query == (("start_time", str(START)),)


def test_sdk_parses_a_last_page_without_next_page() -> None:
    fake = FakeUsageAPI(omit_final_next_page=True)
    with (
        running_server(fake) as url,
        openai.OpenAI(
            api_key="sk-unused", admin_api_key=ADMIN_KEY, base_url=url, max_retries=0
        ) as client,
    ):
        for name in ("completions", "decisions", "web_search_calls"):
            raw = getattr(client.admin.organization.usage.with_raw_response, name)(
                start_time=START, end_time=END, group_by=["api_source"], limit=31
            )
            assert "next_page" not in raw.http_response.json()
            page = raw.parse()
            assert (page.has_more, page.next_page) == (False, None)
            assert {r.api_source for b in page.data for r in b.results} == API_SOURCES
