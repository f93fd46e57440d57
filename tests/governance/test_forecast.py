"""Month-end forecasts: edge cases of the calendar, intervals, limits, and what is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from openai_org_usage import InvalidParameterError, MixedCurrencyError
from openai_org_usage.forecast import (
    METHODS,
    DailySpend,
    daily_costs,
    forecast_month,
    same_days_last_month,
)


def steady(start: date, end: date, weekday: str = "100", weekend: str = "30") -> DailySpend:
    """A flat weekday/weekend pattern from ``start`` up to ``end``."""
    amounts = {}
    day = start
    while day < end:
        amounts[day] = Decimal(weekend if day.weekday() >= 5 else weekday)
        day += timedelta(days=1)
    return DailySpend(amounts)


HISTORY = steady(date(2026, 1, 1), date(2026, 12, 1))


@pytest.mark.parametrize("method", METHODS)
def test_interval_contains_the_point_and_starts_at_the_month_to_date(method: str) -> None:
    for as_of in (date(2026, 11, 1), date(2026, 11, 6), date(2026, 11, 21), date(2026, 11, 30)):
        fc = forecast_month(HISTORY, as_of=as_of, method=method)  # type: ignore[arg-type]
        assert fc.to_date <= fc.lower <= fc.point <= fc.upper
        assert fc.point == fc.to_date + sum(a for _, a in fc.daily)
        assert [d for d, _ in fc.daily][:1] == [as_of]
        assert len(fc.daily) == 30 - fc.days_elapsed


def test_a_steady_pattern_is_forecast_exactly_by_weekday_but_not_by_run_rate() -> None:
    fc = forecast_month(HISTORY, as_of=date(2026, 11, 6))  # Nov 1 is a Sunday
    actual = HISTORY.total(date(2026, 11, 1), date(2026, 12, 1))
    assert abs(fc.point - actual) <= Decimal("0.5")
    assert fc.naive != actual  # 1 weekend day of 5 known: the run rate is off
    assert fc.interval_basis == "backtest"
    assert fc.interval_months >= 3
    assert "Level" in fc.explain()


def test_day_one_of_the_month_rests_on_history() -> None:
    fc = forecast_month(HISTORY, as_of=date(2026, 11, 1))
    assert fc.days_elapsed == 0
    assert fc.to_date == 0
    assert fc.point == pytest.approx(HISTORY.total(date(2026, 11, 1), date(2026, 12, 1)), abs=1)
    naive = forecast_month(HISTORY, as_of=date(2026, 11, 1), method="run_rate")
    assert naive.point > 0  # the last week's rate, not nothing


def test_a_month_with_no_spend() -> None:
    empty = DailySpend({}, start=date(2026, 1, 1))
    fc = forecast_month(empty, as_of=date(2026, 3, 15))
    assert (fc.to_date, fc.point, fc.lower, fc.upper) == (0, 0, 0, 0)
    assert fc.limit_reached_on(Decimal("10")) is None
    quiet = DailySpend(
        {d: v for d, v in HISTORY.amounts.items() if d.month != 10}, start=HISTORY.start
    )
    fc = forecast_month(quiet, as_of=date(2026, 10, 20))
    assert fc.to_date == 0
    assert fc.lower <= fc.point <= fc.upper


def test_no_history_at_all() -> None:
    fc = forecast_month(DailySpend({}), as_of=date(2026, 3, 1))
    assert fc.point == 0
    assert fc.interval_basis == "noise"


def test_a_single_day() -> None:
    one = DailySpend({date(2026, 5, 10): Decimal("12.34")})
    fc = forecast_month(one, as_of=date(2026, 5, 11))
    assert fc.to_date == Decimal("12.34")
    assert fc.point >= fc.to_date
    assert fc.lower <= fc.point <= fc.upper
    assert fc.interval_basis == "noise"
    # History starts mid-month: the days before it are unknown, so the known day's rate is
    # carried over the 21 days left, not spread over the 10 days elapsed.
    naive = forecast_month(one, as_of=date(2026, 5, 11), method="run_rate")
    assert naive.point == Decimal("12.34") * 22


def test_leap_year_february() -> None:
    spend = steady(date(2027, 10, 1), date(2028, 3, 1), weekday="10", weekend="10")
    fc = forecast_month(spend, as_of=date(2028, 2, 11))
    assert fc.days_in_month == 29
    assert fc.month_end == date(2028, 2, 29)
    assert fc.daily[-1][0] == date(2028, 2, 29)
    assert fc.point == Decimal("290.00")
    assert fc.naive == Decimal("290.00")
    cmp = same_days_last_month(spend, as_of=date(2028, 3, 31))
    assert (cmp.previous_start, cmp.previous_end) == (date(2028, 2, 1), date(2028, 3, 1))


def test_days_are_utc() -> None:
    # 23:30 on Nov 30 in New York is Dec 1 in UTC: December, day 1.
    evening = datetime(2026, 11, 30, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    fc = forecast_month(HISTORY, as_of=evening)
    assert (fc.month, fc.days_elapsed) == (date(2026, 12, 1), 0)
    with pytest.raises(InvalidParameterError) as exc:
        forecast_month(HISTORY, as_of=datetime(2026, 11, 30, 23, 30))
    assert exc.value.param == "as_of"
    # Keys may be 1d bucket starts (UTC midnight), not any instant.
    assert DailySpend({datetime(2026, 1, 1, tzinfo=UTC): Decimal(1)}).on(date(2026, 1, 1)) == 1
    with pytest.raises(InvalidParameterError, match="UTC day"):
        DailySpend({datetime(2026, 1, 1, tzinfo=timezone(timedelta(hours=1))): Decimal(1)})


def test_limit_reached_day() -> None:
    flat = steady(date(2026, 1, 1), date(2026, 4, 11), weekday="10", weekend="10")
    fc = forecast_month(flat, as_of=date(2026, 4, 11))  # 100 spent in 10 days, 10/day on
    assert fc.to_date == 100
    assert fc.limit_reached_on(Decimal("150")) == date(2026, 4, 15)  # 100 + 5 x 10
    assert fc.limit_reached_on(Decimal("150.01")) == date(2026, 4, 16)
    assert fc.limit_reached_on(Decimal("300")) == date(2026, 4, 30)
    assert fc.limit_reached_on(Decimal("300.01")) is None
    assert fc.limit_reached_on(Decimal("100")) == date(2026, 4, 10)  # already reached
    assert fc.limit_reached_on(0) == date(2026, 4, 10)
    upper = fc.limit_reached_on(Decimal("299"), bound="upper")
    lower = fc.limit_reached_on(Decimal("299"), bound="lower")
    assert upper is not None
    assert upper <= date(2026, 4, 30)
    assert lower is None or lower >= upper
    for bad in (Decimal(-1), 1.5, "100"):
        with pytest.raises(InvalidParameterError) as exc:
            fc.limit_reached_on(bad)  # type: ignore[arg-type]
        assert exc.value.param == "limit"


def test_same_days_last_month() -> None:
    cmp = same_days_last_month(HISTORY, as_of=date(2026, 3, 31))
    assert (cmp.previous_start, cmp.previous_end) == (date(2026, 2, 1), date(2026, 3, 1))
    assert cmp.current == HISTORY.total(date(2026, 3, 1), date(2026, 3, 31))
    assert cmp.change == cmp.current - cmp.previous
    assert cmp.change_ratio == pytest.approx(float(cmp.change / cmp.previous))
    assert same_days_last_month(HISTORY, as_of=date(2026, 1, 1)).change_ratio is None


@pytest.mark.parametrize(
    ("kwargs", "param"),
    [
        ({"method": "prophet"}, "method"),
        ({"coverage": 1.0}, "coverage"),
        ({"coverage": 0}, "coverage"),
        ({"coverage": True}, "coverage"),
        ({"as_of": "2026-11-01"}, "as_of"),
    ],
)
def test_bad_parameters_are_named(kwargs: dict[str, object], param: str) -> None:
    args: dict[str, object] = {"as_of": date(2026, 11, 5), **kwargs}
    with pytest.raises(InvalidParameterError) as exc:
        forecast_month(HISTORY, **args)  # type: ignore[arg-type]
    assert exc.value.param == param
    assert exc.value.value == kwargs[param]
    assert exc.value.allowed


def test_bad_series_are_refused() -> None:
    with pytest.raises(InvalidParameterError) as exc:
        forecast_month({date(2026, 1, 1): Decimal(1)}, as_of=date(2026, 1, 2))  # type: ignore[arg-type]
    assert exc.value.param == "spend"
    with pytest.raises(InvalidParameterError, match="Decimal"):
        DailySpend({date(2026, 1, 1): 1.5})  # type: ignore[dict-item]
    with pytest.raises(InvalidParameterError) as exc:
        DailySpend({date(2026, 1, 1): Decimal("NaN")})
    with pytest.raises(InvalidParameterError) as exc:
        DailySpend({date(2026, 1, 1): Decimal(1)}, currency=" ")
    assert exc.value.param == "currency"
    with pytest.raises(InvalidParameterError) as exc:
        DailySpend({date(2026, 1, 1): Decimal(1)}, start=date(2026, 1, 2))
    assert exc.value.param == "start"


def record(day: int, value: float, currency: str = "usd", project: str = "p1") -> dict[str, object]:
    return {
        "bucket_start": datetime(2026, 11, day, tzinfo=UTC),
        "amount_value": value,
        "amount_currency": currency,
        "project_id": project,
    }


def test_daily_costs_from_records_never_mixes_currencies() -> None:
    records = [record(1, 0.1), record(1, 0.2), record(2, 1.5, project="p2")]
    series = daily_costs(records, by="project_id")
    assert series[("p1",)].on(date(2026, 11, 1)) == Decimal("0.3")  # exact, not 0.30000000000000004
    assert daily_costs(records)[()].total(date(2026, 11, 1), date(2026, 11, 3)) == Decimal("1.8")
    mixed = [*records, record(3, 2.0, currency="EUR")]
    with pytest.raises(MixedCurrencyError) as exc:
        daily_costs(mixed, by="project_id")
    assert exc.value.currencies == ("eur", "usd")
    by_currency = daily_costs(mixed, by=("project_id", "amount_currency"))
    assert by_currency[("p1", "EUR")].currency == "eur"
    with pytest.raises(InvalidParameterError) as missing:
        daily_costs(records, by="user_id")
    assert missing.value.param == "records"
