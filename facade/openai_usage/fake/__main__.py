"""Run the fake Usage API on a loopback port: ``python -m openai_usage.fake --port 8089``."""

from __future__ import annotations

import argparse
from datetime import datetime

from ._api import FakeUsageAPI
from ._server import serve


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve until interrupted."""
    parser = argparse.ArgumentParser(prog="python -m openai_usage.fake", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--now",
        type=datetime.fromisoformat,
        default=None,
        help="timezone-aware ISO instant, e.g. 2026-11-25T12:00:00+00:00",
    )
    parser.add_argument("--api-key", default=None, help="the only bearer token accepted")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    args = parser.parse_args(argv)
    api = FakeUsageAPI(args.seed, args.now, api_key=args.api_key, latency=args.latency)
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
