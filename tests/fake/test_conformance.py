"""The fake's answers conform to ``openapi/usage.yaml`` over many generated requests.

Schemathesis reads our OpenAPI fragment and generates requests for every operation: valid
query parameters and deliberately invalid ones (wrong types, values outside an enum, missing
``start_time`` ...), plus other HTTP methods. They reach the fake in process, through a tiny
WSGI adapter around :meth:`FakeUsageAPI.handle`, with a bearer key. Every answer must:

- have a status the fake is meant to send: 200, 400, 401, 404 or 429 for GET (405 for other
  methods), never a 5xx;
- on 200 (and 429), validate against the operation's response schema, held slightly stricter
  than the spec (see :func:`strict_spec`);
- reject invalid input with a 4xx, and refuse the request once the key is removed.

The fakes here keep their live-API defaults. Their 400s (a ``start_time`` older than the
one-year lookback, refused groupings) are 400s like any other: the spec declares no 400, so
:func:`allowed_status` accepts the status and no response schema applies to it. Generated
times are folded into the last 60 days (:func:`into_the_data`), inside the lookback window, so
valid requests keep reaching data; and generated ``page`` values are never valid cursors, so the
empty pages costs serves past its end are covered by ``test_fake_live.py`` instead.

Generation is derandomized and bounded, so every run sends the same requests and stays fast.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from functools import cache
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
import schemathesis
import yaml
from _fake_helpers import fragment_paths
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import CheckContext

from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI, FaultSchedule

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "usage.yaml"
KEY = "sk-admin-test-conformance"
BASE_URL = "https://api.openai.com/v1"
GET_STATUSES = frozenset({200, 400, 401, 404, 429})
MAX_EXAMPLES = 40
FAULTY_MAX_EXAMPLES = 15
DAY = 86_400
NOW = int(DEFAULT_NOW.timestamp())
# Generated timestamps are folded into [DATA_FROM, DATA_FROM + DATA_SPAN): the last 60 days of
# the fake's data and 15 days past its "now".
DATA_FROM = NOW - 60 * DAY
DATA_SPAN = 75 * DAY

StartResponse = Callable[[str, list[tuple[str, str]]], object]

REPRODUCIBLE = settings(
    deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)


class FakeWsgiApp:
    """A WSGI application answering with :meth:`FakeUsageAPI.handle` (no network, no threads).

    Injected timeouts and disconnects have no response, so only 429/5xx faults make sense here.
    """

    def __init__(self, api: FakeUsageAPI) -> None:
        self.api = api

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        status, out_headers, body = self.api.handle(
            environ["REQUEST_METHOD"], environ.get("PATH_INFO", "/"), pairs, headers
        )
        out = [*out_headers.items(), ("content-length", str(len(body)))]
        start_response(f"{status} {HTTPStatus(status).phrase}", out)
        return [body]


@cache
def _spec() -> dict[str, Any]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    spec: dict[str, Any] = yaml.load(SPEC_PATH.read_text(), Loader=loader)
    return spec


def strict_spec() -> dict[str, Any]:
    """The spec, with the response schemas held to what the fake promises.

    - Each bucket's ``results`` is narrowed from ``anyOf: [<Op>Result, UnknownUsageResult]`` to
      the operation's own result type. ``UnknownUsageResult`` (there so clients survive new
      result types) accepts any object with an ``object`` string, so a malformed result would
      pass the spec's schema unnoticed.
    - Pages, buckets and results get ``additionalProperties: false``: a field the spec does not
      describe would be silently dropped by the generated client.
    """
    strict = copy.deepcopy(_spec())
    for name, schema in strict["components"]["schemas"].items():
        if name.endswith(("Page", "Bucket", "Result")) and name != "UnknownUsageResult":
            schema["additionalProperties"] = False
        if name.endswith("Bucket"):
            items = schema["properties"]["results"]["items"]
            known = [o for o in items["anyOf"] if not o["$ref"].endswith("/UnknownUsageResult")]
            assert len(known) == 1, f"{name}: expected one known result type, got {known}"
            schema["properties"]["results"]["items"] = known[0]
    return strict


@cache
def known_ids() -> dict[str, tuple[str, ...]]:
    """Filter parameter -> the synthetic organization's IDs (same for every seed-0 fake)."""
    org = FakeUsageAPI(seed=0).org
    return {
        "project_ids": org.projects,
        "user_ids": org.users,
        "api_key_ids": org.api_keys,
        "vector_store_ids": org.vector_stores,
        "models": tuple(sorted(org.models)),
        "line_items": tuple(sorted({line.line_item for line in org.cost_lines})),
    }


