"""An operation added to openapi/usage.yaml becomes a typed client method with no other edit.

A copy of the repository gets a made-up operation (``/organization/usage/synthetic_things``,
with its own page, bucket and result schemas, two integer metrics, a string group-by field and
an enum filter); the copied ``codegen.sh`` regenerates the client and the facade's modules;
then, against the copy only, subprocesses check everything a user meets: the new method
(signature and docstring from the spec, the request it sends, the pages it parses, validation
before any request; ``mypy --strict`` accepts a correct call and refuses a wrong ``group_by``
literal), the fake serving it from its schema alone, its export columns, a CLI subcommand with
its options and ``--help``, and a sync table.
"""

from __future__ import annotations

import copy as copying
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent

pytest.importorskip("openapi_python_client", reason="needs the [dev] extra")

PATH = "/organization/usage/synthetic_things"
SUMMARY = "Organization synthetic things usage in time buckets."
DESCRIPTION = "Things made up by tests/test_codegen_facade.py; the API has no such operation."
KINDS_DESCRIPTION = "Only count things of these kinds."


def synthetic_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """``spec`` plus the synthetic operation and its schemas."""
    spec = copying.deepcopy(spec)
    completions = spec["paths"]["/organization/usage/completions"]["get"]
    common = {p["name"]: p for p in completions["parameters"]}
    limits = {"1h": {"default": 24, "minimum": 1, "maximum": 168}}
    limits["1d"] = {"default": 7, "minimum": 1, "maximum": 31}
    spec["paths"][PATH] = {
        "get": {
            "operationId": "usage-synthetic-things",
            "tags": ["Usage"],
            "summary": SUMMARY,
            "description": DESCRIPTION,
            "security": [{"AdminApiKeyAuth": []}],
            "parameters": [
                common["start_time"],
                common["end_time"],
                {
                    "name": "bucket_width",
                    "in": "query",
                    "description": "Width of each bucket: `1h` or `1d` (default).",
                    "required": False,
                    "schema": {"type": "string", "enum": ["1h", "1d"], "default": "1d"},
                },
                common["project_ids"],
                {
                    "name": "thing_kinds",
                    "in": "query",
                    "description": KINDS_DESCRIPTION,
                    "required": False,
                    "schema": {
                        "type": "array",
                        "items": {"type": "string", "enum": ["round", "square"]},
                    },
                },
                {
                    "name": "group_by",
                    "in": "query",
                    "description": "Split results by `project_id` and `thing_kind`.",
                    "required": False,
                    "schema": {
                        "type": "array",
                        "items": {"type": "string", "enum": ["project_id", "thing_kind"]},
                    },
                },
                {
                    "name": "limit",
                    "in": "query",
                    "description": "Buckets per page.",
                    "required": False,
                    "schema": {"type": "integer"},
                    "x-limits": limits,
                },
                common["page"],
            ],
            "responses": {
                "200": {
                    "description": "One page of synthetic things.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/UsageSyntheticThingsPage"}
                        }
                    },
                },
                "429": completions["responses"]["429"],
            },
        }
    }
    schemas = spec["components"]["schemas"]
    page = copying.deepcopy(schemas["UsageCompletionsPage"])
    page["description"] = "One page of synthetic things buckets."
    page["properties"]["data"]["items"] = {
        "$ref": "#/components/schemas/UsageSyntheticThingsBucket"
    }
    bucket = copying.deepcopy(schemas["UsageCompletionsBucket"])
    bucket["properties"]["results"]["items"]["anyOf"] = [
        {"$ref": "#/components/schemas/UsageSyntheticThingsResult"},
        {"$ref": "#/components/schemas/UnknownUsageResult"},
    ]
    nullable_string = {"anyOf": [{"type": "string"}, {"type": "null"}]}
    schemas["UsageSyntheticThingsPage"] = page
    schemas["UsageSyntheticThingsBucket"] = bucket
    schemas["UsageSyntheticThingsResult"] = {
        "type": "object",
        "description": "Synthetic things in one bucket.",
        "properties": {
            "object": {"type": "string", "enum": ["organization.usage.synthetic_things.result"]},
            "num_things": {"type": "integer", "description": "Things made."},
            "num_corners": {"type": "integer", "description": "Corners of those things."},
            "thing_kind": {"description": "Set when grouping by `thing_kind`.", **nullable_string},
            "project_id": {"description": "Set when grouping by `project_id`.", **nullable_string},
        },
        "required": ["object", "num_things", "num_corners"],
    }
    add_synthetic_list(spec)
    return spec


