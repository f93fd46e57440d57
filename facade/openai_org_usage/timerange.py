"""Time ranges as people type them (``--start/--end/--last/--tz``), resolved into one UTC range
with the facade's time rules: what the command line and the MCP server read, public for any
tool built on the library.

    from openai_org_usage.timerange import resolve
    time_range = resolve(start=None, end=None, last="7d", tz="Europe/Paris")

The range is resolved once per command and the same instants are passed to every request:
a report makes a dozen calls, and relative values ("30d") handed to each call separately would
read the clock a dozen times and cover slightly different ranges.

Dates and offset-less times (``2026-11-01T09:00``) are read in ``--tz``, UTC when it is not
given, as ``--help`` says: the facade refuses naive times unless told a zone, and a command
line has the zone option for that. Errors name the option and show what to type, never the
library's wording (which speaks of datetimes and timedeltas).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo

import attrs

from openai_org_usage import (
    InvalidParameterError,
    align_up,
    bucket_seconds,
    from_unix_seconds,
    parse_tz,
    resolve_range,
    to_unix_seconds,
)

__all__ = [
    "DEFAULT_LAST",
    "RangeError",
    "TimeRange",
    "check_last",
    "last_message",
    "parse_since",
    "resolve",
    "time_message",
]

_WIDTH_WORDS = {"1d": ("daily", "days"), "1h": ("hourly", "hours")}
# A span's shape; the facade judges its unit and size (check_last).
# The range of a command given neither --start nor --last.
DEFAULT_LAST = "30d"
_SPAN = re.compile(r"[0-9]+[A-Za-z]+")


class RangeError(Exception):
    """A bad ``--start``/``--end``/``--last``/``--tz``; the message names the option."""


@attrs.frozen
class TimeRange:
    """A resolved, half-open UTC range and the zone the caller wrote it in.

    Attributes:
        start: Inclusive start (aware, UTC).
        end: Exclusive end (aware, UTC).
        tz_name: ``--tz`` as given, or None.
        zone: The parsed zone, or None (UTC).
    """

    start: datetime
    end: datetime
    tz_name: str | None = None
    zone: tzinfo | None = None

    def boundary_note(self, bucket_width: str) -> str | None:
        """Explain, if needed, that a local boundary the caller asked for splits UTC buckets.

        Only boundaries that are round in the caller's zone (local midnight for daily buckets)
        but not in UTC are reported: a "7d" span is not expected to be aligned anyway. The
        API starts the first bucket at ``start`` but gives the last bucket its whole UTC
        length, so the data runs past a misaligned ``end`` to the next UTC boundary.
        """
        if self.zone is None or bucket_width not in _WIDTH_WORDS:
            return None
        width = bucket_seconds(bucket_width)
        adjective, unit = _WIDTH_WORDS[bucket_width]
        parts: list[str] = []
        for which, instant in (("start", self.start), ("end", self.end)):
            local = instant.astimezone(self.zone)
            round_locally = local.minute == 0 and local.second == 0
            if bucket_width == "1d":
                round_locally = round_locally and local.hour == 0
            seconds = int(instant.timestamp())
            if not round_locally or seconds % width == 0:
                continue
            said = f"{local:%Y-%m-%d %H:%M} {self.tz_name} is {instant:%Y-%m-%dT%H:%MZ}"
            if which == "start":
                parts.append(f"{said}, so the first bucket starts mid-{unit[:-1]}")
            else:
                natural_end = from_unix_seconds(align_up(seconds, bucket_width))
                parts.append(
                    f"{said}, so the last bucket is the whole UTC {unit[:-1]} "
                    f"ending {natural_end:%Y-%m-%dT%H:%MZ}"
                )
        if not parts:
            return None
        return f"{adjective} buckets are UTC {unit}, not {self.tz_name} {unit}: {'; '.join(parts)}"


def resolve(
    *,
    start: str | None,
    end: str | None,
    last: str | None,
    tz: str | None,
    now: datetime,
) -> TimeRange:
    """Resolve the range options against ``now`` (the real clock, or the fake's in demo mode).

    ``--last`` (default ``30d`` when there is no ``--start``) counts back from ``--end``, which
    defaults to ``now``.

    Raises:
        RangeError: a bad value, or ``--last`` together with ``--start``.
    """
    if start is not None and last is not None:
        raise RangeError(
            "--last and --start are mutually exclusive (--last counts back from --end)"
        )
    try:
        zone = parse_tz(tz)
    except InvalidParameterError:
        raise RangeError(
            f"invalid --tz {tz}: use UTC, a zone name such as Europe/Paris, or an offset "
            "such as +05:30"
        ) from None
    # Offset-less values are read in --tz, or UTC: never refused as "naive".
    reading = zone or UTC
    try:
        end_s = (
            to_unix_seconds(end, param="end", now=now, tz=reading, round_up=True)
            if end is not None
            else to_unix_seconds(now, param="end", now=now, round_up=True)
        )
    except InvalidParameterError as exc:
        raise RangeError(time_message("--end", exc)) from None
    if start is not None:
        start_value, start_flag, anchor = start, "--start", now
    else:
        start_value, start_flag, anchor = last or DEFAULT_LAST, "--last", from_unix_seconds(end_s)
        # Only a span: "--last 2026-11-01" must not be read as a start date.
        check_last(start_value)
    try:
        start_s, end_s = resolve_range(start_value, end_s, now=anchor, tz=reading)
    except InvalidParameterError as exc:
        if start_flag == "--last":
            # Whatever rule it broke (unit, zero, a span reaching before 1970): one wording.
            raise RangeError(last_message(start_value)) from None
        if exc.param == "start" and exc.allowed == _BEFORE_END:
            at = _utc(from_unix_seconds(_seconds(exc, anchor, reading)))
            until = _utc(from_unix_seconds(end_s))
            raise RangeError(
                f"--start {start_value} starts at {at}, not before --end ({until}); the range "
                "is [--start, --end)"
            ) from None
        flag = start_flag if exc.param == "start" else "--end"
        raise RangeError(time_message(flag, exc)) from None
    return TimeRange(from_unix_seconds(start_s), from_unix_seconds(end_s), tz, zone)


def check_last(value: str) -> str:
    """``--last`` as given, if it has a span's shape (``30d``), without surrounding spaces.

    Only the shape is checked here; :func:`resolve` has the facade judge the unit and size,
    and words any refusal the same way (:func:`last_message`).

    Raises:
        RangeError: not a number followed by a unit.
    """
    if not _SPAN.fullmatch(value.strip()):
        raise RangeError(last_message(value))
    return value.strip()


def last_message(value: str) -> str:
    """The one wording of every refused ``--last``: the option, the value, what is allowed."""
    shown = f"{value!s:.80}" if value.strip() else repr(value)
    return f"invalid --last {shown}: {_EXAMPLES['--last']}"


def parse_since(value: str, *, now: datetime) -> datetime:
    """``sync --since``: a date, a time (offset-less: UTC), Unix seconds or a span back from now.

    Raises:
        RangeError: a bad value, or one not before ``now``.
    """
    try:
        seconds = to_unix_seconds(value, param="since", now=now, tz=UTC)
    except InvalidParameterError as exc:
        raise RangeError(time_message("--since", exc)) from None
    since = from_unix_seconds(seconds)
    if since >= now:
        raise RangeError(
            f"--since {value} is not in the past (now is {_utc(now)}); give the first day "
            "to store, such as 2026-01-01 or 90d"
        )
    return since


# The facade's "allowed" texts that get their own wording here.
_BEFORE_END = "a time before end"
_EXAMPLES = {
    "--start": "use a date (2026-11-01), a time (2026-11-01T09:00Z; without an offset it is "
    "read in --tz, default UTC), Unix seconds, or --last 7d",
    "--end": "use a date (2026-11-08), a time (2026-11-08T09:00Z; without an offset it is "
    "read in --tz, default UTC), Unix seconds or a span back from now (1d); default: now",
    "--last": "use a span back from --end such as 30d, 12h or 2w: a whole number above 0, "
    "then a unit (s, m, h, d or w), reaching back no further than 1970-01-01",
    "--since": "use a date (2026-01-01), a time (2026-01-01T09:00Z; without an offset it is "
    "UTC), Unix seconds or a span back from now (90d)",
}


def time_message(flag: str, exc: InvalidParameterError) -> str:
    """A refused time value, in terms of the option: what was typed and what to type."""
    shown = f"{exc.value!s:.80}"
    if exc.allowed.startswith("a time from 1970"):
        return f"invalid {flag} {shown}: out of range; use a time from 1970-01-01 to 9999-12-31"
    return f"invalid {flag} {shown}: {_EXAMPLES[flag]}"


def _seconds(exc: InvalidParameterError, now: datetime, zone: tzinfo) -> int:
    # The value was valid (only its order was refused), so it converts again.
    return to_unix_seconds(exc.value, param="start", now=now, tz=zone)  # type: ignore[arg-type]


def _utc(instant: datetime) -> str:
    return f"{instant.astimezone(UTC):%Y-%m-%dT%H:%MZ}"
