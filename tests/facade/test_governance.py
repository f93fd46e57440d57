"""The governance reads through the seam: spend limits (single objects), spend alerts and rate
limits (lists), and the per-key spend limit, on both clients.

The recorded tests replay cassettes made from the fake by ``tools/build_example_cassettes.py
--governance``; replay matches on the full query, so a listing of several pages only passes if
each follow-up request carried the filters and the previous page's cursor.
"""

from __future__ import annotations

import asyncio
import inspect
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from _cassettes import REPLAY_KEY, make_vcr

from openai_org_usage import (
    LISTS,
    OBJECTS,
    AsyncUsageClient,
    InvalidParameterError,
    NotFoundError,
    ObjectOperation,
    ResponseValidationError,
    UsageClient,
)
from openai_org_usage._methods import AsyncUsageMethods, UsageMethods
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage_client.models import (
    OrganizationSpendLimitResource,
    ProjectApiKey,
    ProjectRateLimit,
    ProjectSpendLimitResource,
)

CASSETTES = Path(__file__).parent / "cassettes" / "test_governance"
FAKE = FakeUsageAPI(seed=0)
PROJECT = FAKE.org.projects[0]
NEW_LISTS = ("spend_alerts", "project_spend_alerts", "project_rate_limits")


def replay(name: str) -> Any:
    return make_vcr(CASSETTES).use_cassette(f"{name}.yaml")


def queries(name: str) -> list[dict[str, list[str]]]:
    cassette = yaml.safe_load((CASSETTES / f"{name}.yaml").read_text())
    return [parse_qs(urlsplit(i["request"]["uri"]).query) for i in cassette["interactions"]]


def test_the_single_object_reads_are_the_fragments_objects() -> None:
    assert {op.path for op in OBJECTS.values()} == {
        "/organization/spend_limit",
        "/organization/projects/{project_id}/spend_limit",
    }
    assert all(isinstance(op, ObjectOperation) for op in OBJECTS.values())
    assert OBJECTS["spend_limit"].item_cls is OrganizationSpendLimitResource
    assert OBJECTS["project_spend_limit"].path_parameters == ("project_id",)
    assert set(NEW_LISTS) <= set(LISTS)
    assert LISTS["project_rate_limits"].page_size == (100, None)
    assert LISTS["spend_alerts"].filters["order"].allowed == ("asc", "desc")


@pytest.mark.parametrize("name", [*OBJECTS, *NEW_LISTS])
def test_typed_methods_on_both_clients(name: str) -> None:
    sync_method = getattr(UsageMethods, name)
    async_method = getattr(AsyncUsageMethods, name)
    sync_sig, async_sig = inspect.signature(sync_method), inspect.signature(async_method)
    assert list(sync_sig.parameters) == list(async_sig.parameters)
    assert sync_sig.return_annotation.removeprefix(
        "Async"
    ) == async_sig.return_annotation.removeprefix("Async")
    if name in OBJECTS:
        # A single object comes back typed: the sync method returns it, the async one is a
        # coroutine function that does.
        assert inspect.iscoroutinefunction(async_method)
        assert not inspect.iscoroutinefunction(sync_method)
        assert sync_sig.return_annotation == OBJECTS[name].item_cls.__name__
    else:
        assert "ListPaginator" in sync_sig.return_annotation
        assert "AsyncListPaginator" in async_sig.return_annotation
    assert sync_method.__doc__
    assert async_method.__doc__


def test_spend_limits_replayed_sync() -> None:
    with replay("spend_limits"), UsageClient(REPLAY_KEY, max_retries=0) as client:
        org = client.spend_limit()
        project = client.project_spend_limit(PROJECT)
    assert isinstance(org, OrganizationSpendLimitResource)
    assert isinstance(project, ProjectSpendLimitResource)
    assert org.object_ == "organization.spend_limit"
    assert org.enforcement.status == "inactive"
    assert org.currency == "USD"
    assert org.interval == "month"
    # SDK 3.60.0's notification channel (x-source), typed.
    assert org.notification_channel is not None
    assert "finance@example.com" in org.notification_channel.recipients  # type: ignore[union-attr]
    assert OBJECTS["spend_limit"].record(org)["enforcement_status"] == "inactive"


def test_spend_limits_replayed_async() -> None:
    async def main() -> tuple[Any, Any]:
        async with AsyncUsageClient(REPLAY_KEY, max_retries=0) as client:
            return await client.spend_limit(), await client.project_spend_limit(PROJECT)

    with replay("spend_limits"):
        org, project = asyncio.run(main())
    assert isinstance(org, OrganizationSpendLimitResource)
    assert isinstance(project, ProjectSpendLimitResource)


