"""Peak RSS of the data commands' machine formats, which stream: flat as the range grows.

    python bench/stream_memory.py [--ranges 30d 364d] [--formats ndjson csv json]

Runs ``openai-org-usage usage completions --bucket-width 1h`` grouped by every field of
completions (about 186,000 rows a year) in a subprocess per case, and reads that process's peak
RSS (``getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper process, so each figure is one run's).
Two sources: ``--demo`` (the fake API in the same process: its caches grow with the range) and
``--base-url`` to the fake served from its own process (the command alone). Output goes to
a pipe, counted and dropped. Target: the yearly hourly export under 150 MB (command alone).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Sequence

from _common import KEY, fake_server, machine

GROUPS = ("api_key_id", "api_source", "batch", "model", "project_id", "service_tier", "user_id")

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ranges", nargs="+", default=["30d", "364d"])
    parser.add_argument("--formats", nargs="+", default=["ndjson", "csv", "json"])
    args = parser.parse_args()
    print(f"streamed export memory; {machine()}")
    query = ["usage", "completions", "--bucket-width", "1h"]
    query += [arg for group in GROUPS for arg in ("--group-by", group)]
    env = dict(os.environ, OPENAI_ADMIN_KEY=KEY)
    env.pop("OPENAI_BASE_URL", None)
    head = ("source", "range", "format", "rows", "MB out", "peak RSS", "s")
    print("{:<10} {:>6} {:<7} {:>9} {:>8} {:>9} {:>6}".format(*head))
    with fake_server() as base_url:
        sources = {"demo": ["--demo"], "server": ["--base-url", base_url]}
        for source, source_args in sources.items():
            for span in args.ranges:
                for fmt in args.formats:
                    peak, size, lines, seconds = run(
                        [*query, *source_args, "--last", span, "--format", fmt], env
                    )
                    rows = lines - 1 if fmt == "csv" else lines
                    if fmt == "json":
                        rows = -1  # indented: lines are not rows
                    shown = f"{rows:,}" if rows >= 0 else "-"
                    print(
                        f"{source:<10} {span:>6} {fmt:<7} {shown:>9} {size / 1e6:>8.1f} "
                        f"{peak:>6.0f} MB {seconds:>6.1f}"
                    )


if __name__ == "__main__":
    main()