LIST_PATH = "/organization/projects/{project_id}/widgets"


def add_synthetic_list(spec: dict[str, Any]) -> None:
    """A made-up admin list: a page of objects without buckets, paged by ``after``."""
    spec["paths"][LIST_PATH] = {
        "get": {
            "operationId": "list-project-widgets",
            "tags": ["Projects"],
            "summary": "Returns the widgets of a project.",
            "security": [{"AdminApiKeyAuth": []}],
            "parameters": [
                {
                    "name": "project_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string"},
                },
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "default": 10, "minimum": 1, "maximum": 50},
                },
                {
                    "name": "after",
                    "in": "query",
                    "required": False,
                    "x-cursor": "last_id",
                    "schema": {"type": "string"},
                },
                {
                    "name": "colors",
                    "in": "query",
                    "description": "Only widgets of these colors.",
                    "required": False,
                    "schema": {
                        "type": "array",
                        "items": {"type": "string", "enum": ["red", "blue"]},
                    },
                },
            ],
            "responses": {
                "200": {
                    "description": "One page of widgets.",
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/WidgetListResponse"}
                        }
                    },
                }
            },
        }
    }
    schemas = spec["components"]["schemas"]
    page = copying.deepcopy(schemas["ProjectListResponse"])
    page["description"] = "One page of widgets."
    page["properties"]["data"]["items"] = {"$ref": "#/components/schemas/Widget"}
    schemas["WidgetListResponse"] = page
    schemas["Widget"] = {
        "type": "object",
        "description": "A widget of a project.",
        "properties": {
            "id": {"type": "string"},
            "object": {"type": "string", "enum": ["organization.project.widget"]},
            "name": {"type": "string"},
        },
        "required": ["id", "object", "name"],
    }


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the repository with the synthetic operation, regenerated by its codegen.sh."""
    target = tmp_path_factory.mktemp("synthetic") / "repo"
    target.mkdir()
    ignore = shutil.ignore_patterns("__pycache__")
    for name in ("openapi", "tools", "facade", "generated"):
        shutil.copytree(ROOT / name, target / name, ignore=ignore)
    shutil.copy2(ROOT / "codegen.sh", target / "codegen.sh")
    # The project's tool settings (mypy's overrides for untyped optional dependencies among
    # them) apply in the copy as in the repository: without them, mypy's verdict on the
    # facade would depend on which pyarrow or pandas pip picked today.
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    spec_file = target / "openapi" / "usage.yaml"
    spec = synthetic_spec(yaml.safe_load(spec_file.read_text()))
    spec_file.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True))
    result = subprocess.run(
        ["bash", str(target / "codegen.sh")],
        cwd=target,
        env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return target


def in_copy(repo: Path, script: str) -> Any:
    """Run ``script`` against the copy's packages; it prints one JSON value."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": f"{repo / 'facade'}:{repo / 'generated'}",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_only_generated_files_changed(repo: Path) -> None:
    changed = []
    for path in sorted((repo / "facade").rglob("*.py")):
        original = ROOT / path.relative_to(repo)
        if not original.exists() or original.read_bytes() != path.read_bytes():
            changed.append(str(path.relative_to(repo)))
    assert changed == [
        "facade/openai_org_usage/_methods.py",
        "facade/openai_org_usage/_spec.py",
    ]
    assert (repo / "generated/openai_org_usage_client/api/usage/usage_synthetic_things.py").exists()


