"""Where data comes from: the real API (key from the environment) or the embedded fake."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import cast

import attrs

from openai_org_usage import OpenAIUsageError, UsageClient
from openai_org_usage.attribution import Names

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


@attrs.frozen
class LoadedNames:
    """The names the CLI shows for IDs, and what a reader should know about them.

    Attributes:
        names: The directory (None: not available, or not asked for).
        notes: Lines for stderr: parts of the directory that could not be read.
    """

    names: Names | None
    notes: tuple[str, ...] = ()

    @property
    def summary(self) -> str | None:
        """The notes as one stderr line (the first in full, the count of the others)."""
        if not self.notes:
            return None
        more = len(self.notes) - 1
        tail = f" (and {more} more like it)" if more else ""
        return f"openai-org-usage: note: {self.notes[0]}{tail}"


def load_names(source: Source) -> LoadedNames:
    """The organization's directory of projects, users and keys, read once for a command.

    Names are a help, never a condition: a key without the right to list users, or a
    package without the directory, gives IDs and a note instead of an error.
    """
    try:
        # Looked up by name: the directory module is optional for the commands.
        directory = importlib.import_module("openai_org_usage.directory")
    except ImportError:
        return LoadedNames(None)
    try:
        loaded = directory.Directory.load(source.client)
    except OpenAIUsageError as exc:
        return LoadedNames(None, (f"names unavailable, showing IDs: {exc}",))
    problems = tuple(str(p) for p in getattr(loaded, "problems", ()) or ())
    notes = tuple(f"names: {p}" for p in problems)
    return LoadedNames(cast(Names, loaded), notes)
