"""Every facade method, sync and async, replayed from multi-page cassettes.

The cassettes hold three pages per call (5 daily buckets, ``limit=2``), requested with every
``group_by`` field and every filter of the operation, except where the live API refuses a
combination (costs grouped by ``user_id`` together with ``project_id`` grouping or the
``project_ids`` filter): there the operation has one cassette per call, and together they
send every ``group_by`` value and filter (``CASES``). Replay matches on the full query, so a
test only passes if each follow-up request carried every original filter plus the previous
page's cursor. Re-record with ``--record-mode=rewrite`` (live, needs ``OPENAI_ADMIN_KEY``) or
with ``OPENAI_ORG_USAGE_RECORD_FROM=fake`` (the embedded fake API, with the live API's
refusals and its fixed ``now``, 2026-11-25: ``START`` must stay within a year of it).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml

from openai_org_usage import OPERATIONS, AsyncUsageClient, Bucket, Page, UsageClient
from openai_org_usage.fake import LIVE_LOOKBACK_DAYS, LIVE_REFUSED_GROUPINGS, FakeUsageAPI

START = datetime(2026, 11, 1, tzinfo=UTC)
END = datetime(2026, 11, 6, tzinfo=UTC)
LIMIT = 2
CASSETTES = Path(__file__).parent / "cassettes" / "test_recorded"
# The live API's behaviour (refused groupings, a year of history, costs promising more past
# its end), so that a recording from the fake fails where a live one would.
FAKE = FakeUsageAPI(seed=0)
COMMON = {"start_time", "end_time", "bucket_width", "limit", "page"}


@dataclass(frozen=True)
class Case:
    """One recorded call: an operation with the group_by values and filters it sends."""

    id: str  # also the cassette's name
    operation: str
    group_by: tuple[str, ...]
    filters: tuple[str, ...]


def cases() -> list[Case]:
    """One call per operation with everything; costs's user_id grouping in a call of its own."""
    out = []
    for name, op in OPERATIONS.items():
        if name != "costs":
            out.append(Case(name, name, op.group_by, tuple(op.filters)))
            continue
        # user_id with project_id grouping or the project_ids filter is refused (HTTP 400).
        without = {"user_id"}
        out.append(Case(name, name, without_(op.group_by, without), tuple(op.filters)))
        without = {"project_id", "project_ids"}
        out.append(
            Case(
                "costs_by_user_id",
                name,
                without_(op.group_by, without),
                without_(tuple(op.filters), without),
            )
        )
    return sorted(out, key=lambda c: c.id)


def without_(values: tuple[str, ...], dropped: set[str]) -> tuple[str, ...]:
    return tuple(v for v in values if v not in dropped)


CASES = cases()
CASE_IDS = [c.id for c in CASES]
BY_ID = {c.id: c for c in CASES}


def filters_for(case: Case) -> dict[str, Any]:
    """The case's filters, with values that keep all the fake's usage."""
    org = FAKE.org
    values: dict[str, Any] = {
        "project_ids": list(org.projects),
        "user_ids": list(org.users),
        "api_key_ids": list(org.api_keys),
        "vector_store_ids": list(org.vector_stores),
        "models": sorted(org.models),
        "line_items": sorted({line.line_item for line in org.cost_lines}),
        "batch": False,
    }
    out: dict[str, Any] = {}
    for filter_name in case.filters:
        spec = OPERATIONS[case.operation].filters[filter_name]
        if spec.allowed is not None:
            out[filter_name] = list(spec.allowed)
        else:
            out[filter_name] = values[filter_name]
    return out


def call_kwargs(case: Case) -> dict[str, Any]:
    return {
        "start": START,
        "end": END,
        "bucket_width": "1d",
        "group_by": list(case.group_by),
        "limit": LIMIT,
        **filters_for(case),
    }


