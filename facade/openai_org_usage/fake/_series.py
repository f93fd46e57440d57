"""Deterministic usage numbers for any stream and any time range, without stored data.

Each stream gets integer daily totals per atom from a hash of (seed, stream, day). A day's driver
atom (atom 0: requests, calls, sessions) is split over its hours by cumulative hour weights, and
each hour over its minutes by cumulative minute weights: the value in ``[t0, t1)`` is
``floor(V * C(t1) / T) - floor(V * C(t0) / T)``, which telescopes, so minutes sum *exactly* to
their hour and hours to their day. The other atoms (tokens, characters, ...) are split in
proportion to the cumulative driver, so they follow the requests: a minute without requests has
no tokens, and every range is internally consistent.

Usage at minute granularity is taken as happening at the start of each minute: a range contains
the minutes whose start lies in it. Data exists from 2024-01-01T00:00Z until ``now``.

A month-end batch stream (``Stream.month_end``) has traffic on the last ``month_end_days`` (by
default two) days of each month only. Gauge streams (vector store bytes) hold one value per UTC
day, reported by every bucket of that day that overlaps the data range; they are never summed
over time.

That is the default history. A :class:`DayModel` (``_history``'s realistic history) changes the
daily totals only, so every grain stays consistent: which streams skip days, how much a stream's
day and the organization's day vary, and a factor per stream and day (launch steps, growth by
project, injected anomalies); it also leaves out the default history's unexplained 2.5x days.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Sequence
from datetime import date
from typing import Final, Protocol

from ._hashing import lanes, mix64
from ._org import DAY0, PROJECT_UTC_OFFSETS, Stream

__all__ = [
    "DATA_START",
    "DAY",
    "HOUR",
    "MINUTE",
    "WEEKDAY_FACTOR",
    "Atoms",
    "DayModel",
    "Series",
]

MINUTE: Final = 60
HOUR: Final = 3600
DAY: Final = 86400
DATA_START: Final = DAY0 * DAY
_EPOCH_ORDINAL: Final = date(1970, 1, 1).toordinal()

Atoms = Sequence[int]

# Share of a weekday's traffic per local hour: working hours dominate, nights are quiet.
_HOUR_PROFILE: Final = (
    0.12, 0.08, 0.07, 0.07, 0.08, 0.12, 0.25, 0.5, 0.85, 1.0, 1.0, 1.0,
    0.9, 1.0, 1.0, 0.95, 0.9, 0.75, 0.55, 0.42, 0.33, 0.27, 0.2, 0.15,
)  # fmt: skip
WEEKDAY_FACTOR: Final = (1.0, 1.05, 1.05, 1.0, 0.9, 0.32, 0.26)
"""Each weekday's traffic, Monday first, before noise and growth."""
_GROWTH_PER_DAY: Final = 1.0012


class DayModel(Protocol):
    """A history other than the default: what it changes in a stream's daily totals.

    A stream's day is ``base x weekday x growth x (1 +- day_noise) x (1 +- noise) x
    scale(stream, day)``, zero on the days a draw is at or above ``activity(stream)``.
    """

    @property
    def noise(self) -> float:
        """Half-width of a stream's own daily variation (0.2: from 0.8x to 1.2x)."""
        ...

    @property
    def day_noise(self) -> float:
        """Half-width of the variation the whole organization shares on a day."""
        ...

    def activity(self, stream: Stream) -> float:
        """The share of days ``stream`` has traffic."""
        ...

    def scale(self, stream: Stream, day: int) -> float:
        """A factor on ``stream``'s day (days since the epoch); 1.0 for no change."""
        ...


