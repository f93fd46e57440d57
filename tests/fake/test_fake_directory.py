"""The fake's admin lists: the same organization as its usage data, paged like the live API."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from _fake_helpers import AUTH, fragment_spec, list_paths

import openai_org_usage_client.models as models
from openai_org_usage._operations import LISTS
from openai_org_usage.fake import FakeUsageAPI
from openai_org_usage.fake._org import KEY_PROJECT

BASE = "https://api.openai.com/v1"


def get(client: httpx.Client, path: str, params: Any = None) -> httpx.Response:
    return client.get(path, params=params)


def listing(client: httpx.Client, path: str, **params: Any) -> dict[str, Any]:
    response = get(client, path, params)
    assert response.status_code == 200, response.text[:300]
    body: dict[str, Any] = response.json()
    return body


def walk(client: httpx.Client, path: str, limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every object of a list, page by page with ``after``."""
    items: list[dict[str, Any]] = []
    after: str | None = None
    for _ in range(100):
        query = {"limit": limit, **params} | ({"after": after} if after else {})
        body = listing(client, path, **query)
        assert len(body["data"]) <= limit
        items += body["data"]
        if not body["has_more"]:
            return items
        after = body["last_id"]
    raise AssertionError("the fake's list never ended")


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = fragment_spec()["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def test_every_list_of_the_fragment_is_served_in_its_shape(
    fake: FakeUsageAPI, client: httpx.Client
) -> None:
    assert sorted(op.path for op in LISTS.values()) == list_paths()
    project = fake.org.projects[0]
    for path in list_paths():
        body = listing(client, path.replace("{project_id}", project))
        page = resolve(
            fragment_spec()["paths"][path]["get"]["responses"]["200"]["content"][
                "application/json"
            ]["schema"]
        )
        item = resolve(page["properties"]["data"]["items"])
        assert set(page["required"]) <= set(body), path
        assert set(body) <= set(page["properties"]), path
        assert body["data"], f"{path}: the fake has objects for every list"
        for obj in body["data"]:
            assert set(item["required"]) <= set(obj), (path, obj)
            assert set(obj) <= set(item["properties"]), (path, obj)
            if "object" in item["properties"]:  # an audit log event has none
                assert obj["object"] == item["properties"]["object"]["enum"][0]
        # The generated client parses it.
        op = next(o for o in LISTS.values() if o.path == path)
        parsed = op.page_cls.from_dict(body)
        assert [o.id for o in parsed.data] == [o["id"] for o in body["data"]]
        assert isinstance(parsed.data[0], op.item_cls)


def test_names_belong_to_the_ids_of_the_usage_data(
    fake: FakeUsageAPI, client: httpx.Client
) -> None:
    org = fake.org
    projects = walk(client, "/organization/projects", 100, include_archived="true")
    assert [p["id"] for p in projects][: len(org.projects)] == list(org.projects)
    assert all(p["name"] for p in projects)
    users = walk(client, "/organization/users", 3)
    assert [u["id"] for u in users] == list(org.users)
    assert len({u["email"] for u in users}) == len(users)
    keys: dict[str, str] = {}
    for project in org.projects:
        for key in walk(client, f"/organization/projects/{project}/api_keys", 1):
            keys[key["id"]] = project
            owner = key["owner"]
            owned = owner[owner["type"]]
            if owner["type"] == "user":
                assert owned["id"] in org.users
            else:
                accounts = walk(client, f"/organization/projects/{project}/service_accounts", 5)
                assert owned["id"] in [a["id"] for a in accounts]
    assert keys == {key: org.projects[KEY_PROJECT[i]] for i, key in enumerate(org.api_keys)}


def test_archived_projects_only_with_include_archived(client: httpx.Client) -> None:
    active = listing(client, "/organization/projects")["data"]
    every = listing(client, "/organization/projects", include_archived="true")["data"]
    archived = [p for p in every if p["status"] == "archived"]
    assert len(archived) == 1
    assert archived[0]["archived_at"] is not None
    assert [p["id"] for p in every if p not in archived] == [p["id"] for p in active]
    assert listing(client, "/organization/projects", include_archived="false")["data"] == active


def test_an_archived_projects_keys_and_service_accounts_are_refused(
    fake: FakeUsageAPI, client: httpx.Client
) -> None:
    archived = next(p["id"] for p in fake.directory.projects if p["status"] == "archived")
    keys = get(client, f"/organization/projects/{archived}/api_keys")
    accounts = get(client, f"/organization/projects/{archived}/service_accounts")
    assert keys.status_code == 403
    assert accounts.status_code == 400
    for response in (keys, accounts):
        error = response.json()["error"]
        assert "archived" in error["message"]
        assert error["param"] == "project_id"


