"""Where data comes from: the real API (key from the environment) or the embedded fake."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import cast

import attrs
import click

from openai_org_usage import (
    APIError,
    APIStatusError,
    GroupingRefusedError,
    LookbackExceededError,
    OpenAIUsageError,
    UsageClient,
)
from openai_org_usage.attribution import Names

DEMO_NOTICE = (
    "Demo mode: synthetic data from the embedded fake API; no request leaves this machine."
)
# Windows of a long range fetched at once; also what page-count estimates assume.
MAX_CONCURRENCY = 4


@attrs.frozen
class SourceSettings:
    """What ``--demo`` and ``--base-url`` ask for: where a command's data comes from.

    Attributes:
        demo: Use the embedded fake API (synthetic data, no network, no key).
        base_url: The API's base URL (None: the client's default).
        demo_size: With ``demo``: the fake organization's size preset (``small``, ``large``).
    """

    demo: bool
    base_url: str | None
    demo_size: str = "small"


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


def open_source(settings: SourceSettings) -> Source:
    """Create the client that ``settings`` ask for.

    Raises:
        click.UsageError: ``--demo-size`` other than ``small`` without ``--demo``.
        MissingAPIKeyError: not in demo mode and ``OPENAI_ADMIN_KEY`` is unset.
        InvalidParameterError: ``OPENAI_ADMIN_KEY`` is not printable ASCII without whitespace
            (``param="api_key"``; the message never holds the key).
    """
    if settings.demo:
        # Imported here: the fake is only needed for --demo.
        from openai_org_usage.fake import FakeUsageAPI

        # No page cache: a command reads each page once, and a year of cached hourly pages
        # would double the memory of an export that otherwise streams.
        fake = FakeUsageAPI(seed=0, size=settings.demo_size, page_cache=0)
        client = UsageClient(
            api_key="demo", transport=fake.transport(), max_concurrency=MAX_CONCURRENCY
        )
        return Source(client, fake.now, demo=True)
    if settings.demo_size != "small":
        # A real organization is the size it is: asking for another is a mistake to say.
        raise click.UsageError(
            f"--demo-size {settings.demo_size} sizes the demo's synthetic organization: "
            "add --demo, or drop --demo-size to read the real organization"
        )
    # The key is read by the facade from OPENAI_ADMIN_KEY: it never passes through the CLI.
    client = UsageClient(base_url=settings.base_url or None, max_concurrency=MAX_CONCURRENCY)
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

    Names are a help, never a condition. A list the key may not read costs only its own
    names: the directory keeps the rest, and each refusal is a note (one project whose keys
    were refused: names for everything else, and a note naming that project). Only when
    nothing at all could be read, or the load failed outright (401, pages that do not chain,
    no connection ...), are all names dropped: IDs and one note instead of an error.
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
    if problems and len(loaded) == 0:
        # Every list refused: an empty directory would only repeat the IDs as names.
        return LoadedNames(None, tuple(f"names unavailable, showing IDs: {p}" for p in problems))
    notes = tuple(f"names: {p}" for p in problems)
    return LoadedNames(cast(Names, loaded), notes)


@contextmanager
def demo_errors(source: Source) -> Iterator[None]:
    """In demo mode, an API error is the embedded fake's: said as such, with no URL (no
    request left the machine, and the client's default base URL would name the real API)
    and no request id; a refused start names the day the demo's data starts, once."""
    try:
        yield
    except APIError as exc:
        if not source.demo:
            raise
        raise click.ClickException(demo_message(exc, source.now)) from None


def demo_message(exc: APIError, now: datetime) -> str:
    """What the demo's fake refused, for a reader who asked for synthetic data."""
    if isinstance(exc, LookbackExceededError):
        served = exc.earliest_start or (now - timedelta(days=365))
        return (
            f"the demo serves data from {served:%Y-%m-%d} on, a year back from its fixed clock "
            f"({now:%Y-%m-%d %H:%M} UTC), as the live API serves a year back from today: "
            "start at or after that day"
        )
    if isinstance(exc, GroupingRefusedError):
        grouping = ", ".join(exc.group_by) or "nothing"
        return (
            f"the demo refuses {exc.operation or 'this request'} grouped by {grouping}, as the "
            f"live API does for some organizations: {exc.message}"
        )
    if isinstance(exc, APIStatusError):
        return f"the demo's fake API answered HTTP {exc.status_code}: {exc.message}"
    return f"the demo's fake API failed: {exc.args[0] if exc.args else type(exc).__name__}"
