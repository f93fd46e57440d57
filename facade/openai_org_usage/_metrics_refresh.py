"""The refresh loop: a snapshot taken on an interval in a background thread, and its record.

A scrape reads :meth:`Refresher.status` and never waits for, or starts, a request. A failed
refresh keeps the previous snapshot and counts the error by class.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

import attrs

from ._errors import InvalidParameterError, OpenAIUsageError
from ._metrics_snapshot import Snapshot
from ._redact import redact

__all__ = [
    "DEFAULT_INTERVAL",
    "MIN_INTERVAL",
    "RefreshStatus",
    "Refresher",
    "error_text",
]

DEFAULT_INTERVAL: Final = 900.0
"""Seconds between refreshes by default (15 minutes)."""

MIN_INTERVAL: Final = 300.0
"""The shortest interval allowed (5 minutes). OpenAI publishes no rate limit for the Usage and
Costs API and admin lists, and a refresh makes about ten usage requests plus the directory's
(two, and two per project) and the budget's (about 40 on the demo): more often would spend a
shared budget other tools of the organization draw on, for data that lands minutes late and is
billed in daily buckets."""

_LOG = logging.getLogger("openai_org_usage.metrics")
_MAX_MESSAGE = 300


def error_text(exc: BaseException) -> str:
    """One line saying what failed, safe to log: the package's errors are already redacted;
    anything else is redacted of key-shaped text too, and cut short."""
    message = str(exc) if isinstance(exc, OpenAIUsageError) else redact(str(exc), None)
    message = " ".join(message.split())
    if len(message) > _MAX_MESSAGE:
        message = message[: _MAX_MESSAGE - 3] + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def _frozen(counts: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(counts))


@attrs.frozen
class RefreshStatus:
    """What the refresh loop has done so far (read by a scrape).

    Attributes:
        snapshot: The last successful snapshot (None until one succeeds).
        last_success: Unix time the last successful refresh finished (None: none yet).
        last_duration: Seconds the last refresh took, failed or not (None: none yet).
        refreshes: Successful refreshes.
        errors: Failed refreshes by error class name (``RateLimitError``).
    """

    snapshot: Snapshot | None = None
    last_success: float | None = None
    last_duration: float | None = None
    refreshes: int = 0
    errors: Mapping[str, int] = attrs.field(factory=dict, converter=_frozen)


class Refresher:
    """Takes a snapshot now and then on an interval in a daemon thread; keeps the last good one.

    Args:
        take: Makes one snapshot (``lambda: collect_snapshot(client, names=...)``).
        interval: Seconds between refreshes (at least :data:`MIN_INTERVAL`).
        on_error: Called with each refresh's exception (default: a warning on the
            ``openai_org_usage.metrics`` logger, redacted).
        clock: Unix time for :attr:`RefreshStatus.last_success`.

    Raises:
        InvalidParameterError: ``interval`` below :data:`MIN_INTERVAL`.

    Example::

        refresher = Refresher(lambda: collect_snapshot(client))
        refresher.refresh()  # the first one, in the foreground
        refresher.start()
    """

    def __init__(
        self,
        take: Callable[[], Snapshot],
        *,
        interval: float = DEFAULT_INTERVAL,
        on_error: Callable[[Exception], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not interval >= MIN_INTERVAL:
            raise InvalidParameterError(
                "interval",
                interval,
                f"at least {MIN_INTERVAL:g} seconds",
                hint="the API's rate limits are shared with the organization's other tools",
            )
        self.interval = interval
        self._take = take
        self._on_error = on_error or _log_error
        self._clock = clock
        self._lock = threading.Lock()
        self._refreshing = threading.Lock()
        self._status = RefreshStatus()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def status(self) -> RefreshStatus:
        """The current record (an immutable value: safe to read from any thread)."""
        with self._lock:
            return self._status

    def refresh(self) -> Exception | None:
        """Take one snapshot now (one at a time); on failure keep the last and count the error.

        Returns:
            The exception of a failed refresh (also given to ``on_error``), else None.
        """
        with self._refreshing:
            began = time.perf_counter()
            try:
                snapshot = self._take()
            except Exception as exc:
                took = time.perf_counter() - began
                with self._lock:
                    old = self._status
                    errors = dict(old.errors)
                    errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
                    self._status = attrs.evolve(old, last_duration=took, errors=errors)
                self._on_error(exc)
                return exc
            took = time.perf_counter() - began
            with self._lock:
                self._status = attrs.evolve(
                    self._status,
                    snapshot=snapshot,
                    last_success=self._clock(),
                    last_duration=took,
                    refreshes=self._status.refreshes + 1,
                )
            return None

    def start(self) -> None:
        """Refresh every :attr:`interval` seconds in a daemon thread (the first one after one
        interval: take the first with :meth:`refresh`)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(
            target=self._loop, name="openai-org-usage-metrics-refresh", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        """Stop the thread (a refresh under way finishes first)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            self.refresh()


def _log_error(exc: Exception) -> None:
    _LOG.warning("metrics refresh failed, keeping the last snapshot: %s", error_text(exc))