def test_both_clients_have_the_method_from_the_spec(repo: Path) -> None:
    found = in_copy(
        repo,
        """
        import inspect, json, typing
        import openai_org_usage
        from openai_org_usage import OPERATIONS, AsyncUsageClient, UsageClient

        out = {"file": openai_org_usage.__file__}
        for cls in (UsageClient, AsyncUsageClient):
            method = cls.synthetic_things
            hints = typing.get_type_hints(method)
            out[cls.__name__] = {
                "params": [
                    [p.name, p.kind.name, p.default is inspect.Parameter.empty]
                    for p in inspect.signature(method).parameters.values()
                ],
                "group_by": repr(hints["group_by"]),
                "thing_kinds": repr(hints["thing_kinds"]),
                "bucket_width": repr(hints["bucket_width"]),
                "returns": repr(hints["return"]),
                "doc": inspect.getdoc(method),
            }
        op = OPERATIONS["synthetic_things"]
        out["op"] = [op.path, op.result_cls.__name__, op.result_object, list(op.group_by),
                     {k: list(v) for k, v in op.limits.items()}, [f.key for f in op.fields]]
        print(json.dumps(out))
        """,
    )
    assert found["file"].startswith(str(repo))
    assert found["op"] == [
        PATH,
        "UsageSyntheticThingsResult",
        "organization.usage.synthetic_things.result",
        ["project_id", "thing_kind"],
        {"1d": [7, 31], "1h": [24, 168]},
        ["object", "num_things", "num_corners", "thing_kind", "project_id"],
    ]
    names = ["start", "end", "bucket_width", "group_by", "limit", "tz"]
    names += ["project_ids", "thing_kinds"]
    for client, paginator in (("UsageClient", "Paginator"), ("AsyncUsageClient", "AsyncPaginator")):
        method = found[client]
        assert method["params"] == [["self", "POSITIONAL_OR_KEYWORD", True]] + [
            [name, "KEYWORD_ONLY", name == "start"] for name in names
        ]
        assert "Literal['project_id', 'thing_kind']" in method["group_by"]
        assert "Iterable[typing.Literal['project_id', 'thing_kind']]" in method["group_by"]
        assert "Literal['round', 'square']" in method["thing_kinds"]
        assert "Literal['1d', '1h']" in method["bucket_width"]
        assert method["returns"].endswith(
            f"{paginator}[openai_org_usage_client.models."
            "usage_synthetic_things_result.UsageSyntheticThingsResult]"
        )
        doc = method["doc"]
        assert doc.startswith(SUMMARY)
        assert DESCRIPTION in " ".join(doc.split())
        assert f"thing_kinds: {KINDS_DESCRIPTION}" in doc
        assert "synthetic_things(start=" in doc


