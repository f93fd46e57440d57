"""Tests of openai_org_usage._time: turning human time values into the API's Unix seconds.

Expected instants are written as aware UTC datetimes derived by hand and converted with
``datetime.timestamp()``, so the assertions do not reuse the code under test. The real clock
is never read in an assertion: every call that depends on "now" gets ``now=NOW``.
"""

import doctest
import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openai_org_usage import _time
from openai_org_usage._errors import InvalidParameterError
from openai_org_usage._time import (
    TimeInput,
    align_down,
    align_up,
    bucket_seconds,
    count_buckets,
    from_unix_seconds,
    parse_tz,
    resolve_range,
    to_unix_seconds,
)

# Timing is not under test, and a loaded CI machine must not turn into a flaky failure.
SETTINGS = settings(deadline=None)

NOW = datetime(2026, 11, 8, 12, 0, tzinfo=UTC)
MAX_SECONDS = 253_402_300_799  # 9999-12-31T23:59:59Z
WIDTHS = {"1m": 60, "1h": 3_600, "1d": 86_400}
PARIS = ZoneInfo("Europe/Paris")
NEW_YORK = ZoneInfo("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    """Unix seconds of a UTC wall time, computed by the standard library."""
    return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())


def convert(value: Any, *, tz: tzinfo | None = None, now: datetime = NOW) -> int:
    return to_unix_seconds(value, param="start", now=now, tz=tz)


NOV1 = utc(2026, 11, 1)
NOW_S = utc(2026, 11, 8, 12)


# --- accepted kinds ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(datetime(2026, 11, 1, tzinfo=UTC), NOV1, id="aware-utc"),
        pytest.param(
            datetime(2026, 11, 1, 5, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            NOV1,
            id="aware-+05:30",
        ),
        pytest.param(datetime(2026, 11, 1, 1, 0, tzinfo=PARIS), NOV1, id="aware-zoneinfo"),
        pytest.param(date(2026, 11, 1), NOV1, id="date-is-utc-midnight"),
        pytest.param("2026-11-01", NOV1, id="date-string"),
        pytest.param("2026-11", NOV1, id="year-month-string"),
        pytest.param("2026-11-01T12:00:00Z", utc(2026, 11, 1, 12), id="Z"),
        pytest.param("2026-11-01T12:00:00z", utc(2026, 11, 1, 12), id="lowercase-z"),
        pytest.param("2026-11-01T12:00+05:30", utc(2026, 11, 1, 6, 30), id="+05:30"),
        pytest.param("2026-11-01 12:00+02:00", utc(2026, 11, 1, 10), id="space-separator"),
        pytest.param("2026-11-01T12:00:00-0800", utc(2026, 11, 1, 20), id="-0800"),
        pytest.param("2026-11-01T12:00:00.999999Z", utc(2026, 11, 1, 12), id="fraction-floored"),
        pytest.param("20261101T120000Z", utc(2026, 11, 1, 12), id="basic-format"),
        pytest.param("7d", NOW_S - 7 * 86_400, id="span-days"),
        pytest.param("24h", NOW_S - 86_400, id="span-hours"),
        pytest.param("90m", NOW_S - 90 * 60, id="span-minutes"),
        pytest.param("30s", NOW_S - 30, id="span-seconds"),
        pytest.param("2w", NOW_S - 14 * 86_400, id="span-weeks"),
        pytest.param("1793491200", NOV1, id="digit-string"),
        pytest.param(NOV1, NOV1, id="int"),
        pytest.param(0, 0, id="int-epoch"),
        pytest.param(float(NOV1), NOV1, id="whole-float"),
        pytest.param(timedelta(days=7), NOW_S - 7 * 86_400, id="timedelta"),
        pytest.param(timedelta(minutes=1), NOW_S - 60, id="timedelta-minute"),
    ],
)
def test_accepted_kinds(value: TimeInput, expected: int) -> None:
    assert convert(value) == expected


def test_date_string_is_utc_midnight_not_naive() -> None:
    # A date-only string has no clock time to be naive about, so no tz is needed.
    assert convert("2026-11-01") == convert(date(2026, 11, 1)) == NOV1


@pytest.mark.parametrize(
    ("value", "tz", "expected"),
    [
        # Paris is on CET (+01:00) on 2026-11-01 and CEST (+02:00) on 2026-07-01.
        pytest.param(datetime(2026, 11, 1), PARIS, utc(2026, 10, 31, 23), id="naive-datetime"),
        pytest.param("2026-11-01T00:00", PARIS, utc(2026, 10, 31, 23), id="offsetless-string"),
        pytest.param(date(2026, 11, 1), PARIS, utc(2026, 10, 31, 23), id="date"),
        pytest.param("2026-07-01", PARIS, utc(2026, 6, 30, 22), id="date-string-summer"),
        pytest.param(
            datetime(2026, 11, 1),
            timezone(timedelta(hours=-3)),
            utc(2026, 11, 1, 3),
            id="fixed-offset",
        ),
        # An explicit instant wins over tz: tz only fills in what the value leaves open.
        pytest.param(datetime(2026, 11, 1, tzinfo=UTC), PARIS, NOV1, id="aware-ignores-tz"),
        pytest.param("2026-11-01T00:00Z", PARIS, NOV1, id="offset-string-ignores-tz"),
        pytest.param(NOV1, PARIS, NOV1, id="int-ignores-tz"),
    ],
)
def test_tz_fills_in_missing_zone(value: TimeInput, tz: tzinfo, expected: int) -> None:
    assert convert(value, tz=tz) == expected


@pytest.mark.parametrize(
    ("naive", "expected"),
    [
        # 2026-03-08 02:30 does not exist in New York (clocks jump 02:00 EST -> 03:00 EDT).
        # fold=0 (the default) applies the offset in force before the gap, EST (-05:00),
        # so it means 07:30Z, which New York clocks show as 03:30 EDT.
        pytest.param(datetime(2026, 3, 8, 2, 30), utc(2026, 3, 8, 7, 30), id="gap-fold0"),
        # fold=1 applies the offset after the gap, EDT (-04:00).
        pytest.param(datetime(2026, 3, 8, 2, 30, fold=1), utc(2026, 3, 8, 6, 30), id="gap-fold1"),
        # 2026-11-01 01:30 happens twice (EDT, then EST); fold=0 picks the first, EDT.
        pytest.param(datetime(2026, 11, 1, 1, 30), utc(2026, 11, 1, 5, 30), id="overlap-fold0"),
        pytest.param(
            datetime(2026, 11, 1, 1, 30, fold=1), utc(2026, 11, 1, 6, 30), id="overlap-fold1"
        ),
        pytest.param("2026-03-08T02:30", utc(2026, 3, 8, 7, 30), id="gap-string"),
        pytest.param("2026-11-01T01:30", utc(2026, 11, 1, 5, 30), id="overlap-string"),
    ],
)
def test_dst_follows_fold(naive: TimeInput, expected: int) -> None:
    assert convert(naive, tz=NEW_YORK) == expected


def test_resolve_range_accepts_tz_name() -> None:
    assert resolve_range(datetime(2026, 11, 1), "2026-11-02", now=NOW, tz="Europe/Paris") == (
        utc(2026, 10, 31, 23),
        utc(2026, 11, 1, 23),
    )


def test_resolve_range_accepts_tz_offset_string() -> None:
    assert resolve_range("2026-11-01T00:00", "2026-11-01T01:00", now=NOW, tz="+05:30") == (
        utc(2026, 10, 31, 18, 30),
        utc(2026, 10, 31, 19, 30),
    )


def test_resolve_range_end_defaults_to_now() -> None:
    assert resolve_range("7d", now=NOW) == (NOW_S - 7 * 86_400, NOW_S)


def test_resolve_range_mixed_kinds() -> None:
    assert resolve_range(date(2026, 11, 1), "2026-11-08T00:00Z", now=NOW) == (
        NOV1,
        utc(2026, 11, 8),
    )


def test_resolve_range_floors_start_and_ceils_end() -> None:
    start = datetime(2026, 11, 1, 0, 0, 0, 500_000, tzinfo=UTC)
    end = datetime(2026, 11, 1, 0, 0, 9, 1, tzinfo=UTC)
    assert resolve_range(start, end, now=NOW) == (NOV1, NOV1 + 10)


def test_resolve_range_whole_seconds_are_not_rounded() -> None:
    assert resolve_range(NOV1, NOV1 + 1, now=NOW) == (NOV1, NOV1 + 1)


def test_resolve_range_within_one_second_still_yields_a_range() -> None:
    start = datetime(2026, 11, 1, 0, 0, 0, 100_000, tzinfo=UTC)
    end = datetime(2026, 11, 1, 0, 0, 0, 900_000, tzinfo=UTC)
    assert resolve_range(start, end, now=NOW) == (NOV1, NOV1 + 1)


def test_resolve_range_subsecond_now_is_ceiled_for_end() -> None:
    now = NOW + timedelta(microseconds=1)
    assert resolve_range("1h", now=now) == (NOW_S - 3_600, NOW_S + 1)


def test_resolve_range_without_now_uses_the_clock() -> None:
    # Only absolute values, so the result does not depend on when the test runs.
    assert resolve_range(NOV1, "2026-11-02") == (NOV1, NOV1 + 86_400)


def test_to_unix_seconds_round_up() -> None:
    value = datetime(2026, 11, 1, 0, 0, 0, 1, tzinfo=UTC)
    assert to_unix_seconds(value, param="end", now=NOW, round_up=True) == NOV1 + 1
    assert to_unix_seconds(value, param="end", now=NOW) == NOV1
    assert to_unix_seconds(NOV1, param="end", now=NOW, round_up=True) == NOV1


def test_from_unix_seconds_is_aware_utc() -> None:
    result = from_unix_seconds(NOV1)
    assert result == datetime(2026, 11, 1, tzinfo=UTC)
    assert result.utcoffset() == timedelta(0)
    assert from_unix_seconds(0) == datetime(1970, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("UTC", UTC),
        ("utc", UTC),
        ("Z", UTC),
        ("+02:00", timezone(timedelta(hours=2))),
        ("-0800", timezone(timedelta(hours=-8))),
        ("+05:30", timezone(timedelta(hours=5, minutes=30))),
        ("Europe/Paris", PARIS),
        ("America/New_York", NEW_YORK),
        (None, None),
    ],
)
def test_parse_tz(value: str | None, expected: tzinfo | None) -> None:
    assert parse_tz(value) == expected


def test_parse_tz_passes_tzinfo_through() -> None:
    zone = timezone(timedelta(hours=3))
    assert parse_tz(zone) is zone


@pytest.mark.parametrize(("width", "seconds"), list(WIDTHS.items()))
def test_bucket_seconds(width: str, seconds: int) -> None:
    assert bucket_seconds(width) == seconds


def test_align_examples() -> None:
    ts = utc(2026, 11, 1, 13, 45, 10)
    assert align_down(ts, "1d") == NOV1
    assert align_up(ts, "1d") == NOV1 + 86_400
    assert align_down(ts, "1h") == utc(2026, 11, 1, 13)
    assert align_up(ts, "1h") == utc(2026, 11, 1, 14)
    assert align_down(ts, "1m") == utc(2026, 11, 1, 13, 45)
    assert align_up(ts, "1m") == utc(2026, 11, 1, 13, 46)
    assert align_down(NOV1, "1d") == align_up(NOV1, "1d") == NOV1


@pytest.mark.parametrize(
    ("start", "end", "width", "expected"),
    [
        pytest.param(NOV1, NOV1 + 7 * 86_400, "1d", 7, id="aligned-week"),
        pytest.param(NOV1 + 1, NOV1 + 7 * 86_400, "1d", 7, id="partial-first"),
        pytest.param(NOV1, NOV1 + 7 * 86_400 + 1, "1d", 8, id="partial-last"),
        pytest.param(NOV1 + 1, NOV1 + 86_400 + 1, "1d", 2, id="partial-both"),
        pytest.param(NOV1 + 10, NOV1 + 20, "1h", 1, id="inside-one-bucket"),
        pytest.param(NOV1, NOV1 + 1, "1m", 1, id="one-second"),
        pytest.param(NOV1, NOV1, "1h", 0, id="empty"),
        pytest.param(NOV1 + 5, NOV1 + 5, "1h", 0, id="empty-unaligned"),
    ],
)
def test_count_buckets_examples(start: int, end: int, width: str, expected: int) -> None:
    assert count_buckets(start, end, width) == expected


def test_docstring_examples() -> None:
    assert doctest.testmod(_time).failed == 0


# --- refused values ---------------------------------------------------------------------------


def assert_names(exc: InvalidParameterError, param: str, value: object) -> str:
    message = str(exc)
    assert exc.param == param
    assert f"{param}={value!r}" in message
    assert isinstance(exc, ValueError)
    return message


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(datetime(2026, 11, 1), id="naive-datetime"),
        pytest.param("2026-11-01T12:00", id="offsetless-string"),
        pytest.param("2026-11-01 12:00:00.5", id="offsetless-string-space"),
    ],
)
def test_naive_refused_with_fix(value: TimeInput) -> None:
    with pytest.raises(InvalidParameterError) as info:
        convert(value)
    message = assert_names(info.value, "start", value)
    assert "naive" in message
    assert "tz=" in message
    assert "tzinfo=timezone.utc" in message


def test_naive_message_reads_well() -> None:
    with pytest.raises(InvalidParameterError) as info:
        resolve_range(datetime(2026, 11, 1), now=NOW)
    assert str(info.value) == (
        "start=datetime.datetime(2026, 11, 1, 0, 0) is not allowed; expected an aware "
        "datetime. it is naive (no UTC offset); pass an aware datetime (e.g. datetime(..., "
        "tzinfo=timezone.utc)) or pass tz='Europe/Paris' to interpret it in a zone"
    )


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        pytest.param(True, "Unix seconds", id="bool-true"),
        pytest.param(False, "Unix seconds", id="bool-false"),
        pytest.param(-1, "1970-01-01", id="negative-int"),
        pytest.param(10**20, "9999-12-31", id="huge-int"),
        pytest.param(1.5, "whole Unix seconds", id="fractional-float"),
        pytest.param(-1.0, "1970-01-01", id="negative-float"),
        pytest.param(math.nan, "whole Unix seconds", id="nan"),
        pytest.param(math.inf, "whole Unix seconds", id="inf"),
        pytest.param("7y", "unit s, m, h, d or w", id="unknown-unit"),
        pytest.param("7D", "unit s, m, h, d or w", id="uppercase-unit"),
        pytest.param("0d", "positive", id="zero-span"),
        pytest.param("9" * 40 + "d", "9999-12-31", id="span-too-many-digits"),
        pytest.param("99999999999w", "9999-12-31", id="span-overflows"),
        pytest.param("3000w", "1970-01-01", id="span-before-epoch"),
        pytest.param("1.5d", "ISO-8601", id="fractional-span"),
        pytest.param("garbage", "ISO-8601", id="garbage"),
        pytest.param("", "ISO-8601", id="empty"),
        pytest.param("2026-11-01T", "ISO-8601", id="dangling-T"),
        pytest.param("2026-13-01", "ISO-8601", id="bad-month"),
        pytest.param("2026-02-30", "ISO-8601", id="bad-day"),
        pytest.param("2026-11-01x12:00", "ISO-8601", id="bad-separator"),
        pytest.param("2026-11-01T12:00+24:00", "ISO-8601", id="bad-offset"),
        pytest.param(" 2026-11-01", "ISO-8601", id="leading-space"),
        pytest.param("20261101", "9 digits", id="compact-date-digits"),
        pytest.param("2026", "9 digits", id="year-digits"),
        pytest.param("9" * 5000, "9999-12-31", id="digit-string-too-long"),
        pytest.param("-1793491200", "ISO-8601", id="signed-digit-string"),
        pytest.param(timedelta(0), "positive timedelta", id="zero-timedelta"),
        pytest.param(timedelta(days=-1), "positive timedelta", id="negative-timedelta"),
        pytest.param(timedelta(days=365 * 100), "1970-01-01", id="timedelta-before-epoch"),
        pytest.param(timedelta.max, "9999-12-31", id="timedelta-overflows"),
        pytest.param(datetime(1969, 12, 31, 23, 59, 59, tzinfo=UTC), "1970", id="before-epoch"),
        pytest.param(None, "aware datetime", id="none"),
        pytest.param(object(), "aware datetime", id="object"),
        pytest.param([NOV1], "aware datetime", id="list"),
        pytest.param(b"1793491200", "aware datetime", id="bytes"),
    ],
)
def test_refused_values_name_param_and_value(value: Any, fragment: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        convert(value)
    assert fragment in assert_names(info.value, "start", value)


def test_end_errors_name_end() -> None:
    with pytest.raises(InvalidParameterError) as info:
        resolve_range("7d", "7y", now=NOW)
    assert_names(info.value, "end", "7y")


@pytest.mark.parametrize(
    ("start", "end"),
    [
        pytest.param("2026-11-08", "2026-11-01", id="reversed"),
        pytest.param("2026-11-08", "2026-11-08T00:00:00Z", id="equal"),
    ],
)
def test_start_not_before_end_refused(start: str, end: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        resolve_range(start, end, now=NOW)
    message = assert_names(info.value, "start", start)
    resolved_end = "2026-11-01T00:00:00Z" if end == "2026-11-01" else "2026-11-08T00:00:00Z"
    assert f"start (2026-11-08T00:00:00Z) must be before end ({resolved_end})" in message


def test_relative_start_after_absolute_end_refused() -> None:
    with pytest.raises(InvalidParameterError, match="must be before end"):
        resolve_range("1h", "2026-11-01", now=NOW)


@pytest.mark.parametrize(
    "value",
    ["Mars/Olympus", "", "America", "../etc", "Europe/Paris ", "+25:00", "+02:60", "+2", 5],
)
def test_bad_tz_refused(value: Any) -> None:
    with pytest.raises(InvalidParameterError) as info:
        parse_tz(value)
    assert "IANA zone name" in assert_names(info.value, "tz", value)


def test_bad_tz_refused_by_resolve_range() -> None:
    with pytest.raises(InvalidParameterError) as info:
        resolve_range("2026-11-01", now=NOW, tz="Mars/Olympus")
    assert_names(info.value, "tz", "Mars/Olympus")


def test_naive_now_refused() -> None:
    naive = datetime(2026, 11, 8)
    with pytest.raises(InvalidParameterError) as info:
        resolve_range("7d", now=naive)
    assert_names(info.value, "now", naive)


@pytest.mark.parametrize("width", ["1w", "5m", "1M", "", "60"])
def test_unknown_bucket_width_refused(width: str) -> None:
    calls: list[Callable[[], int]] = [
        lambda: bucket_seconds(width),
        lambda: align_down(NOV1, width),
        lambda: align_up(NOV1, width),
        lambda: count_buckets(NOV1, NOV1 + 1, width),
    ]
    for call in calls:
        with pytest.raises(InvalidParameterError) as info:
            call()
        assert "'1m', '1h' or '1d'" in assert_names(info.value, "bucket_width", width)


def test_count_buckets_refuses_reversed_range() -> None:
    with pytest.raises(InvalidParameterError) as info:
        count_buckets(NOV1 + 1, NOV1, "1h")
    assert_names(info.value, "end", NOV1)


@pytest.mark.parametrize("value", [True, 10**20, -(10**20), 1.0])
def test_from_unix_seconds_refuses(value: Any) -> None:
    with pytest.raises(InvalidParameterError) as info:
        from_unix_seconds(value)
    assert_names(info.value, "value", value)


# --- properties -------------------------------------------------------------------------------

offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
# Local bounds one day inside the supported range, so any offset keeps the instant inside it.
aware_datetimes = st.datetimes(
    min_value=datetime(1970, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets
)
unix_seconds = st.integers(0, MAX_SECONDS)
widths = st.sampled_from(sorted(WIDTHS))


@SETTINGS
@given(aware_datetimes)
def test_aware_datetime_round_trips(dt: datetime) -> None:
    whole = dt.replace(microsecond=0)
    assert from_unix_seconds(convert(whole)) == whole


@SETTINGS
@given(unix_seconds)
def test_unix_seconds_round_trip(seconds: int) -> None:
    assert convert(from_unix_seconds(seconds)) == seconds


@SETTINGS
@given(aware_datetimes)
def test_subsecond_floor_and_ceil_bracket_the_instant(dt: datetime) -> None:
    floor = to_unix_seconds(dt, param="start", now=NOW)
    ceil = to_unix_seconds(dt, param="end", now=NOW, round_up=True)
    assert from_unix_seconds(floor) <= dt < from_unix_seconds(floor + 1)
    assert ceil == floor + (1 if dt.microsecond else 0)


@SETTINGS
@given(aware_datetimes, st.sampled_from(["T", " "]))
def test_iso_string_matches_aware_datetime(dt: datetime, sep: str) -> None:
    text = dt.isoformat(sep=sep)
    assert convert(text) == convert(dt)
    assert convert(text.replace("+00:00", "Z")) == convert(dt)


@SETTINGS
@given(unix_seconds, widths)
def test_align_down_is_the_bucket_start(ts: int, width: str) -> None:
    down = align_down(ts, width)
    assert down <= ts < down + WIDTHS[width]
    assert down % WIDTHS[width] == 0
    # Independent check that the boundary is a UTC calendar boundary.
    start, instant = from_unix_seconds(down), from_unix_seconds(ts)
    assert start.second == 0
    if width in ("1h", "1d"):
        assert start.minute == 0
        assert start.hour == (0 if width == "1d" else instant.hour)
    assert start.date() == instant.date()


@SETTINGS
@given(unix_seconds, widths)
def test_align_up_is_the_next_boundary(ts: int, width: str) -> None:
    up = align_up(ts, width)
    assert ts <= up < ts + WIDTHS[width]
    assert up % WIDTHS[width] == 0
    assert (up == align_down(ts, width)) == (ts % WIDTHS[width] == 0)


@SETTINGS
@given(st.integers(0, 10**10), st.data())
def test_count_buckets_matches_brute_force(start: int, data: st.DataObject) -> None:
    width_name = data.draw(widths)
    width = WIDTHS[width_name]
    end = start + data.draw(st.integers(0, 50 * width))
    # Test every bucket near the range for overlap with [start, end).
    touched = sum(
        1
        for k in range(start // width - 2, end // width + 3)
        if max(k * width, start) < min((k + 1) * width, end)
    )
    assert count_buckets(start, end, width_name) == touched


@st.composite
def written(draw: st.DrawFn, seconds: int) -> Any:
    """``seconds`` written as any accepted kind that denotes exactly that second."""
    dt = from_unix_seconds(seconds).astimezone(draw(offsets))
    kinds: list[Any] = [
        seconds,
        float(seconds),
        dt,
        dt.isoformat(),
        dt.isoformat(sep=" "),
        f"{NOW_S - seconds}s",
        timedelta(seconds=NOW_S - seconds),
    ]
    if seconds >= 10**8:
        kinds.append(str(seconds))
    if seconds % 86_400 == 0:
        kinds += [from_unix_seconds(seconds).date(), from_unix_seconds(seconds).date().isoformat()]
    return draw(st.sampled_from(kinds))


@SETTINGS
@given(st.data())
def test_resolve_range_of_written_values(data: st.DataObject) -> None:
    # Relative kinds count back from NOW and must stay positive, so both lie before NOW.
    start = data.draw(st.integers(0, NOW_S - 2))
    end = data.draw(st.integers(start + 1, NOW_S - 1))
    assert resolve_range(data.draw(written(start)), data.draw(written(end)), now=NOW) == (
        start,
        end,
    )


anything = st.one_of(
    st.integers(),
    st.floats(),
    st.booleans(),
    st.none(),
    st.text(max_size=30),
    st.from_regex(r"[0-9]{1,20}[smhdwy]?", fullmatch=True),
    st.datetimes(timezones=st.none() | offsets),
    st.dates(),
    st.timedeltas(),
)


@SETTINGS
@given(anything, anything, st.datetimes(timezones=offsets), st.sampled_from([None, "UTC", PARIS]))
def test_resolve_range_returns_ordered_ints_or_refuses(
    start: Any, end: Any, now: datetime, tz: Any
) -> None:
    try:
        result = resolve_range(start, end, now=now, tz=tz)
    except InvalidParameterError:
        return
    first, second = result
    assert type(first) is int
    assert type(second) is int
    assert 0 <= first < second <= MAX_SECONDS


@SETTINGS
@given(
    st.integers(1, 1_500),
    st.sampled_from(["s", "m", "h", "d", "w"]),
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=offsets),
)
def test_relative_span_counts_back_from_now(count: int, unit: str, now: datetime) -> None:
    unit_seconds = {"s": 1, "m": 60, "h": 3_600, "d": 86_400, "w": 604_800}[unit]
    expected = to_unix_seconds(now, param="now", now=now) - count * unit_seconds
    assert to_unix_seconds(f"{count}{unit}", param="start", now=now) == expected
    if unit == "d":
        assert convert(f"{count}d", now=now) == convert(now - timedelta(days=count), now=now)
