"""Parsing benchmark: results per second on two large pages, side by side in one run.

    python bench/parsing.py [--repeat 5] [--upstream-client DIR]

Pages: completions (31 buckets x 1000 grouped results) and costs (180 buckets x 200 results),
the same bytes for every method, each result with every field of the November 2026 API
(ungrouped ones null), as the API sends them. Methods: bare ``json.loads``; the generated client's
``<Page>.from_dict(json.loads(...))``; the facade (``parse_page``, typed results). With
``--upstream-client DIR`` (a client generated from the unmodified upstream description, whose
buckets hold the 11-way result union), that client's ``UsageResponse.from_dict`` too.
Targets: facade >= 1.0x json.loads on both pages, and >= 10x the upstream-shaped generated
client on costs.
"""

from __future__ import annotations

import argparse
import importlib
import json
import random
import sys
from collections.abc import Callable
from typing import Any

import httpx
from _common import best_of, machine

from openai_org_usage._operations import OPERATIONS, Operation
from openai_org_usage._parse import parse_page


def completions_page(buckets: int = 31, per_bucket: int = 1000) -> bytes:
    rnd = random.Random(0)
    data = []
    for b in range(buckets):
        writes = [(rnd.randint(0, 10**4), rnd.randint(0, 10**3)) for _ in range(per_bucket)]
        results = [
            {
                "object": "organization.usage.completions.result",
                "input_tokens": rnd.randint(0, 10**6),
                "input_cached_tokens": rnd.randint(0, 10**5),
                "input_cache_write_tokens": sum(writes[i]),
                "input_cache_write_30m_tokens": writes[i][0],
                "input_cache_write_12h_tokens": writes[i][1],
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
                "model": "gpt-4o-mini-2024-07-18",
                "batch": i % 2 == 0,
                "service_tier": "default",
                "api_source": None,
            }
            for i in range(per_bucket)
        ]
        start = 1730419200 + 86400 * b
        data.append(
            {"object": "bucket", "start_time": start, "end_time": start + 86400, "results": results}
        )
    page = {"object": "page", "data": data, "has_more": False, "next_page": None}
    return json.dumps(page).encode()


def costs_page(buckets: int = 180, per_bucket: int = 200) -> bytes:
    rnd = random.Random(1)
    data = []
    for b in range(buckets):
        results = [
            {
                "object": "organization.costs.result",
                "amount": {"value": round(rnd.random() * 50, 6), "currency": "usd"},
                "line_item": f"gpt-4o-2024-08-06, {'input' if i % 2 else 'output'}",
                "project_id": f"proj_{i % 7:024d}",
                "api_key_id": None,
                "quantity": float(rnd.randint(0, 10**7)),
                "quantity_unit": "tokens",
                "user_id": None,
                "api_source": None,
            }
            for i in range(per_bucket)
        ]
        start = 1730419200 + 86400 * b
        data.append(
            {"object": "bucket", "start_time": start, "end_time": start + 86400, "results": results}
        )
    page = {"object": "page", "data": data, "has_more": False, "next_page": None}
    return json.dumps(page).encode()


def facade_iteration(operation: Operation[Any], body: bytes) -> Callable[[], int]:
    request = httpx.Request("GET", "http://127.0.0.1/")

    def run() -> int:
        page = parse_page(operation, httpx.Response(200, content=body, request=request))
        return sum(1 for bucket in page.buckets for _ in bucket.results)

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--upstream-client", help="folder holding an upstream-generated client")
    args = parser.parse_args()
    upstream = None
    if args.upstream_client:
        sys.path.insert(0, args.upstream_client)
        upstream = importlib.import_module("upstream_usage_client.models").UsageResponse
    print(f"parsing benchmark: best of {args.repeat}; {machine()}")
    for title, operation, body in (
        ("completions page, 31 x 1000", OPERATIONS["completions"], completions_page()),
        ("costs page, 180 x 200", OPERATIONS["costs"], costs_page()),
    ):
        decoded = json.loads(body)
        keys = set(decoded["data"][0]["results"][0])
        if keys != {f.key for f in operation.fields}:
            # A result without every field takes the builders' slower general path.
            sys.exit(f"{title}: results are not the API's full field set; update this script")
        results = sum(len(b["results"]) for b in decoded["data"])
        methods: list[tuple[str, Callable[[], object]]] = [
            ("json.loads (bare)", lambda body=body: json.loads(body)),
            (
                "generated client from_dict",
                lambda body=body, op=operation: op.page_cls.from_dict(json.loads(body)),
            ),
        ]
        if upstream is not None:
            methods.append(
                (
                    "upstream-shaped generated client",
                    lambda body=body: upstream.from_dict(json.loads(body)),
                )
            )
        methods.append(("facade (typed iteration)", facade_iteration(operation, body)))
        print(f"\n{title}: {len(body) / 1e6:.1f} MB, {results:,} results")
        print(f"  {'method':<34} {'results/s':>12} {'vs json.loads':>14}")
        baseline = None
        for name, fn in methods:
            rate = results / best_of(args.repeat, fn)
            baseline = baseline or rate
            print(f"  {name:<34} {rate:>12,.0f} {rate / baseline:>13.2f}x")


if __name__ == "__main__":
    main()