def test_the_method_sends_the_request_and_parses_pages(repo: Path) -> None:
    found = in_copy(
        repo,
        """
        import asyncio, json
        from datetime import UTC, datetime
        import httpx
        from openai_org_usage import AsyncUsageClient, UsageClient
        from openai_org_usage_client.models import UsageSyntheticThingsResult

        START, END = 1793491200, 1793491200 + 2 * 86400
        sent = []

        def page(request):
            sent.append([request.url.path, list(request.url.params.multi_items())])
            start = int(request.url.params["start_time"])
            buckets = [
                {"object": "bucket", "start_time": t, "end_time": t + 86400, "results": [
                    {"object": "organization.usage.synthetic_things.result",
                     "num_things": 3, "num_corners": 12, "thing_kind": "square",
                     "project_id": None}]}
                for t in range(start, END, 86400)
            ]
            return httpx.Response(
                200, json={"object": "page", "data": buckets, "has_more": False,
                           "next_page": None})

        arguments = dict(
            start=datetime(2026, 11, 1, tzinfo=UTC), end=datetime(2026, 11, 3, tzinfo=UTC),
            group_by="thing_kind", thing_kinds=["square"], project_ids="proj_1")
        with UsageClient(api_key="sk-admin-test", transport=httpx.MockTransport(page)) as c:
            buckets = list(c.synthetic_things(**arguments))

        async def run():
            async with AsyncUsageClient(
                api_key="sk-admin-test", transport=httpx.MockTransport(page)
            ) as c:
                return [b async for b in c.synthetic_things(**arguments)]

        async_buckets = asyncio.run(run())
        print(json.dumps({
            "sent": sent,
            "buckets": [[b.start_time, b.end_time] for b in buckets],
            "types": sorted({type(r).__name__ for b in buckets for r in b.results}),
            "is_result": all(isinstance(r, UsageSyntheticThingsResult)
                             for b in buckets + async_buckets for r in b.results),
            "values": [[r.num_things, r.num_corners, r.thing_kind] for r in buckets[0].results],
            "async": [[b.start_time, len(b.results)] for b in async_buckets],
        }))
        """,
    )
    query = [
        ["start_time", "1793491200"],
        ["end_time", "1793664000"],
        ["bucket_width", "1d"],
        ["project_ids", "proj_1"],
        ["thing_kinds", "square"],
        ["group_by", "thing_kind"],
        ["limit", "31"],
    ]
    assert found["sent"] == [["/v1/organization/usage/synthetic_things", query]] * 2
    assert found["buckets"] == [[1793491200, 1793577600], [1793577600, 1793664000]]
    assert found["types"] == ["UsageSyntheticThingsResult"]
    assert found["is_result"]
    assert found["values"] == [[3, 12, "square"]]
    assert found["async"] == [[1793491200, 1], [1793577600, 1]]


def test_bad_values_are_refused_before_any_request(repo: Path) -> None:
    found = in_copy(
        repo,
        """
        import json
        import httpx
        from openai_org_usage import InvalidParameterError, UsageClient

        def never(request):
            raise AssertionError("no request expected")

        out = []
        with UsageClient(api_key="sk-admin-test", transport=httpx.MockTransport(never)) as c:
            for arguments in (
                {"group_by": "model"},
                {"thing_kinds": ["triangle"]},
                {"bucket_width": "1m"},
                {"limit": 32},
            ):
                try:
                    c.synthetic_things(start="2026-11-01", end="2026-11-02", **arguments)
                except InvalidParameterError as exc:
                    out.append([exc.param, str(exc)])
        print(json.dumps(out))
        """,
    )
    assert [param for param, _ in found] == ["group_by", "thing_kinds", "bucket_width", "limit"]
    group_by, kinds, _, _ = (message for _, message in found)
    assert "'project_id'" in group_by
    assert "'thing_kind'" in group_by
    assert "'round'" in kinds
    assert "'square'" in kinds


def test_type_checker_knows_the_allowed_values(repo: Path) -> None:
    checks = repo / "checks"
    checks.mkdir()
    call = (
        "from openai_org_usage import UsageClient\n\n\n"
        "def check(client: UsageClient) -> None:\n"
        "    paginator = client.synthetic_things(start='7d', group_by={group_by}, "
        "thing_kinds={kinds})\n"
        "    for bucket in paginator:\n"
        "        total: int = sum(r.num_things for r in bucket.results)\n"
        "        print(total)\n"
    )
    files = {
        "good.py": call.format(group_by="['thing_kind']", kinds="'round'"),
        "bad_group_by.py": call.format(group_by="'model'", kinds="None"),
        "bad_kind.py": call.format(group_by="None", kinds="['triangle']"),
    }
    for name, source in files.items():
        (checks / name).write_text(source)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(repo / ".mypy_cache"),
            "checks",
        ],
        cwd=repo,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "MYPYPATH": f"{repo / 'facade'}:{repo / 'generated'}",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    errors = [line for line in result.stdout.splitlines() if ": error:" in line]
    assert result.returncode == 1, result.stdout + result.stderr
    by_file = {name: [e for e in errors if e.startswith(f"checks/{name}:5:")] for name in files}
    assert sum(map(len, by_file.values())) == len(errors), errors  # only on the calls
    assert by_file["good.py"] == []
    assert any('"group_by"' in e and "Literal['model']" in e for e in by_file["bad_group_by.py"])
    assert any("Literal['triangle']" in e for e in by_file["bad_kind.py"])


