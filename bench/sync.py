"""Sync benchmark: a 365-day demo sync against fetching the same rows plus one bulk load.

    python bench/sync.py [--days 364] [--repeat 9] [--latency 0.05]

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

Target: full sync <= 1.5 x (fetch + parse + bulk load), with the fake answering at once.
Rows are checked equal, so the two paths did the same work.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import statistics
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
from openai_org_usage.store import TABLES, sync
from openai_org_usage.store._fetch import Outcome, fetch_operation

TODAY = datetime.combine(DEFAULT_NOW.date(), datetime.min.time(), UTC)


def fetch_all(client: UsageClient, since: datetime) -> dict[str, list[Any]]:
    """Every operation's Arrow tables, as the sync fetches them (grain, refusals, pages)."""
    out: dict[str, list[Any]] = {}
    for table in TABLES.values():
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

    @property
    def ratio(self) -> float:
        return self.sync / (self.fetch + self.bulk)


def measure(days: int = 364, repeat: int = 9, latency: float = 0.0) -> Measured:
    """Fetch, bulk load and sync of the same ``days``, ``repeat`` rounds (module docstring)."""
    since = TODAY - timedelta(days=days)
    fetch_s: list[float] = []
    bulk_s: list[float] = []
    sync_s: list[float] = []
    with fake_server(latency=latency) as base_url, tempfile.TemporaryDirectory() as tmp:
        options: dict[str, Any] = {"base_url": base_url, "allow_insecure_http": True}
        with UsageClient(KEY, **options) as client:
            fetch_all(client, since)  # warm-up, untimed (module docstring)
            for round_ in range(repeat):
                # Each step starts from a collected heap: the garbage one step leaves (dlt's
                # objects, a page's) is not collected on the next step's clock.
                gc.collect()
                started = time.perf_counter()
                tables = fetch_all(client, since)
                fetch_s.append(time.perf_counter() - started)
                gc.collect()
                started = time.perf_counter()
                bulk_rows = bulk_load(Path(tmp) / f"bulk{round_}.duckdb", tables)
                bulk_s.append(time.perf_counter() - started)
                del tables
                gc.collect()
                started = time.perf_counter()
                report = sync(
                    client,
                    Path(tmp) / f"sync{round_}.duckdb",
                    since=since,
                    now=DEFAULT_NOW,
                    directory=False,
                )
                sync_s.append(time.perf_counter() - started)
                if report.total_rows != bulk_rows:  # the two paths did not do the same work
                    raise SystemExit(f"sync: {report.total_rows} rows, bulk load: {bulk_rows}")
    fetch, bulk, full = (statistics.median(t) for t in (fetch_s, bulk_s, sync_s))
    ratios = [s / (f + b) for f, b, s in zip(fetch_s, bulk_s, sync_s, strict=True)]
    return Measured(fetch, bulk, full, ratios, bulk_rows, report.requests)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=364, help="days back from the fake's today")
    parser.add_argument("--repeat", type=int, default=9, help="timed rounds (medians reported)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    args = parser.parse_args()
    got = measure(args.days, args.repeat, args.latency)
    print(f"machine: {machine()}")
    print(f"range: {args.days} days of 1d buckets, every operation, {got.rows:,} rows")
    print(f"fake API latency: {args.latency * 1000:.0f} ms per request")
    print(f"medians of {args.repeat} rounds:")
    print(f"fetch + parse into Arrow: {got.fetch:7.2f} s ({got.requests} requests)")
    print(f"bulk Arrow load (DuckDB): {got.bulk:7.2f} s")
    print(f"full sync (dlt, DuckDB):  {got.sync:7.2f} s")
    print(
        f"ratio sync / (fetch + bulk): {got.ratio:.2f}x (target <= 1.5x); "
        f"per round {min(got.ratios):.2f}-{max(got.ratios):.2f}x"
    )


if __name__ == "__main__":
    main()