def test_paging_by_limit_and_after(client: httpx.Client) -> None:
    first = listing(client, "/organization/users", limit=3)
    assert len(first["data"]) == 3
    assert first["has_more"] is True
    assert first["first_id"] == first["data"][0]["id"]
    assert first["last_id"] == first["data"][-1]["id"]
    second = listing(client, "/organization/users", limit=3, after=first["last_id"])
    assert second["data"][0]["id"] not in {u["id"] for u in first["data"]}
    last = listing(client, "/organization/users", limit=100, after=second["last_id"])
    assert last["has_more"] is False
    assert len(first["data"]) + len(second["data"]) + len(last["data"]) == 8
    empty = listing(client, "/organization/users", after=last["last_id"])
    assert empty["data"] == []
    assert empty["first_id"] is None
    assert empty["has_more"] is False
    # The default page is 20 (all eight users here).
    assert len(listing(client, "/organization/users")["data"]) == 8


def test_filters(fake: FakeUsageAPI, client: httpx.Client) -> None:
    emails = [fake.directory.users[1]["email"], fake.directory.users[4]["email"]]
    by_email = listing(client, "/organization/users", emails=emails)["data"]
    assert [u["email"] for u in by_email] == emails
    bracketed = get(client, "/organization/users", [("emails[]", emails[0])]).json()["data"]
    assert [u["email"] for u in bracketed] == emails[:1]
    ascending = [k["id"] for k in listing(client, "/organization/admin_api_keys")["data"]]
    descending = listing(client, "/organization/admin_api_keys", order="desc")["data"]
    assert [k["id"] for k in descending] == ascending[::-1]
    project = fake.org.projects[0]
    path = f"/organization/projects/{project}/api_keys"
    assert listing(client, path, owner_project_access="inactive")["data"] == []
    assert (
        listing(client, path, owner_project_access="any")["data"] == listing(client, path)["data"]
    )


@pytest.mark.parametrize(
    ("path", "params", "status", "param"),
    [
        ("/organization/users", {"limit": 0}, 400, "limit"),
        ("/organization/users", {"limit": 101}, 400, "limit"),
        ("/organization/users", {"limit": "many"}, 400, "limit"),
        ("/organization/users", {"after": "user-nobody"}, 400, "after"),
        ("/organization/users", {"colour": "red"}, 400, "colour"),
        ("/organization/projects", {"include_archived": "maybe"}, 400, "include_archived"),
        ("/organization/admin_api_keys", {"order": "newest"}, 400, "order"),
        ("/organization/projects/proj_nope/api_keys", {}, 404, "project_id"),
        ("/organization/projects/proj_nope/service_accounts", {}, 404, "project_id"),
    ],
)
def test_bad_requests_get_openai_style_errors(
    client: httpx.Client, path: str, params: dict[str, Any], status: int, param: str
) -> None:
    response = get(client, path, params)
    assert response.status_code == status, response.text[:200]
    assert response.json()["error"]["param"] == param


def test_admin_keys_take_a_page_larger_than_one_hundred(client: httpx.Client) -> None:
    # The fragment documents no maximum for admin keys, unlike the other lists.
    assert listing(client, "/organization/admin_api_keys", limit=500)["has_more"] is False


def test_lists_need_a_key_and_get(fake: FakeUsageAPI) -> None:
    with httpx.Client(transport=fake.transport(), base_url=BASE) as anonymous:
        assert anonymous.get("/organization/projects").status_code == 401
    with httpx.Client(transport=fake.transport(), base_url=BASE, headers=AUTH) as client:
        assert client.post("/organization/users").status_code == 405
        assert client.get("/organization/projects/p/other").status_code == 404


def test_the_directory_follows_the_seed() -> None:
    zero, one = FakeUsageAPI(seed=0).directory, FakeUsageAPI(seed=1).directory
    assert zero == FakeUsageAPI(seed=0).directory
    assert [p["id"] for p in zero.projects] != [p["id"] for p in one.projects]
    assert [p["name"] for p in zero.projects] == [p["name"] for p in one.projects]


def test_the_generated_models_parse_every_object(fake: FakeUsageAPI) -> None:
    d = fake.directory
    for project in d.projects:
        models.Project.from_dict(project)
    for user in d.users:
        models.OrganizationUser.from_dict(user)
    for keys in d.project_keys.values():
        for key in keys:
            parsed = models.ProjectApiKey.from_dict(key)
            assert parsed.owner.type_ in ("user", "service_account")
    for accounts in d.service_accounts.values():
        for account in accounts:
            models.ProjectServiceAccount.from_dict(account)
    for admin in d.admin_keys:
        assert models.AdminApiKey.from_dict(admin).owner.id in {u["id"] for u in d.users}
