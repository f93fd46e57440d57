"""Convert the time values callers write into the Unix seconds the Usage API takes.

The API reads ``start_time`` (inclusive) and ``end_time`` (exclusive) as Unix seconds in UTC,
and its buckets ("1m", "1h", "1d") are aligned to UTC boundaries. A start or end may be:

* an aware ``datetime``: its instant. A naive one is refused unless ``tz`` is given, in which
  case it is read as wall time in that zone (``fold`` decides DST gaps and overlaps; the
  default ``fold=0`` picks the offset in force before the transition).
* a ``date``: midnight of that day in UTC, or in ``tz`` if given.
* a ``str``: an ISO-8601 date (``"2026-11-01"``, like a date) or datetime (``"2026-11-01T12:00Z"``,
  ``"2026-11-01 12:00+02:00"``; without an offset it is treated like a naive datetime); a
  relative span ``"<n><unit>"`` with unit s, m, h, d or w, meaning *now* minus the span; or
  Unix seconds written as at least 9 digits.
* an ``int``: Unix seconds, at least 0. ``bool`` is refused.
* a ``float``: Unix seconds, only when it is a whole number (``1730419200.0``).
* a positive ``timedelta``: *now* minus the delta.
"""

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import TypeAlias
from zoneinfo import ZoneInfo

from dateutil.parser import isoparser

from ._errors import InvalidParameterError

__all__ = [
    "TimeInput",
    "align_down",
    "align_up",
    "bucket_seconds",
    "count_buckets",
    "from_unix_seconds",
    "iso_utc",
    "parse_tz",
    "resolve_range",
    "to_unix_seconds",
]

