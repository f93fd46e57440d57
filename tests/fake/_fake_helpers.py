"""Helpers shared by the fake API tests: request shortcuts and a minimal JSON-schema check.

Responses are checked against ``openapi/usage.yaml`` (the project's fragment, which has what
only the newest SDK has), held to what the fake promises: each bucket's results narrowed to the
operation's own result type. The upstream reference supplies the documented examples.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import yaml

from openai_org_usage.fake import DEFAULT_NOW

NOW = int(DEFAULT_NOW.timestamp())
DAY = 86400
HOUR = 3600
AUTH = {"Authorization": "Bearer sk-admin-test"}
BASE_URL = "https://api.openai.com/v1"

USAGE_OPS = (
    "completions",
    "decisions",
    "embeddings",
    "moderations",
    "images",
    "audio_speeches",
    "audio_transcriptions",
    "vector_stores",
    "code_interpreter_sessions",
    "file_search_calls",
    "web_search_calls",
)
ALL_PATHS = ("/organization/costs", *(f"/organization/usage/{op}" for op in USAGE_OPS))

# Anything httpx accepts as query params (its own alias is private).
Params = Any


def day_start(ts: int) -> int:
    """The UTC midnight at or before ``ts``."""
    return ts - ts % DAY


def get_json(client: httpx.Client, path: str, params: Params) -> dict[str, Any]:
    """GET and return the JSON body, asserting 200."""
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def walk(client: httpx.Client, path: str, params: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Every page with buckets of a query, following ``next_page``.

    Stops where the spec says (``has_more`` false) or, for costs only, where the live API needs
    it: at the first page without buckets, which is not yielded (costs keeps promising more).
    """
    query = dict(params)
    seen: set[str] = set()
    while True:
        page = get_json(client, path, query)
        if not page["data"] and path.endswith("/costs"):
            assert page["has_more"] is True
            return
        assert page["data"], "a page without buckets"
        yield page
        if not page["has_more"]:
            assert page.get("next_page") is None  # null, or absent (optional since SDK 3.57.0)
            return
        cursor = page["next_page"]
        assert isinstance(cursor, str)
        assert cursor not in seen, "repeated cursor"
        seen.add(cursor)
        query["page"] = cursor


def totals(results: list[dict[str, Any]], fields: Sequence[str]) -> dict[str, int]:
    """Sum of the given numeric fields over results."""
    return {f: sum(r[f] for r in results) for f in fields}


# -- a minimal JSON-schema validator, enough for the fragment ----------------------------------

_TESTS = Path(__file__).resolve().parents[1]
FRAGMENT = _TESTS.parent / "openapi" / "usage.yaml"
# The repository's tracked copy first; the shared reference beside the checkout otherwise.
_REFERENCE_CANDIDATES = (
    _TESTS / "tools" / "data" / "openai-usage-upstream.yaml",
    _TESTS.parents[1] / "shared" / "reference" / "openai-usage-upstream.yaml",
)


@cache
def reference_spec() -> dict[str, Any]:
    """The upstream OpenAPI subset of the Usage and Costs API (unchanged from upstream)."""
    path = next((p for p in _REFERENCE_CANDIDATES if p.is_file()), _REFERENCE_CANDIDATES[0])
    with path.open() as handle:
        spec: dict[str, Any] = yaml.safe_load(handle)
    return spec


@cache
def fragment_spec() -> dict[str, Any]:
    """``openapi/usage.yaml``, with every bucket's results narrowed to its own result type.

    ``UnknownUsageResult`` (there so clients survive new result types) accepts any object with
    an ``object`` string, so a malformed result would pass the fragment's own schema unnoticed.
    """
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec: dict[str, Any] = yaml.load(FRAGMENT.read_text(encoding="utf-8"), Loader=loader)
    strict = copy.deepcopy(spec)
    for name, schema in strict["components"]["schemas"].items():
        if name.endswith("Bucket"):
            items = schema["properties"]["results"]["items"]
            known = [o for o in items["anyOf"] if not o["$ref"].endswith("/UnknownUsageResult")]
            assert len(known) == 1, f"{name}: expected one known result type, got {known}"
            schema["properties"]["results"]["items"] = known[0]
    return strict


