"""Attribution of a large organization: still exact to the cent, at every grouping.

The cents arithmetic runs on integers (``_cents``) and line items find their usage rows by
lookup (``_reconcile``); these tests hold them to what the ``Fraction`` arithmetic and the
row-by-row matching gave.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction

import pytest
from _large_org import FIRST_DAY, large_org
from _mock_org import day_range

from openai_org_usage.attribution import (
    Attribution,
    allocate_cents,
    attribute,
    attribution_jobs,
    reconcile,
    reconcile_views,
    round_to_total,
)


def _fraction_allocation(total: int, weights: list[Fraction]) -> list[int]:
    """The largest-remainder split in ``Fraction`` arithmetic: the reference."""
    weight_sum = sum(weights, Fraction(0))
    exact = [Fraction(total) * w / weight_sum for w in weights]
    floors = [math.floor(e) for e in exact]
    order = sorted(range(len(exact)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[: total - sum(floors)]:
        floors[i] += 1
    return floors


@pytest.mark.parametrize("seed", range(5))
def test_integer_cents_split_exactly_as_fractions_do(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(300):
        count = rng.randint(1, 40)
        weights: list[Decimal | Fraction | int] = []
        for _ in range(count):
            kind = rng.random()
            if kind < 0.5:
                weights.append(Decimal(repr(rng.uniform(-1, 30))))
            elif kind < 0.8:
                weights.append(Fraction(rng.randint(-5, 50), rng.randint(1, 97)))
            else:
                weights.append(rng.randint(0, 9))
        total = rng.randint(-10_000, 100_000)
        exact = [Fraction(w) for w in weights]
        if not sum(exact):
            continue
        assert allocate_cents(total, weights) == _fraction_allocation(total, exact)
        amounts = [Decimal(repr(rng.uniform(-2, 80))) for _ in range(count)]
        cents, parts = round_to_total(amounts)
        assert sum(parts) == cents
        assert all(abs(Fraction(a) * 100 - p) < 1 for a, p in zip(amounts, parts, strict=True))


def _check_exact(result: Attribution) -> None:
    for currency, totals in result.totals_by_currency.items():
        assert totals.attributed + totals.remainder == totals.billed
        rows = [r for r in result.rows if r.currency == currency]
        assert sum((r.attributed for r in rows), Decimal(0)) == totals.billed
        assert all(r.attributed == r.attributed.quantize(Decimal("0.01")) for r in rows)


@pytest.mark.parametrize("seed", range(3))
def test_many_users_keys_and_models_still_add_up_to_the_bill(seed: int) -> None:
    days = 2
    org = large_org(users=600, keys=90, projects=12, models=25, days=days, seed=seed)
    start, end = day_range(FIRST_DAY, days)
    jobs = attribution_jobs(org.client(), start=start, end=end, by=("user_id", "api_key_id"))
    data = {name: list(paginator) for name, paginator in jobs}
    views = [("user_id",), ("api_key_id",), ("user_id", "api_key_id"), ("model",), ()]
    results = reconcile_views(data, views=views)
    for by, result in zip(views, results, strict=True):
        # Priced once for every view, yet each is what its own reconciliation gives.
        assert result == reconcile(data, by=by)
        _check_exact(result)
    by_user, by_key = results[0], results[1]
    assert by_user.totals == by_key.totals
    assert 500 < len(by_user.by_group()) <= 600  # a user of the unpriced model only: none
    # The unpriced model's line items are remainder, not shared out.
    reasons = {r.reason for r in by_user.remainder_rows}
    assert any("ft:gpt-4o-mini:acme::private" in (r or "") for r in reasons)
    # Every day's bill per project is either attributed or a remainder row of that project.
    per_project: dict[str | None, Decimal] = defaultdict(Decimal)
    for row in by_user.remainder_rows:
        per_project[row.project_id] += row.attributed
    assert sum(per_project.values(), Decimal(0)) == by_user.totals.remainder


def test_attribute_of_a_large_organization_is_exact_through_the_client() -> None:
    org = large_org(users=300, keys=40, projects=8, models=12, days=3, seed=7)
    start, end = day_range(FIRST_DAY, 3)
    result = attribute(org.client(), start=start, end=end, by=("user_id", "model"))
    _check_exact(result)
    assert result.totals.attributed > 0
