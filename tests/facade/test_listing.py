"""The admin list methods: lazy ``after``-cursor paging, validation, and hostile servers.

Honest servers are the embedded fake; hostile ones are ``httpx.MockTransport``s. Nothing
sleeps: retried answers ask for ``Retry-After: 0``.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from openai_org_usage import (
    AsyncListPaginator,
    AsyncUsageClient,
    InvalidParameterError,
    ListPaginator,
    NotFoundError,
    OpenAIUsageError,
    PaginationError,
    PermissionDeniedError,
    ResponseValidationError,
    UsageClient,
)
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage_client.models import AdminApiKey, OrganizationUser, Project

KEY = "sk-admin-listing-0123456789abcdefghijklmnop"
Handler = Callable[[httpx.Request], httpx.Response]


def project(n: int) -> dict[str, Any]:
    return {"id": f"proj_{n}", "object": "organization.project", "name": f"P{n}", "created_at": n}


def page(items: list[dict[str, Any]], has_more: bool, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"object": "list", "data": items, "has_more": has_more}
    if items:
        body |= {"first_id": items[0]["id"], "last_id": items[-1]["id"]}
    return body | extra


def serve(*bodies: Any, status: int = 200) -> tuple[Handler, list[httpx.Request]]:
    """A server answering ``bodies`` in turn (the last one for ever); records each request."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        body = bodies[min(len(seen), len(bodies)) - 1]
        if isinstance(body, httpx.Response):
            return body
        if isinstance(body, bytes):
            return httpx.Response(status, content=body)
        return httpx.Response(status, json=body)

    return handler, seen


def client_for(handler: Handler, **kwargs: Any) -> UsageClient:
    return UsageClient(KEY, transport=httpx.MockTransport(handler), **kwargs)


@pytest.fixture(scope="module")
def fake() -> FakeUsageAPI:
    return FakeUsageAPI(seed=0)


# -- against the fake ---------------------------------------------------------------------------


def test_pages_follow_last_id_until_has_more_is_false(fake: FakeUsageAPI) -> None:
    with UsageClient(KEY, transport=fake.transport()) as client:
        before = len(fake.requests)
        projects = list(client.projects(include_archived=True, limit=2))
        requests = fake.requests[before:]
    assert [p.id for p in projects] == [p["id"] for p in fake.directory.projects]
    assert all(isinstance(p, Project) for p in projects)
    # 5 projects, 2 a page: 3 requests, each after the previous page's last ID.
    queries = [dict(r.query) for r in requests]
    assert [q.get("after") for q in queries] == [None, projects[1].id, projects[3].id]
    assert all(q["limit"] == "2" and q["include_archived"] == "true" for q in queries)


def test_default_page_is_the_largest_the_api_documents(fake: FakeUsageAPI) -> None:
    with UsageClient(KEY, transport=fake.transport()) as client:
        before = len(fake.requests)
        users = client.users().to_list()
        admin_keys = client.admin_api_keys().to_list()
        requests = fake.requests[before:]
    assert len(users) == 8
    assert all(isinstance(u, OrganizationUser) for u in users)
    assert len(admin_keys) == 2
    assert all(isinstance(k, AdminApiKey) for k in admin_keys)
    # Users say 1 to 100; admin keys document no maximum, so the API's default is asked for.
    assert [dict(r.query)["limit"] for r in requests] == ["100", "20"]


def test_archived_projects_only_on_request(fake: FakeUsageAPI) -> None:
    with UsageClient(KEY, transport=fake.transport()) as client:
        active = [p.status for p in client.projects()]
        every = [p.status for p in client.projects(include_archived=True)]
    assert "archived" not in active
    assert every.count("archived") == 1
    assert len(every) == len(active) + 1


def test_filters_reach_the_server(fake: FakeUsageAPI) -> None:
    email = fake.directory.users[2]["email"]
    with UsageClient(KEY, transport=fake.transport()) as client:
        (user,) = client.users(emails=email)
        newest_first = [k.id for k in client.admin_api_keys(order="desc")]
    assert user.email == email
    assert newest_first == [k["id"] for k in reversed(fake.directory.admin_keys)]


def test_a_refused_archived_project_raises_from_the_list_method(fake: FakeUsageAPI) -> None:
    archived = next(p["id"] for p in fake.directory.projects if p["status"] == "archived")
    with UsageClient(KEY, transport=fake.transport()) as client:
        with pytest.raises(PermissionDeniedError) as caught:
            list(client.project_api_keys(archived))
        with pytest.raises(NotFoundError):
            list(client.project_service_accounts("proj_missing"))
    assert caught.value.status_code == 403
    assert KEY not in str(caught.value)
    assert KEY not in repr(caught.value)


