"""Paging benchmark: a long range over loopback with injected latency.

    python bench/paging.py [--latency 0.05] [--repeat 3]

Compares the sequential cursor loop people write against the generated client with the
facade at max_concurrency 1, 4 and 8, and prints each against the physical bound
ceil(pages / K) x latency (K requests in flight, each taking at least the latency).
Targets at K=8: <= 1.3x the bound and >= 5x faster than the sequential loop.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from datetime import UTC, datetime, timedelta

from _common import KEY, best_of, fake_server, machine

from openai_org_usage import AsyncUsageClient, UsageClient
from openai_org_usage.fake import DEFAULT_NOW, LIVE_LOOKBACK_DAYS
from openai_org_usage_client import AuthenticatedClient
from openai_org_usage_client.api.usage import usage_completions

# The fake's data ends at its fixed "now" (DEFAULT_NOW, 2026-11-25 12:00 UTC) and, like the live
# API, it refuses a start more than a year before that: ranges end at the last whole day.
END = datetime.combine(DEFAULT_NOW.date(), datetime.min.time(), UTC) - timedelta(days=1)
SCENARIOS = [
    ("90 days at 1h", END - timedelta(days=90), "1h", 168),
    ("7 days at 1m", END - timedelta(days=7), "1m", 1440),
]
assert all(END - start < timedelta(days=LIVE_LOOKBACK_DAYS) for _, start, _, _ in SCENARIOS)


def generated_loop(
    client: AuthenticatedClient, start: int, end: int, width: str, limit: int | None
) -> int:
    """The loop official-SDK and notebook users write: one page after another."""
    pages, cursor = 0, None
    while True:
        kwargs = {"limit": limit} if limit else {}
        if cursor:
            kwargs["page"] = cursor
        page = usage_completions.sync(
            client=client, start_time=start, end_time=end, bucket_width=width, **kwargs
        )
        pages += 1
        if page is None or isinstance(page, Exception) or not page.has_more:
            return pages
        cursor = page.next_page


def facade(client: UsageClient, start: datetime, width: str) -> int:
    return sum(1 for _ in client.completions(start=start, end=END, bucket_width=width).pages())


async def async_facade(client: AsyncUsageClient, start: datetime, width: str) -> int:
    return len(
        [p async for p in client.completions(start=start, end=END, bucket_width=width).pages()]
    )


def async_best_of(repeat: int, base_url: str, start: datetime, width: str, k: int) -> float:
    async def run() -> float:
        async with AsyncUsageClient(KEY, base_url=base_url, max_concurrency=k) as client:
            await async_facade(client, start, width)  # warm: connections, fake's page cache
            best = float("inf")
            for _ in range(repeat):
                began = time.perf_counter()
                await async_facade(client, start, width)
                best = min(best, time.perf_counter() - began)
            return best

    return asyncio.run(run())


def scenario(
    generated: AuthenticatedClient,
    base_url: str,
    start: datetime,
    width: str,
    max_limit: int,
    repeat: int,
    latency: float,
) -> tuple[int, list[tuple[str, float, float]]]:
    """Time every method on one range; returns (pages, rows of name, seconds, bound)."""
    s, e = int(start.timestamp()), int(END.timestamp())
    pages = generated_loop(generated, s, e, width, max_limit)
    seq = best_of(repeat, lambda: generated_loop(generated, s, e, width, max_limit))
    rows = [("generated client, cursor loop", seq, pages * latency)]
    default_pages = generated_loop(generated, s, e, width, None)
    seq_default = best_of(1, lambda: generated_loop(generated, s, e, width, None))
    rows.append(
        (
            f"generated, default limit ({default_pages} pages)",
            seq_default,
            default_pages * latency,
        )
    )
    for k in (1, 4, 8):
        with UsageClient(KEY, base_url=base_url, max_concurrency=k) as client:
            assert facade(client, start, width) >= pages
            took = best_of(repeat, lambda c=client: facade(c, start, width))
        rows.append((f"facade, max_concurrency={k}", took, math.ceil(pages / k) * latency))
    took = async_best_of(repeat, base_url, start, width, 8)
    rows.append(("async facade, max_concurrency=8", took, math.ceil(pages / 8) * latency))
    return pages, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    latency = args.latency
    print(f"paging benchmark: latency {latency * 1000:.0f} ms, best of {args.repeat}; {machine()}")
    # Clients are created once, as a long-lived application would; each is warmed up by one
    # untimed run (connections, and the fake's page cache so the fake's own compute time is
    # not measured).
    with (
        fake_server(latency=latency) as base_url,
        AuthenticatedClient(base_url=base_url, token=KEY) as generated,
    ):
        for title, start, width, max_limit in SCENARIOS:
            pages, rows = scenario(
                generated, base_url, start, width, max_limit, args.repeat, latency
            )
            seq = rows[0][1]
            print(f"\n{title}: {pages} pages at limit={max_limit}")
            print(f"  {'method':<40} {'time':>9} {'bound':>9} {'x bound':>8} {'speed-up':>9}")
            for name, took, bound in rows:
                print(
                    f"  {name:<40} {took * 1000:>7.0f}ms {bound * 1000:>7.0f}ms "
                    f"{took / bound:>7.2f}x {seq / took:>8.1f}x"
                )


if __name__ == "__main__":
    main()
