"""Every facade method, sync and async, replayed from multi-page cassettes.

The cassettes hold three pages per operation (5 daily buckets, ``limit=2``), requested with
every ``group_by`` field and every filter of the operation. Replay matches on the full query,
so a test only passes if each follow-up request carried every original filter plus the
previous page's cursor. Re-record with ``--record-mode=rewrite`` (live, needs
``OPENAI_ADMIN_KEY``) or with ``OPENAI_ORG_USAGE_RECORD_FROM=fake`` (the embedded fake API).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml

from openai_org_usage import OPERATIONS, AsyncUsageClient, Bucket, Page, UsageClient
from openai_org_usage.fake import FakeUsageAPI

START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 6, tzinfo=UTC)
LIMIT = 2
CASSETTES = Path(__file__).parent / "cassettes" / "test_recorded"
FAKE = FakeUsageAPI(seed=0)


def filters_for(name: str) -> dict[str, Any]:
    """Every filter of the operation, with values that keep all the fake's usage."""
    org = FAKE.org
    values: dict[str, Any] = {
        "project_ids": list(org.projects),
        "user_ids": list(org.users),
        "api_key_ids": list(org.api_keys),
        "vector_store_ids": list(org.vector_stores),
        "models": sorted(org.models),
        "batch": False,
    }
    out: dict[str, Any] = {}
    for filter_name, spec in OPERATIONS[name].filters.items():
        if spec.allowed is not None:
            out[filter_name] = list(spec.allowed)
        else:
            out[filter_name] = values[filter_name]
    return out


def call_kwargs(name: str) -> dict[str, Any]:
    return {
        "start": START,
        "end": END,
        "bucket_width": "1d",
        "group_by": list(OPERATIONS[name].group_by),
        "limit": LIMIT,
        **filters_for(name),
    }


def client_kwargs(record_source: str, admin_key: str) -> dict[str, Any]:
    # One window, so the cassette shows plain cursor paging in a fixed order.
    kwargs: dict[str, Any] = {"api_key": admin_key, "max_concurrency": 1}
    if record_source == "fake":
        # vcrpy records through httpx's own transport classes, so the fake is wrapped in one.
        fake = FAKE.transport()
        kwargs["transport"] = httpx.MockTransport(fake.handle_request)
    return kwargs


def check(name: str, pages: list[Page[Any]], record_source: str) -> None:
    operation = OPERATIONS[name]
    assert len(pages) == 3
    assert [p.has_more for p in pages] == [True, True, False]
    buckets: list[Bucket[Any]] = [b for p in pages for b in p.buckets]
    assert [b.start for b in buckets] == [START + timedelta(days=i) for i in range(5)]
    assert all(b.end - b.start == timedelta(days=1) for b in buckets)
    assert all(b.start.tzinfo is UTC for b in buckets)
    results = [r for b in buckets for r in b.results]
    assert all(type(r) is operation.result_cls for r in results)
    assert all(b.unknown_results == [] for b in buckets)
    if record_source != "live":
        # The fake's organization uses every operation every day.
        assert results
        for field in operation.group_by:
            assert all(getattr(r, field) is not None for r in results), field


def recorded(name: str) -> list[tuple[dict[str, list[str]], dict[str, Any]]]:
    """(query sent, page received) of each recorded interaction."""
    cassette = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text())
    return [
        (
            parse_qs(urlsplit(i["request"]["uri"]).query),
            json.loads(i["response"]["body"]["string"]),
        )
        for i in cassette["interactions"]
    ]


@pytest.fixture
def cassette(
    use_cassette: Callable[[str], AbstractContextManager[Any]], request: pytest.FixtureRequest
) -> Iterator[None]:
    name = request.node.callspec.params["name"]
    with use_cassette(f"{name}.yaml"):
        yield


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_sync(name: str, cassette: None, record_source: str, admin_key: str) -> None:
    with UsageClient(**client_kwargs(record_source, admin_key)) as client:
        pages = list(getattr(client, name)(**call_kwargs(name)).pages())
    check(name, pages, record_source)


@pytest.mark.asyncio
@pytest.mark.parametrize("name", sorted(OPERATIONS))
async def test_async(name: str, cassette: None, record_source: str, admin_key: str) -> None:
    async with AsyncUsageClient(**client_kwargs(record_source, admin_key)) as client:
        pages = [p async for p in getattr(client, name)(**call_kwargs(name)).pages()]
    check(name, pages, record_source)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_cursor_and_every_filter_forwarded(name: str) -> None:
    interactions = recorded(name)
    assert len(interactions) == 3, "a multi-page cassette"
    first = interactions[0][0]
    assert "page" not in first
    for (query, _), (_, previous_page) in zip(interactions[1:], interactions, strict=False):
        assert {k: v for k, v in query.items() if k != "page"} == first
        assert query["page"] == [previous_page["next_page"]]
    sent_filters = {
        k for k in first if k not in {"start_time", "end_time", "bucket_width", "limit"}
    }
    assert sent_filters == {"group_by", *OPERATIONS[name].filters}
    assert sorted(first["group_by"]) == sorted(OPERATIONS[name].group_by)