def test_async_lists_equal_sync_lists(fake: FakeUsageAPI) -> None:
    project_id = fake.directory.projects[0]["id"]

    async def listed() -> tuple[list[str], list[str], list[str]]:
        async with AsyncUsageClient(KEY, transport=fake.transport()) as client:
            paginator = client.project_api_keys(project_id, limit=1)
            assert isinstance(paginator, AsyncListPaginator)
            keys = [k.id async for k in paginator]
            projects = [p.id for p in await client.projects(limit=3).to_list()]
            pages = [len(pg.items) async for pg in client.users(limit=3).pages()]
            return keys, projects, [str(n) for n in pages]

    keys, projects, pages = asyncio.run(listed())
    with UsageClient(KEY, transport=fake.transport()) as client:
        paginator = client.project_api_keys(project_id, limit=1)
        assert isinstance(paginator, ListPaginator)
        assert keys == [k.id for k in paginator]
        assert projects == [p.id for p in client.projects(limit=3)]
    assert pages == ["3", "3", "2"]


def test_nothing_is_sent_until_iteration(fake: FakeUsageAPI) -> None:
    with UsageClient(KEY, transport=fake.transport()) as client:
        before = len(fake.requests)
        paginator = client.projects()
        assert len(fake.requests) == before
        assert "projects" in repr(paginator)
        assert KEY not in repr(paginator)
        next(iter(paginator))
        assert len(fake.requests) == before + 1


# -- validation ---------------------------------------------------------------------------------


def never(request: httpx.Request) -> httpx.Response:
    raise AssertionError(f"a request was sent: {request.url}")


@pytest.mark.parametrize(
    ("call", "param", "allowed"),
    [
        (lambda c: c.projects(limit=0), "limit", "from 1 to 100"),
        (lambda c: c.projects(limit=101), "limit", "from 1 to 100"),
        (lambda c: c.projects(limit=True), "limit", "from 1 to 100"),
        (lambda c: c.admin_api_keys(limit=0), "limit", ">= 1"),
        (lambda c: c.projects(include_archived="yes"), "include_archived", "True, False"),
        (lambda c: c.projects(after=""), "after", "non-empty"),
        (lambda c: c.users(emails=[]), "emails", "non-empty list"),
        (lambda c: c.users(emails=b"a@b.c"), "emails", "a string or a list"),
        (lambda c: c.users(emails=[3]), "emails", "a string or a list"),
        (lambda c: c.admin_api_keys(order="newest"), "order", "'asc', 'desc'"),
        (
            lambda c: c.project_api_keys("proj_1", owner_project_access="all"),
            "owner_project_access",
            "'any'",
        ),
        (lambda c: c.project_api_keys(""), "project_id", "non-empty ID"),
        (lambda c: c.project_service_accounts(None), "project_id", "non-empty ID"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    call: Callable[[UsageClient], Any], param: str, allowed: str
) -> None:
    with client_for(never) as client, pytest.raises(InvalidParameterError) as caught:
        call(client)
    assert caught.value.param == param
    assert allowed in caught.value.allowed


def test_an_unknown_filter_is_refused() -> None:
    from openai_org_usage._listing import build_list_query
    from openai_org_usage._operations import LISTS

    with pytest.raises(InvalidParameterError) as caught:
        build_list_query(LISTS["users"], limit=None, after=None, filters={"email": "x"})
    assert caught.value.param == "email"
    assert "emails" in caught.value.allowed


def test_an_unknown_path_parameter_is_refused() -> None:
    from openai_org_usage._listing import build_list_query
    from openai_org_usage._operations import LISTS

    with pytest.raises(InvalidParameterError) as caught:
        build_list_query(
            LISTS["project_api_keys"], path={"project": "p"}, limit=None, after=None, filters={}
        )
    assert caught.value.param == "project"
    assert "project_id" in caught.value.allowed


def test_list_methods_hand_the_client_a_validated_query() -> None:
    from openai_org_usage._listing import ListQuery
    from openai_org_usage._methods import UsageMethods

    seen: list[ListQuery] = []

    class Capture(UsageMethods):
        def _list(self, query: ListQuery, /) -> ListPaginator[Any]:
            seen.append(query)
            return ListPaginator(query, None)  # type: ignore[arg-type]  # never iterated

    Capture().project_api_keys("proj_1", limit=5, owner_project_access="any")
    assert [(q.operation.name, dict(q.path), q.limit, q.after, dict(q.filters)) for q in seen] == [
        ("project_api_keys", {"project_id": "proj_1"}, 5, None, {"owner_project_access": "any"})
    ]


def test_path_parameters_are_url_encoded() -> None:
    handler, seen = serve(page([], False))
    with client_for(handler) as client:
        assert list(client.project_api_keys("proj_a/../../users?x=1")) == []
    assert (
        seen[0]
        .url.raw_path.decode()
        .startswith("/v1/organization/projects/proj_a%2F..%2F..%2Fusers%3Fx%3D1/api_keys?")
    )


# -- hostile servers ----------------------------------------------------------------------------


def test_a_repeated_cursor_is_a_pagination_error_not_a_loop() -> None:
    first = page([project(1), project(2)], True)
    again = page([project(3)], True, last_id="proj_2")  # leads back to the same cursor
    handler, seen = serve(first, again)
    with client_for(handler) as client, pytest.raises(PaginationError, match="already followed"):
        list(client.projects())
    assert len(seen) == 2


def test_an_object_listed_twice_is_a_pagination_error() -> None:
    handler, _ = serve(page([project(1), project(2)], True), page([project(2)], False))
    with client_for(handler) as client, pytest.raises(PaginationError, match="already listed"):
        list(client.projects())


def test_listing_stops_on_an_empty_page_even_if_it_promises_more() -> None:
    handler, seen = serve(page([project(1)], True), page([], True))
    with client_for(handler) as client:
        assert [p.id for p in client.projects()] == ["proj_1"]
    assert len(seen) == 2


def test_listing_stops_without_a_last_id_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    body = page([project(1)], True)
    del body["last_id"]
    handler, seen = serve(body)
    with caplog.at_level(logging.WARNING, "openai_org_usage"), client_for(handler) as client:
        assert [p.id for p in client.projects()] == ["proj_1"]
    assert len(seen) == 1
    assert any("no last_id" in r.getMessage() for r in caplog.records)


def test_admin_keys_continue_from_the_last_item_id() -> None:
    def key(n: int) -> dict[str, Any]:
        return {
            "object": "organization.admin_api_key",
            "id": f"key_{n}",
            "name": None,
            "redacted_value": "sk-admin...x",
            "created_at": n,
            "expires_at": None,
            "owner": {},
        }

    # No last_id at all: the SDK's CursorPage takes the last item's id.
    handler, seen = serve(
        {"object": "list", "data": [key(1), key(2)], "has_more": True},
        {"object": "list", "data": [key(3)], "has_more": False},
    )
    with client_for(handler) as client:
        assert [k.id for k in client.admin_api_keys()] == ["key_1", "key_2", "key_3"]
    assert [r.url.params.get("after") for r in seen] == [None, "key_2"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"<html>oops</html>", "not JSON"),
        ([], "expected a JSON object"),
        ({"object": "list", "has_more": False}, "data must be a list"),
        ({"object": "list", "data": [], "has_more": "no"}, "has_more must be true or false"),
        ({"object": "list", "data": [], "has_more": False, "last_id": 7}, "last_id must be"),
        ({"object": "list", "data": ["proj_1"], "has_more": False}, "data[0] must be an object"),
        ({"object": "list", "data": [{"name": "x"}], "has_more": False}, "data[0].id"),
        (
            {
                "object": "list",
                "data": [{"id": "p", "object": "organization.project"}],
                "has_more": False,
            },
            "created_at",
        ),
        (
            {"object": "list", "data": [project(1) | {"object": "bucket"}], "has_more": False},
            "data[0] (proj_1)",
        ),
    ],
)
def test_a_malformed_page_is_a_response_validation_error(body: Any, problem: str) -> None:
    handler, _ = serve(body)
    with client_for(handler) as client, pytest.raises(ResponseValidationError) as caught:
        list(client.projects())
    assert problem in str(caught.value)
    assert not isinstance(caught.value, PaginationError)


