"""Record the vendor's documented example responses into cassettes for the generated client,
and the governance reads from the embedded fake into cassettes for the facade.

Usage: python tools/build_example_cassettes.py EXAMPLES_DIR
       python tools/build_example_cassettes.py --governance

EXAMPLES_DIR holds one JSON file per operation (``costs.json``, ``usage_<name>.json``): the
vendor's documented examples (shared/reference/examples). An operation the vendor documents no
example for (``decisions``, only in the newest SDK) takes the project's own from
tests/generated/examples/ (see the README there). Each is served by an in-process transport and
recorded through the same VCR harness the tests replay with (tests/_cassettes.py), so the
cassettes carry real request URIs and pass the same scrubbing as a live recording. The output
goes to tests/generated/cassettes/test_examples/.

``--governance`` records the facade's governance reads (spend limits, spend alerts, rate limits,
audit logs, health alert rules)
answered by the embedded fake (``FakeUsageAPI(seed=0)``, its fixed ``now``) through the same
harness, paged small so that each listing takes more than one page: the follow-up requests
carry the cursor and the filters, and replay matches on the query. The output goes to
tests/facade/cassettes/test_governance/.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

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


GOVERNANCE_CASSETTES = ROOT / "tests" / "facade" / "cassettes" / "test_governance"
AUDIT_SINCE = "2026-11-01T00:00:00Z"
"""The audit-log cassette's ``effective_at[gte]``: fixed, never relative to today."""


def record_governance(out_dir: Path) -> None:
    """Record each governance read of the facade, answered by the fake, into one cassette."""
    from openai_org_usage import UsageClient
    from openai_org_usage.fake import FakeUsageAPI

    out_dir.mkdir(parents=True, exist_ok=True)
    recorder = make_vcr(out_dir, record_mode="all")
    fake = FakeUsageAPI(seed=0)
    project = fake.org.projects[0]
    calls: dict[str, Any] = {
        "spend_limits": lambda c: (c.spend_limit(), c.project_spend_limit(project)),
        "spend_alerts": lambda c: c.spend_alerts(limit=1, order="desc").to_list(),
        "project_spend_alerts": lambda c: c.project_spend_alerts(project).to_list(),
        "project_rate_limits": lambda c: c.project_rate_limits(project, limit=5).to_list(),
        "project_api_keys": lambda c: [
            key for p in fake.org.projects for key in c.project_api_keys(p).to_list()
        ],
        # Two pages: effective_at[gte] (deepObject), event_types[] and the cursor on the wire.
        "audit_logs": lambda c: c.audit_logs(
            effective_at={"gte": AUDIT_SINCE},
            event_types=["api_key.created", "rate_limit.updated"],
            limit=4,
        ).to_list(),
        # Token paging: page=<next>, across the empty page between two full ones.
        "health_alert_rules": lambda c: c.health_alert_rules(limit=2).to_list(),
        "project_health_alert_rules": lambda c: c.project_health_alert_rules(
            project, limit=1, enabled=True
        ).to_list(),
    }
    for name, call in calls.items():
        cassette = out_dir / f"{name}.yaml"
        cassette.unlink(missing_ok=True)
        # vcrpy records through httpx's own transport classes, so the fake is wrapped in one.
        transport = httpx.MockTransport(fake.transport().handle_request)
        with (
            recorder.use_cassette(cassette.name),
            UsageClient(REPLAY_KEY, transport=transport, max_retries=0) as client,
        ):
            call(client)
        print(f"recorded {cassette.relative_to(ROOT)}")


def main(argv: list[str]) -> int:
    if argv == ["--governance"]:
        record_governance(GOVERNANCE_CASSETTES)
        return 0
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    record(Path(argv[0]), ROOT / "tests" / "generated" / "cassettes" / "test_examples")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
