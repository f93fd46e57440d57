"""Tests of tools/compare_upstream.py: drift between OpenAI's description and openapi/usage.yaml.

The upstream side is data/openai-usage-upstream.yaml, a verbatim copy of the subset our fragment
mirrors (kept here so the tests do not depend on anything outside the repository). Each drift
case loads it, changes one thing the way a future upstream release might, and writes the result
to tmp_path; our side is always the real openapi/usage.yaml.
"""

import copy
import functools
import importlib.util
import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
REFERENCE = Path(__file__).parent / "data" / "openai-usage-upstream.yaml"
OURS = REPO / "openapi" / "usage.yaml"

_spec = importlib.util.spec_from_file_location(
    "compare_upstream", REPO / "tools" / "compare_upstream.py"
)
assert _spec is not None
assert _spec.loader is not None
compare_upstream = importlib.util.module_from_spec(_spec)
sys.modules["compare_upstream"] = compare_upstream
_spec.loader.exec_module(compare_upstream)

Doc = dict[str, Any]


@functools.cache
def _parsed_reference() -> Doc:
    doc: Doc = yaml.safe_load(REFERENCE.read_text(encoding="utf-8"))
    return doc


@functools.cache
def _parsed_ours() -> Doc:
    doc: Doc = yaml.safe_load(OURS.read_text(encoding="utf-8"))
    return doc


# The operations both descriptions have: the upstream description's eleven (ours adds one).
OPERATIONS = len(_parsed_reference()["paths"])


def reference() -> Doc:
    """A fresh, editable copy of the reference description (parsed once: it is large)."""
    return copy.deepcopy(_parsed_reference())


def dump_yaml(doc: Doc) -> str:
    """yaml.safe_dump, through libyaml when available (several times faster)."""
    text: str = yaml.dump(doc, Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper))
    return text


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, list[str], str]:
    """Run the tool's main(); return its exit status, stdout lines and stderr."""
    status = compare_upstream.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return status, out.splitlines(), err


def tagged(lines: list[str], tag: str) -> list[str]:
    return [line for line in lines if line.startswith(tag + " ")]


def param(doc: Doc, path: str, name: str) -> Doc:
    found: Doc = next(p for p in doc["paths"][path]["get"]["parameters"] if p["name"] == name)
    return found


def schema(doc: Doc, name: str) -> Doc:
    found: Doc = doc["components"]["schemas"][name]
    return found


