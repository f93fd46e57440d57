"""Detection benchmark: injected spend anomalies found by ``find_anomalies``, and false alarms.

Data: the synthetic organizations of ``_scenarios.py`` (4 projects, 3-5 line items each, 8
months: growth, weekly seasonality, a launch step, a month-end batch job), per seed once with
anomalies injected (6 per project in the last 6 months: spikes of one line item, drops of a
whole project) and once clean (the same organization without them). Detection runs per project,
with its line items as drivers, over the last 6 months.

- precision: flags on an injected (project, day) in its direction / all flags, not counting
  flags in the first four days of a launch step (a real change, reported until absorbed:
  shown apart);
- recall: injected anomalies flagged / injected;
- driver: spikes whose largest driver is the injected line item;
- false alarms per month on clean data: flags (step days apart) / months, for the whole
  organization (all projects together) and per project.

The same figures on the fake API's realistic history (``FakeUsageAPI(seed, history=History(
anomalies=AnomalySchedule(seed, count=24)))``: the demo organization with a launch step and a
month-end batch job, and 24 spikes and drops over its last 6 months, on known days; clean data:
the same fake without them), its daily costs by project and line item over the 364 days before
its now, fetched in process through ``UsageClient``; detection per project over the last 6
months (183 days), line items as drivers. A spike is one API key's traffic with one model
multiplied; "driver" counts spikes whose top driver is one of that traffic's line items.

    .venv/bin/python bench/anomaly_detection.py [--seeds 0 1 2 3 4 5 6 7] [--fake-seeds 0 1 2 3 4]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _scenarios import Scenario, make_scenario

from openai_org_usage import UsageClient
from openai_org_usage.anomalies import Anomaly, ScopeSeries, find_anomalies
from openai_org_usage.fake import (
    DEFAULT_NOW,
    AnomalySchedule,
    FakeUsageAPI,
    History,
    HistoryEvents,
)
from openai_org_usage.forecast import DailySpend, daily_costs

SEEDS = (0, 1, 2, 3, 4, 5, 6, 7)
MONTHS = 8
ANOMALY_MONTHS = 6
PER_PROJECT = 6
STEP_DAYS = 4
FAKE_SEEDS = (0, 1, 2, 3, 4)
FAKE_ANOMALIES = 24
FAKE_DAYS = 364
FAKE_WINDOW_DAYS = 183  # AnomalySchedule(months=6): its last 6 months of 30.44 days
KEY = "sk-admin-bench-dummy"


@dataclass(frozen=True)
class Figures:
    """What one benchmark run measured."""

    injected: int
    detected: int
    flags: int
    true_flags: int
    step_flags: int
    spikes: int
    driver_right: int
    clean_flags: int
    months: int
    projects: int

    @property
    def precision(self) -> float:
        """True flags over flags (step days apart)."""
        counted = self.flags - self.step_flags
        return self.true_flags / counted if counted else 1.0

    @property
    def recall(self) -> float:
        """Injected anomalies detected over injected."""
        return self.detected / self.injected if self.injected else 1.0

    @property
    def false_alarms_per_month(self) -> float:
        """Flags on clean data per organization-month."""
        return self.clean_flags / self.months


def scopes(scenario: Scenario) -> list[ScopeSeries]:
    """One scope per project, its line items as drivers."""
    totals = scenario.totals(organization=False)
    return [
        ScopeSeries("project", name, totals[name], drivers=scenario.line_items[name])
        for name in scenario.line_items
    ]


def detect(scenario: Scenario) -> list[Anomaly]:
    """Anomalies over the scenario's last ``ANOMALY_MONTHS`` months."""
    first = scenario.end
    for _ in range(ANOMALY_MONTHS):
        first = (first - timedelta(days=1)).replace(day=1)
    return find_anomalies(scopes(scenario), start=first, end=scenario.end)


def _on_step(scenario: Scenario, anomaly: Anomaly) -> bool:
    return any(
        s.scope == anomaly.scope_id and 0 <= (anomaly.day - s.day).days < STEP_DAYS
        for s in scenario.steps
    )


def run(seeds: tuple[int, ...] = SEEDS) -> Figures:
    """Measure detection over ``seeds``."""
    injected = detected = flags = true_flags = step_flags = spikes = driver_right = 0
    clean_flags = months = projects = 0
    for seed in seeds:
        scenario = make_scenario(seed, months=MONTHS, anomalies_per_project=PER_PROJECT)
        clean = make_scenario(seed, months=MONTHS, anomalies_per_project=0)
        found = detect(scenario)
        by_key = {(a.scope_id, a.day): a for a in found}
        truth = {(i.scope, i.day): i for i in scenario.injected}
        injected += len(scenario.injected)
        for key, inj in truth.items():
            hit = by_key.get(key)
            if hit is not None and hit.direction == inj.kind:
                detected += 1
            if inj.kind == "spike":
                spikes += 1
                if hit is not None and hit.drivers and hit.drivers[0].name == inj.line_item:
                    driver_right += 1
        for a in found:
            flags += 1
            found_inj = truth.get((a.scope_id, a.day))
            if found_inj is not None and found_inj.kind == a.direction:
                true_flags += 1
            elif _on_step(scenario, a):
                step_flags += 1
        clean_found = detect(clean)
        clean_flags += sum(1 for a in clean_found if not _on_step(clean, a))
        months += ANOMALY_MONTHS
        projects += len(scenario.line_items)
    return Figures(
        injected, detected, flags, true_flags, step_flags, spikes, driver_right,
        clean_flags, months, projects,
    )  # fmt: skip


