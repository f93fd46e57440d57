"""``admin`` commands are made from ``LISTS`` and ``OBJECTS``: a new operation needs no CLI edit.

Each list and single-object read of the fragment is one ``admin`` command, named like the
client's method (``admin project-api-keys``), with its path parameters as required options and
its filters as options (enums as choices, arrays repeatable, a deepObject one option per key).
On ``--demo`` each writes exactly the records the library's ``.records()`` / ``record()`` give.
Synthetic operations show that one added to the tables gets its command, options and help.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import attrs
import click
import pytest
from click.testing import CliRunner, Result

import openai_org_usage.fake
from openai_org_usage import (
    LISTS,
    OBJECTS,
    ListFilter,
    ListOperation,
    ListPaginator,
    Parameter,
    UsageClient,
)
from openai_org_usage.cli._admin import AdminCommand, AdminGroup, admin_command
from openai_org_usage.cli._admin_options import (
    CHOICES_SHOWN,
    AdminOperation,
    admin_options,
    command_name,
)
from openai_org_usage.cli._app import build_cli
from openai_org_usage.fake import FakeUsageAPI, running_server

Run = Callable[..., Result]
EVERY: dict[str, AdminOperation] = {**LISTS, **OBJECTS}
ERROR = "openai-org-usage: error: "
KEY = "sk-" + "admin-THISmustNEVERbeSHOWN0123456789"
FORMULA = '=HYPERLINK("https://evil.example","x")'
ESCAPE = "ops\x1b]0;pwned\x07\x1b[2J\nforged row\u202e"


def runner(app: Any) -> Run:
    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)

    return run


@pytest.fixture
def run() -> Run:
    return runner(build_cli())


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> list[FakeUsageAPI]:
    """Every fake ``--demo`` makes while the test runs, to read its recorded requests."""
    made: list[FakeUsageAPI] = []
    real = openai_org_usage.fake.FakeUsageAPI

    def make(*args: Any, **kwargs: Any) -> FakeUsageAPI:
        api = real(*args, **kwargs)
        made.append(api)
        return api

    monkeypatch.setattr(openai_org_usage.fake, "FakeUsageAPI", make)
    return made


@pytest.fixture
def demo() -> Iterator[UsageClient]:
    """The library on the same fake as ``--demo``."""
    with UsageClient("sk-admin-demo", transport=FakeUsageAPI(seed=0).transport()) as client:
        yield client


PROJECT = FakeUsageAPI(seed=0).org.projects[0]


def _path_args(op: Any) -> list[str]:
    assert set(op.path_parameters) <= {"project_id"}, "give the new path parameter a demo value"
    return ["--project-id", PROJECT] if op.path_parameters else []


def _path_kwargs(op: Any) -> dict[str, str]:
    return {"project_id": PROJECT} if op.path_parameters else {}


def _json(result: Result) -> Any:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _library(client: UsageClient, name: str, **kwargs: Any) -> Any:
    found = getattr(client, name)(**kwargs)
    if isinstance(found, ListPaginator):
        return list(found.records())
    return OBJECTS[name].record(found)


def _refused(result: Result, *named: str) -> str:
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(ERROR)
    for text in named:
        assert text in line, line
    return line


# -- one command per operation -----------------------------------------------------------------


def test_every_list_and_object_has_exactly_one_command(run: Run) -> None:
    group = build_cli().commands["admin"]
    assert isinstance(group, AdminGroup)
    commands = [group.commands[name] for name in group.list_commands(click.Context(group))]
    assert [c.name for c in commands] == [command_name(op) for op in EVERY.values()]
    assert all(isinstance(c, AdminCommand) for c in commands)
    assert [c.operation for c in commands if isinstance(c, AdminCommand)] == list(EVERY.values())
    listing = run("admin", "--help").stdout
    for op in EVERY.values():
        assert command_name(op) in listing


def test_command_names_follow_the_client_methods() -> None:
    names = {command_name(op) for op in EVERY.values()}
    expected = {
        "projects", "project-api-keys", "spend-limit", "project-spend-limit",
        "spend-alerts", "project-rate-limits", "audit-logs", "health-alert-rules",
    }  # fmt: skip
    assert expected <= names


@pytest.mark.parametrize("name", list(EVERY))
def test_every_command_has_its_help_options_and_example(run: Run, name: str) -> None:
    op = EVERY[name]
    result = run("admin", command_name(op), "--help")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert " ".join(op.summary.split())[:30] in text
    assert f"API: GET {op.path}" in text
    assert f"openai-org-usage admin {command_name(op)}" in text  # the examples
    assert "--format [table|csv|json|ndjson]" in text
    assert "--demo" in text
    for option in admin_options(op):
        assert option.flag in text, option
        if option.allowed and len(option.allowed) <= CHOICES_SHOWN:
            assert f"{option.flag} [{'|'.join(option.allowed)}]" in text
    for param in op.path_parameters:
        assert f"--{param.replace('_', '-')} {param.upper()} " in text
    assert ("--limit N" in text) == isinstance(op, ListOperation)
    assert "--api-key " not in text


def test_deep_object_filters_are_one_option_per_key(run: Run) -> None:
    text = run("admin", "audit-logs", "--help").stdout
    for key in ("gt", "gte", "lt", "lte"):
        assert f"--effective-at-{key} WHEN" in text
    assert "--event-type VALUE" in text  # repeatable; 149 values are not listed in the usage
    assert "--tenant-only / --no-tenant-only" in text


# -- what each command writes --------------------------------------------------------------------


@pytest.mark.parametrize("name", list(EVERY))
def test_every_command_writes_the_librarys_records(run: Run, demo: UsageClient, name: str) -> None:
    op = EVERY[name]
    words = ("admin", command_name(op), *_path_args(op), "--demo")
    shown = _json(run(*words, "--format", "json"))
    assert shown == _library(demo, name, **_path_kwargs(op))
    assert shown
    ndjson = run(*words, "--format", "ndjson").stdout.splitlines()
    as_list = shown if isinstance(shown, list) else [shown]
    assert [json.loads(line) for line in ndjson] == as_list
    rows = list(csv.DictReader(io.StringIO(run(*words, "--format", "csv").stdout)))
    assert [list(row) for row in rows] == [[c.name for c in op.columns]] * len(as_list)
    table = run(*words)
    assert table.exit_code == 0, table.output
    assert "synthetic demo data" in table.stdout
    assert "Demo mode" in table.stderr


def test_filters_and_deep_objects_reach_the_wire(
    run: Run, demo: UsageClient, fakes: list[FakeUsageAPI]
) -> None:
    args = (
        "admin", "audit-logs", "--demo", "--effective-at-gte", "2026-11-01",
        "--effective-at-lt", "2026-11-20T00:00:00Z", "--event-type", "api_key.updated",
        "--event-type", "api_key.created", "--format", "json",
    )  # fmt: skip
    shown = _json(run(*args))
    (fake,) = fakes
    (request,) = fake.requests
    assert request.path == "/v1/organization/audit_logs"
    query = list(request.query)
    assert ("effective_at[gte]", "1793491200") in query
    assert ("effective_at[lt]", "1795132800") in query
    assert [v for k, v in query if k == "event_types[]"] == ["api_key.updated", "api_key.created"]
    assert not {k for k, _ in query} & {"gte", "lt"}  # never the generated client's bare keys
    expected = _library(
        demo,
        "audit_logs",
        effective_at={"gte": "2026-11-01", "lt": "2026-11-20T00:00:00Z"},
        event_types=["api_key.updated", "api_key.created"],
    )
    assert shown == expected
    assert shown
    assert {row["type"] for row in shown} <= {"api_key.updated", "api_key.created"}


def test_a_span_counts_back_from_the_demo_clock(run: Run, fakes: list[FakeUsageAPI]) -> None:
    _json(run("admin", "audit-logs", "--demo", "--effective-at-gte", "7d", "--format", "json"))
    (fake,) = fakes
    assert ("effective_at[gte]", str(fake.now_ts - 7 * 86_400)) in fake.requests[0].query


def test_enum_flag_and_token_filters_reach_the_wire(
    run: Run, demo: UsageClient, fakes: list[FakeUsageAPI]
) -> None:
    shown = _json(
        run("admin", "health-alert-rules", "--demo", "--no-enabled", "--type", "error_rate",
            "--format", "json")
    )  # fmt: skip
    query = fakes[0].requests[0].query
    assert ("enabled", "false") in query
    assert ("type", "error_rate") in query
    assert shown == _library(demo, "health_alert_rules", enabled=False, type_="error_rate")


def test_limit_caps_the_objects_fetched(run: Run, fakes: list[FakeUsageAPI]) -> None:
    args = ("admin", "users", "--demo", "--demo-size", "large", "--limit", "5")
    shown = _json(run(*args, "--format", "json"))
    assert len(shown) == 5
    (fake,) = fakes
    assert len(fake.requests) == 1  # stopped on the first page, never asked for the next
    with UsageClient(
        "sk-admin-demo", transport=FakeUsageAPI(seed=0, size="large").transport()
    ) as c:
        assert shown == list(c.users().records())[:5]


def test_long_tables_show_the_top_and_count_the_rest(run: Run) -> None:
    result = run("admin", "users", "--demo", "--demo-size", "large", "--top", "10")
    assert result.exit_code == 0, result.output
    assert "(1,990 more)" in result.stdout
    assert "--top 2000 lists them all" in " ".join(result.stdout.split())
    csv_out = run("admin", "users", "--demo", "--demo-size", "large", "--format", "csv").stdout
    assert len(csv_out.splitlines()) == 2001  # the machine formats list every one


# -- refusals, before any request ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("audit-logs", "--event-type", "api_key.update"), "--event-type"),
        (("health-alert-rules", "--type", "nope"), "--type"),
        (("admin-api-keys", "--order", "sideways"), "--order"),
        (("project-api-keys", "--project-id", PROJECT, "--owner-project-access", "x"),
         "--owner-project-access"),
    ],
)  # fmt: skip
def test_a_bad_enum_value_is_refused_before_any_request(
    run: Run, fakes: list[FakeUsageAPI], args: tuple[str, ...], option: str
) -> None:
    line = _refused(run("admin", *args, "--demo"), option)
    assert "not one of" in line
    assert all(not fake.requests for fake in fakes)


def test_a_near_miss_among_many_values_names_the_closest(run: Run) -> None:
    line = _refused(run("admin", "audit-logs", "--demo", "--event-type", "api_key.update"))
    assert "149 allowed values" in line
    assert "api_key.updated" in line
    assert len(line) < 400  # not all 149 of them


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("audit-logs", "--effective-at-gte", "nope"), "invalid --effective-at-gte 'nope'"),
        (("project-api-keys", "--project-id", ""), "invalid --project-id ''"),
        (("project-spend-limit", "--project-id", " "), "invalid --project-id ' '"),
        (("users", "--email", ""), "invalid --email"),
    ],
)  # fmt: skip
def test_the_librarys_refusals_name_the_option(
    run: Run, fakes: list[FakeUsageAPI], args: tuple[str, ...], named: str
) -> None:
    line = _refused(run("admin", *args, "--demo"), named)
    assert "expected" in line
    assert all(not fake.requests for fake in fakes)


@pytest.mark.parametrize("name", [n for n, op in EVERY.items() if op.path_parameters])
def test_path_parameters_are_required_options(run: Run, name: str) -> None:
    _refused(run("admin", command_name(EVERY[name]), "--demo"), "Missing option '--project-id'")


def test_an_api_error_is_one_line(run: Run) -> None:
    result = run("admin", "project-spend-limit", "--demo", "--project-id", "proj_nope")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1].startswith(
        ERROR + "the demo's fake API answered HTTP 404"
    )


# -- an operation added to the tables ------------------------------------------------------------


def _copy(monkeypatch: pytest.MonkeyPatch, table: dict[str, Any], original: str, name: str) -> None:
    """Add a copy of an operation under a new name, and the method a regenerated client has."""
    monkeypatch.setitem(table, name, attrs.evolve(table[original], name=name))
    monkeypatch.setattr(UsageClient, name, getattr(UsageClient, original), raising=False)


def test_a_list_or_object_added_to_the_tables_is_a_command(monkeypatch: pytest.MonkeyPatch) -> None:
    _copy(monkeypatch, LISTS, "project_rate_limits", "project_rate_limits_again")  # type: ignore[arg-type]
    _copy(monkeypatch, OBJECTS, "spend_limit", "spend_limit_again")  # type: ignore[arg-type]
    run = runner(build_cli())
    listing = run("admin", "--help").stdout
    assert "project-rate-limits-again" in listing
    assert "spend-limit-again" in listing
    assert "--project-id PROJECT_ID" in run("admin", "project-rate-limits-again", "--help").stdout
    for new, old in (("project-rate-limits-again", "project-rate-limits"),
                     ("spend-limit-again", "spend-limit")):  # fmt: skip
        path = ["--project-id", PROJECT] if "project" in new else []
        again = _json(run("admin", new, *path, "--demo", "--format", "json"))
        assert again == _json(run("admin", old, *path, "--demo", "--format", "json"))
        assert again
    monkeypatch.undo()
    assert "-again" not in run("admin", "--help").stdout  # gone with it: exactly one each


@pytest.fixture
def widgets(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A list with one filter of every kind; its client method records its arguments and
    lists projects from the fake (the records are the projects', the call is what counts)."""
    op = attrs.evolve(
        LISTS["projects"],
        name="widget_parts",
        path="/organization/widgets/{widget_id}/parts",
        summary="Lists a widget's parts.",
        path_parameters=("widget_id",),
        filters={
            "colour": ListFilter("colour", "choice", ("blue", "red"), None, "Only this colour."),
            "sizes": ListFilter("sizes", "choices", ("l", "m", "s"), None, "Only these sizes."),
            "tags": ListFilter("tags", "strings", (), None, "Only with these tags."),
            "shiny": ListFilter("shiny", "boolean", (), None, "Only shiny ones."),
            "made_at": ListFilter("made_at", "range", ("gt", "lte"), None, "Made then."),
            "before": ListFilter("before", "string", (), None, "Cursor."),
        },
        parameters=(
            Parameter("made_at", False, None, False, "made_at", "deepObject"),
            *LISTS["projects"].parameters,
        ),
    )
    monkeypatch.setitem(LISTS, "widget_parts", op)
    calls: list[dict[str, Any]] = []

    def method(self: UsageClient, **kwargs: Any) -> ListPaginator[Any]:
        calls.append(kwargs)
        return self.projects()

    monkeypatch.setattr(UsageClient, "widget_parts", method, raising=False)
    return calls


