"""The benchmarks' claims, on fixed data: the chosen forecast beats the naive run rate, and the
detector finds injected anomalies with few false alarms (deterministic; a few seconds)."""

from __future__ import annotations

from anomaly_detection import run, run_fake
from forecast_backtest import (
    FORECAST_DAYS,
    backtest,
    fake_history,
    realistic_history,
    scenario_history,
)

from openai_org_usage.forecast import DEFAULT_METHOD


def test_the_chosen_forecast_beats_the_naive_run_rate_on_the_fakes_history() -> None:
    history = fake_history()
    assert len(history) >= 3
    chosen = backtest(history, DEFAULT_METHOD)
    naive = backtest(history, "run_rate")
    for day in FORECAST_DAYS:
        assert chosen[day].n >= 40
        assert chosen[day].mape < naive[day].mape, day
        assert 0.6 <= chosen[day].coverage <= 0.97, day


def test_the_chosen_forecast_beats_the_naive_run_rate_on_scenarios() -> None:
    history = {**scenario_history(0), **scenario_history(1)}
    chosen = backtest(history, DEFAULT_METHOD)
    naive = backtest(history, "run_rate")
    for day in FORECAST_DAYS:
        assert chosen[day].mape < naive[day].mape, day
        assert 0.6 <= chosen[day].coverage <= 0.97, day


def test_detection_precision_recall_and_false_alarms() -> None:
    figures = run((0, 1, 2))
    assert figures.injected >= 20
    assert figures.precision >= 0.9
    assert figures.recall >= 0.9
    assert figures.false_alarms_per_month <= 1
    assert figures.driver_right >= 0.9 * figures.spikes


def test_the_chosen_forecast_beats_the_naive_run_rate_on_the_fakes_realistic_history() -> None:
    history = realistic_history((0, 1))
    chosen = backtest(history, DEFAULT_METHOD)
    naive = backtest(history, "run_rate")
    for day in FORECAST_DAYS:
        assert chosen[day].n >= 100
        assert chosen[day].mape < naive[day].mape, day
        assert 0.6 <= chosen[day].coverage <= 0.97, day


def test_detection_on_the_fakes_realistic_history() -> None:
    figures = run_fake((0, 1))
    assert figures.injected >= 40
    assert figures.precision >= 0.9
    assert figures.recall >= 0.9
    assert figures.false_alarms_per_month <= 1
    assert figures.driver_right >= 0.85 * figures.spikes