def x_source_nodes(node: Any, where: tuple[str | int, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """(location, node) of every node of ours marked ``x-source`` (added from the SDK)."""
    if isinstance(node, dict):
        if "x-source" in node:
            yield where, node
        for key, value in node.items():
            yield from x_source_nodes(value, (*where, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from x_source_nodes(value, (*where, index))


def referenced_schemas(node: Any, doc: Doc, found: set[str] | None = None) -> set[str]:
    """The names of every schema ``node`` refers to, directly or through other schemas."""
    found = set() if found is None else found
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
            name = ref.rsplit("/", 1)[-1]
            if name not in found:
                found.add(name)
                referenced_schemas(doc["components"]["schemas"][name], doc, found)
        for value in node.values():
            referenced_schemas(value, doc, found)
    elif isinstance(node, list):
        for value in node:
            referenced_schemas(value, doc, found)
    return found


def _compared_path(path: str) -> bool:
    """What compare_upstream compares: the usage and costs operations (its USAGE_PREFIX and
    COSTS_PATH); the admin and governance reads are outside what it reports."""
    return path == compare_upstream.COSTS_PATH or path.startswith(compare_upstream.USAGE_PREFIX)


def sdk_additions() -> Counter[str]:
    """The deviation lines ours' ``x-source`` additions must cause, counted by kind.

    Read from the fragment's ``x-source`` markers (what the SDK has and the published
    description lags behind on) and the reference: an operation upstream lacks is one line,
    and nothing inside it is compared (so its schemas add none); a parameter upstream lacks is
    one line; a marked enum is one line per value upstream lacks; a marked property of a
    compared schema is one line: a result field upstream lacks, or ``next_page`` of a page,
    optional in ours and required upstream. A marker without ``x-deviation`` (a newer meaning,
    the same wire format) causes none.
    """
    ours, upstream = _parsed_ours(), _parsed_reference()
    # compare_upstream compares the usage and costs operations only (its USAGE_PREFIX and
    # COSTS_PATH): the admin and governance reads are outside what it reports.
    new_paths = [path for path in ours["paths"] if path not in upstream["paths"]]
    compared = referenced_schemas([ours["paths"][p] for p in upstream["paths"]], ours)
    new_only = referenced_schemas([ours["paths"][p] for p in new_paths], ours) - compared
    counts: Counter[str] = Counter()
    for where, node in x_source_nodes(ours):
        if "x-deviation" not in node:
            continue
        match where:
            case ("paths", path, *_) if not _compared_path(path):
                pass  # an admin or governance read: outside what compare_upstream reports
            case ("paths", path, "get") if path in new_paths:
                counts["operation"] += 1
            case ("paths", path, *_) if path in new_paths:
                pass  # inside a new operation, which is reported as a whole
            case ("paths", path, "get", "parameters", int()):
                upstream_names = {p["name"] for p in upstream["paths"][path]["get"]["parameters"]}
                assert node["name"] not in upstream_names
                counts["parameter"] += 1
            case ("paths", path, "get", "parameters", int(i), "schema", "items"):
                name = ours["paths"][path]["get"]["parameters"][i]["name"]
                upstream_enum = param(upstream, path, name)["schema"]["items"]["enum"]
                added = set(node["enum"]) - set(upstream_enum)
                assert added, f"{path} {name}: an x-source enum with nothing new"
                counts[f"{name} value"] += len(added)
            case ("components", "schemas", name, *_) if name in new_only:
                pass  # inside a new operation, which is reported as a whole
            case ("components", "schemas", name, "properties", "next_page"):
                copied = schema(ours, name)["x-upstream"]
                assert name in compared
                assert "next_page" in schema(upstream, copied)["required"]
                assert "next_page" not in schema(ours, name).get("required", [])
                counts["next_page optional"] += 1
            case ("components", "schemas", name, "properties", prop):
                assert name in compared
                assert prop not in schema(upstream, name)["properties"]
                counts["result field"] += 1
            case _:
                pytest.fail(f"an x-source marker this test cannot count at {where}")
    return counts


def expected_deviations() -> int:
    """Every deliberate deviation compare_upstream reports for ours against the reference.

    Per operation both have: its own page schema, its own bucket schema and the results union
    narrowed to its type plus UnknownUsageResult (3 lines); UnknownUsageResult itself (1 line);
    and what ours adds from the SDK (``sdk_additions``).
    """
    return 3 * OPERATIONS + 1 + sum(sdk_additions().values())


def test_the_sdk_additions_are_the_november_2026_api() -> None:
    # Written down, so that a marker the count above misses or miscounts shows here.
    assert OPERATIONS == 11
    assert sdk_additions() == {
        "operation": 1,  # decisions
        "parameter": 1,  # costs line_items
        "group_by value": 4,  # api_source x3 (costs, completions, web_search_calls), user_id
        "result field": 6,  # api_source x3, costs user_id, two cache-write retentions
        "next_page optional": OPERATIONS,  # in every page of an operation upstream has
    }
    assert expected_deviations() == 34 + 23


def test_reference_matches_ours_apart_from_the_marked_deviations(
    capsys: pytest.CaptureFixture[str],
) -> None:
    status, lines, err = run(capsys, REFERENCE)

    assert (status, err) == (0, "")
    assert tagged(lines, "DRIFT") == []
    deviations = tagged(lines, "DEVIATION")
    assert lines == [*deviations, f"0 drift, {len(deviations)} deliberate deviations"]
    pages = [line for line in deviations if "Page replaces UsageResponse" in line]
    buckets = [line for line in deviations if "Bucket replaces UsageTimeBucket" in line]
    unions = [line for line in deviations if "anyOf instead of oneOf; keeps 1 of 11" in line]
    assert len(pages) == len(buckets) == len(unions) == OPERATIONS
    assert (
        "DEVIATION GET /organization/usage/completions 200: schema UsageCompletionsPage replaces "
        "UsageResponse (Each operation returns its own page schema; upstream shares UsageResponse.)"
    ) in pages
    assert all("UnknownUsageResult" in line for line in unions)
    # The extra schema is reported once, not once per operation whose union holds it.
    assert [
        line for line in deviations if line.startswith("DEVIATION schema UnknownUsageResult")
    ] == [
        "DEVIATION schema UnknownUsageResult: not in upstream "
        "(Fallback for result types this description does not know yet.)"
    ]
    # Each SDK addition is explained by its own marker, which names the SDK.
    from_sdk = [line for line in deviations if "(from the openai 3.57.0 SDK" in line]
    assert len(from_sdk) == sum(sdk_additions().values())
    assert (
        "DEVIATION operation GET /organization/usage/decisions: removed upstream (ours: "
        "operationId usage-decisions) (Newer than upstream: the decisions operation (from the "
        "openai 3.57.0 SDK, 2026-11-19; the published description lags).)"
    ) in from_sdk
    assert sum("next_page' now required upstream" in line for line in from_sdk) == OPERATIONS
    assert len(deviations) == expected_deviations()


def add_realtime_operation(doc: Doc) -> None:
    """A twelfth operation whose results are a new member of upstream's results union."""
    item = copy.deepcopy(doc["paths"]["/organization/usage/completions"])
    item["get"]["operationId"] = "usage-realtime"
    doc["paths"]["/organization/usage/realtime"] = item
    doc["components"]["schemas"]["UsageRealtimeResult"] = {
        "type": "object",
        "properties": {
            "object": {"type": "string", "enum": ["organization.usage.realtime.result"]}
        },
    }
    union = schema(doc, "UsageTimeBucket")["properties"]["results"]["items"]["oneOf"]
    union.append({"$ref": "#/components/schemas/UsageRealtimeResult"})


def remove_param(doc: Doc, path: str, name: str) -> None:
    doc["paths"][path]["get"]["parameters"].remove(param(doc, path, name))


IMAGES = "/organization/usage/images"
TOO_MANY_REQUESTS = ("components", "responses", "TooManyRequests", "headers")


def headers(doc: Doc) -> Doc:
    found: Doc = doc
    for key in TOO_MANY_REQUESTS:
        found = found[key]
    return found


# (change to upstream, every DRIFT line the tool must print for it)
DRIFT_CASES: dict[str, tuple[Callable[[Doc], None], list[str]]] = {
    "new enum value of a parameter": (
        lambda d: param(d, IMAGES, "sizes")["schema"]["items"]["enum"].append("2048x2048"),
        [f"DRIFT     GET {IMAGES} param sizes[]: enum value '2048x2048' added upstream"],
    ),
    "new result field": (
        lambda d: schema(d, "UsageCompletionsResult")["properties"].update(
            input_video_tokens={"type": "integer"}
        ),
        [
            "DRIFT     schema UsageCompletionsResult: property 'input_video_tokens' added upstream "
            "(integer, optional)"
        ],
    ),
    "new operation with a new result schema": (
        add_realtime_operation,
        [
            "DRIFT     schema UsageRealtimeResult: added upstream as a union member; "
            "ours has no such schema",
            "DRIFT     operation GET /organization/usage/realtime: added upstream "
            "(operationId usage-realtime)",
        ],
    ),
    "parameter removed": (
        lambda d: remove_param(d, "/organization/usage/embeddings", "models"),
        ["DRIFT     GET /organization/usage/embeddings param models: removed upstream"],
    ),
    "nullable field made non-nullable": (
        lambda d: schema(d, "UsageCompletionsResult")["properties"].update(
            user_id={"type": "string"}
        ),
        ["DRIFT     schema UsageCompletionsResult user_id: no longer nullable upstream"],
    ),
    "field made required": (
        lambda d: schema(d, "UsageCompletionsResult")["required"].append("model"),
        ["DRIFT     schema UsageCompletionsResult: property 'model' now required upstream"],
    ),
    "default changed": (
        lambda d: param(d, "/organization/costs", "limit")["schema"].update(default=10),
        ["DRIFT     GET /organization/costs param limit: default changed upstream: 7 -> 10"],
    ),
    "new response header": (
        lambda d: headers(d).update({"X-Request-Id": {"schema": {"type": "string"}}}),
        ["DRIFT     response TooManyRequests: header X-Request-Id added upstream (string)"],
    ),
    "Retry-After removed": (
        lambda d: headers(d).pop("Retry-After"),
        ["DRIFT     response TooManyRequests: header Retry-After removed upstream"],
    ),
    "Retry-After type changed": (
        lambda d: headers(d)["Retry-After"]["schema"].update(type="string"),
        [
            "DRIFT     response TooManyRequests header Retry-After: type changed upstream: "
            "integer -> string"
        ],
    ),
    "enum value nested in anyOf": (
        lambda d: schema(d, "CostsResult")["properties"]["quantity_unit"]["anyOf"][1][
            "enum"
        ].append("requests"),
        [
            "DRIFT     schema CostsResult quantity_unit.anyOf[1]: enum value 'requests' "
            "added upstream"
        ],
    ),
    "nested object property type": (
        lambda d: schema(d, "CostsResult")["properties"]["amount"]["properties"]["currency"].update(
            type="integer"
        ),
        ["DRIFT     schema CostsResult amount.currency: type changed upstream: string -> integer"],
    ),
    "format changed": (
        lambda d: schema(d, "UsageAudioTranscriptionsResult")["properties"]["seconds"].update(
            format="int32"
        ),
        [
            "DRIFT     schema UsageAudioTranscriptionsResult seconds: format changed upstream: "
            "'int64' -> 'int32'"
        ],
    ),
    "additionalProperties closed": (
        lambda d: schema(d, "ErrorResponse").update(additionalProperties=False),
        ["DRIFT     schema ErrorResponse: additionalProperties changed upstream: true -> false"],
    ),
    "operationId, security and status code": (
        lambda d: d["paths"]["/organization/costs"]["get"].update(
            operationId="costs",
            security=[{"ProjectKeyAuth": []}],
            responses={**d["paths"]["/organization/costs"]["get"]["responses"], "400": {}},
        ),
        [
            "DRIFT     GET /organization/costs: operationId changed upstream: "
            "'usage-costs' -> 'costs'",
            "DRIFT     GET /organization/costs: security changed upstream: "
            "AdminApiKeyAuth -> ProjectKeyAuth",
            "DRIFT     GET /organization/costs: response 400 added upstream",
        ],
    ),
    "operation removed": (
        lambda d: d["paths"].pop("/organization/usage/vector_stores"),
        [
            "DRIFT     operation GET /organization/usage/vector_stores: removed upstream "
            "(ours: operationId usage-vector-stores)"
        ],
    ),
}


@pytest.mark.parametrize("change", DRIFT_CASES.values(), ids=DRIFT_CASES.keys())
def test_upstream_change_is_reported_as_drift(
    change: tuple[Callable[[Doc], None], list[str]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    edit, expected = change
    doc = reference()
    edit(doc)
    upstream = tmp_path / "openapi.yaml"
    upstream.write_text(dump_yaml(doc), encoding="utf-8")

    status, lines, _ = run(capsys, upstream)

    assert status == 1
    assert tagged(lines, "DRIFT") == expected
    assert lines[-1].startswith(f"{len(expected)} drift, ")


def test_a_declared_copy_still_mirrors_its_upstream_body(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The page schemas are marked deviations, but a new UsageResponse field is still drift."""
    doc = reference()
    schema(doc, "UsageResponse")["properties"]["total"] = {"type": "integer"}
    upstream = tmp_path / "openapi.yaml"
    upstream.write_text(dump_yaml(doc), encoding="utf-8")

    status, lines, _ = run(capsys, upstream)

    assert status == 1
    drift = tagged(lines, "DRIFT")
    assert len(drift) == OPERATIONS
    assert (
        "DRIFT     schema CostsPage: property 'total' added upstream (integer, optional)" in drift
    )


def full_description() -> Doc:
    """The reference subset inside a larger description, as OpenAI's whole openapi.yaml is."""
    doc = reference()
    doc["paths"]["/chat/completions"] = {
        "post": {
            "operationId": "createChatCompletion",
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {"$ref": "#/components/schemas/CreateChatCompletionRequest"}
                    }
                }
            },
            "responses": {"200": {"$ref": "#/components/responses/ChatCompletion"}},
        }
    }
    # Near the usage paths but not one of them.
    doc["paths"]["/organization/projects"] = {
        "get": {"operationId": "list-projects", "responses": {}}
    }
    doc["components"]["schemas"]["CreateChatCompletionRequest"] = {
        "type": "object",
        "properties": {"model": {"type": "string"}},
    }
    doc["components"]["responses"]["ChatCompletion"] = {"description": "A chat completion."}
    return doc


@pytest.mark.parametrize("dump", [dump_yaml, json.dumps], ids=["yaml", "json"])
def test_full_description_is_narrowed_to_the_usage_operations(
    dump: Callable[[Doc], str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upstream = tmp_path / "openapi.yaml"
    upstream.write_text(dump(full_description()), encoding="utf-8")

    status, lines, _ = run(capsys, upstream, REPO / "openapi" / "usage.yaml")

    assert status == 0
    assert not any("chat" in line or "projects" in line for line in lines)
    assert lines[-1] == f"0 drift, {expected_deviations()} deliberate deviations"


def test_missing_file_is_an_input_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines, err = run(capsys, tmp_path / "nowhere.yaml")

    assert (status, lines) == (2, [])
    assert err.count("\n") == 1
    assert "nowhere.yaml" in err


def test_description_without_usage_operations_is_an_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = full_description()
    doc["paths"] = {
        p: item for p, item in doc["paths"].items() if "usage" not in p and "costs" not in p
    }
    upstream = tmp_path / "openapi.yaml"
    upstream.write_text(dump_yaml(doc), encoding="utf-8")

    status, lines, err = run(capsys, upstream)

    assert (status, lines) == (2, [])
    assert err.count("\n") == 1
    assert "no /organization/usage/* or /organization/costs operations found" in err


@pytest.mark.parametrize(
    "text",
    [
        "paths: [unclosed\n",
        "- just\n- a list\n",
        "paths:\n  /organization/costs: {$ref: '#/nope'}\n",
    ],
    ids=["unparsable", "not-a-mapping", "broken-ref"],
)
def test_unusable_description_is_an_input_error(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    upstream = tmp_path / "openapi.yaml"
    upstream.write_text(text, encoding="utf-8")

    status, lines, err = run(capsys, upstream)

    assert (status, lines) == (2, [])
    assert err.startswith("compare_upstream: ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("args", [[], ["a", "b", "c"]], ids=["none", "three"])
def test_wrong_arguments_are_a_usage_error(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, lines, err = run(capsys, *args)

    assert (status, lines) == (2, [])
    assert err.startswith("usage: ")
