"""Sync benchmark: a 365-day demo sync against fetching the same rows plus one bulk load.

    python bench/sync.py [--days 364] [--repeat 9] [--latency 0.05] [--size large]
    python bench/sync.py --size large --memory 30,90,182,364
    python bench/sync.py --size large --bucket-width 1h --days 30

In one run, from the fake API served by another process over loopback (as the live API
would be, so the fake's own work is not on our clock):

1. fetch + parse: every operation's pages over the range, decoded into the Arrow tables the
   sync hands to dlt (the same client, grain and code path as ``sync``);
2. bulk load: those tables into a fresh DuckDB file, one ``CREATE TABLE ... AS`` each;
3. full sync: ``openai_org_usage.store.sync`` of the same range into another fresh file.

The three are timed in turn, ``--repeat`` times, and the medians compared. Before the first,
one untimed fetch of the range: the fake builds each day's data on its first request, which
would otherwise fall on whichever step came first. Module imports (dlt, duckdb, pyarrow)
happen before the clocks start, and each step starts from a collected heap.

``--latency`` makes the fake wait that long before each answer (the live API takes far
longer): the sync fetches the next operation while dlt writes the last one's rows, which only
shows when the process is not busy all along.

Target: full sync <= 1.3 x (fetch + parse + bulk load), with the fake answering at once.
Rows are checked equal, so the two paths did the same work. After each round's sync, a
second one over the same range (nothing new: the trailing window, one request per
operation) is timed too: a sync's fixed cost, without the imports.

``--size`` is the fake's organization (``small``: the demo's; ``large``: 60 projects, 2,000
users, 300 keys, 25 models). ``--page-cache`` is how many rendered pages the fake keeps
(default 4096: every page of a year, so after the warm-up fetch it answers every timed
request from memory; with 0 it renders each one again, which for the large organization
takes longer than our whole side, so the ratio would measure the fake). The cache is in the
fake's process, never in ours.

``--memory DAYS,...``: the peak RSS (``VmHWM``) of one sync of each range, each in a fresh
child process (after its imports, which are reported apart), against the same fake.
``--bucket-width 1h``: the hourly tables instead (no costs: it has days only).
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

# Imported before any clock starts, like pyarrow and duckdb: a process pays for its imports
# once (dlt's takes about 2 s), not per sync.
import dlt  # noqa: F401
import duckdb
import pyarrow as pa
from _common import KEY, fake_server, machine

from openai_org_usage import UsageClient
from openai_org_usage.fake import DEFAULT_NOW
from openai_org_usage.store import sync
from openai_org_usage.store._fetch import Outcome, fetch_operation
from openai_org_usage.store._schema import tables_for

TODAY = datetime.combine(DEFAULT_NOW.date(), datetime.min.time(), UTC)


def fetch_all(client: UsageClient, since: datetime, width: str = "1d") -> dict[str, list[Any]]:
    """Every operation's Arrow tables, as the sync fetches them (grain, refusals, pages)."""
    out: dict[str, list[Any]] = {}
    for table in tables_for(width).values():
        tables: list[Any] = []
        fetch_operation(
            client,
            table,
            "default",
            None,
            since,
            3,
            DEFAULT_NOW,
            lambda fetched: tables.append(fetched.table) is None,  # noqa: B023 - called here
            Outcome(),
        )
        out[table.name] = tables
    return out


def bulk_load(path: Path, tables: dict[str, list[Any]]) -> int:
    con = duckdb.connect(str(path))
    rows = 0
    try:
        for name, parts in tables.items():
            if not parts:
                continue
            data = pa.concat_tables(parts)
            con.register("data", data)
            con.execute(f"CREATE TABLE {name} AS SELECT * FROM data")
            con.unregister("data")
            rows += data.num_rows
    finally:
        con.close()
    return rows


@dataclasses.dataclass
class Measured:
    """Medians of the rounds, in seconds, and what each round moved."""

    fetch: float
    bulk: float
    sync: float
    ratios: list[float]  # per round: sync / (fetch + bulk)
    rows: int
    requests: int
    again: list[float]  # per round: a second sync with nothing new

    @property
    def ratio(self) -> float:
        return self.sync / (self.fetch + self.bulk)


