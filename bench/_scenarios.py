"""Seeded synthetic spend histories with known events, for the forecast and anomaly benchmarks.

An organization of ``projects`` projects, each spending on a few line items per UTC day:

- growth: each project grows 0-0.3% a day;
- weekly seasonality: weekdays busy, weekends quiet (about a third), per project;
- noise: each line item's day is log-normal around its expectation (sigma 0.06-0.14);
- a launch step: one project gets a new line item (1.6-2.5x its level) from a known day on;
- month-end batch jobs: one project runs a batch job on the last day of every month
  (adding 1-2 days' worth of spend), which recurs and so is not an anomaly;
- injected anomalies with known day, scope and line item: spikes (one line item adds
  0.8-2.5x the day's expected spend) and drops (the whole project falls to 0-30%),
  kept in the last ``anomaly_months`` months, a week away from the launch step, off the first
  and last two days of a month, and at least four days apart within a project.

Everything is exact ``Decimal`` cents in USD, and a function of the seed alone.
"""

from __future__ import annotations

import calendar
import math
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from openai_org_usage.forecast import DailySpend

__all__ = ["Injected", "Scenario", "Step", "make_scenario"]

_WEEKLY = (1.0, 1.05, 1.05, 1.0, 0.9, 0.35, 0.28)
_LINE_ITEMS = (
    "gpt-4o-2024-08-06, input",
    "gpt-4o-2024-08-06, output",
    "gpt-4o-mini-2024-07-18, input",
    "gpt-4o-mini-2024-07-18, output",
    "web search",
)
LAUNCH_ITEM = "gpt-4.1-2025-04-14, input"
BATCH_ITEM = "gpt-4o-mini-2024-07-18, batch output"
ORGANIZATION = "(organization)"


@dataclass(frozen=True)
class Injected:
    """An anomaly put into the data: its scope (project), day, kind and line item."""

    scope: str
    day: date
    kind: Literal["spike", "drop"]
    line_item: str | None
    factor: float


@dataclass(frozen=True)
class Step:
    """A level shift: a new line item of ``factor`` x the project's level from ``day`` on."""

    scope: str
    day: date
    factor: float


@dataclass
class Scenario:
    """A synthetic organization's spend per project and line item, with what was put in it."""

    seed: int
    start: date
    end: date  # exclusive
    line_items: dict[str, dict[str, DailySpend]]
    injected: list[Injected] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    batch_projects: list[str] = field(default_factory=list)

    def totals(self, *, organization: bool = True) -> dict[str, DailySpend]:
        """Each project's daily total (and the organization's, under ``"(organization)"``)."""
        out: dict[str, DailySpend] = {}
        org: dict[date, Decimal] = {}
        for project, items in self.line_items.items():
            total: dict[date, Decimal] = {}
            for spend in items.values():
                for day, amount in spend.amounts.items():
                    total[day] = total.get(day, Decimal(0)) + amount
                    org[day] = org.get(day, Decimal(0)) + amount
            out[project] = DailySpend(total, start=self.start)
        if organization:
            out[ORGANIZATION] = DailySpend(org, start=self.start)
        return out


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def make_scenario(
    seed: int,
    *,
    months: int = 13,
    start: date = date(2025, 11, 1),
    projects: int = 4,
    anomalies_per_project: int = 6,
    anomaly_months: int = 6,
    launch: bool = True,
    month_end_batch: bool = True,
) -> Scenario:
    """A synthetic organization over ``months`` calendar months from ``start`` (a 1st).

    Args:
        seed: Everything follows from it.
        months: Length of the history in calendar months.
        start: The first day (the 1st of a month).
        projects: How many projects.
        anomalies_per_project: Spikes and drops injected per project (0 for clean data).
        anomaly_months: Anomalies fall in the last this many months.
        launch: Put a launch step into one project.
        month_end_batch: Give one project a batch job on every month's last day.
    """
    rng = random.Random(seed)
    # Anomalies draw from their own stream: the same seed with and without them is the same
    # organization.
    arng = random.Random(f"{seed}-anomalies")
    end = _add_months(start, months)
    n_days = (end - start).days
    window_start = _add_months(start, months - anomaly_months)
    launch_project = rng.randrange(projects) if launch else -1
    batch_project = (launch_project + 1) % projects if month_end_batch else -1
    scenario = Scenario(seed, start, end, {})
    for p in range(projects):
        name = f"proj_{seed}_{p}"
        level = math.exp(rng.uniform(math.log(20), math.log(400)))
        growth = rng.uniform(0.0, 0.003)
        weekly = [w * rng.uniform(0.9, 1.1) for w in _WEEKLY]
        items = rng.sample(_LINE_ITEMS, rng.randint(3, 5))
        shares = [rng.uniform(0.5, 2.0) for _ in items]
        share_sum = sum(shares)
        sigma = rng.uniform(0.06, 0.14)
        amounts: dict[str, list[float]] = {item: [0.0] * n_days for item in items}
        expected_total = [0.0] * n_days
        for i in range(n_days):
            day = start + timedelta(days=i)
            mean = level * (1 + growth) ** i * weekly[day.weekday()]
            expected_total[i] = mean
            for item, share in zip(items, shares, strict=True):
                noise = math.exp(rng.gauss(-sigma * sigma / 2, sigma))
                amounts[item][i] = mean * share / share_sum * noise
        step_day = -1
        if p == launch_project:
            step_day = rng.randrange(n_days // 3, n_days - 45)
            factor = rng.uniform(0.6, 1.5)
            amounts[LAUNCH_ITEM] = [0.0] * n_days
            for i in range(step_day, n_days):
                noise = math.exp(rng.gauss(-sigma * sigma / 2, sigma))
                amounts[LAUNCH_ITEM][i] = expected_total[i] * factor * noise
                expected_total[i] *= 1 + factor
            scenario.steps.append(Step(name, start + timedelta(days=step_day), 1 + factor))
        if p == batch_project:
            size = rng.uniform(1.0, 2.0)
            amounts[BATCH_ITEM] = [0.0] * n_days
            for i in range(n_days):
                day = start + timedelta(days=i)
                if day.day == calendar.monthrange(day.year, day.month)[1]:
                    amounts[BATCH_ITEM][i] = size * level * (1 + growth) ** i
            scenario.batch_projects.append(name)
        taken: list[int] = []
        lo = (window_start - start).days
        tries = 0
        while len(taken) < anomalies_per_project and tries < 1000:
            tries += 1
            i = arng.randrange(lo, n_days)
            day = start + timedelta(days=i)
            dim = calendar.monthrange(day.year, day.month)[1]
            if day.day <= 2 or day.day >= dim - 1:
                continue
            if step_day >= 0 and abs(i - step_day) < 7:
                continue
            if any(abs(i - t) < 4 for t in taken):
                continue
            taken.append(i)
            if arng.random() < 0.5:
                item = arng.choice(items)
                extra = arng.uniform(0.8, 2.5)
                amounts[item][i] += extra * expected_total[i]
                scenario.injected.append(Injected(name, day, "spike", item, 1 + extra))
            else:
                keep = arng.uniform(0.0, 0.3)
                for series in amounts.values():
                    series[i] *= keep
                scenario.injected.append(Injected(name, day, "drop", None, keep))
        scenario.line_items[name] = {
            item: DailySpend(
                {
                    start + timedelta(days=i): Decimal(repr(v)).quantize(Decimal("0.01"))
                    for i, v in enumerate(values)
                    if v > 0
                },
                start=start,
            )
            for item, values in amounts.items()
        }
    scenario.injected.sort(key=lambda a: (a.day, a.scope))
    return scenario
