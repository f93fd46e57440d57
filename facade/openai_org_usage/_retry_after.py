"""How long a response asks to wait: ``retry-after-ms`` and ``Retry-After`` (RFC 7231)."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import httpx

__all__ = ["retry_after_seconds"]


def retry_after_seconds(response: httpx.Response, *, now: datetime | None = None) -> float | None:
    """The wait a response asks for, in seconds, or ``None`` if it asks for none.

    ``retry-after-ms`` wins; then ``Retry-After`` as seconds or as an HTTP date (RFC 7231),
    which counts from ``now`` and gives 0 when it is already past. Unreadable values are ignored.

    Args:
        response: The response.
        now: The current time (aware), for HTTP dates; the clock's UTC time if omitted.

    Example:
        >>> retry_after_seconds(httpx.Response(429, headers={"Retry-After": "7"}))
        7.0
    """
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = response.headers.get(name)
        if raw is None:
            continue
        try:
            seconds = float(raw) * scale
        except ValueError:
            if name == "retry-after":
                return _seconds_until(raw, now)
            continue
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return None


def _seconds_until(http_date: str, now: datetime | None) -> float | None:
    try:
        when = parsedate_to_datetime(http_date)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # "-0000": RFC 5322's "UTC, origin unknown"
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else datetime.now(UTC)
    return max(0.0, (when - current).total_seconds())
