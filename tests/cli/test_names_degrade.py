"""Names degrade narrowly: a list the key may not read costs its own names, not all of them.

Over loopback against the embedded fake (its directory changed so that one active project's
keys answer 403, or its users list does not chain), and ``load_names`` on an in-process
transport for refusals of the organization-wide lists and a listing that loops.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from click.testing import Result

from openai_org_usage import UsageClient
from openai_org_usage.cli._source import Source, load_names
from openai_org_usage.fake import FakeUsageAPI

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
DAY = ("--start", "2026-11-01", "--end", "2026-11-02")
# Assembled, so no key-shaped literal sits in the repository; the value is a placeholder.
KEY = "sk-" + "admin-names-degrade-0123456789"
NOTE = "openai-org-usage: note: "


def _notes(stderr: str) -> list[str]:
    assert "Traceback" not in stderr
    return [line for line in stderr.splitlines() if line.startswith(NOTE)]


def _csv_rows(invoke: Invoke, url: str) -> tuple[list[dict[str, str]], str]:
    result = invoke(
        "usage",
        "completions",
        *DAY,
        "--group-by",
        "project_id",
        "--group-by",
        "api_key_id",
        "--format",
        "csv",
        "--names",
        "--base-url",
        url,
        env={"OPENAI_ADMIN_KEY": KEY},
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    return rows, result.stderr


def test_one_projects_refused_keys_cost_only_their_names(
    invoke: Invoke, fake_api: FakeUsageAPI, fake_url: str
) -> None:
    refused = fake_api.org.projects[1]
    fake_api.directory = dataclasses.replace(
        fake_api.directory,
        refused={
            **fake_api.directory.refused,
            refused: {"api_keys": (403, "You have insufficient permissions for this project.")},
        },
    )
    refused_keys = {k["id"] for k in fake_api.directory.project_keys[refused]}
    rows, stderr = _csv_rows(invoke, fake_url)

    # One note, naming the project whose keys could not be read (its routine archived
    # neighbour's refusals are counted after it, not shown instead of it).
    (note,) = _notes(stderr)
    assert note.startswith(f"{NOTE}names: project Search ranking ({refused}): its API keys")
    assert "HTTP 403" in note
    assert "names unavailable" not in stderr
    # Names for everything else: every project, and every key but that project's.
    assert {row["project_id"] for row in rows} >= {refused}
    assert all(row["project_id_name"] for row in rows)
    assert {row["api_key_id"] for row in rows} & refused_keys
    for row in rows:
        named = bool(row["api_key_id_name"])
        assert named == (row["api_key_id"] not in refused_keys), row


def test_a_users_list_that_does_not_chain_is_a_note_not_a_traceback(
    invoke: Invoke, fake_api: FakeUsageAPI, fake_url: str
) -> None:
    users = fake_api.directory.users
    # The same user twice in one listing: the client refuses to count it twice.
    fake_api.directory = dataclasses.replace(fake_api.directory, users=(*users, users[0]))
    rows, stderr = _csv_rows(invoke, fake_url)
    (note,) = _notes(stderr)
    assert note.startswith(f"{NOTE}names unavailable, showing IDs: ")
    assert "pages do not chain" in note
    assert all(row["project_id"] and not row["project_id_name"] for row in rows)


# -- load_names on an in-process transport ------------------------------------------------------


def _source(handler: Callable[[httpx.Request], httpx.Response]) -> Source:
    client = UsageClient(KEY, transport=httpx.MockTransport(handler), max_retries=0)
    return Source(client, datetime(2026, 11, 25, 12, tzinfo=UTC), demo=False)


def _refusing(fake: FakeUsageAPI, *paths: str) -> Callable[[httpx.Request], httpx.Response]:
    inner = fake.transport()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith(paths):
            body = {"error": {"message": "Insufficient permissions", "type": "invalid_request"}}
            return httpx.Response(403, json=body)
        response = inner.handle_request(request)
        response.read()
        return response

    return handler


@pytest.mark.parametrize(
    ("path", "problem"),
    [
        ("/organization/users", "users could not be listed (HTTP 403"),
        ("/organization/projects", "projects could not be listed (HTTP 403"),
        ("/organization/admin_api_keys", "admin API keys could not be listed (HTTP 403"),
    ],
)
def test_a_refused_organization_list_costs_only_its_own_names(path: str, problem: str) -> None:
    fake = FakeUsageAPI(seed=0)
    source = _source(_refusing(fake, path))
    with source.client:
        loaded = load_names(source)
    assert loaded.names is not None
    assert loaded.notes[0].startswith(f"names: {problem}")
    assert loaded.summary is not None
    assert loaded.summary.startswith(f"{NOTE}names: {problem}")
    # A user that owns a key is named whichever list was refused (by the key, or the list).
    owner = fake.directory.project_keys[fake.org.projects[0]][0]["owner"]["user"]
    assert loaded.names.name("user_id", owner["id"]) == owner["name"]


def test_every_list_refused_means_ids_and_one_note() -> None:
    fake = FakeUsageAPI(seed=0)
    source = _source(
        _refusing(fake, "/organization/users", "/organization/projects", "/admin_api_keys")
    )
    with source.client:
        loaded = load_names(source)
    assert loaded.names is None
    assert len(loaded.notes) == 3
    assert loaded.notes[0].startswith("names unavailable, showing IDs: projects could not be")
    assert loaded.summary is not None
    assert loaded.summary.endswith("(and 2 more like it)")


def test_a_listing_that_loops_is_a_note_not_a_hang() -> None:
    page = {
        "object": "list",
        "data": [{"id": "user-1", "object": "organization.user", "name": "U", "added_at": 1}],
        "first_id": "user-1",
        "last_id": "user-1",
        "has_more": True,
    }
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        if request.url.path.endswith("/organization/users"):
            # The same page whatever the cursor: has_more for ever.
            return httpx.Response(200, json=page)
        return httpx.Response(200, json={"object": "list", "data": [], "has_more": False})

    source = _source(handler)
    with source.client:
        loaded = load_names(source)
    assert loaded.names is None
    (note,) = loaded.notes
    assert note.startswith("names unavailable, showing IDs: ")
    assert "pages do not chain" in note
    assert len(sent) < 10
