"""The directory an MCP server names IDs with: listed on first need, kept a while, never a
condition.

A server runs for hours: the directory is listed when a tool first needs a name, reused for
``max_age``, then listed afresh on the next need. As with the command line's names, a list
the key may not read costs only its own names (a note says which), and a load that fails
outright leaves IDs and a note instead of an error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from ._errors import OpenAIUsageError

if TYPE_CHECKING:
    from ._client import UsageClient
    from .directory import Directory

__all__ = ["DirectoryNames", "LoadedDirectory"]

_RETRY_AFTER = timedelta(minutes=1)


@attrs.frozen
class LoadedDirectory:
    """The directory as far as it could be read, and what a reader should know about it.

    Attributes:
        directory: None when nothing could be listed.
        notes: One line per part that could not be read.
    """

    directory: Directory | None
    notes: tuple[str, ...] = ()


class DirectoryNames:
    """Lists the organization's directory through ``client`` when first asked, then every
    ``max_age`` (a failed listing: after a minute). Safe to call from several threads (one
    listing at a time)."""

    def __init__(
        self,
        client: UsageClient,
        *,
        max_age: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        """Nothing is listed until :meth:`get` is called."""
        self._client = client
        self._max_age = max_age
        self._clock = clock
        self._lock = threading.Lock()
        self._loaded: LoadedDirectory | None = None
        self._at: datetime | None = None

    def get(self) -> LoadedDirectory:
        """The directory, listed afresh if it is older than ``max_age`` (or never listed)."""
        with self._lock:
            now = self._clock()
            # A failed listing is tried again sooner: the failure may have been passing.
            age = self._max_age
            if self._loaded is not None and self._loaded.directory is None:
                age = min(age, _RETRY_AFTER)
            if self._loaded is None or self._at is None or not timedelta(0) <= now - self._at < age:
                self._loaded = _load(self._client)
                self._at = now
            return self._loaded


def _load(client: UsageClient) -> LoadedDirectory:
    from .directory import Directory

    try:
        loaded = Directory.load(client)
    except OpenAIUsageError as exc:
        return LoadedDirectory(None, (f"names unavailable, showing IDs: {exc}",))
    problems = tuple(str(p) for p in loaded.problems)
    if problems and len(loaded) == 0:
        return LoadedDirectory(
            None, tuple(f"names unavailable, showing IDs: {p}" for p in problems)
        )
    return LoadedDirectory(loaded, tuple(f"names: {p}" for p in problems))