def fragment_parameter(path: str, name: str) -> dict[str, Any] | None:
    """The fragment's query parameter ``name`` of ``path``, or None."""
    for parameter in fragment_spec()["paths"][path]["get"]["parameters"]:
        if parameter["name"] == name:
            found: dict[str, Any] = parameter
            return found
    return None


def _page_items(path: str) -> dict[str, Any]:
    page = _resolve(
        fragment_spec()["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]
    )
    if "data" not in page["properties"]:
        return {"properties": {}}  # a single-object read (a spend limit): no page of items
    return _resolve(page["properties"]["data"]["items"])


def _is_page(path: str) -> bool:
    page = _resolve(
        fragment_spec()["paths"][path]["get"]["responses"]["200"]["content"]["application/json"][
            "schema"
        ]
    )
    return "data" in page["properties"]


def fragment_paths() -> list[str]:
    """Every path of the fragment that pages through time buckets (usage and costs).

    Told apart from the admin lists by the page's shape, as ``tools/gen_facade.py`` does: a
    bucket has ``results``.
    """
    return sorted(p for p in fragment_spec()["paths"] if "results" in _page_items(p)["properties"])


def list_paths() -> list[str]:
    """Every admin list path of the fragment (pages of objects without ``results``)."""
    return sorted(
        p
        for p in fragment_spec()["paths"]
        if _is_page(p) and "results" not in _page_items(p)["properties"]
    )


def result_schema(path: str) -> dict[str, Any]:
    """The fragment's result schema of ``path`` (resolved)."""
    page = _resolve(response_schema(path))
    bucket = _resolve(page["properties"]["data"]["items"])
    return _resolve(bucket["properties"]["results"]["items"])


def documented_example(path: str) -> dict[str, Any]:
    """The example response the reference documents for ``path`` (``x-oaiMeta``)."""
    raw = reference_spec()["paths"][path]["get"]["x-oaiMeta"]["examples"]["response"]
    example: dict[str, Any] = json.loads(raw)
    return example


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = fragment_spec()["components"]["schemas"][name]
    return schema


_TYPES: dict[str, Any] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


def schema_errors(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Violations of ``schema`` by ``value`` (type, enum, required, properties, items, anyOf,
    oneOf). Objects must also carry *every* declared property, since the fake emits all."""
    schema = _resolve(schema)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            matches = sum(not schema_errors(value, option, where) for option in schema[key])
            ok = matches >= 1 if key == "anyOf" else matches == 1
            return [] if ok else [f"{where}: {matches} {key} branches match {value!r:.80}"]
    kind = schema.get("type")
    if kind == "integer":
        if not isinstance(value, int) or isinstance(value, bool):
            return [f"{where}: expected integer, got {value!r:.60}"]
    elif kind == "number":
        if not isinstance(value, int | float) or isinstance(value, bool):
            return [f"{where}: expected number, got {value!r:.60}"]
    elif kind is not None and not isinstance(value, _TYPES[kind]):
        return [f"{where}: expected {kind}, got {value!r:.60}"]
    if "enum" in schema and value not in schema["enum"]:
        return [f"{where}: {value!r} not in {schema['enum']}"]
    errors: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for name in schema.get("required", ()):
            if name not in value:
                errors.append(f"{where}: missing required {name!r}")
        for name, sub in properties.items():
            if name not in value:
                errors.append(f"{where}: missing {name!r}")
            else:
                errors += schema_errors(value[name], sub, f"{where}.{name}")
        extra = set(value) - set(properties)
        if properties and extra:
            errors.append(f"{where}: undeclared fields {sorted(extra)}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += schema_errors(item, schema["items"], f"{where}[{i}]")
    return errors


def response_schema(path: str, status: str = "200") -> dict[str, Any]:
    """The schema of ``path``'s response with ``status`` in the fragment (strict, see above)."""
    response = fragment_spec()["paths"][path]["get"]["responses"][status]
    if "$ref" in response:
        response = fragment_spec()["components"]["responses"][response["$ref"].rsplit("/")[-1]]
    schema: dict[str, Any] = response["content"]["application/json"]["schema"]
    return schema