def into_the_data(context: schemathesis.HookContext, query: dict[str, Any] | None) -> Any:
    """``map_query`` hook: move generated times and IDs to where the fake has usage.

    Left alone, generated timestamps sit near 1970 and generated IDs match nothing, so every
    200 would carry empty buckets and the result schemas would never be exercised. Only values
    valid as generated (non-negative integers, non-empty strings) are moved, and they stay
    valid, so input that was made invalid on purpose stays invalid.
    """
    if not isinstance(query, dict):
        return query
    mapped = dict(query)
    for name in ("start_time", "end_time"):
        value = mapped.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            mapped[name] = DATA_FROM + value % DATA_SPAN
    for name, ids in known_ids().items():
        values = mapped.get(name)
        if isinstance(values, list) and all(isinstance(v, str) for v in values):
            mapped[name] = [ids[len(v) % len(ids)] if v else v for v in values]
    return mapped


def into_the_directory(
    context: schemathesis.HookContext, path_parameters: dict[str, Any] | None
) -> Any:
    """``map_path_parameters`` hook: a generated non-empty ``project_id`` becomes a project.

    A made-up ID would only ever get 404, and the lists' response schemas would go untested.
    The archived project (whose keys the fake refuses with 403, as the live API can) is left
    out: ``test_fake_directory.py`` covers it.
    """
    if not isinstance(path_parameters, dict):
        return path_parameters
    mapped = dict(path_parameters)
    value = mapped.get("project_id")
    if isinstance(value, str) and value:
        projects = known_ids()["project_ids"]
        mapped["project_id"] = projects[len(value) % len(projects)]
    return mapped


def allowed_status(
    ctx: CheckContext, response: schemathesis.Response, case: schemathesis.Case[Any]
) -> bool:
    """GET gets 200, 400, 401, 404 or 429; other methods 405 with ``Allow: GET`` (or 429)."""
    if case.method.upper() != "GET":
        assert response.status_code in (405, 429), response.text[:300]
        if response.status_code == 405:
            assert response.headers.get("allow") == ["GET"]
        return True
    assert response.status_code in GET_STATUSES, (
        f"status {response.status_code} not in {sorted(GET_STATUSES)}: {response.text[:300]}"
    )
    return True


def load_schema(api: FakeUsageAPI, checks: list[str], max_examples: int) -> schemathesis.BaseSchema:
    """Our spec (made strict), served by ``api`` in process, with the hooks above."""
    loaded = schemathesis.openapi.from_dict(strict_spec())
    loaded.app = FakeWsgiApp(api)
    loaded.config.update(headers={"Authorization": f"Bearer {KEY}"})
    loaded.config.generation.update(
        modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
        max_examples=max_examples,
        deterministic=True,
    )
    loaded.config.checks.update(included_check_names=checks)
    loaded.hook("map_query")(into_the_data)
    loaded.hook("map_path_parameters")(into_the_directory)
    return loaded


schema = load_schema(
    FakeUsageAPI(seed=0, api_key=KEY),
    checks=[
        "not_a_server_error",
        "response_schema_conformance",
        "negative_data_rejection",
        "ignored_auth",
    ],
    max_examples=MAX_EXAMPLES,
)

# Every fifth request answered 429 (with Retry-After): the 429 body and header follow the spec.
faulty_schema = load_schema(
    FakeUsageAPI(seed=0, api_key=KEY, faults=FaultSchedule(seed=1, rate_429=0.2)),
    checks=["not_a_server_error", "response_schema_conformance", "response_headers_conformance"],
    max_examples=FAULTY_MAX_EXAMPLES,
)


@schema.parametrize()
@settings(REPRODUCIBLE, max_examples=MAX_EXAMPLES)
def test_fake_conforms_to_spec(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(additional_checks=[allowed_status])


@faulty_schema.parametrize()
@settings(REPRODUCIBLE, max_examples=FAULTY_MAX_EXAMPLES)
def test_rate_limited_answers_conform_to_spec(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(additional_checks=[allowed_status])


@pytest.mark.parametrize("path", fragment_paths())
def test_empty_bucket_width_is_rejected(path: str) -> None:
    fake = FakeUsageAPI(seed=0)
    with httpx.Client(
        transport=fake.transport(), base_url=BASE_URL, headers={"Authorization": f"Bearer {KEY}"}
    ) as client:
        response = client.get(path, params={"start_time": NOW - 3 * DAY, "bucket_width": ""})
    assert response.status_code == 400, response.text[:200]
    assert response.json()["error"]["param"] == "bucket_width"