def test_rate_limits_page_by_id_cursor_replayed() -> None:
    with replay("project_rate_limits"), UsageClient(REPLAY_KEY) as client:
        pages = list(client.project_rate_limits(PROJECT, limit=5).pages())
    assert [len(p.items) for p in pages] == [5, 5, 4]
    assert [p.has_more for p in pages] == [True, True, False]
    sent = queries("project_rate_limits")
    assert [q.get("after") for q in sent] == [None, [pages[0].last_id], [pages[1].last_id]]
    assert all(q["limit"] == ["5"] for q in sent)
    items = [i for p in pages for i in p.items]
    assert all(isinstance(i, ProjectRateLimit) for i in items)
    assert sorted(i.model for i in items) == sorted(FAKE.org.models)


def test_spend_alerts_forward_the_filter_with_the_cursor_replayed() -> None:
    async def main() -> list[Any]:
        async with AsyncUsageClient(REPLAY_KEY) as client:
            return await client.spend_alerts(limit=1, order="desc").to_list()

    with replay("spend_alerts"):
        alerts = asyncio.run(main())
    assert len(alerts) == 2
    assert alerts[0].threshold_amount > alerts[1].threshold_amount  # desc
    sent = queries("spend_alerts")
    assert [q["order"] for q in sent] == [["desc"], ["desc"]]
    assert sent[1]["after"] == [alerts[0].id]


def test_a_project_key_has_its_own_spend_limit_replayed() -> None:
    with replay("project_api_keys"), UsageClient(REPLAY_KEY) as client:
        keys = [k for p in FAKE.org.projects for k in client.project_api_keys(p)]
    assert all(isinstance(k, ProjectApiKey) for k in keys)
    records = [LISTS["project_api_keys"].record(k) for k in keys]
    statuses = sorted(
        r["spend_limit_enforcement_status"] for r in records if r["spend_limit_currency"]
    )
    assert statuses == ["enforcing", "inactive"]
    assert sum(r["spend_limit_threshold_amount"] is None for r in records) == len(keys) - 2


def test_no_governance_cassette_holds_a_credential() -> None:
    for cassette in CASSETTES.glob("*.yaml"):
        text = cassette.read_text()
        assert "authorization" not in text.lower(), cassette
        assert REPLAY_KEY not in text, cassette


def test_an_unknown_project_is_not_found() -> None:
    with (
        UsageClient(REPLAY_KEY, transport=FakeUsageAPI(seed=0).transport()) as client,
        pytest.raises(NotFoundError) as caught,
    ):
        client.project_spend_limit("proj_missing")
    assert caught.value.status_code == 404
    assert caught.value.param == "project_id"


@pytest.mark.parametrize("bad", ["", "  ", 7, None])
def test_a_bad_project_id_is_refused_before_any_request(bad: object) -> None:
    fake = FakeUsageAPI(seed=0)
    with (
        UsageClient(REPLAY_KEY, transport=fake.transport()) as client,
        pytest.raises(InvalidParameterError) as caught,
    ):
        client.project_spend_limit(bad)  # type: ignore[arg-type]
    assert caught.value.param == "project_id"
    assert fake.requests == []


def test_path_parameters_are_url_encoded() -> None:
    request = OBJECTS["project_spend_limit"].build_request(project_id="a/b?c")
    assert request["url"] == "/organization/projects/a%2Fb%3Fc/spend_limit"
    with pytest.raises(TypeError, match="colour"):
        OBJECTS["spend_limit"].build_request(colour="red")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"[]", "expected a JSON object"),
        (b'{"object": "project.spend_limit"}', "object must be 'organization.spend_limit'"),
        (b'{"object": "organization.spend_limit"}', "missing key"),
    ],
)
def test_a_body_that_is_not_the_object_is_a_response_validation_error(
    body: bytes, problem: str
) -> None:
    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    with (
        UsageClient(REPLAY_KEY, transport=httpx.MockTransport(serve)) as client,
        pytest.raises(ResponseValidationError, match=problem),
    ):
        client.spend_limit()


def test_object_reads_are_retried_like_pages() -> None:
    fake = FakeUsageAPI(seed=0, faults=["500"])
    with UsageClient(REPLAY_KEY, transport=fake.transport()) as client:
        client._sender.sleep = lambda seconds: None  # no real waits
        assert client.spend_limit().threshold_amount > 0
    assert len(fake.requests) == 2
