"""Prices are read once per period between two dated price changes, and equal the day's own."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from openai_org_usage import _pricing
from openai_org_usage._pricing import PriceBook

# Models of the price data with several dated changes, one with none, one it lacks.
MODELS = ("gpt-4o-2024-08-06", "o3", "o3-mini-2025-01-31", "gpt-4o-audio-preview-2024-12-17")


def _days_around(changes: tuple[date, ...]) -> list[date]:
    days = {date(2025, 1, 1), date(2026, 12, 31)}
    for change in changes:
        days |= {change - timedelta(days=1), change, change + timedelta(days=1)}
    return sorted(days)


@pytest.mark.parametrize("model", MODELS)
def test_each_day_gets_its_own_days_prices(model: str) -> None:
    changes = _pricing._price_changes(model)
    assert changes is not None
    book = PriceBook()
    for day in _days_around(changes):
        for batch, tier in ((False, None), (True, None), (False, "flex"), (False, "priority")):
            got = book.unit_prices(model, batch=batch, service_tier=tier, day=day)
            assert got == _pricing._unit_prices(model, batch, tier, day), (day, batch, tier)


def test_prices_are_read_once_per_period(monkeypatch: pytest.MonkeyPatch) -> None:
    model = "o3"
    changes = _pricing._price_changes(model)
    assert changes, "o3's prices change on dated days in the price data"
    asked: list[date] = []
    real = _pricing._unit_prices.__wrapped__

    def counting(model: str, batch: bool, tier: str | None, day: date) -> object:
        asked.append(day)
        return real(model, batch, tier, day)

    monkeypatch.setattr(_pricing, "_unit_prices", counting)
    book = PriceBook()
    first, last = date(2025, 1, 1), date(2026, 12, 31)
    for offset in range((last - first).days + 1):
        book.unit_prices(model, day=first + timedelta(days=offset))
    assert len(asked) == len(changes) + 1  # one read per period, not one per day


def test_a_model_outside_the_data_is_priced_per_day() -> None:
    assert _pricing._price_changes("no-such-model-anywhere") is None
    book = PriceBook()
    assert book.unit_prices("no-such-model-anywhere", day=date(2026, 1, 1)) is None