def test_the_fake_serves_it_and_exports_and_the_cli_show_it(repo: Path) -> None:
    # No hand-made model exists for the new operation: the fake derives it from the schema.
    found = in_copy(
        repo,
        """
        import json
        from openai_org_usage import OPERATIONS, UsageClient
        from openai_org_usage.export import columns
        from openai_org_usage.fake import FakeUsageAPI

        fake = FakeUsageAPI(seed=0)
        with UsageClient("sk-admin-synthetic", transport=fake.transport()) as client:
            pager = client.synthetic_things(
                start="2026-11-01", end="2026-11-08", group_by="thing_kind", thing_kinds="round"
            )
            records = pager.to_records()
        op = OPERATIONS["synthetic_things"]
        print(json.dumps({
            "columns": [c.name for c in columns(op)],
            "keys": sorted({k for r in records for k in r}),
            "kinds": sorted({r["thing_kind"] for r in records}),
            "days": len({r["bucket_start"].isoformat() for r in records}),
            "things": sum(r["num_things"] for r in records),
        }))
        """,
    )
    assert found["columns"][:2] == ["bucket_start", "bucket_end"]
    assert {"num_things", "num_corners", "thing_kind", "project_id"} <= set(found["columns"])
    assert found["keys"] == sorted(found["columns"])
    assert found["kinds"] == ["round"]  # the enum filter reached the fake and was applied
    assert found["days"] == 7
    assert found["things"] > 0


def test_the_cli_has_a_subcommand_with_its_options(repo: Path) -> None:
    found = in_copy(
        repo,
        """
        import json
        from click.testing import CliRunner
        from openai_org_usage.cli._app import cli

        runner = CliRunner()
        usage_help = runner.invoke(cli, ["usage", "--help"])
        own_help = runner.invoke(cli, ["usage", "synthetic_things", "--help"])
        run = runner.invoke(
            cli,
            ["usage", "synthetic_things", "--demo", "--start", "2026-11-01", "--end",
             "2026-11-03", "--group-by", "thing_kind", "--format", "csv"],
        )
        bad = runner.invoke(
            cli,
            ["usage", "synthetic_things", "--demo", "--last", "2d", "--thing-kind", "hexagonal"],
        )
        print(json.dumps({
            "usage_help": usage_help.output, "own_help": own_help.output,
            "run_code": run.exit_code, "run_out": run.stdout,
            "bad_code": bad.exit_code, "bad_out": bad.output,
        }))
        """,
    )
    assert "synthetic_things" in found["usage_help"]
    own = " ".join(found["own_help"].split())
    assert SUMMARY in own
    assert "--thing-kind [round|square]" in own
    assert "--group-by [project_id|thing_kind]" in own
    assert found["run_code"] == 0, found["run_out"]
    header = found["run_out"].splitlines()[0]
    assert header.startswith("bucket_start,bucket_end")
    assert "num_things" in header
    assert found["bad_code"] == 2
    assert "hexagonal" in found["bad_out"]


