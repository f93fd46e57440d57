"""A large organization for scale tests: thousands of users, hundreds of keys, a month of days.

Served by :class:`_mock_org.MockOrg` (one page per request, every operation), so it runs
through the real client and parser. Usage is completions only (what scales with users);
the bill per day, project and line item is that usage at list price times a discount that
differs per project, plus a fixed fee per project, so reconciliation has cents to share out
and a remainder to keep.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from _mock_org import MockOrg, completion, cost

from openai_org_usage._pricing import PriceBook

MODELS = (
    "gpt-4o-2024-08-06",
    "gpt-4o-mini-2024-07-18",
    "o3-mini-2025-01-31",
    "gpt-4.1-2025-04-14",
    "gpt-4.1-mini-2025-04-14",
    "gpt-4.1-nano-2025-04-14",
    "o1-2024-12-17",
    "o3-2025-04-16",
    "o4-mini-2025-04-16",
    "gpt-4-turbo-2024-04-09",
    "gpt-3.5-turbo-0125",
    "gpt-4o-2024-05-13",
    "gpt-4o-2024-11-20",
    "gpt-5-2025-08-07",
    "gpt-5-mini-2025-08-07",
    "gpt-5-nano-2025-08-07",
    "o1-mini-2024-09-12",
    "gpt-4-0613",
    "chatgpt-4o-latest",
    "o1-pro-2025-03-19",
    "gpt-4.5-preview-2025-02-27",
    "codex-mini-latest",
    "o3-pro-2025-06-10",
    "gpt-5.1-2025-11-13",
    # Not in the price data: its line items stay remainder.
    "ft:gpt-4o-mini:acme::private",
)
FIRST_DAY = date(2026, 10, 1)


def large_results(
    *,
    users: int = 2_000,
    keys: int = 300,
    projects: int = 60,
    models: int = 25,
    days: int = 30,
    seed: int = 0,
) -> dict[tuple[str, date], list[dict[str, Any]]]:
    """Completions and costs per day: each user works in one project, with one or two of its
    keys and one to three models, every day."""
    rng = random.Random(seed)
    book = PriceBook()
    project_ids = [f"proj_{i:04d}" for i in range(projects)]
    key_ids = [f"key_{i:04d}" for i in range(keys)]
    keys_of = defaultdict(list)
    for i, key in enumerate(key_ids):
        keys_of[i % projects].append(key)
    streams: list[tuple[str, str, str, str, int, int, int]] = []
    for u in range(users):
        p = u % projects
        user = f"user-{u:05d}"
        own_keys = keys_of[p] or [None]
        for key in rng.sample(own_keys, k=min(len(own_keys), rng.choice((1, 2)))):
            for model in rng.sample(MODELS[:models], k=rng.choice((1, 2, 3))):
                scale = rng.choice((1_000, 10_000, 100_000, 1_000_000))
                streams.append(
                    (
                        project_ids[p],
                        user,
                        key,
                        model,
                        rng.randint(1, 10) * scale,
                        rng.randint(0, 5) * scale // 10,
                        rng.randint(1, 10) * scale // 4,
                    )
                )
    discount = {p: Decimal(rng.randint(80, 100)) / 100 for p in project_ids}
    out: dict[tuple[str, date], list[dict[str, Any]]] = {}
    for d in range(days):
        day = FIRST_DAY + timedelta(days=d)
        usage: list[dict[str, Any]] = []
        sums: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for project, user, key, model, inp, cached, output in streams:
            jitter = 1 + (d * 7 + len(user)) % 5
            row = completion(
                project=project,
                user=user,
                key=key,
                model=model,
                input_tokens=inp * jitter,
                cached=min(cached * jitter, inp * jitter),
                output_tokens=output * jitter,
            )
            usage.append(row)
            acc = sums[project, model]
            acc[0] += row["input_tokens"] - row["input_cached_tokens"]
            acc[1] += row["input_cached_tokens"]
            acc[2] += row["output_tokens"]
        bill: list[dict[str, Any]] = []
        for (project, model), (uncached, cached, output) in sorted(sums.items()):
            prices = book.unit_prices(model, day=day) or {
                "input": Decimal("0.000001"),
                "output": Decimal("0.000004"),
            }
            for unit, count in (("input", uncached), ("cached input", cached), ("output", output)):
                if count and unit in prices:
                    value = prices[unit] * count * discount[project]
                    bill.append(cost(project, f"{model}, {unit}", float(value)))
        bill.extend(cost(p, "fine-tuning hosting", 1.23) for p in project_ids)
        out["completions", day] = usage
        out["costs", day] = bill
    return out


def large_org(**sizes: int) -> MockOrg:
    """:func:`large_results` served over a mock transport."""
    return MockOrg(large_results(**sizes))
