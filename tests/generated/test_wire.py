"""What the generated client sends and what it tolerates receiving."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from openai_org_usage_client import AuthenticatedClient
from openai_org_usage_client.api.usage import (
    usage_completions,
    usage_costs,
    usage_decisions,
    usage_images,
)
from openai_org_usage_client.models import (
    CostsPage,
    CostsResult,
    UnknownUsageResult,
    UsageCompletionsPage,
    UsageCompletionsResult,
    UsageDecisionsPage,
)
from openai_org_usage_client.types import UNSET

EMPTY_PAGE = {"object": "page", "data": [], "has_more": False, "next_page": None}


def capturing_client(sent: list[httpx.Request], body: dict[str, Any]) -> AuthenticatedClient:
    def serve(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json=body)

    return AuthenticatedClient(
        base_url="https://api.openai.com/v1",
        token="sk-admin-test-replay-only",
        httpx_args={"transport": httpx.MockTransport(serve)},
    )


def test_array_parameters_repeat_the_key() -> None:
    sent: list[httpx.Request] = []
    with capturing_client(sent, EMPTY_PAGE) as c:
        usage_completions.sync(
            client=c,
            start_time=1730419200,
            end_time=1731024000,
            group_by=["model", "project_id"],
            project_ids=["proj_a", "proj_b"],
            models=["gpt-4o"],
            batch=False,
            limit=7,
        )
    [request] = sent
    assert request.url.path == "/v1/organization/usage/completions"
    assert request.url.query.decode() == (
        "start_time=1730419200&end_time=1731024000&bucket_width=1d"
        "&project_ids=proj_a&project_ids=proj_b&models=gpt-4o&batch=false"
        "&group_by=model&group_by=project_id&limit=7"
    )
    assert request.headers["authorization"] == "Bearer sk-admin-test-replay-only"


def test_enum_filters_and_cursor_go_on_the_wire() -> None:
    sent: list[httpx.Request] = []
    with capturing_client(sent, EMPTY_PAGE) as c:
        usage_images.sync(
            client=c,
            start_time=1730419200,
            bucket_width="1h",
            sources=["image.edit", "image.generation"],
            sizes=["1024x1024"],
            page="page_abc",
        )
    params = sent[0].url.params
    assert params.get_list("sources") == ["image.edit", "image.generation"]
    assert params.get_list("sizes") == ["1024x1024"]
    assert params["bucket_width"] == "1h"
    assert params["page"] == "page_abc"


def test_sdk_only_parameters_go_on_the_wire() -> None:
    """What only the newest SDK (openai 3.57.0) has: costs by user_id and api_source, the
    line_items filter (whole line item names, commas and spaces included), decisions."""
    sent: list[httpx.Request] = []
    with capturing_client(sent, EMPTY_PAGE) as c:
        usage_costs.sync(
            client=c,
            start_time=1730419200,
            group_by=["user_id", "api_source", "line_item"],
            line_items=["gpt-4o-2024-08-06, input", "vector store storage"],
        )
        usage_decisions.sync(
            client=c, start_time=1730419200, group_by=["api_source", "service_tier"], batch=True
        )
    costs, decisions = sent
    assert costs.url.params.get_list("group_by") == ["user_id", "api_source", "line_item"]
    assert costs.url.params.get_list("line_items") == [
        "gpt-4o-2024-08-06, input",
        "vector store storage",
    ]
    assert decisions.url.path == "/v1/organization/usage/decisions"
    assert decisions.url.params.get_list("group_by") == ["api_source", "service_tier"]
    assert decisions.url.params["batch"] == "true"


def test_next_page_may_be_absent() -> None:
    body = {"object": "page", "data": [], "has_more": False}
    sent: list[httpx.Request] = []
    with capturing_client(sent, body) as c:
        page = usage_decisions.sync(client=c, start_time=1730419200)
    assert isinstance(page, UsageDecisionsPage)
    assert page.next_page is UNSET
    assert page.to_dict() == body


def completions_result(**extra: Any) -> dict[str, Any]:
    return {
        "object": "organization.usage.completions.result",
        "input_tokens": 10,
        "output_tokens": 5,
        "num_model_requests": 1,
        "model": "gpt-4o-mini-2024-07-18",
        **extra,
    }


def test_unknown_result_type_and_new_fields_parse() -> None:
    body = {
        "object": "page",
        "data": [
            {
                "object": "bucket",
                "start_time": 1730419200,
                "end_time": 1730505600,
                "results": [
                    completions_result(input_video_tokens=7),
                    {"object": "organization.usage.teleportation.result", "num_jumps": 3},
                ],
                "region": "eu",
            }
        ],
        "has_more": False,
        "next_page": None,
        "served_by": "shard-1",
    }
    sent: list[httpx.Request] = []
    with capturing_client(sent, body) as c:
        page = usage_completions.sync(client=c, start_time=1730419200)
    assert isinstance(page, UsageCompletionsPage)
    assert page.additional_properties == {"served_by": "shard-1"}
    bucket = page.data[0]
    assert bucket.additional_properties == {"region": "eu"}
    known, unknown = bucket.results
    assert isinstance(known, UsageCompletionsResult)
    assert known.input_tokens == 10
    assert known.additional_properties == {"input_video_tokens": 7}
    assert isinstance(unknown, UnknownUsageResult)
    assert unknown.object_ == "organization.usage.teleportation.result"
    assert unknown.additional_properties == {"num_jumps": 3}
    # Nothing is lost: the models serialize back to what was received.
    assert page.to_dict() == body


def test_sdk_only_result_fields_parse() -> None:
    grouped = completions_result(
        input_cache_write_tokens=9,
        input_cache_write_30m_tokens=None,  # "may be absent or null in older responses"
        input_cache_write_12h_tokens=9,
        api_source="agents_api",
    )
    # A source the SDK does not list yet is kept as sent, not fatal to the page.
    newer = completions_result(api_source="realtime_api")
    body = {
        "object": "page",
        "data": [
            {
                "object": "bucket",
                "start_time": 1730419200,
                "end_time": 1730505600,
                "results": [grouped, newer],
            }
        ],
        "has_more": False,
        "next_page": None,
    }
    page = UsageCompletionsPage.from_dict(body)
    first, second = page.data[0].results
    assert isinstance(first, UsageCompletionsResult)
    assert (first.input_cache_write_30m_tokens, first.input_cache_write_12h_tokens) == (None, 9)
    assert first.api_source == "agents_api"
    assert first.additional_properties == {}
    assert isinstance(second, UsageCompletionsResult)
    assert second.api_source == "realtime_api"
    assert page.to_dict() == body
    costs = CostsResult.from_dict(
        {"object": "organization.costs.result", "user_id": "user-x", "api_source": "unlabeled"}
    )
    assert (costs.user_id, costs.api_source, costs.additional_properties) == (
        "user-x",
        "unlabeled",
        {},
    )


def test_result_without_object_fails_the_page() -> None:
    body = {
        "object": "page",
        "data": [
            {"object": "bucket", "start_time": 0, "end_time": 86400, "results": [{"x": 1}]},
        ],
        "has_more": False,
        "next_page": None,
    }
    with pytest.raises(KeyError):
        UsageCompletionsPage.from_dict(body)


def test_rate_limited_response_is_an_error_model() -> None:
    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            429,
            headers={"retry-after": "3"},
            content=json.dumps(
                {
                    "error": {
                        "message": "Rate limit reached",
                        "type": "rate_limit",
                        "param": None,
                        "code": None,
                    }
                }
            ),
        )

    client = AuthenticatedClient(
        base_url="https://api.openai.com/v1",
        token="sk-admin-test-replay-only",
        httpx_args={"transport": httpx.MockTransport(serve)},
    )
    with client as c:
        response = usage_costs.sync_detailed(client=c, start_time=1730419200)
    assert response.status_code == 429
    assert response.headers["retry-after"] == "3"
    assert not isinstance(response.parsed, CostsPage)
    assert response.parsed is not None
    assert response.parsed.error.message == "Rate limit reached"


def test_client_repr_never_shows_the_key() -> None:
    key = "sk-admin-" + "R" * 32
    client = AuthenticatedClient(base_url="https://api.openai.com/v1", token=key)
    client.get_httpx_client()  # puts the Authorization header into the client's headers
    client.get_async_httpx_client()
    assert key not in repr(client)
    assert "sk-admin" not in repr(client)