def measure(
    days: int = 364,
    repeat: int = 9,
    latency: float = 0.0,
    size: str = "small",
    page_cache: int = 4096,
    width: str = "1d",
) -> Measured:
    """Fetch, bulk load and sync of the same ``days``, ``repeat`` rounds (module docstring)."""
    since = TODAY - timedelta(days=days)
    fetch_s: list[float] = []
    bulk_s: list[float] = []
    sync_s: list[float] = []
    again_s: list[float] = []
    server = fake_server(latency=latency, size=size, page_cache=page_cache)
    with server as base_url, tempfile.TemporaryDirectory() as tmp:
        options: dict[str, Any] = {"base_url": base_url, "allow_insecure_http": True}
        with UsageClient(KEY, **options) as client:
            fetch_all(client, since, width)  # warm-up, untimed (module docstring)
            for round_ in range(repeat):
                # Each step starts from a collected heap: the garbage one step leaves (dlt's
                # objects, a page's) is not collected on the next step's clock.
                gc.collect()
                started = time.perf_counter()
                tables = fetch_all(client, since, width)
                fetch_s.append(time.perf_counter() - started)
                gc.collect()
                started = time.perf_counter()
                bulk_rows = bulk_load(Path(tmp) / f"bulk{round_}.duckdb", tables)
                bulk_s.append(time.perf_counter() - started)
                del tables
                gc.collect()
                started = time.perf_counter()
                path = Path(tmp) / f"sync{round_}.duckdb"
                report = sync(
                    client, path, since=since, now=DEFAULT_NOW, directory=False, bucket_width=width
                )
                sync_s.append(time.perf_counter() - started)
                if report.total_rows != bulk_rows:  # the two paths did not do the same work
                    raise SystemExit(f"sync: {report.total_rows} rows, bulk load: {bulk_rows}")
                gc.collect()
                started = time.perf_counter()
                sync(client, path, now=DEFAULT_NOW, directory=False, bucket_width=width)
                again_s.append(time.perf_counter() - started)
    fetch, bulk, full = (statistics.median(t) for t in (fetch_s, bulk_s, sync_s))
    ratios = [s / (f + b) for f, b, s in zip(fetch_s, bulk_s, sync_s, strict=True)]
    return Measured(fetch, bulk, full, ratios, bulk_rows, report.requests, again_s)


def _peak_mb(field: str = "VmHWM") -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


def child_sync(base_url: str, days: int, width: str) -> None:
    """One sync of ``days`` in this process (``--memory``'s child): prints its peak RSS."""
    imported = _peak_mb()
    client = UsageClient(KEY, base_url=base_url, allow_insecure_http=True)
    with client, tempfile.TemporaryDirectory() as tmp:
        report = sync(
            client,
            Path(tmp) / "sync.duckdb",
            since=TODAY - timedelta(days=days),
            now=DEFAULT_NOW,
            directory=False,
            bucket_width=width,
        )
    print(f"{days} {report.total_rows} {report.requests} {imported:.0f} {_peak_mb():.0f}")


def memory(days: list[int], size: str, page_cache: int, width: str) -> None:
    """Peak RSS of one sync per range, each in a fresh process (module docstring)."""
    print(f"machine: {machine()}; fake: {size}, page cache {page_cache}; {width} buckets")
    print("days  rows       requests  after imports  peak RSS")
    with fake_server(size=size, page_cache=page_cache) as base_url:
        for n in days:
            command = [sys.executable, __file__, "--child", base_url, "--days", str(n)]
            command += ["--bucket-width", width]
            out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
            _, rows, requests, imported, peak = out.split()
            print(f"{n:4d}  {int(rows):>9,}  {requests:>8}  {imported:>10} MB  {peak:>5} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=364, help="days back from the fake's today")
    parser.add_argument("--repeat", type=int, default=9, help="timed rounds (medians reported)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    parser.add_argument("--size", choices=["small", "large"], default="small")
    parser.add_argument("--page-cache", type=int, default=4096, help="the fake's page cache")
    parser.add_argument("--bucket-width", choices=["1d", "1h"], default="1d")
    parser.add_argument("--memory", metavar="DAYS,...", help="peak RSS of a sync per range")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_sync(args.child, args.days, args.bucket_width)
        return
    if args.memory:
        days = [int(n) for n in args.memory.split(",")]
        memory(days, args.size, args.page_cache, args.bucket_width)
        return
    got = measure(
        args.days, args.repeat, args.latency, args.size, args.page_cache, args.bucket_width
    )
    print(f"machine: {machine()}")
    print(f"fake: {args.size} organization, page cache {args.page_cache}")
    print(
        f"range: {args.days} days of {args.bucket_width} buckets, every operation, "
        f"{got.rows:,} rows"
    )
    print(f"fake API latency: {args.latency * 1000:.0f} ms per request")
    print(f"medians of {args.repeat} rounds:")
    print(f"fetch + parse into Arrow: {got.fetch:7.2f} s ({got.requests} requests)")
    print(f"bulk Arrow load (DuckDB): {got.bulk:7.2f} s")
    print(f"full sync (dlt, DuckDB):  {got.sync:7.2f} s")
    print(
        f"ratio sync / (fetch + bulk): {got.ratio:.2f}x (target <= 1.3x); "
        f"per round {min(got.ratios):.2f}-{max(got.ratios):.2f}x"
    )
    print(
        f"second sync, nothing new: {statistics.median(got.again):.2f} s "
        f"(rounds {min(got.again):.2f}-{max(got.again):.2f} s)"
    )


if __name__ == "__main__":
    main()