class Series:
    """Computes atoms of streams over time ranges for one seed and one ``now``.

    ``offsets`` is the UTC offset (hours) of each stream ``variant``: where its day peaks.
    ``history`` is None for the default history, or what another one changes.
    """

    def __init__(
        self,
        seed: int,
        now: int,
        offsets: Sequence[int] = PROJECT_UTC_OFFSETS,
        history: DayModel | None = None,
    ) -> None:
        self.seed = seed
        self.now = now
        self.offsets = tuple(offsets)
        self.history = history
        # Per-instance caches (not module-level) so fakes with different seeds never mix.
        self.day_factor = functools.lru_cache(maxsize=4096)(self._day_factor)
        self.day_atoms = functools.lru_cache(maxsize=1 << 18)(self._day_atoms)
        self.hour_cum = functools.lru_cache(maxsize=1 << 14)(self._hour_cum)
        # 24 hourly atom rows per (stream, day): repeated 1h pages become lookups. About 10 KB
        # each, so held to 1,024 (10 MB): at 8,192 a year of hourly pages kept 80 MB alive in
        # every process that embeds the fake (`--demo`), more than the command's own rows.
        self.hour_table = functools.lru_cache(maxsize=1024)(self._hour_table)
        self.minute_cum = functools.lru_cache(maxsize=1 << 16)(self._minute_cum)

    # -- building blocks -------------------------------------------------------------------

    def _day_factor(self, day: int) -> float:
        weekday = (day + 3) % 7  # 1970-01-01 was a Thursday
        noise, spike, _, _ = lanes(mix64(self.seed, 0xDA7, day))
        # Growth levels off after ten years so far-future instants cannot overflow the float.
        factor = WEEKDAY_FACTOR[weekday] * 0.4 * _GROWTH_PER_DAY ** min(day - DAY0, 3650)
        if self.history is not None:
            return factor * (1.0 + self.history.day_noise * (2.0 * noise - 1.0))
        factor *= 0.85 + 0.3 * noise
        if spike < 0.015:  # the occasional backfill or launch day
            factor *= 2.5
        return factor

    def _day_atoms(self, stream: Stream, day: int) -> Atoms:
        width = len(stream.base)
        if day < DAY0 or day < stream.created_day:
            return (0,) * width
        active, noise, jitter_in, jitter_out = lanes(mix64(self.seed, stream.key, day))
        if stream.gauge:
            age = day - stream.created_day
            grown = stream.base[0] * (1.0 + 0.004 * age) * (0.97 + 0.06 * noise)
            return (int(grown),)
        history = self.history
        if active >= (stream.activity if history is None else history.activity(stream)):
            return (0,) * width
        last = stream.month_end_days
        if stream.month_end and date.fromordinal(_EPOCH_ORDINAL + day + last).day > last:
            return (0,) * width
        if history is None:
            factor = self.day_factor(day) * (0.55 + 0.9 * noise)
        else:
            factor = self.day_factor(day) * (1.0 + history.noise * (2.0 * noise - 1.0))
            factor *= history.scale(stream, day)
        driver = int(stream.base[0] * factor)
        if driver <= 0:
            return (0,) * width
        f_in = factor * (0.85 + 0.3 * jitter_in)
        f_out = factor * (0.85 + 0.3 * jitter_out)
        out_from = stream.out_from
        rest = (int(b * (f_in if i < out_from else f_out)) for i, b in enumerate(stream.base) if i)
        return (driver, *rest)

    def _hour_table(self, stream: Stream, day: int) -> tuple[Atoms | None, ...]:
        totals = self.day_atoms(stream, day)
        total = totals[0]
        if not total:
            return (None,) * 24
        ch = self.hour_cum(day, stream.variant)
        span = ch[24]
        cums = [total * c // span for c in ch]
        rows: list[Atoms | None] = []
        for r0, r1 in itertools.pairwise(cums):
            if r0 == r1:
                rows.append(None)
            else:
                rows.append((r1 - r0, *[a * r1 // total - a * r0 // total for a in totals[1:]]))
        return tuple(rows)

    def _hour_cum(self, day: int, variant: int) -> tuple[int, ...]:
        offset = self.offsets[variant]
        rng = random.Random(mix64(self.seed, 0x40C, day, variant))
        cum = [0]
        for hour in range(24):
            weight = _HOUR_PROFILE[(hour + offset) % 24] * (0.7 + 0.6 * rng.random())
            cum.append(cum[-1] + 1 + int(weight * 1000))
        return tuple(cum)

    def _minute_cum(self, hour_index: int, variant: int) -> tuple[int, ...]:
        rng = random.Random(mix64(self.seed, 0x313, hour_index, variant))
        cum = [0]
        for _ in range(60):
            cum.append(cum[-1] + 200 + int(1600 * rng.random()))
        return tuple(cum)

    # -- ranges ----------------------------------------------------------------------------

    def cumulative(self, stream: Stream, day: int, atoms: Atoms, offset: int) -> Atoms:
        """Atoms of ``stream`` in ``[day start, day start + offset)``; ``atoms`` = day totals."""
        if offset >= DAY:
            return atoms
        total = atoms[0]
        if offset <= 0 or total == 0:
            return (0,) * len(atoms)
        hour, rem = divmod(offset, HOUR)
        ch = self.hour_cum(day, stream.variant)
        span = ch[24]
        before = total * ch[hour] // span
        if rem:
            after = total * ch[hour + 1] // span
            in_hour = after - before
            if in_hour:
                cm = self.minute_cum(day * 24 + hour, stream.variant)
                in_minutes = in_hour * cm[-(-rem // MINUTE)] // cm[60]
                if in_minutes:
                    partial = (
                        a * before // total
                        + (a * after // total - a * before // total) * in_minutes // in_hour
                        for a in atoms[1:]
                    )
                    return (before + in_minutes, *partial)
        return (before, *(a * before // total for a in atoms[1:]))

    def buckets(self, stream: Stream, bounds: Sequence[tuple[int, int]]) -> list[Atoms | None]:
        """Atoms of ``stream`` per bucket (None where empty); each bucket lies within one UTC day.

        Whole days, hour-aligned ranges and ranges within one hour (the 1d, 1h and 1m bucket
        shapes) take closed-form fast paths; only partial first buckets use :meth:`cumulative`.
        """
        out: list[Atoms | None] = []
        now, variant = self.now, stream.variant
        day_atoms, hour_cum = self.day_atoms, self.hour_cum
        hour_key = (-1, -1)
        in_hour = 0
        cm: tuple[int, ...] = ()
        hour_values: list[int] = []
        # Per-day state, reused across the consecutive buckets of one day.
        current_day = -1
        totals: Atoms = ()
        total = day_start = 0
        table: tuple[Atoms | None, ...] | None = None
        for start, end in bounds:
            lo = start if start > DATA_START else DATA_START
            hi = end if end < now else now
            if lo >= hi:
                out.append(None)
                continue
            day = lo // DAY
            if day != current_day:
                current_day, table = day, None
                totals = day_atoms(stream, day)
                total, day_start = totals[0], day * DAY
            if not total:
                out.append(None)
                continue
            x0, x1 = lo - day_start, hi - day_start
            if stream.gauge or (x0 == 0 and x1 >= DAY):
                out.append(totals)
                continue
            if x1 - x0 == HOUR and not x0 % HOUR:
                if table is None:
                    table = self.hour_table(stream, day)
                out.append(table[x0 // HOUR])
                continue
            h0, rem0 = divmod(x0, HOUR)
            h1, rem1 = divmod(x1, HOUR)
            if not rem0 and not rem1:
                ch = hour_cum(day, variant)
                span = ch[24]
                r0 = total * ch[h0] // span
                r1 = total * ch[h1] // span
                if r0 == r1:
                    out.append(None)
                else:
                    out.append([r1 - r0, *[a * r1 // total - a * r0 // total for a in totals[1:]]])
                continue
            if h0 == h1 or (h1 == h0 + 1 and not rem1):
                if hour_key != (day, h0):
                    hour_key = (day, h0)
                    ch = hour_cum(day, variant)
                    span = ch[24]
                    before = total * ch[h0] // span
                    in_hour = total * ch[h0 + 1] // span - before
                    cm = self.minute_cum(day * 24 + h0, variant)
                    hour_values = [
                        a * (before + in_hour) // total - a * before // total for a in totals[1:]
                    ]
                if not in_hour:
                    out.append(None)
                    continue
                span = cm[60]
                r0 = in_hour * cm[-(-rem0 // MINUTE)] // span
                r1 = in_hour * cm[60 if h1 != h0 else -(-rem1 // MINUTE)] // span
                if r0 == r1:
                    out.append(None)
                else:
                    out.append(
                        [r1 - r0, *[v * r1 // in_hour - v * r0 // in_hour for v in hour_values]]
                    )
                continue
            c0 = self.cumulative(stream, day, totals, x0)
            c1 = self.cumulative(stream, day, totals, x1)
            # A zero driver implies zero for every atom (they are split along the driver).
            out.append(None if c1[0] == c0[0] else [a - b for a, b in zip(c1, c0, strict=True)])
        return out

    def covered_seconds(self, start: int, end: int) -> int:
        """Seconds of ``[start, end)`` within the data range (for storage GiB-hours)."""
        return max(0, min(end, self.now) - max(start, DATA_START))
