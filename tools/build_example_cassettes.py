"""Record the vendor's documented example responses into cassettes for the generated client.

Usage: python tools/build_example_cassettes.py EXAMPLES_DIR

EXAMPLES_DIR holds one JSON file per operation (``costs.json``, ``usage_<name>.json``): the
vendor's documented examples (shared/reference/examples). An operation the vendor documents no
example for (``decisions``, only in the newest SDK) takes the project's own from
tests/generated/examples/ (see the README there). Each is served by an in-process transport and
recorded through the same VCR harness the tests replay with (tests/_cassettes.py), so the
cassettes carry real request URIs and pass the same scrubbing as a live recording. The output
goes to tests/generated/cassettes/test_examples/.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
OWN_EXAMPLES = ROOT / "tests" / "generated" / "examples"
sys.path.insert(0, str(ROOT / "tests"))

from _cassettes import REPLAY_KEY, make_vcr  # type: ignore[import-not-found]  # noqa: E402

from openai_org_usage_client import AuthenticatedClient  # noqa: E402

# The documented examples' request: the first bucket of 2024-11-01, one bucket per page.
START_TIME = 1730419200
LIMIT = 1
OPERATIONS = (
    "costs",
    "completions",
    "embeddings",
    "moderations",
    "images",
    "audio_speeches",
    "audio_transcriptions",
    "vector_stores",
    "code_interpreter_sessions",
    "file_search_calls",
    "web_search_calls",
    "decisions",
)


def example_file(examples: Path, operation: str) -> Path:
    """The vendor's example in ``examples`` or, where it documents none, the project's own."""
    name = "costs.json" if operation == "costs" else f"usage_{operation}.json"
    vendor = examples / name
    return vendor if vendor.is_file() else OWN_EXAMPLES / name


def record(examples: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    recorder = make_vcr(out_dir, record_mode="all")
    for operation in OPERATIONS:
        body = example_file(examples, operation).read_bytes()

        def serve(request: httpx.Request, body: bytes = body) -> httpx.Response:
            return httpx.Response(200, content=body, headers={"content-type": "application/json"})

        module = importlib.import_module(f"openai_org_usage_client.api.usage.usage_{operation}")
        client = AuthenticatedClient(
            base_url="https://api.openai.com/v1",
            token=REPLAY_KEY,
            httpx_args={"transport": httpx.MockTransport(serve)},
        )
        cassette = out_dir / f"{operation}.yaml"
        cassette.unlink(missing_ok=True)
        with recorder.use_cassette(cassette.name), client:
            response = module.sync_detailed(client=client, start_time=START_TIME, limit=LIMIT)
        assert response.status_code == 200, response.content
        print(f"recorded {cassette.relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    record(Path(argv[0]), ROOT / "tests" / "generated" / "cassettes" / "test_examples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
