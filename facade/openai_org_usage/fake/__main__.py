"""Run the fake Usage API on a loopback port: ``python -m openai_org_usage.fake --port 8089``."""

from __future__ import annotations

import argparse
from datetime import datetime

from ._api import DEFAULT_NOW, FakeUsageAPI
from ._history import HISTORIES, AnomalySchedule, History
from ._live import LIVE_LOOKBACK_DAYS
from ._server import serve
from ._sizes import SIZE_PRESETS


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m openai_org_usage.fake", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--size",
        choices=tuple(SIZE_PRESETS),
        default="small",
        help="how big the synthetic organization is: "
        + "; ".join(
            f"{name}: {s.projects} projects, {s.users} users, {s.keys} API keys, "
            f"{s.models} models, {s.service_accounts} service accounts"
            for name, s in SIZE_PRESETS.items()
        )
        + " (default: small)",
    )
    parser.add_argument(
        "--history",
        choices=HISTORIES,
        default="default",
        help="default: the demo's traffic as it always was; realistic: steadier traffic, growth "
        "by project, a launch step and a month-end batch job (default: default)",
    )
    parser.add_argument(
        "--anomalies",
        type=int,
        default=0,
        metavar="COUNT",
        help="inject COUNT spikes and drops into the last six months (realistic history only)",
    )
    parser.add_argument(
        "--anomaly-seed", type=int, default=0, help="seed of the injected anomalies (default 0)"
    )
    parser.add_argument(
        "--page-cache",
        type=int,
        default=64,
        help="rendered pages kept for repeated requests (default 64; 0: none, for benchmarks "
        "that must measure the fake's rendering too)",
    )
    parser.add_argument(
        "--now",
        type=datetime.fromisoformat,
        default=None,
        help="timezone-aware ISO instant, e.g. 2026-11-25T12:00:00+00:00 (default: "
        f"{DEFAULT_NOW.isoformat()}, fixed, so that benchmarks see the same data on any day; "
        "'openai-org-usage fake-server' starts at the current time instead)",
    )
    parser.add_argument("--api-key", default=None, help="the only bearer token accepted")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument(
        "--costs-has-more-forever",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="costs promises more past its end, as the live API does (default: on)",
    )
    parser.add_argument(
        "--lookback-days",
        type=int,
        default=LIVE_LOOKBACK_DAYS,
        help=f"refuse a start_time older than this many days (default {LIVE_LOOKBACK_DAYS})",
    )
    parser.add_argument(
        "--no-lookback", action="store_true", help="serve any start_time, however old"
    )
    parser.add_argument(
        "--refuse-costs-api-key-grouping",
        action="store_true",
        help="refuse costs group_by=api_key_id, as one integration reports",
    )
    parser.add_argument(
        "--omit-final-next-page",
        action="store_true",
        help="leave next_page out of the last page instead of null (the SDK makes it optional)",
    )
    args = parser.parse_args(argv)
    if args.anomalies and args.history != "realistic":
        parser.error("--anomalies needs --history realistic")
    history: str | History = args.history
    if args.anomalies:
        history = History(anomalies=AnomalySchedule(seed=args.anomaly_seed, count=args.anomalies))
    api = FakeUsageAPI(
        args.seed,
        args.now,
        api_key=args.api_key,
        latency=args.latency,
        costs_has_more_forever=args.costs_has_more_forever,
        lookback_days=None if args.no_lookback else args.lookback_days,
        refuse_costs_api_key_grouping=args.refuse_costs_api_key_grouping,
        omit_final_next_page=args.omit_final_next_page,
        size=args.size,
        page_cache=args.page_cache,
        history=history,
    )
    server = serve(api, args.host, args.port)
    host, port = server.server_address[:2]
    print(f"fake OpenAI Usage API on http://{host!s}:{port}/v1 (Ctrl-C to stop)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