def client_kwargs(record_source: str, admin_key: str) -> dict[str, Any]:
    # One window, so the cassette shows plain cursor paging in a fixed order.
    kwargs: dict[str, Any] = {"api_key": admin_key, "max_concurrency": 1}
    if record_source == "fake":
        # vcrpy records through httpx's own transport classes, so the fake is wrapped in one.
        fake = FAKE.transport()
        kwargs["transport"] = httpx.MockTransport(fake.handle_request)
    return kwargs


def check(case: Case, pages: list[Page[Any]], record_source: str) -> None:
    operation = OPERATIONS[case.operation]
    assert len(pages) == 3
    # Costs, like the live API, still promises more on its last page; the paginator stops
    # because the window is covered. Usage operations end with has_more false.
    assert [p.has_more for p in pages] == [True, True, case.operation == "costs"]
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
        for field in case.group_by:
            assert all(getattr(r, field) is not None for r in results), field
        for field in set(operation.group_by) - set(case.group_by):
            assert all(getattr(r, field) is None for r in results), field


def recorded(case_id: str) -> list[tuple[dict[str, list[str]], dict[str, Any]]]:
    """(query sent, page received) of each recorded interaction."""
    cassette = yaml.safe_load((CASSETTES / f"{case_id}.yaml").read_text())
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
    case_id = request.node.callspec.params["case_id"]
    with use_cassette(f"{case_id}.yaml"):
        yield


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_sync(case_id: str, cassette: None, record_source: str, admin_key: str) -> None:
    case = BY_ID[case_id]
    with UsageClient(**client_kwargs(record_source, admin_key)) as client:
        pages = list(getattr(client, case.operation)(**call_kwargs(case)).pages())
    check(case, pages, record_source)


@pytest.mark.asyncio
@pytest.mark.parametrize("case_id", CASE_IDS)
async def test_async(case_id: str, cassette: None, record_source: str, admin_key: str) -> None:
    case = BY_ID[case_id]
    async with AsyncUsageClient(**client_kwargs(record_source, admin_key)) as client:
        method = getattr(client, case.operation)
        pages = [p async for p in method(**call_kwargs(case)).pages()]
    check(case, pages, record_source)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_cursor_and_every_filter_forwarded(case_id: str) -> None:
    case = BY_ID[case_id]
    interactions = recorded(case_id)
    assert len(interactions) == 3, "a multi-page cassette"
    first = interactions[0][0]
    assert "page" not in first
    for (query, _), (_, previous_page) in zip(interactions[1:], interactions, strict=False):
        assert {k: v for k, v in query.items() if k != "page"} == first
        assert query["page"] == [previous_page["next_page"]]
    assert set(first) - COMMON == {"group_by", *case.filters}
    assert sorted(first["group_by"]) == sorted(case.group_by)
    for name, value in filters_for(case).items():
        sent = first[name] if name in first else first[f"{name}[]"]
        assert sent == ([str(value).lower()] if isinstance(value, bool) else value), name


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_every_group_by_value_and_filter_is_recorded(name: str) -> None:
    # Across an operation's cassettes, every group_by value and filter is sent somewhere.
    operation = OPERATIONS[name]
    sent: set[str] = set()
    for case in (c for c in CASES if c.operation == name):
        first = recorded(case.id)[0][0]
        sent.update(first["group_by"])
        sent.update(k.removesuffix("[]") for k in set(first) - COMMON - {"group_by"})
    assert sent == {*operation.group_by, *operation.filters}


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_no_call_combines_what_the_live_api_refuses(case_id: str) -> None:
    case = BY_ID[case_id]
    rules = LIVE_REFUSED_GROUPINGS.get(OPERATIONS[case.operation].path, ())
    sent = {*case.group_by, *case.filters}
    assert not [rule for rule in rules if sent.issuperset(rule)]


def test_the_range_is_within_the_fakes_year_of_history() -> None:
    # The fake (like the live API) refuses starts older than a year before its fixed "now".
    assert FAKE.now - timedelta(days=LIVE_LOOKBACK_DAYS) < START < END <= FAKE.now
