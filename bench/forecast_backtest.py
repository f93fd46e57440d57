"""Backtest of the month-end forecast: every past month, forecast after days 5, 10, 15 and 20.

Data: the demo organization (``FakeUsageAPI(seed=0)``, its fixed now 2026-11-25): daily costs
of the 364 complete days before now, per project and for the whole organization, fetched in
process through ``UsageClient``, in its default history and in its realistic one
(``history="realistic"``: steadier traffic, growth by project, a launch step, a month-end batch
job; several seeds); and the synthetic scenarios of ``_scenarios.py`` (growth,
weekly seasonality, a launch step, month-end batch jobs, injected spikes and drops), per
project and in total, for several seeds.

For each series and each complete month with at least a week of history before it, each
method forecasts the month's total with days 1..d known (d = 5, 10, 15, 20: ``as_of`` is day
d + 1) and is compared with the actual total: MAPE (mean of |forecast - actual| / actual, over
months with spend) and the share of actual totals inside the forecast's 80% interval.

    .venv/bin/python bench/forecast_backtest.py [--seeds 0 1 2 3 4] [--months 13]
        [--fake-seeds 0 1 2 3 4]
"""

from __future__ import annotations

import argparse
import calendar
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _scenarios import make_scenario

from openai_org_usage import UsageClient
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI, History
from openai_org_usage.forecast import (
    METHODS,
    DailySpend,
    ForecastMethod,
    daily_costs,
    forecast_month,
)

FORECAST_DAYS = (5, 10, 15, 20)
HISTORY_DAYS = 364
KEY = "sk-admin-bench-dummy"


@dataclass(frozen=True)
class Score:
    """One cell of the table: a method's accuracy at one forecast day."""

    mape: float
    coverage: float
    n: int


def fake_history(seed: int = 0, history: str | History = "default") -> dict[str, DailySpend]:
    """The fake organization's daily spend per project and in total (``"(organization)"``).

    ``history`` is the fake's (``"default"``, ``"realistic"`` or a :class:`History`).
    """
    today = DEFAULT_NOW.date()
    start = datetime.combine(today - timedelta(days=HISTORY_DAYS), time(), DEFAULT_NOW.tzinfo)
    end = datetime.combine(today, time(), DEFAULT_NOW.tzinfo)
    fake = FakeUsageAPI(seed=seed, history=history)
    with UsageClient(KEY, transport=fake.transport()) as client:
        records = client.costs(start=start, end=end, group_by="project_id").to_records()
    first = start.date()
    series = {
        f"project {key[0]}": _covering(s, first)
        for key, s in daily_costs(records, by="project_id").items()
    }
    series["(organization)"] = _covering(daily_costs(records)[()], first)
    return series


def realistic_history(seeds: Sequence[int] = (0, 1, 2, 3, 4)) -> dict[str, DailySpend]:
    """The fake's realistic history for each seed, per project and in total."""
    out: dict[str, DailySpend] = {}
    for seed in seeds:
        out.update({f"{seed}/{name}": s for name, s in fake_history(seed, "realistic").items()})
    return out


def _covering(spend: DailySpend, first: date) -> DailySpend:
    return DailySpend(spend.amounts, currency=spend.currency, start=first)


def scenario_history(seed: int, months: int = 13) -> dict[str, DailySpend]:
    """A synthetic organization's daily spend per project and in total."""
    scenario = make_scenario(seed, months=months)
    return {f"{seed}/{name}": spend for name, spend in scenario.totals().items()}


def backtest(
    series: Mapping[str, DailySpend],
    method: ForecastMethod,
    forecast_days: Sequence[int] = FORECAST_DAYS,
) -> dict[int, Score]:
    """MAPE and 80% interval coverage of ``method`` per forecast day over every past month."""
    errors: dict[int, list[float]] = {d: [] for d in forecast_days}
    inside: dict[int, list[bool]] = {d: [] for d in forecast_days}
    for spend in series.values():
        if spend.start is None:
            continue
        last = max(spend.amounts)
        month = (spend.start + timedelta(days=7)).replace(day=1)
        if month <= spend.start:
            month = (month + timedelta(days=32)).replace(day=1)
        while True:
            dim = calendar.monthrange(month.year, month.month)[1]
            month_end = month + timedelta(days=dim)
            if month_end - timedelta(days=1) > last:
                break
            actual = spend.total(month, month_end)
            for d in forecast_days:
                fc = forecast_month(spend, as_of=month + timedelta(days=d), method=method)
                if actual > 0:
                    errors[d].append(float(abs(fc.point - actual) / actual))
                inside[d].append(fc.lower <= actual <= fc.upper)
            month = month_end
    return {
        d: Score(
            mape=sum(errors[d]) / len(errors[d]) if errors[d] else float("nan"),
            coverage=sum(inside[d]) / len(inside[d]) if inside[d] else float("nan"),
            n=len(inside[d]),
        )
        for d in forecast_days
    }


def table(title: str, series: Mapping[str, DailySpend]) -> dict[str, dict[int, Score]]:
    """Print (and return) the day x method table for one data set."""
    results: dict[str, dict[int, Score]] = {m: backtest(series, m) for m in METHODS}
    print(f"\n{title}")
    print(f"{'day':>4}  {'method':<17} {'MAPE':>7} {'cover80':>8} {'months':>7}")
    for d in FORECAST_DAYS:
        for method in METHODS:
            score = results[method][d]
            print(f"{d:>4}  {method:<17} {score.mape:>7.2%} {score.coverage:>8.1%} {score.n:>7}")
    return results


def main() -> None:
    """Run the backtest on the fake's history and on the synthetic scenarios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--months", type=int, default=13)
    parser.add_argument("--fake-seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    args = parser.parse_args()
    fake = fake_history()
    table(
        f"Fake API (seed 0, {HISTORY_DAYS} days to {DEFAULT_NOW.date()}): "
        f"{len(fake)} series ({len(fake) - 1} projects + organization)",
        fake,
    )
    realistic = realistic_history(args.fake_seeds)
    table(
        f"Fake API, realistic history (seeds {args.fake_seeds}, {HISTORY_DAYS} days to "
        f"{DEFAULT_NOW.date()}): {len(realistic)} series (projects + organization per seed)",
        realistic,
    )
    scenarios: dict[str, DailySpend] = {}
    for seed in args.seeds:
        scenarios.update(scenario_history(seed, args.months))
    table(
        f"Synthetic scenarios (seeds {args.seeds}, {args.months} months each): "
        f"{len(scenarios)} series",
        scenarios,
    )


if __name__ == "__main__":
    main()
