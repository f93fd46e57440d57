"""Shared benchmark helpers: a fake API server in its own process, on 127.0.0.1 only."""

from __future__ import annotations

import contextlib
import platform
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

KEY = "sk-admin-bench-dummy"


@contextlib.contextmanager
def fake_server(
    latency: float = 0.0, seed: int = 0, size: str = "small", page_cache: int | None = None
) -> Iterator[str]:
    """Serve the embedded fake API from a separate process (so it does not share our GIL).

    ``size`` is the fake's preset (``small``, ``large``); ``page_cache`` the rendered pages it
    keeps for repeated requests (None: the fake's default; 0: none, so every request renders).
    """
    cache = [] if page_cache is None else ["--page-cache", str(page_cache)]
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "openai_org_usage.fake",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--seed",
            str(seed),
            "--latency",
            str(latency),
            "--size",
            size,
            *cache,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()  # "fake OpenAI Usage API on http://127.0.0.1:PORT/v1 ..."
        if " on http://" not in line:
            process.wait(timeout=10)
            raise RuntimeError(f"the fake API did not start (exit status {process.returncode})")
        base_url = line.split(" on ", 1)[1].split()[0]
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


def best_of(repeat: int, fn: Callable[[], Any]) -> float:
    """The fastest of ``repeat`` runs, in seconds (the least disturbed by other load)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def median_of(runs: int, fn: Callable[[], Any], *, collector: bool = True) -> float:
    """The median of ``runs`` runs, in seconds, each from a collected heap.

    With ``collector=False`` the cyclic garbage collector is off while each run is timed: a
    run that allocates many objects otherwise pays for collections that earlier work (or
    another benchmark's garbage) triggers, which moves short timings by tens of percent.
    """
    import gc
    import statistics

    times = []
    for _ in range(runs):
        gc.collect()
        if not collector:
            gc.disable()
        try:
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        finally:
            gc.enable()
    return statistics.median(times)


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