TimeInput: TypeAlias = datetime | date | str | int | float | timedelta

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The last second a datetime can hold; past it we could not even print the value back.
_MAX_SECONDS = 253_402_300_799
_RANGE = "a time from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z"
_KINDS = (
    "an aware datetime, a date, an ISO-8601 date or datetime string, a relative span such as "
    "'7d', Unix seconds (int, whole float or digit string) or a positive timedelta"
)
_TZ_KINDS = (
    "a tzinfo, 'UTC', an IANA zone name such as 'Europe/Paris' or an offset such as '+02:00'"
)
_NAIVE_HINT = (
    "it is naive (no UTC offset); pass an aware datetime (e.g. datetime(..., tzinfo=timezone.utc)) "
    "or pass tz='Europe/Paris' to interpret it in a zone"
)
_BUCKET_SECONDS = {"1m": 60, "1h": 3_600, "1d": 86_400}
_SPAN_UNITS = {"s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800}
_DIGITS = re.compile(r"[0-9]+")
_SPAN = re.compile(r"([0-9]+)([A-Za-z]+)")
# RFC 3339 allows a space between date and time; dateutil's default separator would accept
# any character ("2026-11-01x12:00"), so the split is done here and the parser pinned to "T".
_ISO = re.compile(r"([^T ]+)(?:[T ](.+))?")
_ISO_PARSER = isoparser(sep="T")
_OFFSET = re.compile(r"([+-])([0-9]{2}):?([0-9]{2})")
# More digits than this is far past _MAX_SECONDS; stopping here also keeps int() away from
# Python's limit on converting very long digit strings.
_MAX_DIGITS = 15


def to_unix_seconds(
    value: TimeInput,
    *,
    param: str,
    now: datetime,
    tz: tzinfo | None = None,
    round_up: bool = False,
) -> int:
    """Convert one time value to Unix seconds.

    Args:
        value: Any kind listed in the module docstring.
        param: Parameter name used in error messages (``"start"``, ``"end"``).
        now: Aware datetime that relative spans and timedeltas count back from.
        tz: Zone for naive datetimes, offset-less ISO strings and dates; ``None`` means
            naive values are refused and dates are UTC.
        round_up: Ceil a sub-second instant instead of flooring it (used for ``end``).

    Returns:
        Whole Unix seconds between 0 and 9999-12-31T23:59:59Z.

    Raises:
        InvalidParameterError: The value has an unsupported kind, is naive without ``tz``,
            is malformed, or lies outside the representable range.

    Example:
        >>> now = datetime(2026, 11, 8, tzinfo=UTC)
        >>> to_unix_seconds("2026-11-01", param="start", now=now)
        1793491200
        >>> to_unix_seconds("7d", param="start", now=now)
        1793491200
    """
    if not isinstance(now, datetime) or now.utcoffset() is None:
        raise InvalidParameterError("now", now, "an aware datetime")
    instant = _to_instant(value, param=param, now=now, tz=tz)
    if isinstance(instant, int):
        seconds = instant
    else:
        delta = instant - _EPOCH
        seconds = delta.days * 86_400 + delta.seconds
        if round_up and delta.microseconds:
            seconds += 1
    if not 0 <= seconds <= _MAX_SECONDS:
        raise InvalidParameterError(param, value, _RANGE)
    return seconds


def resolve_range(
    start: TimeInput,
    end: TimeInput | None = None,
    *,
    now: datetime | None = None,
    tz: tzinfo | str | None = None,
) -> tuple[int, int]:
    """Convert a ``start``/``end`` pair to the API's half-open ``[start_time, end_time)``.

    Args:
        start: First instant wanted (inclusive); any kind listed in the module docstring.
        end: Instant to stop before (exclusive); ``None`` means ``now``.
        now: Aware "current" time; defaults to the real clock, read once for both ends.
        tz: Zone for naive values and dates, as accepted by :func:`parse_tz`.

    Returns:
        ``(start_time, end_time)`` in Unix seconds, with ``start_time < end_time``.

    Raises:
        InvalidParameterError: Either value or ``tz`` is invalid, or start is not before end.

    Example:
        >>> resolve_range("2026-11-01", "2026-11-08")
        (1793491200, 1794096000)
    """
    zone = parse_tz(tz)
    if now is None:
        now = datetime.now(UTC)
    # Start is floored and end ceiled so that [start, end) still contains every sub-second
    # instant the caller named; rounding the other way would silently drop an edge second.
    start_s = to_unix_seconds(start, param="start", now=now, tz=zone)
    end_value = now if end is None else end
    end_s = to_unix_seconds(end_value, param="end", now=now, tz=zone, round_up=True)
    if start_s >= end_s:
        raise InvalidParameterError(
            "start",
            start,
            "a time before end",
            hint=f"start ({iso_utc(start_s)}) must be before end ({iso_utc(end_s)})",
        )
    return start_s, end_s


def from_unix_seconds(value: int) -> datetime:
    """Convert Unix seconds to an aware UTC datetime.

    Args:
        value: Unix seconds; negative values are earlier than 1970.

    Returns:
        The instant as a datetime with ``tzinfo=timezone.utc``.

    Raises:
        InvalidParameterError: ``value`` is not an int or is outside datetime's range.

    Example:
        >>> from_unix_seconds(1793491200)
        datetime.datetime(2026, 11, 1, 0, 0, tzinfo=datetime.timezone.utc)
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidParameterError("value", value, "Unix seconds as an int")
    try:
        return _EPOCH + timedelta(seconds=value)
    except OverflowError:
        raise InvalidParameterError("value", value, "Unix seconds within year 1 to 9999") from None


def bucket_seconds(bucket_width: str) -> int:
    """Return the length of an API bucket in seconds.

    Args:
        bucket_width: ``"1m"``, ``"1h"`` or ``"1d"``.

    Returns:
        60, 3600 or 86400.

    Raises:
        InvalidParameterError: Any other width (it is a ``ValueError``).

    Example:
        >>> bucket_seconds("1h")
        3600
    """
    try:
        return _BUCKET_SECONDS[bucket_width]
    except (KeyError, TypeError):
        raise InvalidParameterError("bucket_width", bucket_width, "'1m', '1h' or '1d'") from None


def align_down(ts: int, bucket_width: str) -> int:
    """Floor Unix seconds to the start of the UTC bucket containing them.

    Unix time has no leap seconds, so every UTC day is exactly 86400 seconds and plain
    modular arithmetic lands on UTC midnights, hours and minutes.

    Args:
        ts: Unix seconds.
        bucket_width: ``"1m"``, ``"1h"`` or ``"1d"``.

    Returns:
        The largest bucket boundary ``<= ts``.

    Raises:
        InvalidParameterError: Unknown ``bucket_width``.

    Example:
        >>> align_down(1793494861, "1h")
        1793494800
    """
    return ts - ts % bucket_seconds(bucket_width)


def align_up(ts: int, bucket_width: str) -> int:
    """Ceil Unix seconds to a UTC bucket boundary.

    Args:
        ts: Unix seconds.
        bucket_width: ``"1m"``, ``"1h"`` or ``"1d"``.

    Returns:
        The smallest bucket boundary ``>= ts``.

    Raises:
        InvalidParameterError: Unknown ``bucket_width``.

    Example:
        >>> align_up(1793494861, "1h")
        1793498400
    """
    width = bucket_seconds(bucket_width)
    return -(-ts // width) * width


def count_buckets(start: int, end: int, bucket_width: str) -> int:
    """Count the UTC buckets that the half-open range ``[start, end)`` touches.

    A partial bucket at either edge counts as one, since the API returns it too.

    Args:
        start: Unix seconds, inclusive.
        end: Unix seconds, exclusive; ``end == start`` is an empty range.
        bucket_width: ``"1m"``, ``"1h"`` or ``"1d"``.

    Returns:
        The number of buckets, 0 for an empty range.

    Raises:
        InvalidParameterError: ``end < start`` or unknown ``bucket_width``.

    Example:
        >>> count_buckets(1793491200 + 1800, 1793491200 + 3 * 3600, "1h")
        3
    """
    width = bucket_seconds(bucket_width)
    if end < start:
        raise InvalidParameterError("end", end, f"a value >= start ({start})")
    if end == start:
        return 0
    return (align_up(end, bucket_width) - align_down(start, bucket_width)) // width


def parse_tz(value: tzinfo | str | None) -> tzinfo | None:
    """Turn a zone name or offset into a tzinfo.

    Args:
        value: ``None``; a tzinfo (returned as is); ``"UTC"``/``"Z"`` (any case); a fixed
            offset ``"+05:30"``/``"-0800"``; or an IANA name such as ``"Europe/Paris"``.

    Returns:
        The tzinfo, or ``None`` when ``value`` is ``None``.

    Raises:
        InvalidParameterError: Unknown zone name, malformed offset or unsupported type.

    Example:
        >>> parse_tz("+02:00")
        datetime.timezone(datetime.timedelta(seconds=7200))
    """
    if value is None or isinstance(value, tzinfo):
        return value
    if not isinstance(value, str):
        raise InvalidParameterError("tz", value, _TZ_KINDS)
    # Zone keys are file paths, so "utc" would resolve on case-insensitive file systems
    # only; special-casing it keeps behaviour the same everywhere.
    if value.upper() in ("UTC", "Z"):
        return UTC
    offset = _OFFSET.fullmatch(value)
    if offset:
        sign, hours, minutes = offset.groups()
        if int(hours) > 23 or int(minutes) > 59:
            raise InvalidParameterError("tz", value, _TZ_KINDS)
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        return timezone(-delta if sign == "-" else delta)
    try:
        return ZoneInfo(value)
    # ZoneInfoNotFoundError is a KeyError; malformed keys raise ValueError, directories OSError.
    except (KeyError, ValueError, OSError):
        raise InvalidParameterError("tz", value, _TZ_KINDS) from None


def _to_instant(value: object, *, param: str, now: datetime, tz: tzinfo | None) -> datetime | int:
    # bool is an int subclass, but start=True is always a mistake, never second 1.
    if isinstance(value, bool):
        raise InvalidParameterError(param, value, _KINDS)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        # Silently flooring 1730419200.7 would hide whether the caller meant floor or ceil;
        # is_integer() is also False for nan and inf.
        if not value.is_integer():
            raise InvalidParameterError(
                param,
                value,
                "whole Unix seconds",
                hint="a float must have no fractional part; round it, or pass a datetime",
            )
        return int(value)
    if isinstance(value, datetime):
        return _localize(value, param=param, value=value, tz=tz)
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=tz or UTC)
    if isinstance(value, timedelta):
        if value <= timedelta(0):
            raise InvalidParameterError(
                param, value, "a positive timedelta (counted back from now)"
            )
        return _before(now, value, param=param, value=value)
    if isinstance(value, str):
        return _parse_str(value, param=param, now=now, tz=tz)
    raise InvalidParameterError(param, value, _KINDS)


def _parse_str(value: str, *, param: str, now: datetime, tz: tzinfo | None) -> datetime | int:
    if _DIGITS.fullmatch(value):
        if len(value) > _MAX_DIGITS:
            raise InvalidParameterError(param, value, _RANGE)
        # Short digit runs read as compact ISO dates or years ("20261101", "2026") and would
        # otherwise land silently in 1970; real timestamps since 1973 have 9+ digits.
        if len(value) < 9:
            raise InvalidParameterError(
                param,
                value,
                "Unix seconds of at least 9 digits",
                hint="for a date write it as ISO-8601, e.g. '2026-11-01'",
            )
        return int(value)
    span = _SPAN.fullmatch(value)
    if span:
        count, unit = span.groups()
        if unit not in _SPAN_UNITS:
            raise InvalidParameterError(
                param, value, "a relative span with unit s, m, h, d or w, e.g. '7d'"
            )
        if len(count) > _MAX_DIGITS:
            raise InvalidParameterError(param, value, _RANGE)
        if int(count) == 0:
            raise InvalidParameterError(param, value, "a positive relative span, e.g. '7d'")
        try:
            delta = timedelta(seconds=int(count) * _SPAN_UNITS[unit])
        except OverflowError:
            raise InvalidParameterError(param, value, _RANGE) from None
        return _before(now, delta, param=param, value=value)
    parts = _ISO.fullmatch(value)
    try:
        if parts is None:
            raise ValueError("no date part")
        day, clock = parts.groups()
        if clock is None:
            return datetime.combine(_ISO_PARSER.parse_isodate(day), time(), tzinfo=tz or UTC)
        parsed = _ISO_PARSER.isoparse(f"{day}T{clock}")
    except ValueError as exc:
        raise InvalidParameterError(
            param, value, _KINDS, hint=f"not valid ISO-8601: {exc}"
        ) from None
    return _localize(parsed, param=param, value=value, tz=tz)


def _localize(dt: datetime, *, param: str, value: object, tz: tzinfo | None) -> datetime:
    if dt.utcoffset() is not None:
        return dt
    if tz is None:
        raise InvalidParameterError(param, value, "an aware datetime", hint=_NAIVE_HINT)
    # replace() keeps dt.fold, so an explicit fold=1 still selects the second occurrence.
    return dt.replace(tzinfo=tz)


def _before(now: datetime, delta: timedelta, *, param: str, value: object) -> datetime:
    try:
        return now - delta
    except OverflowError:
        raise InvalidParameterError(param, value, _RANGE) from None


def iso_utc(instant: int | datetime) -> str:
    """``2026-11-01T00:00:00Z``: Unix seconds or an aware datetime as ISO-8601 in UTC, whole
    seconds (the API's resolution); the one spelling of an instant in messages and keys."""
    if isinstance(instant, int):
        instant = from_unix_seconds(instant)
    return instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