def test_new_filter_kinds_become_options(widgets: list[dict[str, Any]]) -> None:
    run = runner(build_cli())
    assert "widget-parts" in run("admin", "--help").stdout
    text = " ".join(run("admin", "widget-parts", "--help").stdout.split())
    for shown in ("--widget-id WIDGET_ID", "--colour [blue|red]", "--size [l|m|s]",
                  "--tag VALUE", "--shiny / --no-shiny", "--made-at-gt WHEN",
                  "--made-at-lte WHEN", "--before VALUE", "--after CURSOR",
                  "API: GET /organization/widgets/{widget_id}/parts"):  # fmt: skip
        assert shown in text, shown
    result = run(
        "admin", "widget-parts", "--widget-id", "w_1", "--colour", "red", "--size", "s",
        "--size", "l", "--tag", "a", "--tag", "b", "--no-shiny", "--made-at-gt", "2026-11-01",
        "--before", "p_9", "--demo", "--format", "json",
    )  # fmt: skip
    assert _json(result)
    assert widgets == [
        {
            "widget_id": "w_1",
            "colour": "red",
            "sizes": ["s", "l"],
            "tags": ["a", "b"],
            "shiny": False,
            "made_at": {"gt": 1793491200},
            "before": "p_9",
        }
    ]
    _refused(run("admin", "widget-parts", "--widget-id", "w", "--colour", "green", "--demo"),
             "--colour")  # fmt: skip