def fake_scopes(fake: FakeUsageAPI) -> list[ScopeSeries]:
    """One scope per project of ``fake``: its daily costs, its line items as drivers."""
    today = DEFAULT_NOW.date()
    start = datetime.combine(today - timedelta(days=FAKE_DAYS), time(), DEFAULT_NOW.tzinfo)
    end = datetime.combine(today, time(), DEFAULT_NOW.tzinfo)
    with UsageClient(KEY, transport=fake.transport()) as client:
        records = client.costs(
            start=start, end=end, group_by=["project_id", "line_item"]
        ).to_records()
    first = start.date()
    items: dict[str, dict[str, DailySpend]] = {}
    for (project, item), spend in daily_costs(records, by=("project_id", "line_item")).items():
        items.setdefault(project, {})[item] = _covering(spend, first)
    return [
        ScopeSeries("project", project, _covering(total, first), drivers=items.get(project, {}))
        for (project,), total in sorted(daily_costs(records, by="project_id").items())
    ]


def _covering(spend: DailySpend, first: date) -> DailySpend:
    return DailySpend(spend.amounts, currency=spend.currency, start=first)


def _fake_detect(fake: FakeUsageAPI) -> list[Anomaly]:
    today = DEFAULT_NOW.date()
    return find_anomalies(
        fake_scopes(fake), start=today - timedelta(days=FAKE_WINDOW_DAYS), end=today
    )


def _on_launch(events: HistoryEvents, anomaly: Anomaly) -> bool:
    step = events.launch
    return (
        step is not None
        and step.project_id == anomaly.scope_id
        and 0 <= (anomaly.day - step.day).days < STEP_DAYS
    )


def run_fake(seeds: Sequence[int] = FAKE_SEEDS, count: int = FAKE_ANOMALIES) -> Figures:
    """Measure detection on the fake's realistic history with ``count`` anomalies per seed."""
    injected = detected = flags = true_flags = step_flags = spikes = driver_right = 0
    clean_flags = months = projects = 0
    for seed in seeds:
        schedule = AnomalySchedule(seed=seed, count=count)
        fake = FakeUsageAPI(seed=seed, history=History(anomalies=schedule))
        clean = FakeUsageAPI(seed=seed, history="realistic")
        found = _fake_detect(fake)
        by_key = {(a.scope_id, a.day): a for a in found}
        truth = {(i.project_id, i.day): i for i in fake.injected_anomalies}
        injected += len(truth)
        for key, inj in truth.items():
            hit = by_key.get(key)
            if hit is not None and hit.direction == inj.kind:
                detected += 1
            if inj.kind == "spike":
                spikes += 1
                if hit is not None and hit.drivers and hit.drivers[0].name in inj.line_items:
                    driver_right += 1
        for a in found:
            flags += 1
            found_inj = truth.get((a.scope_id, a.day))
            if found_inj is not None and found_inj.kind == a.direction:
                true_flags += 1
            elif _on_launch(fake.history_events, a):
                step_flags += 1
        clean_flags += sum(
            1 for a in _fake_detect(clean) if not _on_launch(clean.history_events, a)
        )
        months += schedule.months
        projects += len(fake.org.projects)
    return Figures(
        injected, detected, flags, true_flags, step_flags, spikes, driver_right,
        clean_flags, months, projects,
    )  # fmt: skip


def _print(title: str, f: Figures, seeds: int) -> None:
    print(title)
    print(f"precision {f.precision:.3f}  ({f.true_flags} of {f.flags - f.step_flags} flags)")
    print(f"recall    {f.recall:.3f}  ({f.detected} of {f.injected})")
    print(f"driver    {f.driver_right} of {f.spikes} spikes name an injected line item first")
    print(f"launch-step days flagged (first {STEP_DAYS} days, not counted): {f.step_flags}")
    print(
        f"clean data: {f.clean_flags} false alarms in {f.months} organization-months = "
        f"{f.false_alarms_per_month:.2f}/month "
        f"({f.clean_flags / (f.months * f.projects / seeds):.3f} per project-month)"
    )


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--fake-seeds", type=int, nargs="+", default=list(FAKE_SEEDS))
    args = parser.parse_args()
    fake = run_fake(tuple(args.fake_seeds))
    _print(
        f"Fake API, realistic history, seeds {args.fake_seeds}: {FAKE_ANOMALIES} anomalies per "
        f"seed over its last 6 months; {fake.projects // len(args.fake_seeds)} projects per "
        f"seed; {fake.injected} injected anomalies",
        fake,
        len(args.fake_seeds),
    )
    print()
    f = run(tuple(args.seeds))
    print(
        f"seeds {args.seeds}: {MONTHS} months each, detection over the last {ANOMALY_MONTHS}; "
        f"{f.projects // len(args.seeds)} projects per seed; {f.injected} injected anomalies"
    )
    print(f"precision {f.precision:.3f}  ({f.true_flags} of {f.flags - f.step_flags} flags)")
    print(f"recall    {f.recall:.3f}  ({f.detected} of {f.injected})")
    print(f"driver    {f.driver_right} of {f.spikes} spikes name the injected line item first")
    print(f"launch-step days flagged (first {STEP_DAYS} days, not counted): {f.step_flags}")
    print(
        f"clean data: {f.clean_flags} false alarms in {f.months} organization-months = "
        f"{f.false_alarms_per_month:.2f}/month "
        f"({f.clean_flags / (f.months * f.projects / len(args.seeds)):.3f} per project-month)"
    )


if __name__ == "__main__":
    main()
