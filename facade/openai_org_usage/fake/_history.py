"""How the fake's traffic moves over the days: the default history, or a realistic one.

The default history (``FakeUsageAPI(history="default")``, what every fake had before) is
growth, weekly seasonality, streams that skip a day now and then with a lot of noise (0.55x to
1.45x a day), and, on 1.5% of days, the whole organization at 2.5x for no stated reason. Its
numbers never change: tests, cassettes and the README's figures depend on them.

``history="realistic"`` (or :class:`History`) keeps the organization, its growth and its weekly
rhythm, and gives it a past whose forecasts and anomalies can be checked, with every event known
(``fake.history_events``):

- steadier traffic: a stream with at least 5% of its project's spend runs every day (smaller
  ones still skip days); a stream's day varies from 0.8x to 1.2x and the organization's from
  0.92x to 1.08x; no unexplained 2.5x days;
- growth that differs by project: -0.05% to +0.15% a day on top of the organization's 0.12%;
- a launch step (:class:`LaunchStep`): from a seeded day 90 to 300 days before ``now``, one
  project's traffic is 1.6x to 2.5x what it was;
- a month-end batch job (:class:`MonthEndJob`): one project's key (a service account's when
  there is one) runs a batch job on the last 1 to 3 days of every month, whatever the weekday,
  each day worth 0.8x to 2x the project's usual day (an organization that already has month-end
  jobs, the large preset's, keeps its own instead);
- injected anomalies, with ``History(anomalies=AnomalySchedule(seed=1, count=24))``
  (:class:`InjectedAnomaly`): spikes, where one API key's traffic with one model is multiplied
  so that its project's day rises by 0.8x to 2.5x its expected spend (a runaway job), and drops,
  where a project's traffic falls to 0-30% (an outage); in the last ``months`` months before
  ``now``, off the first and last three days of a month, not in the two weeks after the launch,
  at least four days apart within a project.

Each of these is a factor on a stream's daily totals (:class:`._series.DayModel`), so costs and
usage agree at every grain and every grouping. Everything follows from the seeds: the fake's
(the organization), the history's (launch and job; default: the fake's) and the schedule's (the
anomalies). The same history without anomalies gives the same numbers except on the injected
days, which is what a detector's false alarms are measured on.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from types import MappingProxyType
from typing import Final, Literal

from . import _prices as P
from ._hashing import mix64
from ._org import Builder, CostLine, Organization, Stream, TokenStream, token_stream
from ._series import DAY, WEEKDAY_FACTOR, DayModel

__all__ = [
    "HISTORIES",
    "AnomalySchedule",
    "History",
    "HistoryEvents",
    "InjectedAnomaly",
    "LaunchStep",
    "MonthEndJob",
    "apply_history",
    "resolve_history",
]

HISTORIES: Final = ("default", "realistic")
"""The named histories (``FakeUsageAPI(history=...)``)."""

_EPOCH: Final = date(1970, 1, 1)
_STEADY_SHARE: Final = 0.05
_STREAM_NOISE: Final = 0.2
_DAY_NOISE: Final = 0.08
_DRIFT: Final = (-0.0005, 0.0015)
_LAUNCH_DAYS_BEFORE: Final = (90, 300)
_LAUNCH_FACTOR: Final = (1.6, 2.5)
_QUIET: Final = 14
"""Days after the launch without injected anomalies (the detector absorbs a step in four)."""
_JOB_SIZE: Final = (0.8, 2.0)
_EDGE_DAYS: Final = 3
_SPIKE_TARGET_SHARE: Final = 0.05
_JOB_KEY: Final = 20_000_000
"""Stream keys of the history's own streams: above every generated organization's."""


@dataclass(frozen=True, slots=True)
class AnomalySchedule:
    """Spikes and drops to inject into a realistic history, on known days.

    Args:
        seed: Picks the days, projects, keys, models and sizes.
        count: How many anomalies (spikes and drops together).
        months: They fall in this many months (of 30.44 days) before ``now``'s day.
        spike_share: The share of them that are spikes (the rest are drops).
        spike: The range of a spike's size: its project's day rises by this many times its
            expected spend.
        drop: The range of a drop's depth: its project's traffic falls to this share.
        min_gap_days: Anomalies of one project are at least this many days apart.

    Raises:
        ValueError: A value out of range (naming it and what is allowed).

    Example::

        FakeUsageAPI(history=History(anomalies=AnomalySchedule(seed=1, count=24)))
    """

    seed: int = 0
    count: int = 24
    months: int = 6
    spike_share: float = 0.5
    spike: tuple[float, float] = (0.8, 2.5)
    drop: tuple[float, float] = (0.0, 0.3)
    min_gap_days: int = 4

    def __post_init__(self) -> None:
        for name, value, low, high in (
            ("count", self.count, 0, 10_000),
            ("months", self.months, 1, 11),
            ("min_gap_days", self.min_gap_days, 1, 60),
        ):
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                raise ValueError(
                    f"AnomalySchedule: {name}={value!r} is not allowed: an integer from {low} "
                    f"to {high}"
                )
        if not 0.0 <= self.spike_share <= 1.0:
            raise ValueError(
                f"AnomalySchedule: spike_share={self.spike_share!r} is not allowed: from 0 to 1"
            )
        if not 0.0 < self.spike[0] <= self.spike[1]:
            raise ValueError(
                f"AnomalySchedule: spike={self.spike!r} is not allowed: (low, high), "
                "0 < low <= high"
            )
        if not 0.0 <= self.drop[0] <= self.drop[1] < 1.0:
            raise ValueError(
                f"AnomalySchedule: drop={self.drop!r} is not allowed: (low, high), "
                "0 <= low <= high < 1"
            )


@dataclass(frozen=True, slots=True)
class History:
    """A realistic history for the fake (``history="realistic"`` is ``History()``).

    Args:
        seed: Picks the launch step and the month-end job (``None``: the fake's seed).
        launch: Put a launch step into one project.
        month_end: Give one project a month-end batch job (unless it has some already).
        anomalies: Spikes and drops to inject (``None``: none).

    Example::

        fake = FakeUsageAPI(seed=0, history=History(anomalies=AnomalySchedule(seed=3)))
        fake.history_events.anomalies[0]  # InjectedAnomaly(day=..., kind='drop', ...)
    """

    seed: int | None = None
    launch: bool = True
    month_end: bool = True
    anomalies: AnomalySchedule | None = None


@dataclass(frozen=True, slots=True)
class LaunchStep:
    """From ``day`` on (UTC), the project's traffic (all but storage) is ``factor`` x before."""

    project_id: str
    day: date
    factor: float


@dataclass(frozen=True, slots=True)
class MonthEndJob:
    """A batch job on the last ``days`` days of every month: who runs it and what it bills.

    ``daily_share`` is its expected spend on a day it runs, as a share of its project's
    average weekday (before the job).
    """

    project_id: str
    api_key_id: str | None
    user_id: str | None
    model: str | None
    days: int
    line_items: tuple[str, ...]
    daily_share: float


@dataclass(frozen=True, slots=True)
class InjectedAnomaly:
    """An anomaly put into the history: where, when, and how big.

    Attributes:
        day: The UTC day.
        kind: ``"spike"`` or ``"drop"``.
        project_id: The project it happened in.
        api_key_id: The key whose traffic spiked (``None`` for a drop: the whole project).
        model: The model of that traffic (``None`` for a drop).
        line_items: The costs line items the changed traffic bills.
        factor: What the changed traffic's usage and cost were multiplied by that day.
        magnitude: The expected change of the project's spend that day, as a share of what it
            would have been (``+1.5``: 2.5x; ``-0.9``: a tenth; storage, never changed, aside).
    """

    day: date
    kind: Literal["spike", "drop"]
    project_id: str
    api_key_id: str | None
    model: str | None
    line_items: tuple[str, ...]
    factor: float
    magnitude: float


@dataclass(frozen=True, slots=True)
class HistoryEvents:
    """What a history put into the data (all empty for the default history)."""

    launch: LaunchStep | None = None
    month_end_jobs: tuple[MonthEndJob, ...] = ()
    anomalies: tuple[InjectedAnomaly, ...] = ()


def resolve_history(history: str | History | None) -> History | None:
    """The history ``history`` names: ``None`` for the default one.

    Raises:
        ValueError: An unknown name (the message lists the allowed ones).
        TypeError: Neither a name nor a :class:`History`.
    """
    if history is None or history == "default":
        return None
    if history == "realistic":
        return History()
    if isinstance(history, History):
        return history
    if isinstance(history, str):
        raise ValueError(f"history: unknown {history!r}; allowed: {', '.join(HISTORIES)}")
    raise TypeError(f"history must be a name or a History, not {type(history).__name__}")


@dataclass(frozen=True)
class _Days:
    """The realistic history's :class:`DayModel`."""

    activities: Mapping[Stream, float]
    project: Mapping[Stream, int]
    drift: tuple[float, ...]
    now_day: int
    launch: tuple[int, int, float] | None
    """(project index, first day, factor)."""
    jobs: frozenset[Stream]
    shocks: Mapping[tuple[Stream, int], float]
    noise: float = _STREAM_NOISE
    day_noise: float = _DAY_NOISE

    def activity(self, stream: Stream) -> float:
        return self.activities.get(stream, stream.activity)

    def scale(self, stream: Stream, day: int) -> float:
        factor = 1.0
        project = self.project.get(stream)
        if project is not None:
            factor = math.exp(self.drift[project] * (day - self.now_day))
            if self.launch is not None and project == self.launch[0] and day >= self.launch[1]:
                factor *= self.launch[2]
        if stream in self.jobs:
            factor /= WEEKDAY_FACTOR[(day + 3) % 7]  # 1970-01-01 was a Thursday
        shock = self.shocks.get((stream, day))
        return factor if shock is None else factor * shock


def _weight(lines: Sequence[CostLine]) -> dict[Stream, float]:
    """Each priced stream's spend on an average weekday at growth 1 (gauges left out)."""
    weights: dict[Stream, float] = {}
    for line in lines:
        stream = line.stream
        if stream.gauge:
            continue
        value = sum(stream.base[i] for i in line.atoms) * line.unit_price
        weights[stream] = weights.get(stream, 0.0) + value
    return weights


def _day(day: int) -> date:
    return _EPOCH + timedelta(days=day)


def _on_month_edge(day: int) -> bool:
    d = _day(day)
    return d.day <= _EDGE_DAYS or (d + timedelta(days=_EDGE_DAYS)).month != d.month


def _between(rng: random.Random, bounds: tuple[float, float]) -> float:
    return bounds[0] + (bounds[1] - bounds[0]) * rng.random()


def apply_history(
    history: History | None, org: Organization, seed: int, now: int
) -> tuple[Organization, DayModel | None, HistoryEvents]:
    """``org`` as ``history`` has it (a month-end job added), its day model, and its events.

    ``seed`` is the fake's; ``now`` its Unix time. The default history (``None``) changes
    nothing.

    Raises:
        ValueError: The schedule asks for more anomalies than fit its months.
    """
    if history is None:
        return org, None, HistoryEvents()
    rng = random.Random(mix64(seed if history.seed is None else history.seed, 0x415C0))
    now_day = now // DAY
    index = {project: i for i, project in enumerate(org.projects)}
    project: dict[Stream, int] = {}
    for streams in org.streams.values():
        for stream in streams:
            owner = stream.dims.get("project_id")
            if isinstance(owner, str) and owner in index and not stream.gauge:
                project[stream] = index[owner]
    weights = _weight(org.cost_lines)
    totals = [0.0] * len(org.projects)
    for stream, weight in weights.items():
        if stream in project and not stream.month_end:
            totals[project[stream]] += weight
    activities = {
        stream: 1.0
        for stream, weight in weights.items()
        if stream in project and weight >= _STEADY_SHARE * totals[project[stream]]
    }
    drift = tuple(_between(rng, _DRIFT) for _ in org.projects)
    launch: tuple[int, int, float] | None = None
    step: LaunchStep | None = None
    # Drawn whether used or not, so switching one event off leaves the others where they were.
    launch_project = int(rng.random() * len(org.projects))
    launch_day = now_day - int(_between(rng, _LAUNCH_DAYS_BEFORE))
    launch_factor = _between(rng, _LAUNCH_FACTOR)
    if history.launch:
        launch = (launch_project, launch_day, launch_factor)
        step = LaunchStep(org.projects[launch_project], _day(launch_day), launch_factor)
    job_draws = (rng.random(), rng.random(), rng.random(), rng.random())
    if history.month_end:
        org, jobs = _month_end_jobs(org, seed, totals, job_draws)
    else:
        jobs = ()
    job_streams = frozenset(s for ops in org.streams.values() for s in ops if s.month_end)
    for stream in job_streams:
        owner = stream.dims.get("project_id")
        if isinstance(owner, str) and owner in index:
            project[stream] = index[owner]
            activities[stream] = 1.0
    anomalies: tuple[InjectedAnomaly, ...] = ()
    shocks: dict[tuple[Stream, int], float] = {}
    if history.anomalies is not None:
        anomalies = _inject(
            history.anomalies, org, project, weights, totals, activities, now_day, launch, shocks
        )
    days = _Days(
        activities=MappingProxyType(activities),
        project=MappingProxyType(project),
        drift=drift,
        now_day=now_day,
        launch=launch,
        jobs=job_streams,
        shocks=MappingProxyType(shocks),
    )
    return org, days, HistoryEvents(step, jobs, anomalies)


def _month_end_jobs(
    org: Organization, seed: int, totals: Sequence[float], draws: Sequence[float]
) -> tuple[Organization, tuple[MonthEndJob, ...]]:
    """``org`` with a month-end batch job added (unless it has some), and its jobs."""
    existing = [s for ops in org.streams.values() for s in ops if s.month_end]
    if existing:
        return org, tuple(_job_of(org, s, totals) for s in existing)
    topology = org.topology
    keys = sorted(topology.key_service_account) or list(range(len(org.api_keys)))
    key = keys[int(draws[0] * len(keys))]
    project = topology.key_project[key]
    used = sorted(
        {
            str(s.dims["model"])
            for s in org.streams.get("completions", ())
            if s.dims.get("api_key_id") == org.api_keys[key] and not s.dims.get("batch")
        }
    )
    models = [m for m in used if _batch_priced(m)] or [
        m
        for m in sorted({str(s.dims["model"]) for s in org.streams.get("completions", ())})
        if _batch_priced(m)
    ]
    model = models[int(draws[1] * len(models))]
    days = 1 + int(draws[2] * 3)
    share = _JOB_SIZE[0] + (_JOB_SIZE[1] - _JOB_SIZE[0]) * draws[3]
    users = topology.key_users[key] if key < len(topology.key_users) else ()
    user = users[0] if users else topology.project_users[project][0]

    def build(requests: float) -> Builder:
        b = Builder(org.seed, topology, stores=len(org.vector_stores))
        b.rng = random.Random(mix64(seed, 0xB47C4))
        b.counter = _JOB_KEY
        spec = TokenStream(
            key,
            user,
            model,
            True,
            "default",
            requests,
            activity=1.0,
            variant=project,
            month_end=True,
            month_end_days=days,
        )
        token_stream(b, "completions", spec)
        return b

    probe = sum(_weight(build(1000.0).lines).values())
    b = build(1000.0 * share * totals[project] / probe)
    (stream,) = b.streams["completions"]
    streams = dict(org.streams)
    streams["completions"] = (*streams.get("completions", ()), stream)
    org = replace(org, streams=MappingProxyType(streams), cost_lines=(*org.cost_lines, *b.lines))
    return org, (_job_of(org, stream, totals),)


def _batch_priced(model: str) -> bool:
    try:
        P.token_price(model, batch=True)
    except LookupError:
        return False
    return True


def _job_of(org: Organization, stream: Stream, totals: Sequence[float]) -> MonthEndJob:
    lines = [line for line in org.cost_lines if line.stream is stream]
    owner = stream.dims.get("project_id")
    project_id = owner if isinstance(owner, str) else ""
    total = totals[org.projects.index(project_id)] if project_id in org.projects else 0.0

    def text(name: str) -> str | None:
        value = stream.dims.get(name)
        return value if isinstance(value, str) else None

    return MonthEndJob(
        project_id=project_id,
        api_key_id=text("api_key_id"),
        user_id=text("user_id"),
        model=text("model"),
        days=stream.month_end_days,
        line_items=tuple(sorted({line.line_item for line in lines})),
        daily_share=sum(_weight(lines).values()) / total if total else 0.0,
    )


def _inject(
    schedule: AnomalySchedule,
    org: Organization,
    project: Mapping[Stream, int],
    weights: Mapping[Stream, float],
    totals: Sequence[float],
    activities: Mapping[Stream, float],
    now_day: int,
    launch: tuple[int, int, float] | None,
    shocks: dict[tuple[Stream, int], float],
) -> tuple[InjectedAnomaly, ...]:
    """Place the schedule's anomalies, recording each stream's factor in ``shocks``."""
    rng = random.Random(mix64(schedule.seed, 0xA40A1))
    span = round(schedule.months * 365.25 / 12)
    first = now_day - span
    # Per project: its streams (storage and month-end jobs apart), and each (key, model)
    # group of them a spike can hit, with its expected spend.
    members: list[list[Stream]] = [[] for _ in org.projects]
    groups: list[dict[tuple[str, str], list[Stream]]] = [{} for _ in org.projects]
    for stream, p in project.items():
        if stream.month_end or stream.gauge:
            continue
        members[p].append(stream)
        who, used = stream.dims.get("api_key_id"), stream.dims.get("model")
        if isinstance(who, str) and isinstance(used, str) and stream in weights:
            groups[p].setdefault((who, used), []).append(stream)
    targets: list[list[tuple[tuple[str, str], float]]] = []
    for p, by_group in enumerate(groups):
        found = []
        for group, streams in sorted(by_group.items()):
            weight = sum(weights[s] * activities.get(s, s.activity) for s in streams)
            steady = sum(weights[s] for s in streams if activities.get(s, s.activity) >= 1.0)
            if steady >= 0.8 * weight and weight >= _SPIKE_TARGET_SHARE * totals[p]:
                found.append((group, weight))
        targets.append(found)
    line_items: dict[Stream, set[str]] = {}
    for line in org.cost_lines:
        line_items.setdefault(line.stream, set()).add(line.line_item)
    projects = [p for p in range(len(org.projects)) if members[p] and totals[p] > 0]
    spiky = [p for p in projects if targets[p]]
    taken: dict[int, list[int]] = {p: [] for p in projects}
    out: list[InjectedAnomaly] = []
    spikes = round(schedule.count * schedule.spike_share) if spiky else 0
    kinds = [True] * spikes + [False] * (schedule.count - spikes)
    for i in range(len(kinds) - 1, 0, -1):  # Fisher-Yates on random() alone: stable anywhere
        j = int(rng.random() * (i + 1))
        kinds[i], kinds[j] = kinds[j], kinds[i]
    tries = 0
    while len(out) < len(kinds) and projects:
        tries += 1
        if tries > 200 * max(schedule.count, 1):
            raise ValueError(
                f"AnomalySchedule: count={schedule.count} anomalies do not fit in "
                f"{schedule.months} months of {len(projects)} projects "
                f"(at least {schedule.min_gap_days} days apart, off month edges)"
            )
        spike = kinds[len(out)]
        choices = spiky if spike else projects
        p = choices[int(rng.random() * len(choices))]
        day = first + int(rng.random() * span)
        size = _between(rng, schedule.spike if spike else schedule.drop)
        pick = rng.random()
        if _on_month_edge(day) or any(abs(day - t) < schedule.min_gap_days for t in taken[p]):
            continue
        if launch is not None and launch[0] == p and -_EDGE_DAYS <= day - launch[1] < _QUIET:
            continue
        key: str | None = None
        model: str | None = None
        if spike:
            (key, model), weight = _weighted(targets[p], pick)
            factor = 1.0 + size * totals[p] / weight
            hit = groups[p][key, model]
            magnitude = size
        else:
            factor = size
            hit = members[p]
            magnitude = size - 1.0
        taken[p].append(day)
        for stream in hit:
            shocks[stream, day] = factor
        out.append(
            InjectedAnomaly(
                day=_day(day),
                kind="spike" if spike else "drop",
                project_id=org.projects[p],
                api_key_id=key,
                model=model,
                line_items=tuple(sorted({i for s in hit for i in line_items.get(s, ())})),
                factor=factor,
                magnitude=magnitude,
            )
        )
    out.sort(key=lambda a: (a.day, a.project_id))
    return tuple(out)


def _weighted(
    choices: Sequence[tuple[tuple[str, str], float]], draw: float
) -> tuple[tuple[str, str], float]:
    """The choice ``draw`` (in [0, 1)) lands on, each as likely as its weight."""
    whole = sum(weight for _, weight in choices)
    running = 0.0
    for choice in choices:
        running += choice[1]
        if draw * whole < running:
            return choice
    return choices[-1]