def test_lists_are_retried_like_usage_requests() -> None:
    busy = httpx.Response(429, headers={"retry-after": "0"}, json={"error": {"message": "slow"}})
    handler, seen = serve(busy, page([project(1)], False))
    with client_for(handler) as client:
        assert [p.id for p in client.projects()] == ["proj_1"]
    assert len(seen) == 2


def test_an_echoed_key_is_redacted_from_list_errors() -> None:
    echo = {"error": {"message": f"bad key {KEY}", "type": "invalid_request_error"}}
    handler, _ = serve(echo, status=403)
    with client_for(handler) as client, pytest.raises(OpenAIUsageError) as caught:
        list(client.project_service_accounts("proj_1"))
    assert KEY not in str(caught.value)
    assert KEY not in repr(caught.value)
    assert KEY not in json.dumps(caught.value.args)


def test_async_hostile_cursor_is_a_pagination_error() -> None:
    handler, _ = serve(page([project(1)], True), page([project(2)], True, last_id="proj_1"))

    async def run() -> None:
        async with AsyncUsageClient(KEY, transport=httpx.MockTransport(handler)) as client:
            await client.projects().to_list()

    with pytest.raises(PaginationError):
        asyncio.run(run())


def test_records_are_the_items_read_through_the_operation_table(fake: FakeUsageAPI) -> None:
    project_id = fake.directory.projects[0]["id"]

    async def listed() -> list[dict[str, Any]]:
        async with AsyncUsageClient(KEY, transport=fake.transport()) as client:
            return [r async for r in client.project_api_keys(project_id).records()]

    with UsageClient(KEY, transport=fake.transport()) as client:
        paginator = client.project_api_keys(project_id)
        keys = paginator.to_list()
        records = list(paginator.records())
    operation = paginator.query.operation
    assert records == [operation.record(k) for k in keys]
    assert records == asyncio.run(listed())
    assert [r["id"] for r in records] == [k.id for k in keys]
    assert all(list(r) == [c.name for c in operation.columns] for r in records)
    owners = [r["owner_user_id"] or r["owner_service_account_id"] for r in records]
    assert all(owners)
