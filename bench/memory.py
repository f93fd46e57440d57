"""Memory benchmark: peak RSS while streaming 1,000,000 results through the facade.

    python bench/memory.py [--results 1000000] [--max-concurrency 4]

The fake API runs in its own process on 127.0.0.1, so only the client's memory is measured.
Results are consumed as they arrive (``.results()``) and dropped, as a streaming export would;
memory should stay bounded by the pages in flight, whatever the range. Target: < 150 MB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time

from _common import KEY, fake_server, machine

from openai_org_usage import OPERATIONS, UsageClient


def peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument("--max-concurrency", type=int, default=4)
    args = parser.parse_args()
    print(f"memory benchmark: {args.results:,} results; {machine()}")
    print(f"  peak RSS before fetching: {peak_rss_mb():.0f} MB")
    with (
        fake_server() as base_url,
        UsageClient(KEY, base_url=base_url, max_concurrency=args.max_concurrency) as client,
    ):
        started = time.perf_counter()
        count = tokens = passes = 0
        # The fake's whole history, fully grouped by hour, is ~500,000 results: walk it again
        # until the target is reached (a new paginator each pass, as a new export would).
        while count < args.results:
            passes += 1
            rows = client.completions(
                start="2025-12-01",
                end="2026-11-24",
                bucket_width="1h",
                group_by=list(OPERATIONS["completions"].group_by),
            ).results()
            for row in rows:
                count += 1
                tokens += row.result.input_tokens
                if count >= args.results:
                    break
        took = time.perf_counter() - started
    print(
        f"  streamed {count:,} results ({tokens:,} input tokens) in {took:.1f} s, "
        f"{passes} passes, max_concurrency={args.max_concurrency}"
    )
    print(f"  peak RSS: {peak_rss_mb():.0f} MB (target < 150 MB)")


if __name__ == "__main__":
    main()
