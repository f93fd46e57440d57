"""Peak RSS of the data commands' machine formats, which stream: flat as the range grows.

    python bench/stream_memory.py [--ranges 30d 364d] [--formats ndjson csv json]
    python bench/stream_memory.py --size large --ranges 1d 7d 30d --formats ndjson --rounds 3

Runs ``openai-org-usage usage completions --bucket-width 1h`` grouped by every field of
completions (about 186,000 rows a year) in a subprocess per case, and reads that process's peak
RSS (``getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper process, so each figure is one run's).
Two sources: ``--demo`` (the fake API in the same process: its caches grow with the range) and
``--base-url`` to the fake served from its own process (the command alone). Output goes to
a pipe, counted and dropped. Target: the yearly hourly export under 150 MB (command alone).

``--size large`` reads the fake's large organization (grouped by project, user, key and model:
about 22,000 rows a day), from a server started with ``--page-cache 0`` and the demo's clock,
so both sources answer the same range; the peak should be flat from 7 to 30 days.
``--rounds`` runs each case that many times and prints the median and the range.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence

from _common import KEY, fake_server, machine

GROUPS = ("api_key_id", "api_source", "batch", "model", "project_id", "service_tier", "user_id")
# The large organization fully grouped by its four IDs (the figures of issue 24).
LARGE_GROUPS = ("project_id", "user_id", "api_key_id", "model")
DEMO_NOW = "2026-11-25T12:00:00+00:00"  # the fake's default clock, which --demo counts from

# Runs the command with its output into a pipe it counts; prints "<peak KiB> <bytes> <lines>".
_WRAPPER = """
import resource, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE)
size = lines = 0
for chunk in iter(lambda: process.stdout.read(1 << 16), b""):
    size += len(chunk)
    lines += chunk.count(b"\\n")
if process.wait():
    sys.exit(process.returncode)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, size, lines)
"""


def command() -> list[str]:
    """The CLI of this interpreter's environment."""
    return [sys.executable, "-m", "openai_org_usage.cli"]


def run(args: Sequence[str], env: dict[str, str]) -> tuple[float, int, int, float]:
    """``(peak RSS MB, output bytes, output lines, seconds)`` of one run."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPER, *command(), *args],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    seconds = time.perf_counter() - started
    peak_kib, size, lines = (int(x) for x in done.stdout.split())
    # Linux reports KiB, macOS bytes.
    peak = peak_kib / (1024 * 1024) if sys.platform == "darwin" else peak_kib / 1024
    return peak, size, lines, seconds


@contextlib.contextmanager
def large_server() -> Iterator[str]:
    """The fake's large organization in its own process, no page cache, the demo's clock."""
    args = ["--host", "127.0.0.1", "--port", "0", "--size", "large", "--page-cache", "0"]
    process = subprocess.Popen(
        [sys.executable, "-m", "openai_org_usage.fake", *args, "--now", DEMO_NOW],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if " on http://" not in line:
            raise RuntimeError("the fake API did not start")
        yield line.split(" on ", 1)[1].split()[0]
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ranges", nargs="+", default=["30d", "364d"])
    parser.add_argument("--formats", nargs="+", default=["ndjson", "csv", "json"])
    parser.add_argument("--size", choices=("small", "large"), default="small")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--sources", nargs="+", default=["demo", "server"])
    args = parser.parse_args()
    print(f"streamed export memory; {args.size} organization; {machine()}")
    query = ["usage", "completions", "--bucket-width", "1h"]
    groups = LARGE_GROUPS if args.size == "large" else GROUPS
    query += [arg for group in groups for arg in ("--group-by", group)]
    env = dict(os.environ, OPENAI_ADMIN_KEY=KEY)
    env.pop("OPENAI_BASE_URL", None)
    head = ("source", "range", "format", "rows", "MB out", "peak RSS (median, range)", "s")
    print("{:<10} {:>6} {:<7} {:>9} {:>8} {:>26} {:>6}".format(*head))
    server = large_server() if args.size == "large" else fake_server()
    with server as base_url:
        sources = {"demo": ["--demo"], "server": ["--base-url", base_url]}
        if args.size == "large":
            sources["demo"] += ["--demo-size", "large"]
        for source in args.sources:
            for span in args.ranges:
                for fmt in args.formats:
                    case = [*query, *sources[source], "--format", fmt]
                    if args.size == "large":
                        # The same range from both sources: counted back from the demo's clock.
                        case += ["--start", _start_of(span), "--end", DEMO_NOW]
                    else:
                        case += ["--last", span]
                    runs = [run(case, env) for _ in range(args.rounds)]
                    peaks = [peak for peak, _, _, _ in runs]
                    _, size, lines, _ = runs[0]
                    seconds = statistics.median(s for _, _, _, s in runs)
                    rows = lines - 1 if fmt == "csv" else lines
                    shown = "-" if fmt == "json" else f"{rows:,}"  # json: lines are not rows
                    spread = (
                        f"{statistics.median(peaks):.0f} MB ({min(peaks):.0f}-{max(peaks):.0f})"
                    )
                    print(
                        f"{source:<10} {span:>6} {fmt:<7} {shown:>9} {size / 1e6:>8.1f} "
                        f"{spread:>26} {seconds:>6.1f}"
                    )


def _start_of(span: str) -> str:
    """``DEMO_NOW`` less ``span`` (``7d``, ``24h``), as ISO-8601."""
    from datetime import datetime, timedelta

    amount, unit = int(span[:-1]), span[-1]
    delta = timedelta(days=amount) if unit == "d" else timedelta(hours=amount)
    return (datetime.fromisoformat(DEMO_NOW) - delta).isoformat()


if __name__ == "__main__":
    main()