@pytest.mark.parametrize("name", ["limit", "top", "output", "api", "demo"])
def test_an_option_cannot_take_the_name_of_another(name: str) -> None:
    projects = LISTS["projects"]
    clash = attrs.evolve(projects, filters={**projects.filters, name: ListFilter(name, "string")})
    with pytest.raises(ValueError, match=name):
        admin_command(clash)


# -- output: files, spreadsheets, terminals, the key ----------------------------------------------


@pytest.fixture
def hostile(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every fake made has a project named with a formula and one with terminal controls."""
    real = openai_org_usage.fake.FakeUsageAPI

    def make(*args: Any, **kwargs: Any) -> FakeUsageAPI:
        api = real(*args, **kwargs)
        names = iter((FORMULA, ESCAPE))
        projects = tuple({**p, "name": next(names, p["name"])} for p in api.directory.projects)
        api.directory = dataclasses.replace(api.directory, projects=projects)
        return api

    monkeypatch.setattr(openai_org_usage.fake, "FakeUsageAPI", make)


@pytest.mark.usefixtures("hostile")
def test_csv_neutralises_formulas_and_tables_escape_controls(run: Run) -> None:
    rows = list(
        csv.DictReader(io.StringIO(run("admin", "projects", "--demo", "--format", "csv").stdout))
    )
    assert rows[0]["name"] == "'" + FORMULA
    assert rows[0]["created_at"].isdigit()  # numbers stay numbers
    raw = run("admin", "projects", "--demo", "--format", "csv", "--csv-raw").stdout
    assert next(csv.DictReader(io.StringIO(raw)))["name"] == FORMULA
    shown = _json(run("admin", "projects", "--demo", "--format", "json"))
    assert [p["name"] for p in shown[:2]] == [FORMULA, ESCAPE]  # JSON keeps the data exact
    table = run("admin", "projects", "--demo").stdout
    for raw_char in ("\x1b", "\x07", "\u202e"):
        assert raw_char not in table
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\nforged row\\u202e" in table
    assert not any(line.startswith("forged row") for line in table.splitlines())


def test_output_file_is_written_whole_or_left_as_it_was(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "keys.csv"
    args = ("admin", "project-api-keys", "--demo", "--format", "csv", "-o", str(target))
    assert run(*args[:2], "--project-id", PROJECT, *args[2:]).exit_code == 0
    written = target.read_text()
    assert written.startswith("redacted_value,name,")
    failed = run(*args[:2], "--project-id", "proj_nope", *args[2:])
    assert failed.exit_code == 1
    assert target.read_text() == written
    assert [p.name for p in tmp_path.iterdir()] == ["keys.csv"]  # no partial file left


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "ndjson"])
def test_the_key_never_appears(fmt: str) -> None:
    run = runner(build_cli())
    env = {"OPENAI_ADMIN_KEY": KEY}
    with running_server(FakeUsageAPI(seed=0, api_key=KEY)) as url:
        for op in EVERY.values():
            words = ("admin", command_name(op), *_path_args(op), "--base-url", url)
            result = run(*words, "--format", fmt, env=env)
            assert result.exit_code == 0, result.output
            assert KEY not in result.stdout + result.stderr
    # A server quoting the Authorization header back in its error: redacted on the way out.
    with running_server(FakeUsageAPI(seed=0, faults=["echo_auth"])) as url:
        result = run("admin", "projects", "--base-url", url, "--format", fmt, env=env)
    assert result.exit_code == 1
    assert result.stderr.startswith(ERROR)
    assert KEY not in result.stdout + result.stderr
