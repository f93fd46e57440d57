"""A usage API served from memory: fully grouped completions pages, made once, replayed.

The bulk benchmarks need a million results; the embedded fake makes them at tens of thousands
per second, which would time the fake, not the client. Here every page the paginator asks for
(any window of whole hours, with or without a cursor) is made once from a seeded generator,
kept as bytes and answered from a dict by an in-process ``httpx.MockTransport``: no network,
no per-request work but a lookup. The peers read the very same bytes (``bodies``).

Each result carries every field of the November API under its own name (the API sends nulls
for the ungrouped ones), so the fast decoders take their usual path.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import httpx
import orjson

HOUR = 3600
# A whole number of hours, inside the client's one-year lookback of the fake's "now".
START = int(datetime(2026, 3, 1, tzinfo=UTC).timestamp())


class Replay:
    """Completions pages of ``per_bucket`` results per hourly bucket, ``hours`` buckets long."""

    def __init__(self, hours: int, per_bucket: int, seed: int = 0) -> None:
        self.hours = hours
        self.per_bucket = per_bucket
        self.seed = seed
        self.start = START
        self.end = START + hours * HOUR
        self._pages: dict[tuple[int, int, int, str | None], bytes] = {}
        self._buckets: dict[int, list[dict[str, object]]] = {}

    @property
    def results(self) -> int:
        return self.hours * self.per_bucket

    def prepare(self, limit: int) -> None:
        """Make the pages of a concurrent pull at ``limit`` buckets per window, ahead of time."""
        start = self.start
        while start < self.end:
            end = min(start + limit * HOUR, self.end)
            self._pages[(start, end, limit, None)] = self._page(start, end, limit, None)
            start = end

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    def bodies(self) -> list[bytes]:
        """Every page served so far, in time order (warm the replay with one pull first)."""
        return [body for _, body in sorted(self._pages.items(), key=lambda kv: kv[0][:2])]

    def _handle(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        start, end = int(params["start_time"]), int(params["end_time"])
        limit = int(params.get("limit", "24"))
        cursor = params.get("page")
        key = (start, end, limit, cursor)
        body = self._pages.get(key)
        if body is None:
            body = self._pages[key] = self._page(start, end, limit, cursor)
        return httpx.Response(200, content=body, headers={"content-type": "application/json"})

    def _page(self, start: int, end: int, limit: int, cursor: str | None) -> bytes:
        first = int(cursor) if cursor else start
        stop = min(end, first - first % HOUR + limit * HOUR)
        data = []
        at = first
        while at < stop:
            upper = min(at - at % HOUR + HOUR, stop)
            data.append(
                {
                    "object": "bucket",
                    "start_time": at,
                    "end_time": upper,
                    "results": self._results(at - at % HOUR),
                }
            )
            at = upper
        more = stop < end
        page = {
            "object": "page",
            "data": data,
            "has_more": more,
            "next_page": str(stop) if more else None,
        }
        return orjson.dumps(page)

    def _results(self, hour: int) -> list[dict[str, object]]:
        if not self.start <= hour < self.end:
            return []
        rnd = random.Random(self.seed * 1_000_003 + hour)
        out = []
        for i in range(self.per_bucket):
            writes = (rnd.randint(0, 10**4), rnd.randint(0, 10**3))
            out.append(
                {
                    "object": "organization.usage.completions.result",
                    "input_tokens": rnd.randint(0, 10**6),
                    "input_cached_tokens": rnd.randint(0, 10**5),
                    "input_cache_write_tokens": sum(writes),
                    "input_cache_write_30m_tokens": writes[0],
                    "input_cache_write_12h_tokens": writes[1],
                    "input_uncached_tokens": rnd.randint(0, 10**5),
                    "output_tokens": rnd.randint(0, 10**5),
                    "input_text_tokens": rnd.randint(0, 10**5),
                    "output_text_tokens": rnd.randint(0, 10**5),
                    "input_cached_text_tokens": rnd.randint(0, 10**5),
                    "input_audio_tokens": 0,
                    "input_cached_audio_tokens": 0,
                    "output_audio_tokens": 0,
                    "input_image_tokens": rnd.randint(0, 100),
                    "input_cached_image_tokens": 0,
                    "output_image_tokens": 0,
                    "num_model_requests": rnd.randint(1, 1000),
                    "project_id": f"proj_{i % 7:024d}",
                    "user_id": f"user-{i % 13:024d}",
                    "api_key_id": f"key_{i % 5:016d}",
                    "model": ("gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06", None)[i % 3],
                    "batch": i % 2 == 0,
                    "service_tier": "default",
                    "api_source": None,
                }
            )
        return out
