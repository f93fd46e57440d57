"""The generated client replays the documented example of every operation.

The vendor documents eleven; ``decisions`` (only in the newest SDK) replays the project's own
example, tests/generated/examples/usage_decisions.json, whose page has no ``next_page``.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
import yaml
from _cassettes import TESTS_DIR

from openai_org_usage_client import AuthenticatedClient
from openai_org_usage_client.models import (
    CostsPage,
    CostsResult,
    CostsResultAmount,
    UsageAudioSpeechesPage,
    UsageAudioSpeechesResult,
    UsageAudioTranscriptionsPage,
    UsageAudioTranscriptionsResult,
    UsageCodeInterpreterSessionsPage,
    UsageCodeInterpreterSessionsResult,
    UsageCompletionsPage,
    UsageCompletionsResult,
    UsageDecisionsPage,
    UsageDecisionsResult,
    UsageEmbeddingsPage,
    UsageEmbeddingsResult,
    UsageFileSearchCallsPage,
    UsageFileSearchCallsResult,
    UsageImagesPage,
    UsageImagesResult,
    UsageModerationsPage,
    UsageModerationsResult,
    UsageVectorStoresPage,
    UsageVectorStoresResult,
    UsageWebSearchCallsPage,
    UsageWebSearchCallsResult,
)
from openai_org_usage_client.types import UNSET

CASSETTES = TESTS_DIR / "generated" / "cassettes" / "test_examples"

# operation -> (page class, result class, {attribute: value in the vendor's example})
EXPECTED: dict[str, tuple[type[Any], type[Any], dict[str, Any]]] = {
    "costs": (CostsPage, CostsResult, {"line_item": None, "project_id": None, "quantity": None}),
    "completions": (
        UsageCompletionsPage,
        UsageCompletionsResult,
        {
            "input_tokens": 1000,
            "input_cached_tokens": 400,
            "input_cache_write_tokens": 100,
            "output_tokens": 500,
            "output_image_tokens": 50,
            "num_model_requests": 5,
            "model": None,
            "batch": None,
            "service_tier": None,
            # Newer than the documented example (SDK 3.57.0): absent, not null.
            "input_cache_write_30m_tokens": UNSET,
            "api_source": UNSET,
        },
    ),
    "decisions": (
        UsageDecisionsPage,
        UsageDecisionsResult,
        {
            "input_tokens": 1000,
            "input_cache_write_tokens": 100,
            "input_cache_write_30m_tokens": 70,
            "input_cache_write_12h_tokens": 30,
            "output_tokens": 500,
            "num_model_requests": 5,
            "batch": None,
            "api_source": None,
        },
    ),
    "embeddings": (
        UsageEmbeddingsPage,
        UsageEmbeddingsResult,
        {"input_tokens": 16, "num_model_requests": 2, "model": None},
    ),
    "moderations": (
        UsageModerationsPage,
        UsageModerationsResult,
        {"input_tokens": 16, "num_model_requests": 2},
    ),
    "images": (
        UsageImagesPage,
        UsageImagesResult,
        {"images": 2, "num_model_requests": 2, "size": None, "source": None},
    ),
    "audio_speeches": (
        UsageAudioSpeechesPage,
        UsageAudioSpeechesResult,
        {"characters": 45, "num_model_requests": 1},
    ),
    "audio_transcriptions": (
        UsageAudioTranscriptionsPage,
        UsageAudioTranscriptionsResult,
        {"seconds": 20, "num_model_requests": 1},
    ),
    "vector_stores": (
        UsageVectorStoresPage,
        UsageVectorStoresResult,
        {"usage_bytes": 1024, "project_id": None},
    ),
    "code_interpreter_sessions": (
        UsageCodeInterpreterSessionsPage,
        UsageCodeInterpreterSessionsResult,
        {"num_sessions": 1, "project_id": None},
    ),
    "file_search_calls": (
        UsageFileSearchCallsPage,
        UsageFileSearchCallsResult,
        {"num_requests": 2, "vector_store_id": None},
    ),
    "web_search_calls": (
        UsageWebSearchCallsPage,
        UsageWebSearchCallsResult,
        # The documented example predates `api_source`: the field is absent, not null.
        {"num_requests": 2, "num_model_requests": 2, "context_level": None, "api_source": UNSET},
    ),
}


def recorded_body(operation: str) -> dict[str, Any]:
    cassette = yaml.safe_load((CASSETTES / f"{operation}.yaml").read_text())
    body: dict[str, Any] = json.loads(cassette["interactions"][0]["response"]["body"]["string"])
    return body


def check_page(operation: str, page: Any) -> None:
    page_cls, result_cls, expected = EXPECTED[operation]
    assert type(page) is page_cls
    assert page.object_ == "page"
    [bucket] = page.data
    assert (bucket.start_time, bucket.end_time) == (1730419200, 1730505600)
    [result] = bucket.results
    assert type(result) is result_cls
    for attribute, value in expected.items():
        assert getattr(result, attribute) == value, attribute
    # Nothing the server sent was lost or changed on the way into the models.
    assert page.to_dict() == recorded_body(operation)


def test_a_page_without_next_page_parses() -> None:
    body = recorded_body("decisions")
    assert "next_page" not in body
    page = UsageDecisionsPage.from_dict(body)
    assert page.has_more is False
    assert page.next_page is UNSET


def client(admin_key: str) -> AuthenticatedClient:
    return AuthenticatedClient(base_url="https://api.openai.com/v1", token=admin_key)


def test_every_operation_has_a_cassette() -> None:
    assert sorted(p.stem for p in CASSETTES.glob("*.yaml")) == sorted(EXPECTED)


@pytest.mark.parametrize("operation", sorted(EXPECTED))
def test_sync_replay(
    operation: str,
    admin_key: str,
    use_cassette: Callable[[str], AbstractContextManager[Any]],
) -> None:
    module = importlib.import_module(f"openai_org_usage_client.api.usage.usage_{operation}")
    with use_cassette(f"{operation}.yaml"), client(admin_key) as c:
        response = module.sync_detailed(client=c, start_time=1730419200, limit=1)
    assert response.status_code == 200
    check_page(operation, response.parsed)


@pytest.mark.asyncio
@pytest.mark.parametrize("operation", sorted(EXPECTED))
async def test_async_replay(
    operation: str,
    admin_key: str,
    use_cassette: Callable[[str], AbstractContextManager[Any]],
) -> None:
    module = importlib.import_module(f"openai_org_usage_client.api.usage.usage_{operation}")
    with use_cassette(f"{operation}.yaml"):
        async with client(admin_key) as c:
            page = await module.asyncio(client=c, start_time=1730419200, limit=1)
    check_page(operation, page)


def test_costs_amount_is_typed(use_cassette: Callable[[str], AbstractContextManager[Any]]) -> None:
    from openai_org_usage_client.api.usage import usage_costs

    with use_cassette("costs.yaml"), client("sk-admin-test-replay-only") as c:
        page = usage_costs.sync(client=c, start_time=1730419200, limit=1)
    assert isinstance(page, CostsPage)
    amount = page.data[0].results[0].amount
    assert isinstance(amount, CostsResultAmount)
    assert (amount.value, amount.currency) == (0.06, "usd")
