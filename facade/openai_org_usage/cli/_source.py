"""Where data comes from: the real API (key from the environment) or the embedded fake."""

from __future__ import annotations

from datetime import UTC, datetime

import attrs

from openai_org_usage import UsageClient

DEMO_NOTICE = (
    "Demo mode: synthetic data from the embedded fake API; no request leaves this machine."
)
# Windows of a long range fetched at once; also what page-count estimates assume.
MAX_CONCURRENCY = 4


@attrs.frozen
class Source:
    """An open client plus the facts about it that rendering and time resolution need.

    Attributes:
        client: The facade client (close it when done).
        now: The clock relative times count from: the fake's fixed clock in demo mode, so a
            demo shows data whatever today's date is.
        demo: Whether the data is synthetic.
    """

    client: UsageClient
    now: datetime
    demo: bool


def open_source(*, demo: bool, base_url: str | None) -> Source:
    """Create the client.

    Raises:
        MissingAPIKeyError: not in demo mode and ``OPENAI_ADMIN_KEY`` is unset.
    """
    if demo:
        # Imported here: the fake is only needed for --demo.
        from openai_org_usage.fake import FakeUsageAPI

        fake = FakeUsageAPI(seed=0)
        client = UsageClient(
            api_key="demo", transport=fake.transport(), max_concurrency=MAX_CONCURRENCY
        )
        return Source(client, fake.now, demo=True)
    # The key is read by the facade from OPENAI_ADMIN_KEY: it never passes through the CLI.
    client = UsageClient(base_url=base_url or None, max_concurrency=MAX_CONCURRENCY)
    return Source(client, datetime.now(UTC), demo=False)
