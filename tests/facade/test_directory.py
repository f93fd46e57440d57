"""The directory: names for the IDs in usage rows, from the admin lists, cached and refreshable.

Against the embedded fake (its synthetic organization), and ``httpx.MockTransport`` servers for
refusals and failures.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import typing
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import httpx
import pytest

from openai_org_usage import (
    AsyncUsageClient,
    AuthenticationError,
    InternalServerError,
    InvalidParameterError,
    PaginationError,
    UsageClient,
    _directory_cache,
    _directory_load,
)
from openai_org_usage import directory as directory_module
from openai_org_usage._operations import LISTS
from openai_org_usage.directory import COLUMNS, KINDS, TABLES, Directory, Entry
from openai_org_usage.fake import FakeUsageAPI

# Assembled, so no key-shaped literal sits in the repository; the value is a placeholder.
KEY = "sk-" + "admin-directory-0123456789abcdefghijklmnop"
BASE_URL = "https://api.openai.com/v1"


@pytest.fixture(scope="module")
def fake() -> FakeUsageAPI:
    return FakeUsageAPI(seed=0)


@pytest.fixture(scope="module")
def loaded(fake: FakeUsageAPI) -> Directory:
    with UsageClient(KEY, transport=fake.transport()) as client:
        return Directory.load(client)


def archived_project(fake: FakeUsageAPI) -> dict[str, Any]:
    return next(p for p in fake.directory.projects if p["status"] == "archived")


# -- resolving ----------------------------------------------------------------------------------


def test_every_id_of_the_fake_usage_data_has_a_name(fake: FakeUsageAPI, loaded: Directory) -> None:
    org = fake.org
    for kind, ids in (
        ("project_id", org.projects),
        ("user_id", org.users),
        ("api_key_id", org.api_keys),
    ):
        for id_ in ids:
            name = loaded.name(kind, id_)
            assert name, (kind, id_)
            assert loaded.label(kind, id_) == name
    # The names are the fake's own, not made up here.
    assert loaded.name("project_id", org.projects[0]) == fake.directory.projects[0]["name"]
    assert loaded.name("user_id", org.users[3]) == fake.directory.users[3]["name"]


def test_the_ids_seen_in_usage_rows_resolve(fake: FakeUsageAPI, loaded: Directory) -> None:
    with UsageClient(KEY, transport=fake.transport()) as client:
        rows = list(
            client.completions(
                start="2026-11-20",
                end="2026-11-21",
                group_by=["project_id", "user_id", "api_key_id"],
            ).results()
        )
    assert rows
    for row in rows:
        r = row.result
        for kind, value in (
            ("project_id", r.project_id),
            ("user_id", r.user_id),
            ("api_key_id", r.api_key_id),
        ):
            assert loaded.name(kind, value) is not None, (kind, value)


def test_label_falls_back_to_email_then_id() -> None:
    d = Directory(
        [
            Entry("user_id", "user-1", name="Ada", email="ada@x.io"),
            Entry("user_id", "user-2", email="bob@x.io"),
            Entry("user_id", "user-3"),
        ]
    )
    assert d.label("user_id", "user-1") == "Ada"
    assert d.label("user_id", "user-2") == "bob@x.io"
    assert d.label("user_id", "user-3") == "user-3"
    assert d.label("user_id", "user-unknown") == "user-unknown"
    assert d.label("user_id", None) == ""
    assert d.name("user_id", "user-2") is None
    assert d.name("user_id", "user-unknown") is None


def test_keys_have_owners_and_emails(fake: FakeUsageAPI, loaded: Directory) -> None:
    org = fake.org
    first_key = org.api_keys[0]
    owner = loaded.owner(first_key)
    assert owner is not None
    assert owner.kind == "user_id"
    assert owner.email is not None
    assert loaded.email("api_key_id", first_key) == owner.email
    # The batch key of the last project is a service account's.
    batch_key = org.api_keys[5]
    sa = loaded.owner(batch_key)
    assert sa is not None
    assert sa.kind == "service_account_id"
    assert loaded.name("service_account_id", sa.id) == sa.name
    assert loaded.get("service_account_id", sa.id) is not None
    # Admin keys resolve too, as api_key_id, with their owners.
    admin = fake.directory.admin_keys[0]
    assert loaded.name("api_key_id", admin["id"]) == admin["name"]
    entry = loaded.get("api_key_id", admin["id"])
    assert entry is not None
    assert entry.key_type == "admin"
    assert loaded.owner(admin["id"]) == loaded.get("user_id", admin["owner"]["id"])


def test_archived_projects_are_included_marked_and_their_refusals_reported(
    fake: FakeUsageAPI, loaded: Directory
) -> None:
    archived = archived_project(fake)
    assert loaded.name("project_id", archived["id"]) == archived["name"]
    assert loaded.is_archived(archived["id"])
    assert not loaded.is_archived(fake.org.projects[0])
    entry = loaded.get("project_id", archived["id"])
    assert entry is not None
    assert entry.status == "archived"
    assert entry.archived_at is not None
    # The fake refuses its keys with 403 and its service accounts with 400, as the API can.
    assert len(loaded.problems) == 2
    assert all(archived["id"] in p and "archived" in p for p in loaded.problems)
    assert any("403" in p and "API keys" in p for p in loaded.problems)
    assert any("400" in p and "service accounts" in p for p in loaded.problems)
    assert not any(KEY in p for p in loaded.problems)


def test_unknown_kind_is_refused(loaded: Directory) -> None:
    with pytest.raises(InvalidParameterError) as caught:
        loaded.name("model", "gpt-4o")
    assert caught.value.param == "kind"
    assert "'project_id'" in caught.value.allowed
    with pytest.raises(InvalidParameterError):
        loaded.records("projects")


# -- loading: sync, async, concurrency ------------------------------------------------------


def test_async_load_equals_sync_load(fake: FakeUsageAPI, loaded: Directory) -> None:
    async def load() -> Directory:
        async with AsyncUsageClient(KEY, transport=fake.transport()) as client:
            return await Directory.aload(client)

    assert asyncio.run(load()) == loaded


@pytest.mark.parametrize("workers", [1, 2, 8])
def test_the_result_does_not_depend_on_concurrency(
    fake: FakeUsageAPI, loaded: Directory, workers: int
) -> None:
    slow = FakeUsageAPI(seed=0, latency=0.002)
    with UsageClient(KEY, transport=slow.transport()) as client:
        d = Directory.load(client, max_concurrency=workers)
    assert d == loaded
    assert d.tables() == loaded.tables()
    assert d.problems == loaded.problems


def test_bad_max_concurrency_is_refused_before_any_request() -> None:
    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("a request was sent")

    with UsageClient(KEY, transport=httpx.MockTransport(never)) as client:
        for bad in (0, -1, 1.5, True):
            with pytest.raises(InvalidParameterError) as caught:
                Directory.load(client, max_concurrency=bad)  # type: ignore[arg-type]
            assert caught.value.param == "max_concurrency"


def directory_server(
    on_project: Callable[[str, str], httpx.Response | None],
) -> Callable[[httpx.Request], httpx.Response]:
    """A tiny organization: one active and one archived project, one user, no admin keys.

    ``on_project(project_id, list_name)`` may answer a project-scoped list itself.
    """
    projects = [
        {"id": "proj_a", "object": "organization.project", "name": "A", "created_at": 1},
        {
            "id": "proj_old",
            "object": "organization.project",
            "name": "Old",
            "created_at": 1,
            "status": "archived",
            "archived_at": 2,
        },
    ]
    user = {"id": "user-1", "object": "organization.user", "name": "U", "added_at": 1}

    def handler(request: httpx.Request) -> httpx.Response:
        parts = request.url.path.split("/")
        if request.url.path.endswith("/organization/projects"):
            data: list[dict[str, Any]] = projects
        elif request.url.path.endswith("/organization/users"):
            data = [user]
        elif request.url.path.endswith("/organization/admin_api_keys"):
            data = []
        else:
            answer = on_project(parts[-2], parts[-1])
            if answer is not None:
                return answer
            data = []
        return httpx.Response(200, json={"object": "list", "data": data, "has_more": False})

    return handler


def error(status: int, message: str) -> httpx.Response:
    body = {"error": {"message": message, "type": "invalid_request_error", "param": None}}
    return httpx.Response(status, json=body)


@pytest.mark.parametrize("status", [400, 403, 404])
@pytest.mark.parametrize("what", ["api_keys", "service_accounts"])
def test_a_refusal_on_an_active_project_costs_only_its_own_names(status: int, what: str) -> None:
    def refuse_active(project: str, listed: str) -> httpx.Response | None:
        if project == "proj_a" and listed == what:
            return error(status, "You do not have access")
        if project == "proj_a":
            return httpx.Response(200, json=listing([KEY_A if listed == "api_keys" else SA_A]))
        return None

    transport = httpx.MockTransport(directory_server(refuse_active))
    with UsageClient(KEY, transport=transport) as c:
        d = Directory.load(c)
    # Everything else was listed: both projects, the user, the list that was not refused.
    assert d.name("project_id", "proj_a") == "A"
    assert d.name("project_id", "proj_old") == "Old"
    assert d.name("user_id", "user-1") == "U"
    if what == "api_keys":
        assert d.get("api_key_id", "key_a") is None
        assert d.name("service_account_id", "svc_a") == "deployer"
    else:
        assert d.name("api_key_id", "key_a") == "key-a"
        assert d.name("service_account_id", "svc_a") is None
    label = "API keys" if what == "api_keys" else "service accounts"
    assert d.problems == (
        f"project A (proj_a): its {label} could not be listed (HTTP {status}: You do not "
        "have access); their IDs are shown as they are",
    )


KEY_A = {
    "object": "organization.project.api_key",
    "id": "key_a",
    "name": "key-a",
    "redacted_value": "sk-proj-...abcd",
    "created_at": 1,
    "last_used_at": None,
    "owner_project_access": "active",
    "owner": {
        "type": "user",
        "user": {
            "id": "user-1",
            "name": "U",
            "email": "u@example.com",
            "created_at": 1,
            "role": "owner",
        },
    },
}
SA_A = {
    "object": "organization.project.service_account",
    "id": "svc_a",
    "name": "deployer",
    "role": "member",
    "created_at": 1,
}


def listing(data: list[dict[str, Any]], *, has_more: bool = False) -> dict[str, Any]:
    last = data[-1]["id"] if data else None
    return {"object": "list", "data": data, "has_more": has_more, "last_id": last}


def test_what_was_listed_before_a_refusal_is_kept() -> None:
    def second_page_refused(project: str, what: str) -> httpx.Response | None:
        return None

    base = directory_server(second_page_refused)

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/proj_a/api_keys"):
            if "after" not in request.url.params:
                return httpx.Response(200, json=listing([KEY_A], has_more=True))
            return error(403, "no more for you")
        return base(request)

    with UsageClient(KEY, transport=httpx.MockTransport(handler)) as c:
        d = Directory.load(c)
    assert d.name("api_key_id", "key_a") == "key-a"
    assert len(d.problems) == 1
    assert d.problems[0].startswith("project A (proj_a): its API keys could not be listed")


def test_an_active_projects_refusal_leads_the_archived_ones() -> None:
    fake = FakeUsageAPI(seed=0)
    active = fake.org.projects[1]
    fake.directory = dataclasses.replace(
        fake.directory,
        refused={**fake.directory.refused, active: {"api_keys": (403, "No access.")}},
    )
    with UsageClient(KEY, transport=fake.transport()) as c:
        d = Directory.load(c)
    assert len(d.problems) == 3
    assert d.problems[0].startswith(f"project Search ranking ({active}): its API keys")
    assert all(p.startswith("archived project Legacy prototype") for p in d.problems[1:])
    # Its keys have no names; every other key, user and project has.
    refused_keys = {k["id"] for k in fake.directory.project_keys[active]}
    assert refused_keys
    for key_id in fake.org.api_keys:
        assert (d.name("api_key_id", key_id) is None) == (key_id in refused_keys)
    assert all(d.name("user_id", u) for u in fake.org.users)
    assert all(d.name("project_id", p) for p in fake.org.projects)


REFUSED_LISTS = {
    "projects": (
        "/organization/projects",
        "projects could not be listed (HTTP 403: nope); projects, and their API keys and "
        "service accounts, are shown by ID",
    ),
    "users": (
        "/organization/users",
        "users could not be listed (HTTP 403: nope); users are named only where an API key "
        "names its owner",
    ),
    "admin_api_keys": (
        "/organization/admin_api_keys",
        "admin API keys could not be listed (HTTP 403: nope); admin API keys are shown by ID",
    ),
}


def refusing(
    fake: FakeUsageAPI, path: str, status: int = 403
) -> Callable[[httpx.Request], httpx.Response]:
    """The fake, except that the list at ``path`` answers ``status``."""
    inner = fake.transport()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(path):
            return error(status, "nope")
        response = inner.handle_request(request)
        response.read()
        return response

    return handler


@pytest.mark.parametrize("refused", sorted(REFUSED_LISTS))
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_refused_organization_list_costs_only_its_own_names(
    loaded: Directory, refused: str, mode: str
) -> None:
    fake = FakeUsageAPI(seed=0)
    path, problem = REFUSED_LISTS[refused]
    transport = httpx.MockTransport(refusing(fake, path))
    if mode == "sync":
        with UsageClient(KEY, transport=transport) as c:
            d = Directory.load(c)
    else:

        async def load() -> Directory:
            async with AsyncUsageClient(KEY, transport=transport) as c:
                return await Directory.aload(c)

        d = asyncio.run(load())
    assert d.problems[0] == problem
    org = fake.org
    admin_key = fake.directory.admin_keys[0]["id"]
    if refused == "projects":
        # No project is known, so neither are its keys; users and admin keys are.
        assert d.entries("project_id") == ()
        assert all(d.name("api_key_id", k) is None for k in org.api_keys)
        assert d.problems == (problem,)
    else:
        assert d.entries("project_id") == loaded.entries("project_id")
        assert all(d.name("api_key_id", k) for k in org.api_keys)
        assert d.problems[1:] == loaded.problems
    if refused == "users":
        # Named all the same where a key names its owner; the others are unknown.
        owners = {k.owner_id for k in d.entries("api_key_id")}
        for user in org.users:
            assert (d.name("user_id", user) is not None) == (user in owners), user
        assert d.get("user_id", org.users[0]).role is None  # type: ignore[union-attr]
    else:
        assert all(d.name("user_id", u) for u in org.users)
    if refused == "admin_api_keys":
        assert d.get("api_key_id", admin_key) is None
    else:
        assert d.name("api_key_id", admin_key) == fake.directory.admin_keys[0]["name"]


def test_a_failure_that_is_not_a_refusal_is_raised() -> None:
    fake = FakeUsageAPI(seed=0)
    transport = httpx.MockTransport(refusing(fake, "/organization/users", status=401))
    with (
        UsageClient(KEY, transport=transport) as c,
        pytest.raises(AuthenticationError),
    ):
        Directory.load(c)


def test_a_listing_that_does_not_chain_is_raised() -> None:
    def loop(project: str, what: str) -> httpx.Response | None:
        # The same page for ever: has_more, and the cursor that was just followed.
        return httpx.Response(200, json=listing([KEY_A], has_more=True))

    with (
        UsageClient(KEY, transport=httpx.MockTransport(directory_server(loop))) as c,
        pytest.raises(PaginationError),
    ):
        Directory.load(c)


def test_other_errors_on_an_archived_project_are_raised() -> None:
    def fail_archived(project: str, what: str) -> httpx.Response | None:
        return error(500, "boom") if project == "proj_old" else None

    transport = httpx.MockTransport(directory_server(fail_archived))
    with (
        UsageClient(KEY, transport=transport, max_retries=0) as c,
        pytest.raises(InternalServerError),
    ):
        Directory.load(c)


def test_both_refusals_on_an_archived_project_are_tolerated() -> None:
    def refuse_archived(project: str, what: str) -> httpx.Response | None:
        if project != "proj_old":
            return None
        return error(400 if what == "api_keys" else 403, f"Project {project} is archived")

    with UsageClient(KEY, transport=httpx.MockTransport(directory_server(refuse_archived))) as c:
        d = Directory.load(c)
    assert d.is_archived("proj_old")
    assert [p.split(":")[0] for p in d.problems] == [
        "archived project Old (proj_old)",
        "archived project Old (proj_old)",
    ]
    assert "HTTP 400" in d.problems[0]
    assert "HTTP 403" in d.problems[1]


def test_async_refusal_on_an_active_project_costs_only_its_own_names() -> None:
    def refuse_active(project: str, what: str) -> httpx.Response | None:
        return error(400, "no") if project == "proj_a" and what == "service_accounts" else None

    async def load() -> Directory:
        transport = httpx.MockTransport(directory_server(refuse_active))
        async with AsyncUsageClient(KEY, transport=transport) as c:
            return await Directory.aload(c)

    d = asyncio.run(load())
    assert d.name("project_id", "proj_a") == "A"
    assert d.name("user_id", "user-1") == "U"
    assert d.problems == (
        "project A (proj_a): its service accounts could not be listed (HTTP 400: no); "
        "their IDs are shown as they are",
    )


# -- rows -------------------------------------------------------------------------------------


def test_records_have_the_documented_columns(loaded: Directory) -> None:
    tables = loaded.tables()
    assert list(tables) == [TABLES[k] for k in KINDS]
    for kind in KINDS:
        rows = loaded.records(kind)
        assert rows, kind
        assert all(list(row) == list(COLUMNS[kind]) for row in rows)
        assert [row["id"] for row in rows] == [e.id for e in loaded.entries(kind)]
        for row in rows:
            created = row["created_at"]
            assert created is None or (isinstance(created, datetime) and created.tzinfo is UTC)
    keys = {row["id"]: row for row in loaded.records("api_key_id")}
    assert {row["key_type"] for row in keys.values()} == {"project", "admin"}
    projects = loaded.records("project_id")
    assert [row["archived"] for row in projects].count(True) == 1


def test_records_hold_no_key(loaded: Directory) -> None:
    text = json.dumps(loaded.tables(), default=str) + repr(loaded)
    assert KEY not in text
    assert "sk-admin" not in text


# -- cache --------------------------------------------------------------------------------------


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(datetime(2026, 11, 25, 12, tzinfo=UTC))
    monkeypatch.setattr(directory_module, "_clock", c)
    return c


def test_cached_reuses_a_young_file_and_relists_an_old_one(
    tmp_path: Path, clock: Clock, loaded: Directory
) -> None:
    fake = FakeUsageAPI(seed=0)
    path = tmp_path / "names" / "directory.json"
    with UsageClient(KEY, transport=fake.transport()) as client:
        first = Directory.cached(client, path=path, max_age=timedelta(hours=1))
        sent = len(fake.requests)
        assert sent > 0
        assert path.exists()
        text = path.read_text()
        assert KEY not in text
        assert "sk-admin-directory" not in text

        clock.now += timedelta(minutes=59)
        second = Directory.cached(client, path=path, max_age=timedelta(hours=1))
        assert len(fake.requests) == sent  # from the file
        assert second == first == loaded
        assert second.problems == loaded.problems

        clock.now += timedelta(minutes=2)
        Directory.cached(client, path=path, max_age=timedelta(hours=1))
        assert len(fake.requests) == 2 * sent  # listed afresh
        assert json.loads(path.read_text())["fetched_at"] == clock.now.isoformat()


def test_cached_relists_for_another_base_url_or_a_broken_file(tmp_path: Path, clock: Clock) -> None:
    fake = FakeUsageAPI(seed=0)
    path = tmp_path / "directory.json"
    with UsageClient(KEY, transport=fake.transport()) as client:
        Directory.cached(client, path=path)
        sent = len(fake.requests)
    with UsageClient(KEY, transport=fake.transport(), base_url="https://proxy.example/v1") as other:
        Directory.cached(other, path=path)
        assert len(fake.requests) == 2 * sent
        for broken in ("{not json", json.dumps({"format": 99}), "[]"):
            path.write_text(broken)
            d = Directory.cached(other, path=path)
            assert len(d.entries("project_id")) == 5
        assert json.loads(path.read_text())["base_url"] == "https://proxy.example/v1"


# Each kind of damage a cache file can have, as a change to a good file's data (JSON-ready, with
# base_url) or, for damage below the JSON, to its text. None: the file is deleted and the change
# makes something else at the path.
Damage = Callable[[dict[str, Any], Path], str | bytes | None]


def _data(change: Callable[[dict[str, Any]], object]) -> Damage:
    def damage(data: dict[str, Any], path: Path) -> str:
        changed = change(data)
        return json.dumps(data if changed is None else changed)

    return damage


def _entry(field: str, value: object, index: int = 0) -> Damage:
    def change(data: dict[str, Any]) -> None:
        data["entries"][index][field] = value

    return _data(change)


def _without(field: str, index: int | None = None) -> Damage:
    def change(data: dict[str, Any]) -> None:
        del (data if index is None else data["entries"][index])[field]

    return _data(change)


def _text(text: str | bytes) -> Damage:
    return lambda data, path: text


def _truncated(data: dict[str, Any], path: Path) -> str:
    text = json.dumps(data, indent=1)
    return text[: len(text) // 2]


def _directory_at_path(data: dict[str, Any], path: Path) -> None:
    path.mkdir()


def _fifo_at_path(data: dict[str, Any], path: Path) -> None:
    os.mkfifo(path)  # reading it would block for ever: the check must not open it


DAMAGE: dict[str, Damage] = {
    # below JSON
    "empty": _text(""),
    "not JSON": _text("{not json"),
    "truncated": _truncated,
    "not UTF-8": _text(b'{"format": 1, "name": "\xff\xfe"}'),
    "byte order mark": lambda data, path: "\ufeff" + json.dumps(data),
    "nested too deep": _text("[" * 100_000 + "]" * 100_000),
    "a directory": _directory_at_path,
    "a FIFO": _fifo_at_path,
    # the whole
    "a list": _text("[]"),
    "null": _text("null"),
    "a string": _text('"directory"'),
    "no base_url": _without("base_url"),
    "base_url not a string": _data(lambda d: d.update(base_url=["x"])),
    "an unknown key": _data(lambda d: d.update(extra=1)),
    "no format": _without("format"),
    "another format": _data(lambda d: d.update(format=99)),
    "format true": _data(lambda d: d.update(format=True)),
    "format 1.0": _data(lambda d: d.update(format=1.0)),
    "format '1'": _data(lambda d: d.update(format="1")),
    "no fetched_at": _without("fetched_at"),
    "fetched_at a number": _data(lambda d: d.update(fetched_at=1764072000)),
    "fetched_at not a time": _data(lambda d: d.update(fetched_at="yesterday")),
    "fetched_at naive": _data(lambda d: d.update(fetched_at="2026-11-25T11:00:00")),
    "no problems": _without("problems"),
    "problems a string": _data(lambda d: d.update(problems="none")),
    "problems with a number": _data(lambda d: d.update(problems=["x", 1])),
    "no entries": _without("entries"),
    "entries an object": _data(lambda d: d.update(entries={})),
    "an entry a list": _data(lambda d: d["entries"].append(["project_id", "p"])),
    "an entry null": _data(lambda d: d["entries"].append(None)),
    # every field of an entry
    "name a number": _entry("name", 123),
    "name a list": _entry("name", ["A"]),
    "email a number": _entry("email", 1, index=5),
    "role an object": _entry("role", {}, index=5),
    "project_id a number": _entry("project_id", 7, index=-1),
    "owner_type true": _entry("owner_type", True, index=-1),
    "owner_id a number": _entry("owner_id", 3, index=-1),
    "status a list": _entry("status", []),
    "key_type a number": _entry("key_type", 0, index=-1),
    "kind unknown": _entry("kind", "model_id"),
    "kind a list": _entry("kind", ["project_id"]),
    "id empty": _entry("id", ""),
    "id a number": _entry("id", 42),
    "id null": _entry("id", None),
    "archived a string": _entry("archived", "false"),
    "archived 0": _entry("archived", 0),
    "archived null": _entry("archived", None),
    "created_at a string": _entry("created_at", "2024-01-01"),
    "created_at a float": _entry("created_at", 1.5),
    "created_at true": _entry("created_at", True),
    "created_at negative": _entry("created_at", -1),
    "created_at past the year 9999": _entry("created_at", 10**15),
    "archived_at a string": _entry("archived_at", "x"),
    "last_used_at a list": _entry("last_used_at", [1], index=-1),
    "an entry without name": _without("name", index=0),
    "an entry without archived": _without("archived", index=0),
    "an entry without kind": _without("kind", index=0),
    "an entry with an unknown field": _entry("colour", "red"),
}


@pytest.mark.parametrize("damage", list(DAMAGE), ids=list(DAMAGE))
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_damaged_cache_is_ignored_noted_and_listed_afresh(
    tmp_path: Path,
    clock: Clock,
    loaded: Directory,
    caplog: pytest.LogCaptureFixture,
    damage: str,
    mode: str,
) -> None:
    fake = FakeUsageAPI(seed=0)
    path = tmp_path / "directory.json"
    good = {
        **loaded.to_json(),
        "fetched_at": (clock.now - timedelta(minutes=5)).isoformat(),
        "base_url": BASE_URL,
    }
    # The good file is used as it is (so the damage below is what makes the difference).
    path.write_text(json.dumps(good))
    with UsageClient(KEY, transport=fake.transport()) as client:
        assert Directory.cached(client, path=path) == loaded
    assert fake.requests == []

    path.unlink()
    written = DAMAGE[damage](json.loads(json.dumps(good)), path)
    if isinstance(written, bytes):
        path.write_bytes(written)
    elif written is not None:
        path.write_text(written, encoding="utf-8")

    if mode == "sync":
        with UsageClient(KEY, transport=fake.transport()) as client:
            found = Directory.cached(client, path=path)
    else:

        async def acached() -> Directory:
            async with AsyncUsageClient(KEY, transport=fake.transport()) as client:
                return await Directory.acached(client, path=path)

        found = asyncio.run(acached())
    # Listed afresh, whole and usable ...
    assert fake.requests, "the damaged file was used"
    assert found == loaded
    assert found.fetched_at == clock.now
    assert all(isinstance(row["name"], str | None) for row in found.records("project_id"))
    found.tables()
    # ... the damage noted, naming the file ...
    notes = [r.getMessage() for r in caplog.records if "directory cache" in r.getMessage()]
    assert notes, "the damage was not noted"
    assert str(path) in notes[0]
    # ... and the file written afresh, where a file can be.
    if damage != "a directory":
        rewritten = json.loads(path.read_text())
        assert rewritten["base_url"] == BASE_URL
        assert Directory.from_json({k: v for k, v in rewritten.items() if k != "base_url"}) == (
            loaded
        )


def test_an_unreadable_cache_is_listed_afresh(
    tmp_path: Path,
    clock: Clock,
    loaded: Directory,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "directory.json"
    young = (clock.now - timedelta(minutes=5)).isoformat()
    path.write_text(json.dumps({**loaded.to_json(), "fetched_at": young, "base_url": BASE_URL}))
    real_read = Path.read_text

    def refused(self: Path, *args: Any, **kwargs: Any) -> str:
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return real_read(self, *args, **kwargs)

    # Patched rather than chmod: a test run as root reads any file.
    monkeypatch.setattr(Path, "read_text", refused)
    fake = FakeUsageAPI(seed=0)
    with UsageClient(KEY, transport=fake.transport()) as client:
        found = Directory.cached(client, path=path)
    assert fake.requests
    assert found == loaded
    assert any("cannot be read (Permission denied)" in r.getMessage() for r in caplog.records)


def test_the_cache_checks_cover_every_field_of_an_entry() -> None:
    # A field added to Entry without a check would be trusted from the file as it is.
    assert set(_directory_cache.ENTRY_CHECKS) == {f.name for f in attrs.fields(Entry)}


@pytest.mark.parametrize("reading", _directory_load.READINGS, ids=lambda r: f"{r.list}-{r.kind}")
def test_every_reading_names_columns_of_its_list(reading: _directory_load.Reading) -> None:
    # The directory reads list items only through their records: a column renamed or gone in
    # openapi/usage.yaml fails here, not as names silently missing.
    columns = {c.name for c in LISTS[reading.list].columns}
    assert set(reading.columns.values()) <= columns, sorted(set(reading.columns.values()) - columns)
    assert "id" in reading.columns
    assert set(reading.columns) <= {f.name for f in attrs.fields(Entry)}


def test_lookups_take_no_generated_names() -> None:
    # The public signatures say str | None; a generated model's UNSET still reads as absent.
    from openai_org_usage_client.types import UNSET

    for name in ("get", "name", "email", "label", "owner", "is_archived"):
        hints = typing.get_type_hints(getattr(Directory, name))
        assert "Unset" not in str(hints), (name, hints)
    d = Directory([Entry("project_id", "p", name="P")])
    assert d.get("project_id", UNSET) is None  # type: ignore[arg-type]
    assert d.label("project_id", UNSET) == ""  # type: ignore[arg-type]
    assert d.label("project_id", None) == ""
    assert d.owner(UNSET) is None  # type: ignore[arg-type]
    assert not d.is_archived(UNSET)  # type: ignore[arg-type]


def test_a_cache_problem_does_not_quote_the_file() -> None:
    data = json.loads(json.dumps(Directory([Entry("project_id", "p")]).to_json()))
    data["entries"][0]["\x1b[31msk-admin-pasted-here"] = 1
    with pytest.raises(ValueError, match=r"entries\[0\] has 1 unknown key") as caught:
        Directory.from_json(data)
    assert "sk-admin" not in str(caught.value)


def test_times_out_of_range_from_the_api_are_dropped_so_the_cache_stays_valid(
    tmp_path: Path, clock: Clock
) -> None:
    project = {
        "id": "proj_far",
        "object": "organization.project",
        "name": "Far",
        "created_at": 10**15,
        "archived_at": -5,
    }

    def handler(request: httpx.Request) -> httpx.Response:
        data = [project] if request.url.path.endswith("/organization/projects") else []
        return httpx.Response(200, json=listing(data))

    path = tmp_path / "d.json"
    with UsageClient(KEY, transport=httpx.MockTransport(handler)) as c:
        d = Directory.cached(c, path=path)
        again = Directory.cached(c, path=path)
    entry = d.get("project_id", "proj_far")
    assert entry is not None
    assert (entry.created_at, entry.archived_at, entry.archived) == (None, None, False)
    assert d.records("project_id")[0]["created_at"] is None
    assert again == d


def test_an_unwritable_cache_is_a_warning_not_a_failure(
    tmp_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    fake = FakeUsageAPI(seed=0)
    with UsageClient(KEY, transport=fake.transport()) as client:
        d = Directory.cached(client, path=blocker / "directory.json")
    assert len(d) > 0
    assert any("cannot be written" in r.getMessage() for r in caplog.records)
    assert [p for p in os.listdir(tmp_path) if p != "file"] == []


def test_refresh_lists_again_and_rewrites_the_file(tmp_path: Path, clock: Clock) -> None:
    fake = FakeUsageAPI(seed=0)
    path = tmp_path / "directory.json"
    with UsageClient(KEY, transport=fake.transport()) as client:
        d = Directory.cached(client, path=path)
        sent = len(fake.requests)
        clock.now += timedelta(minutes=5)
        assert d.refresh() is d
        assert len(fake.requests) == 2 * sent
    assert d.fetched_at == clock.now
    assert json.loads(path.read_text())["fetched_at"] == clock.now.isoformat()


def test_refresh_needs_the_client_it_came_from() -> None:
    d = Directory([Entry("project_id", "proj_1", name="P")])
    with pytest.raises(InvalidParameterError) as caught:
        d.refresh()
    assert caught.value.param == "client"


def test_async_cached_and_refresh(tmp_path: Path, clock: Clock, loaded: Directory) -> None:
    fake = FakeUsageAPI(seed=0)
    path = tmp_path / "directory.json"

    async def run() -> tuple[Directory, Directory, int, int]:
        async with AsyncUsageClient(KEY, transport=fake.transport()) as client:
            first = await Directory.acached(client, path=path)
            sent = len(fake.requests)
            second = await Directory.acached(client, path=path)
            assert len(fake.requests) == sent
            await second.arefresh()
            return first, second, sent, len(fake.requests)

    first, second, sent, total = asyncio.run(run())
    assert first == second == loaded
    assert total == 2 * sent
    with pytest.raises(InvalidParameterError):
        second.refresh()  # made with an async client


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"max_age": timedelta(0)}, "max_age"),
        ({"max_age": 3600}, "max_age"),
        ({"path": ""}, "path"),
    ],
)
def test_bad_cache_arguments_are_refused(
    tmp_path: Path, kwargs: dict[str, Any], param: str
) -> None:
    def never(request: httpx.Request) -> httpx.Response:
        raise AssertionError("a request was sent")

    arguments: dict[str, Any] = {"path": tmp_path / "d.json"} | kwargs
    with (
        UsageClient(KEY, transport=httpx.MockTransport(never)) as client,
        pytest.raises(InvalidParameterError) as caught,
    ):
        Directory.cached(client, **arguments)
    assert caught.value.param == param


def test_json_round_trip(loaded: Directory) -> None:
    again = Directory.from_json(json.loads(json.dumps(loaded.to_json())))
    assert again == loaded
    assert again.fetched_at == loaded.fetched_at
    with pytest.raises(ValueError, match="format"):
        Directory.from_json({"format": 0})