def test_the_sync_makes_a_table_for_it(repo: Path, tmp_path: Path) -> None:
    database = tmp_path / "synthetic.duckdb"
    found = in_copy(
        repo,
        f"""
        import json
        from datetime import UTC, datetime
        import duckdb
        from openai_org_usage import UsageClient
        from openai_org_usage.fake import FakeUsageAPI
        from openai_org_usage.store import sync

        fake = FakeUsageAPI(seed=0)
        with UsageClient("sk-admin-synthetic", transport=fake.transport()) as client:
            report = sync(
                client, {str(database)!r}, since="2026-11-10", operations=["synthetic_things"],
                now=datetime(2026, 11, 20, tzinfo=UTC),
            )
        with duckdb.connect({str(database)!r}, read_only=True) as con:
            query = "SELECT table_name FROM duckdb_tables()"
            tables = [r[0] for r in con.execute(query).fetchall()]
            table = [t for t in tables if "synthetic_things" in t][0]
            columns = [r[0] for r in con.execute(f"DESCRIBE {{table}}").fetchall()]
            rows = con.execute(f"SELECT count(*), sum(num_things) FROM {{table}}").fetchone()
        print(json.dumps({{"rows": report.rows["synthetic_things"], "table": table,
                           "columns": columns, "count": rows[0], "things": rows[1]}}))
        """,
    )
    assert found["table"] == "usage_synthetic_things"
    assert {"bucket_start", "num_things", "num_corners", "thing_kind"} <= set(found["columns"])
    assert found["count"] == found["rows"] > 0
    assert found["things"] > 0


def test_a_list_added_to_the_fragment_is_a_list_method(repo: Path) -> None:
    found = in_copy(
        repo,
        """
        import inspect, json, typing
        import httpx
        from openai_org_usage import LISTS, OPERATIONS, InvalidParameterError, UsageClient

        op = LISTS["project_widgets"]
        seen = []

        def handler(request):
            seen.append(str(request.url))
            after = request.url.params.get("after")
            ids = ["w_1", "w_2"] if after is None else ["w_3"]
            data = [{"id": i, "object": "organization.project.widget", "name": i.upper()}
                    for i in ids]
            return httpx.Response(200, json={
                "object": "list", "data": data, "first_id": ids[0], "last_id": ids[-1],
                "has_more": after is None,
            })

        with UsageClient("sk-admin-test", transport=httpx.MockTransport(handler)) as client:
            names = [w.name for w in client.project_widgets("proj_1", colors="red", limit=2)]
            try:
                client.project_widgets("proj_1", colors=["green"])
            except InvalidParameterError as exc:
                refused = [exc.param, exc.allowed]
        hints = typing.get_type_hints(UsageClient.project_widgets)
        print(json.dumps({
            "in_operations": "project_widgets" in OPERATIONS,
            "op": [op.path, op.item_cls.__name__, op.cursor, list(op.page_size),
                   list(op.filters)],
            "params": list(inspect.signature(UsageClient.project_widgets).parameters),
            "colors": repr(hints["colors"]),
            "names": names,
            "seen": seen,
            "refused": refused,
        }))
        """,
    )
    assert found["in_operations"] is False
    assert found["op"] == [LIST_PATH, "Widget", "last_id", [10, 50], ["colors"]]
    assert found["params"] == ["self", "project_id", "limit", "after", "colors"]
    assert "Literal['blue', 'red']" in found["colors"]
    assert found["names"] == ["W_1", "W_2", "W_3"]
    assert found["seen"] == [
        "https://api.openai.com/v1/organization/projects/proj_1/widgets?limit=2&colors=red",
        "https://api.openai.com/v1/organization/projects/proj_1/widgets?limit=2&after=w_2&colors=red",
    ]
    assert found["refused"][0] == "colors"
    assert "'red'" in found["refused"][1]


def test_strings_deep_in_an_operation_are_split_shorter() -> None:
    # List items nest deeper than usage results (an API key's owner.service_account.name):
    # every piece of a string is shortened by the indentation its depth adds.
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "gen_facade_for_test", Path(__file__).parents[1] / "tools" / "gen_facade.py"
    )
    assert spec is not None
    assert spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    text = "word " * 11 + "end"  # 58 characters
    assert gen.py(text, depth=gen.CHUNK_DEPTH) == gen.string_literal(text, gen.CHUNK)
    deep = gen.py(text, depth=gen.CHUNK_DEPTH + 2)
    pieces = [eval(line) for line in deep.strip("()").splitlines()]
    assert "".join(pieces) == text
    assert max(len(p) for p in pieces) <= gen.CHUNK - 8
    assert gen.py("short", depth=40) == "'short'"
