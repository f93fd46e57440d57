"""Spend anomalies: drivers that add up, baselines that adapt, and what is refused."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from openai_org_usage import InvalidParameterError, MixedCurrencyError
from openai_org_usage.anomalies import OTHER, DailySpend, ScopeSeries, find_anomalies

START = date(2026, 1, 1)
DAYS = 150


def pattern(weekday: float, weekend: float, **changes: float) -> dict[date, Decimal]:
    """A weekly pattern with small deterministic wobble; ``changes`` maps ISO days to amounts."""
    out = {}
    for i in range(DAYS):
        day = START + timedelta(days=i)
        base = weekend if day.weekday() >= 5 else weekday
        out[day] = Decimal(repr(round(base * (1 + 0.04 * ((i * 7) % 5 - 2) / 2), 2)))
    for iso, amount in changes.items():
        out[date.fromisoformat(iso.replace("_", "-").lstrip("d"))] = Decimal(repr(amount))
    return out


def scope(parts: dict[str, dict[date, Decimal]], **kwargs: object) -> ScopeSeries:
    total: dict[date, Decimal] = {}
    for series in parts.values():
        for day, amount in series.items():
            total[day] = total.get(day, Decimal(0)) + amount
    return ScopeSeries(
        "project",
        "proj_1",
        DailySpend(total, start=START),
        name="Search",
        drivers={name: DailySpend(s, start=START) for name, s in parts.items()},
        **kwargs,  # type: ignore[arg-type]
    )


def test_a_spike_is_found_with_its_driver_and_the_drivers_add_up_to_the_jump() -> None:
    parts = {
        "gpt-4o, input": pattern(40, 12, d2026_04_15=241.234567),
        "gpt-4o, output": pattern(60, 18),
        "web search": pattern(5, 2),
    }
    found = find_anomalies(scope(parts), start=date(2026, 3, 1))
    assert [(a.day, a.direction) for a in found] == [(date(2026, 4, 15), "spike")]
    a = found[0]
    assert (a.scope_kind, a.scope_id, a.scope_name, a.currency) == (
        "project", "proj_1", "Search", "usd",
    )  # fmt: skip
    assert a.jump == a.actual - a.baseline
    assert sum(d.above_baseline for d in a.drivers) == a.jump  # exactly, sub-cents included
    assert a.drivers[0].name == "gpt-4o, input"
    assert a.drivers[0].above_baseline > Decimal("150")
    assert a.score > 4


def test_a_drop_is_shared_among_the_drivers_that_fell() -> None:
    parts = {
        "gpt-4o, input": pattern(40, 12, d2026_04_15=1),
        "gpt-4o, output": pattern(60, 18, d2026_04_15=2.5),
    }
    (a,) = find_anomalies(scope(parts), start=date(2026, 3, 1))
    assert a.direction == "drop"
    assert a.jump < 0
    assert {d.name for d in a.drivers} == {"gpt-4o, input", "gpt-4o, output"}
    assert sum(d.above_baseline for d in a.drivers) == a.jump
    assert all(d.above_baseline < 0 for d in a.drivers)


def test_spend_the_breakdown_misses_is_other() -> None:
    total = pattern(100, 30, d2026_04_15=400)
    part = pattern(50, 15)
    s = ScopeSeries(
        "model", "gpt-4o", DailySpend(total), drivers={"proj_a": DailySpend(part)},
        driver_kind="project",
    )  # fmt: skip
    (a,) = find_anomalies(s, start=date(2026, 3, 1))
    assert a.drivers[0].name == OTHER
    assert a.drivers[0].kind == "project"
    assert a.drivers[0].above_baseline > Decimal("0.9") * a.jump
    assert sum(d.above_baseline for d in a.drivers) == a.jump


def test_without_a_breakdown_there_are_no_drivers() -> None:
    s = ScopeSeries("user", "user-1", DailySpend(pattern(100, 30, d2026_04_15=400)))
    (a,) = find_anomalies([s])
    assert a.drivers == ()


def test_a_level_shift_is_absorbed_within_days() -> None:
    amounts = pattern(100, 30)
    launch = date(2026, 4, 1)
    for day in list(amounts):
        if day >= launch:
            amounts[day] *= 2
    found = find_anomalies(ScopeSeries("project", "p", DailySpend(amounts)))
    assert found
    assert all(launch <= a.day < launch + timedelta(days=4) for a in found)


def test_a_recurring_month_end_job_is_expected() -> None:
    amounts = pattern(100, 30)
    for day in list(amounts):
        if (day + timedelta(days=1)).day == 1:
            amounts[day] += Decimal(150)
    found = find_anomalies(ScopeSeries("project", "p", DailySpend(amounts)))
    # Reported while new (January, February), expected once it has recurred.
    assert [a.day for a in found] == [date(2026, 1, 31), date(2026, 2, 28)][: len(found)]
    assert all(a.day < date(2026, 3, 1) for a in found)


def test_a_scope_that_stops_spending_shows_drops_while_others_go_on() -> None:
    stopped = {d: v for d, v in pattern(100, 30).items() if d < date(2026, 5, 20)}
    others = pattern(100, 30)
    found = find_anomalies(
        [
            ScopeSeries("api_key", "key_a", DailySpend(stopped)),
            ScopeSeries("api_key", "key_b", DailySpend(others)),
        ],
        start=date(2026, 5, 1),
    )
    assert found
    assert {a.scope_id for a in found} == {"key_a"}
    assert found[0].day == date(2026, 5, 20)
    assert found[0].direction == "drop"


def test_quiet_data_has_no_anomalies_and_short_history_none() -> None:
    assert find_anomalies(ScopeSeries("project", "p", DailySpend(pattern(100, 30)))) == []
    short = {START + timedelta(days=i): Decimal(10 if i < 10 else 1000) for i in range(13)}
    assert find_anomalies(ScopeSeries("project", "p", DailySpend(short))) == []
    assert find_anomalies([]) == []


def test_currencies_are_never_mixed() -> None:
    total = DailySpend(pattern(100, 30), currency="usd")
    part = DailySpend(pattern(100, 30), currency="EUR")
    with pytest.raises(MixedCurrencyError) as exc:
        find_anomalies(ScopeSeries("project", "p", total, drivers={"x": part}))
    assert exc.value.currencies == ("eur", "usd")
    (a,) = find_anomalies(
        ScopeSeries("project", "p", DailySpend(pattern(100, 30, d2026_04_15=500), currency="EUR"))
    )
    assert a.currency == "eur"


@pytest.mark.parametrize(
    ("kwargs", "param", "value"),
    [
        ({"threshold": 0}, "threshold", 0),
        ({"threshold": float("nan")}, "threshold", None),
        ({"min_ratio": -0.1}, "min_ratio", -0.1),
        ({"min_amount": 1.5}, "min_amount", 1.5),
        ({"start": "2026-01-01"}, "start", "2026-01-01"),
    ],
)
def test_bad_parameters_are_named(kwargs: dict[str, object], param: str, value: object) -> None:
    s = ScopeSeries("project", "p", DailySpend(pattern(100, 30)))
    with pytest.raises(InvalidParameterError) as exc:
        find_anomalies(s, **kwargs)  # type: ignore[arg-type]
    assert exc.value.param == param
    if value is not None:
        assert exc.value.value == value
    assert exc.value.allowed


def test_bad_scopes_are_named() -> None:
    spend = DailySpend(pattern(100, 30))
    with pytest.raises(InvalidParameterError) as exc:
        find_anomalies(ScopeSeries("team", "t", spend))
    assert (exc.value.param, exc.value.value) == ("kind", "team")
    assert "project" in exc.value.allowed
    with pytest.raises(InvalidParameterError) as exc:
        find_anomalies(ScopeSeries("project", "p", spend, driver_kind="region"))
    assert exc.value.param == "driver_kind"
    with pytest.raises(InvalidParameterError) as exc:
        find_anomalies([spend])  # type: ignore[list-item]
    assert exc.value.param == "scopes"
    with pytest.raises(InvalidParameterError) as exc:
        find_anomalies("proj_1")  # type: ignore[arg-type]
    assert exc.value.param == "scopes"
