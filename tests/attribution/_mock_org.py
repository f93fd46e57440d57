"""A hand-made organization served over ``httpx.MockTransport``: exact bills, chosen usage.

Every endpoint answers one page of daily buckets over the asked range; the results of each
bucket are the ones a test put there for that operation and day, and none elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx

from openai_org_usage import OPERATIONS, UsageClient

DAY = 86_400
# /organization/usage/<path> -> operation, and the result ``object`` the API sends.
_OBJECTS = {
    "costs": "organization.costs.result",
    "completions": "organization.usage.completions.result",
    "decisions": "organization.usage.decisions.result",
    "embeddings": "organization.usage.embeddings.result",
    "images": "organization.usage.images.result",
    "audio_speeches": "organization.usage.audio_speeches.result",
    "audio_transcriptions": "organization.usage.audio_transcriptions.result",
    "web_search_calls": "organization.usage.web_searches.result",
}

_COMPLETIONS_ZERO = dict.fromkeys(
    (
        "input_tokens",
        "input_cached_tokens",
        "input_cache_write_tokens",
        "input_cache_write_30m_tokens",
        "input_cache_write_12h_tokens",
        "input_uncached_tokens",
        "output_tokens",
        "input_text_tokens",
        "output_text_tokens",
        "input_cached_text_tokens",
        "input_audio_tokens",
        "input_cached_audio_tokens",
        "output_audio_tokens",
        "input_image_tokens",
        "input_cached_image_tokens",
        "output_image_tokens",
        "num_model_requests",
    ),
    0,
)


def completion(
    *,
    project: str,
    user: str | None,
    model: str,
    input_tokens: int = 0,
    output_tokens: int = 0,
    cached: int = 0,
    batch: bool | None = False,
    tier: str | None = "default",
    key: str | None = None,
) -> dict[str, Any]:
    """A completions result with text tokens only."""
    return _COMPLETIONS_ZERO | {
        "input_tokens": input_tokens,
        "input_cached_tokens": cached,
        "input_cached_text_tokens": cached,
        "input_uncached_tokens": input_tokens - cached,
        "input_text_tokens": input_tokens - cached,
        "output_tokens": output_tokens,
        "output_text_tokens": output_tokens,
        "num_model_requests": 1,
        "project_id": project,
        "user_id": user,
        "api_key_id": key,
        "model": model,
        "batch": batch,
        "service_tier": tier,
        "api_source": None,
    }


def cost(
    project: str | None, line_item: str, value: float, currency: str = "usd"
) -> dict[str, Any]:
    """A costs result grouped by project and line item, billed in ``currency``."""
    return {
        "amount": {"value": value, "currency": currency},
        "line_item": line_item,
        "project_id": project,
        "api_key_id": None,
        "quantity": None,
        "quantity_unit": None,
        "user_id": None,
        "api_source": None,
    }


class MockOrg:
    """Results per (operation, day); every request recorded."""

    def __init__(self, results: Mapping[tuple[str, date], Sequence[dict[str, Any]]]) -> None:
        self.results = results
        self.requests: list[httpx.Request] = []

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        operation = request.url.path.rsplit("/", 1)[-1]
        if operation not in OPERATIONS:
            return httpx.Response(404, json={"error": {"message": "no such path"}})
        start = int(request.url.params["start_time"])
        end = int(request.url.params["end_time"])
        width = request.url.params.get("bucket_width", "1d")
        step = {"1d": DAY, "1h": 3600}[width]
        buckets = []
        for t in range(start, end, step):
            day = datetime.fromtimestamp(t, UTC).date()
            # Daily results sit in the day's first bucket (hourly: its midnight hour).
            rows = self.results.get((operation, day), []) if t % DAY == 0 else []
            obj = _OBJECTS.get(operation, f"organization.usage.{operation}.result")
            buckets.append(
                {
                    "object": "bucket",
                    "start_time": t,
                    "end_time": t + step,
                    "results": [{"object": obj} | r for r in rows],
                }
            )
        return httpx.Response(
            200, json={"object": "page", "data": buckets, "has_more": False, "next_page": None}
        )

    def client(self) -> UsageClient:
        return UsageClient("sk-admin-test", transport=httpx.MockTransport(self.handle))


def day_range(first: date, days: int = 1) -> tuple[datetime, datetime]:
    start = datetime(first.year, first.month, first.day, tzinfo=UTC)
    return start, start + timedelta(days=days)
