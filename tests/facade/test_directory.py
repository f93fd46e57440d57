"""The directory: names for the IDs in usage rows, from the admin lists, cached and refreshable.

Against the embedded fake (its synthetic organization), and ``httpx.MockTransport`` servers for
refusals and failures.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from openai_org_usage import (
    AsyncUsageClient,
    BadRequestError,
    InternalServerError,
    InvalidParameterError,
    PermissionDeniedError,
    UsageClient,
)
from openai_org_usage import directory as directory_module
from openai_org_usage.directory import COLUMNS, KINDS, TABLES, Directory, Entry
from openai_org_usage.fake import FakeUsageAPI

KEY = "sk-admin-directory-0123456789abcdefghijklmnop"


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


def test_a_refusal_on_an_active_project_is_raised() -> None:
    def refuse_active(project: str, what: str) -> httpx.Response | None:
        return error(403, "You do not have access") if project == "proj_a" else None

    transport = httpx.MockTransport(directory_server(refuse_active))
    with UsageClient(KEY, transport=transport) as c, pytest.raises(PermissionDeniedError):
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


def test_async_refusal_on_an_active_project_is_raised() -> None:
    def refuse_active(project: str, what: str) -> httpx.Response | None:
        return error(400, "no") if project == "proj_a" and what == "service_accounts" else None

    async def load() -> None:
        transport = httpx.MockTransport(directory_server(refuse_active))
        async with AsyncUsageClient(KEY, transport=transport) as c:
            await Directory.aload(c)

    with pytest.raises(BadRequestError):
        asyncio.run(load())


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
