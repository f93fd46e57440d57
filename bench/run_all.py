"""Every bulk target, with the peers beside ours, over rounds: one table of ratios.

    python bench/run_all.py [--results 1000000] [--rounds 5] [--latency 0.05] [--sdk]
    python bench/run_all.py --scaling

Each round measures every target once, ours and the peers in the same round, so load that
comes and goes hits both alike; the table gives the median of both sides and of the ratio,
and the ratio's range over the rounds (never the best run).

1. Typed parse (``parse_page``, typed result objects) of a costs and a completions page against
   bare ``json.loads`` of the same bytes (bench/parsing.py's pages); with ``--sdk``, against the
   official SDK's own parsing too (``openai._models.construct_type`` over ``json.loads``, what
   its usage methods do; slow, so opt-in).
2. 1,000,000 fully grouped completions results to a pandas DataFrame: ``Paginator.to_pandas()``
   against ``pyarrow.json``, ``polars.read_json``, ``orjson`` -> pandas on the same page bytes,
   and a typed ``msgspec`` decode (no frame: a floor). The pages are served from memory
   (``_replay``), so the client's own work is timed. Every peer builds the same columns with
   the same dtypes (bucket bounds as UTC timestamps, nullable integers, strings).
3. The DataFrame's peak memory: in a fresh process, the peak RSS added while ``to_pandas()``
   runs, against the finished frame's own size (``memory_usage(deep=True)``).
4. The 1m pull (7 days of 1m buckets, 7 pages of 1,440, ``max_concurrency=8``, the fake API in
   its own process on 127.0.0.1 with ``--latency``) against a raw client-less pull of the same
   pages at the same concurrency: httpx and 8 threads, each body decoded with ``json.loads``
   (``response.json()``, what a script without a client does); the same pull reading bytes
   only is shown beside it, as the floor.

5. The sync of 364 demo days (bench/sync.py, its default rounds): ``store.sync`` into a fresh
   DuckDB file against fetching the same rows into Arrow plus one bulk load of them into
   another, the fake API in its own process answering at once.

Targets: to_pandas <= 1.2x pyarrow.json; peak memory <= 1.3x the frame; typed costs parse
>= 1.0x json.loads; the 1m pull <= 1.15x the raw pull; the sync <= 1.5x fetch + bulk load.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import dataclasses
import io
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from _common import KEY, best_of, fake_server, machine, median_of
from _replay import Replay
from parsing import completions_page, costs_page, facade_iteration

from openai_org_usage import OPERATIONS, UsageClient
from openai_org_usage.fake import DEFAULT_NOW

Row = tuple[str, str, float, str, float, float, str]
"""(target, ours, our value, baseline, its value, ratio, goal)."""

LIMIT_1H = 168  # the largest hourly page: the fewest windows


# -- 1. typed parse ---------------------------------------------------------------------------


PARSE_RUNS = 7
"""Timed runs of each parse within a round (their median is the round's figure)."""


def typed_parse(runs: int, sdk: bool) -> list[Row]:
    """Typed parse against json.loads, timed both with the garbage collector on (what a program
    sees) and off (the parse alone): the collector's work moves these figures the most."""
    rows: list[Row] = []
    for name, body in (("costs", costs_page()), ("completions", completions_page())):
        operation = OPERATIONS[name]
        timed: dict[bool, float] = {}
        for collector in (True, False):
            label = f"typed {name} page parse" + ("" if collector else " (gc off)")
            facade = median_of(runs, facade_iteration(operation, body), collector=collector)
            bare = median_of(runs, lambda body=body: json.loads(body), collector=collector)
            goal = ">= 1.0" if name == "costs" and collector else ""
            rows.append((label, "parse_page", facade, "json.loads", bare, bare / facade, goal))
            timed[collector] = facade
        if sdk:
            facade = timed[True]
            official = median_of(1, _sdk_parse(name, body))
            rows.append(
                (
                    f"typed {name} page parse",
                    "parse_page",
                    facade,
                    "official SDK",
                    official,
                    official / facade,
                    "",
                )
            )
    return rows


def _sdk_parse(name: str, body: bytes) -> Callable[[], object]:
    from openai._models import construct_type
    from openai.types.admin.organization import (
        usage_completions_response,
        usage_costs_response,
    )

    response_type = {
        "costs": usage_costs_response.UsageCostsResponse,
        "completions": usage_completions_response.UsageCompletionsResponse,
    }[name]
    return lambda: construct_type(type_=response_type, value=json.loads(body))


# -- 2. a million results to a DataFrame ------------------------------------------------------


def replay_for(results: int) -> Replay:
    per_bucket = 250
    return Replay(hours=max(1, results // per_bucket), per_bucket=per_bucket)


def ours_to_pandas(replay: Replay) -> Any:
    with UsageClient(
        KEY, base_url="http://127.0.0.1/v1", transport=replay.transport(), max_concurrency=8
    ) as client:
        return client.completions(
            start=datetime.fromtimestamp(replay.start, UTC),
            end=datetime.fromtimestamp(replay.end, UTC),
            bucket_width="1h",
            group_by=list(OPERATIONS["completions"].group_by),
            limit=LIMIT_1H,
        ).to_pandas()


def _dtypes() -> tuple[Any, Any]:
    import pandas as pd
    import pyarrow as pa

    mapping = {
        pa.string(): pd.StringDtype(),
        pa.large_string(): pd.StringDtype(),
        pa.bool_(): pd.BooleanDtype(),
        pa.int64(): pd.Int64Dtype(),
    }
    return pa, mapping.get


def peer_pyarrow_json(bodies: list[bytes]) -> Any:
    import pyarrow.compute as pc
    import pyarrow.json as pj

    pa, types = _dtypes()
    tables = []
    for body in bodies:
        page = pj.read_json(io.BytesIO(body), read_options=pj.ReadOptions(block_size=len(body) + 1))
        buckets = page.column("data").combine_chunks().flatten()
        results = buckets.field("results")
        parents = pc.list_parent_indices(results)
        flat = pa.Table.from_struct_array(results.flatten()).drop_columns(["object"])
        bounds = [
            pc.multiply(buckets.field(key).take(parents), 1_000_000).cast(
                pa.timestamp("us", tz="UTC")
            )
            for key in ("start_time", "end_time")
        ]
        flat = flat.add_column(0, "bucket_end", bounds[1]).add_column(0, "bucket_start", bounds[0])
        tables.append(flat)
    table = pa.concat_tables(tables, promote_options="default")
    return table.to_pandas(types_mapper=types, split_blocks=True, self_destruct=True)


def peer_polars(bodies: list[bytes]) -> Any:
    import polars as pl

    _, types = _dtypes()
    frames = []
    for body in bodies:
        page = pl.read_json(io.BytesIO(body))
        buckets = page.select("data").explode("data").unnest("data")
        results = (
            buckets.drop("object")
            .explode("results")
            .unnest("results")
            .drop("object")
            .with_columns(
                pl.from_epoch("start_time").dt.replace_time_zone("UTC").alias("bucket_start"),
                pl.from_epoch("end_time").dt.replace_time_zone("UTC").alias("bucket_end"),
            )
            .drop("start_time", "end_time")
        )
        frames.append(results)
    frame = pl.concat(frames, how="diagonal_relaxed")
    return frame.to_pandas(types_mapper=types)


def peer_orjson_pandas(bodies: list[bytes]) -> Any:
    import orjson
    import pandas as pd

    rows = []
    for body in bodies:
        for bucket in orjson.loads(body)["data"]:
            start, end = bucket["start_time"], bucket["end_time"]
            for result in bucket["results"]:
                del result["object"]
                result["bucket_start"] = start
                result["bucket_end"] = end
                rows.append(result)
    frame = pd.DataFrame(rows)
    del rows
    for key in ("bucket_start", "bucket_end"):
        frame[key] = pd.to_datetime(frame[key], unit="s", utc=True).dt.as_unit("us")
    return frame.convert_dtypes(dtype_backend="numpy_nullable")


def peer_msgspec(bodies: list[bytes]) -> int:
    """Typed msgspec structs of every page, with the field set as types: no frame."""
    import msgspec

    fields = [
        (f.key, int | None if f.kind == "integer" else bool | None if f.kind == "boolean" else Any)
        for f in OPERATIONS["completions"].fields
        if f.key != "object"
    ]
    result = msgspec.defstruct("Result", [(k, t, None) for k, t in fields])  # type: ignore[misc]
    bucket = msgspec.defstruct(
        "Bucket",
        [("start_time", int), ("end_time", int), ("results", list[result])],  # type: ignore[valid-type]
    )
    page = msgspec.defstruct("Page", [("data", list[bucket])])  # type: ignore[valid-type]
    decoder = msgspec.json.Decoder(page)
    return sum(len(b.results) for body in bodies for b in decoder.decode(body).data)


def bulk_frame(results: int, repeat: int) -> tuple[list[Row], dict[str, float]]:
    replay = replay_for(results)
    replay.prepare(LIMIT_1H)
    bodies = replay.bodies()
    expected = replay.results
    frame = ours_to_pandas(replay)
    if len(frame) != expected:
        sys.exit(f"to_pandas gave {len(frame):,} rows, expected {expected:,}")
    for name, peer in (("pyarrow.json", peer_pyarrow_json), ("polars", peer_polars)):
        other = peer(bodies)
        if len(other) != expected or set(other.columns) != set(frame.columns):
            sys.exit(f"{name} made another frame: {len(other)} rows, {sorted(other.columns)}")
    del frame, other
    times = {
        "to_pandas()": best_of(repeat, lambda: ours_to_pandas(replay)),
        "pyarrow.json": best_of(repeat, lambda: peer_pyarrow_json(bodies)),
        "polars.read_json": best_of(repeat, lambda: peer_polars(bodies)),
        "orjson -> pandas": best_of(repeat, lambda: peer_orjson_pandas(bodies)),
        "msgspec structs (no frame)": best_of(repeat, lambda: peer_msgspec(bodies)),
    }
    ours = times["to_pandas()"]
    rows: list[Row] = []
    for peer, took in times.items():
        if peer == "to_pandas()":
            continue
        goal = "<= 1.2" if peer == "pyarrow.json" else ""
        rows.append(
            (
                f"{expected:,} results to a DataFrame",
                "to_pandas()",
                ours,
                peer,
                took,
                ours / took,
                goal,
            )
        )
    return rows, times


# -- 3. peak memory ---------------------------------------------------------------------------


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def memory_child(results: int) -> None:
    """In a fresh process: the pages made first, then the peak RSS that to_pandas() adds."""
    import gc

    replay = replay_for(results)
    replay.prepare(LIMIT_1H)
    # One small pull first, so that modules imported and decoders compiled on first use (a
    # fixed cost, whatever the size) are not counted as the frame's.
    warm = replay_for(1000)
    warm.prepare(LIMIT_1H)
    ours_to_pandas(warm)
    del warm
    gc.collect()
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")  # resets the peak (VmHWM) to the current RSS
    before = _rss_kib("VmRSS")
    frame = ours_to_pandas(replay)
    peak = _rss_kib("VmHWM")
    size = int(frame.memory_usage(deep=True).sum())
    print(json.dumps({"peak": (peak - before) * 1024, "frame": size, "rows": len(frame)}))


def frame_memory(results: int) -> list[Row]:
    out = subprocess.run(
        [sys.executable, __file__, "--memory-child", "--results", str(results)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    measured = json.loads(out.strip().splitlines()[-1])
    peak, frame = measured["peak"] / 1e6, measured["frame"] / 1e6
    return [
        (
            "DataFrame peak memory (MB)",
            "to_pandas() peak",
            peak,
            "the frame's size",
            frame,
            peak / frame,
            "<= 1.3",
        )
    ]


# -- 4. the 1m pull ---------------------------------------------------------------------------


def pull_1m(latency: float, repeat: int) -> list[Row]:
    end = datetime.combine(DEFAULT_NOW.date(), datetime.min.time(), UTC) - timedelta(days=1)
    start = end - timedelta(days=7)
    limit, k = 1440, 8
    s, e = int(start.timestamp()), int(end.timestamp())
    windows = [(t, min(t + limit * 60, e)) for t in range(s, e, limit * 60)]
    headers = {"Authorization": f"Bearer {KEY}"}
    with (
        fake_server(latency=latency) as base_url,
        UsageClient(KEY, base_url=base_url, max_concurrency=k) as client,
        httpx.Client(base_url=base_url, headers=headers) as raw,
        concurrent.futures.ThreadPoolExecutor(k) as pool,
    ):

        def ours() -> int:
            paginator = client.completions(start=start, end=end, bucket_width="1m")
            return sum(len(page.buckets) for page in paginator.pages())

        def get(window: tuple[int, int], decode: bool) -> Any:
            params = {"start_time": window[0], "end_time": window[1], "bucket_width": "1m"}
            response = raw.get("/organization/usage/completions", params={**params, "limit": limit})
            response.raise_for_status()
            return response.json() if decode else response.content

        def decoded() -> int:
            return len(list(pool.map(lambda w: get(w, True), windows)))

        def raw_bytes() -> int:
            return len(list(pool.map(lambda w: get(w, False), windows)))

        buckets = ours()  # warm: connections, and the fake's page cache
        decoded()
        # Interleaved, best of each: on a shared machine, load that comes and goes hits all
        # three alike.
        timings: dict[str, float] = {}
        for _ in range(repeat):
            for name, fn in (("ours", ours), ("raw", decoded), ("bytes", raw_bytes)):
                timings[name] = min(timings.get(name, float("inf")), best_of(1, fn))
        took, raw_took, bytes_took = timings["ours"], timings["raw"], timings["bytes"]
    if buckets != (e - s) // 60:
        sys.exit(f"the 1m pull got {buckets} buckets, expected {(e - s) // 60}")
    return [
        (
            f"1m pull, {len(windows)} pages, {latency * 1000:.0f} ms, K={k}",
            "pages()",
            took,
            "raw pull + json.loads",
            raw_took,
            took / raw_took,
            "<= 1.15",
        ),
        (
            f"1m pull, {len(windows)} pages, {latency * 1000:.0f} ms, K={k}",
            "pages()",
            took,
            "raw pull, bytes only",
            bytes_took,
            took / bytes_took,
            "",
        ),
    ]


# -- 5. the sync ---------------------------------------------------------------------------------


def sync_year(rounds: int) -> list[Summary]:
    import sync as sync_bench

    got = sync_bench.measure(repeat=max(rounds, 3))
    return [
        Summary(
            f"sync of 364 demo days, {got.rows:,} rows",
            "sync()",
            got.sync,
            "fetch into Arrow + one bulk load",
            got.fetch + got.bulk,
            statistics.median(got.ratios),
            min(got.ratios),
            max(got.ratios),
            len(got.ratios),
            "<= 1.5",
        )
    ]


# -- the table ----------------------------------------------------------------------------------


def _shown(value: float, target: str) -> str:
    if "MB" in target:
        return f"{value:,.0f} MB"
    return f"{value * 1000:,.0f} ms" if value < 10 else f"{value:,.1f} s"


SCALING_RESULTS = (100_000, 1_000_000, 4_000_000)


def scaling(rounds: int) -> None:
    """How time and memory grow with the results: to_pandas() against pyarrow.json, and the
    peak memory to_pandas() adds against the frame's size, at each size of SCALING_RESULTS."""
    print(f"bench/run_all.py --scaling: medians and ranges over {rounds} rounds; {machine()}")
    print(
        f"\n{'results':>10} {'to_pandas()':>12} {'pyarrow.json':>13} {'ratio':>7} {'range':>11}"
        f" {'peak MB':>8} {'frame MB':>9} {'peak/frame':>10}"
    )
    for results in SCALING_RESULTS:
        replay = replay_for(results)
        replay.prepare(LIMIT_1H)
        bodies = replay.bodies()
        ours_s: list[float] = []
        peer_s: list[float] = []
        for _ in range(rounds):
            ours_s.append(best_of(1, lambda r=replay: ours_to_pandas(r)))
            peer_s.append(best_of(1, lambda b=bodies: peer_pyarrow_json(b)))
        del bodies, replay
        ratios = [o / p for o, p in zip(ours_s, peer_s, strict=True)]
        memory = frame_memory(results)[0]
        print(
            f"{results:>10,} {statistics.median(ours_s):>11.2f}s"
            f" {statistics.median(peer_s):>12.2f}s"
            f" {statistics.median(ratios):>6.2f}x {min(ratios):>5.2f}-{max(ratios):.2f}"
            f" {memory[2]:>8,.0f} {memory[4]:>9,.0f} {memory[5]:>9.2f}x",
            flush=True,
        )


SCALING_DAYS = (30, 91, 182, 364)


def scaling_days(rounds: int) -> None:
    """How the pull grows with days on the large fake organization: costs by project and line
    item, and completions by every field, daily, into Arrow (to_arrow()), for each of
    SCALING_DAYS. The fake runs in its own process with a page cache that holds every page,
    warmed by one untimed pull of each range, so its rendering is not on the clock."""
    end = datetime.combine(DEFAULT_NOW.date(), datetime.min.time(), UTC)
    print("\nlarge organization (60 projects, 2,000 users, 300 keys), daily, to_arrow():")
    print(f"{'days':>6} {'rows':>11} {'seconds':>9} {'range':>13} {'µs/row':>8}")
    jobs = (("costs", ["project_id", "line_item"]), ("completions", None))
    with (
        fake_server(size="large", page_cache=100_000) as base_url,
        UsageClient(KEY, base_url=base_url, max_concurrency=4) as client,
    ):

        def pull(days: int) -> int:
            start = end - timedelta(days=days)
            rows = 0
            for name, group_by in jobs:
                fields = group_by or list(OPERATIONS[name].group_by)
                paginator = getattr(client, name)(
                    start=start, end=end, bucket_width="1d", group_by=fields
                )
                rows += paginator.to_arrow().num_rows
            return rows

        for days in SCALING_DAYS:
            pull(days)  # the fake renders this range's pages once, untimed
            times: list[float] = []
            rows = 0
            for _ in range(rounds):
                started = time.perf_counter()
                rows = pull(days)
                times.append(time.perf_counter() - started)
            median = statistics.median(times)
            print(
                f"{days:>6} {rows:>11,} {median:>8.2f}s"
                f" {min(times):>6.2f}-{max(times):.2f}s {median / rows * 1e6:>7.1f}",
                flush=True,
            )


def scaling_sync(rounds: int) -> None:
    """The sync of a year of the large organization against fetching the same rows into Arrow
    plus one bulk load (bench/sync.py's measure, its fake's pages cached and warmed), and the
    peak RSS of a first sync as the range grows, each in a fresh process."""
    import sync as sync_bench

    got = sync_bench.measure(days=364, repeat=max(rounds, 3), size="large", page_cache=100_000)
    print(
        f"\nsync of 364 days of the large organization, {got.rows:,} rows, {got.requests} "
        f"requests, {len(got.ratios)} rounds: fetch into Arrow {got.fetch:.2f} s, bulk load "
        f"{got.bulk:.2f} s, sync {got.sync:.2f} s: {statistics.median(got.ratios):.2f}x "
        f"({min(got.ratios):.2f}-{max(got.ratios):.2f}); a repeat run with nothing new "
        f"{statistics.median(got.again):.2f} s ({min(got.again):.2f}-{max(got.again):.2f})",
        flush=True,
    )
    print("\npeak RSS of a first sync of the large organization, one process per range:")
    sync_bench.memory(list(SCALING_DAYS), "large", 100_000, "1d")


@dataclasses.dataclass
class Summary:
    """One target over every round: medians of both sides and of the ratio, and its range."""

    target: str
    ours: str
    ours_value: float
    peer: str
    peer_value: float
    ratio: float
    low: float
    high: float
    rounds: int
    goal: str


def summarise(rounds: list[list[Row]]) -> list[Summary]:
    """Rows of the same (target, ours, baseline) across rounds, in first-seen order."""
    grouped: dict[tuple[str, str, str], list[Row]] = {}
    for rows in rounds:
        for row in rows:
            grouped.setdefault((row[0], row[1], row[3]), []).append(row)
    out = []
    for (target, ours, peer), rows in grouped.items():
        ratios = [row[5] for row in rows]
        out.append(
            Summary(
                target,
                ours,
                statistics.median(row[2] for row in rows),
                peer,
                statistics.median(row[4] for row in rows),
                statistics.median(ratios),
                min(ratios),
                max(ratios),
                len(rows),
                rows[0][6],
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--results", type=int, default=1_000_000)
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of every target (medians and ranges)"
    )
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--sdk", action="store_true", help="time the official SDK's parsing too")
    parser.add_argument(
        "--scaling", action="store_true", help="only the scaling table (100k, 1M, 4M results)"
    )
    parser.add_argument("--memory-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.memory_child:
        memory_child(args.results)
        return
    if args.scaling:
        scaling(args.rounds)
        scaling_days(args.rounds)
        scaling_sync(args.rounds)
        return
    print(f"bench/run_all.py: medians and ranges over {args.rounds} rounds; {machine()}")
    began = time.perf_counter()
    rounds: list[list[Row]] = []
    for round_ in range(args.rounds):
        print(f"round {round_ + 1} of {args.rounds}", file=sys.stderr, flush=True)
        rows = typed_parse(PARSE_RUNS, args.sdk and round_ == 0)
        rows += pull_1m(args.latency, 1)
        bulk, _ = bulk_frame(args.results, 1)
        rows += bulk
        rows += frame_memory(args.results)
        rounds.append(rows)
    summaries = summarise(rounds)
    summaries += sync_year(args.rounds)
    print(f"\n{'target':<42} {'ours':>18} {'baseline':>30} {'median':>7} {'range':>12}  goal")
    for s in summaries:
        mine = f"{s.ours} {_shown(s.ours_value, s.target)}"
        theirs = f"{s.peer} {_shown(s.peer_value, s.target)}"
        spread = f"{s.low:.2f}-{s.high:.2f}" if s.rounds > 1 else "(1 round)"
        # Parse ratios are speed-ups (baseline time / ours); the others, ours / baseline.
        print(f"{s.target:<42} {mine:>18} {theirs:>30} {s.ratio:>6.2f}x {spread:>12}  {s.goal}")
    print(f"\n({args.rounds} rounds, {time.perf_counter() - began:.0f} s)")


if __name__ == "__main__":
    main()
