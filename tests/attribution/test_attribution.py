"""Cost attribution: priced usage reconciled to the bill, to the cent, remainder visible."""

from __future__ import annotations

import json
import random
import sys
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import httpx
import pytest
from _mock_org import MockOrg, completion, cost, day_range

from openai_org_usage import AsyncUsageClient, InvalidParameterError, UsageClient
from openai_org_usage._pricing import PriceBook
from openai_org_usage.attribution import (
    NO_USAGE,
    NOT_FROM_USAGE,
    Attribution,
    MappingNames,
    aattribute,
    allocate_cents,
    attribute,
    round_to_total,
)
from openai_org_usage.fake import DEFAULT_NOW, FakeUsageAPI

DAY = date(2026, 11, 2)
P1, P2 = "proj_one", "proj_two"


def _billed_total(client: UsageClient, start: str, end: str) -> Decimal:
    """The costs endpoint's total over the range, fetched on its own, to the cent."""
    amounts = [
        Decimal(repr(r.result.amount.value))  # type: ignore[union-attr]
        for r in client.costs(start=start, end=end, group_by="project_id").results()
    ]
    return sum(amounts, Decimal(0)).quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def demo() -> Iterator[tuple[Attribution, Decimal]]:
    with UsageClient("sk-admin-demo", transport=FakeUsageAPI(seed=0).transport()) as client:
        result = attribute(client, start="2026-10-26", end="2026-11-25", by=("user_id",))
        yield result, _billed_total(client, "2026-10-26", "2026-11-25")


def test_demo_spend_by_user_plus_remainder_is_the_costs_total_to_the_cent(
    demo: tuple[Attribution, Decimal],
) -> None:
    result, billed = demo
    by_user = sum((a for _, _, a in result.by_group()), Decimal(0))
    remainder = sum((amount for _, amount, _ in result.remainder_by_reason()), Decimal(0))
    assert by_user + remainder == billed == result.totals.billed
    assert result.totals.attributed == by_user
    assert result.totals.remainder == remainder
    # Every amount is whole cents.
    assert all(r.attributed == r.attributed.quantize(Decimal("0.01")) for r in result.rows)


def test_demo_remainder_says_why(demo: tuple[Attribution, Decimal]) -> None:
    result, _ = demo
    reasons = {reason: items for reason, _, items in result.remainder_by_reason()}
    image_reason = next(r for r in reasons if r.startswith("images"))
    assert all("images" in item for item in reasons[image_reason])
    assert {"vector store storage", "code interpreter sessions", "file search tool calls"} <= set(
        reasons[NOT_FROM_USAGE]
    )
    # A model priced per token only cannot price the seconds the endpoint reports.
    assert any("gpt-4o-mini-transcribe" in r for r in reasons)
    # Every remainder row names its line item and project.
    assert all(r.line_item and r.project_id for r in result.remainder_rows)


def test_demo_estimates_come_close_to_the_bill_before_reconciliation(
    demo: tuple[Attribution, Decimal],
) -> None:
    totals = demo[0].totals
    # The fake prices from the same data: only tiers the fake does not bill apart differ.
    assert totals.estimate_gap is not None
    assert abs(totals.estimate_gap) < 0.01
    assert totals.unbilled_estimate == 0
    assert totals.matched_billed == totals.attributed


def test_grouping_by_several_fields_and_by_hour_still_sums_to_the_bill() -> None:
    fake = FakeUsageAPI(seed=3)
    with UsageClient("sk-admin-demo", transport=fake.transport()) as client:
        start, end = "2026-11-20", "2026-11-23"
        by_model = attribute(client, start=start, end=end, by=("user_id", "model"))
        hourly = attribute(client, start=start, end=end, by=("api_key_id",), bucket_width="1h")
        billed = _billed_total(client, start, end)
    for result in (by_model, hourly):
        assert result.totals.billed == billed
        assert sum((r.attributed for r in result.rows), Decimal(0)) == billed
    assert {r.start.hour for r in hourly.attributed_rows} - {0}  # really hourly
    models = {g["model"] for g, _, _ in by_model.by_group()}
    assert "gpt-4o-2024-08-06" in models
    assert "text-embedding-3-small" in models


def test_a_discount_is_reconciled_away_and_measured() -> None:
    fake = FakeUsageAPI(seed=0)
    inner = fake.transport()

    def discounted(request: httpx.Request) -> httpx.Response:
        response = inner.handle_request(request)
        if not request.url.path.endswith("/costs") or response.status_code != 200:
            return response
        page = json.loads(response.read())
        for bucket in page["data"]:
            for r in bucket["results"]:
                r["amount"]["value"] *= 0.8
        return httpx.Response(200, json=page)

    span: dict[str, Any] = {"start": "2026-11-18", "end": "2026-11-25", "by": ("user_id",)}
    with UsageClient("sk-admin-test", transport=httpx.MockTransport(discounted)) as client:
        result = attribute(client, **span)
        billed = _billed_total(client, "2026-11-18", "2026-11-25")
    with UsageClient("sk-admin-test", transport=inner) as client:
        full = attribute(client, **span)
    assert result.totals.billed == billed
    assert result.totals.attributed + result.totals.remainder == billed
    # Estimates are list price: 25% above a bill discounted by 20% (within the tiers the
    # fake does not bill apart).
    assert result.totals.estimate_gap == pytest.approx(0.25, abs=0.02)
    assert result.totals.estimated == full.totals.estimated
    # The discount reaches every user in proportion (to the cents of rounding).
    before = {g["user_id"]: a for g, _, a in full.by_group()}
    for group, _, attributed in result.by_group():
        assert float(attributed) == pytest.approx(float(before[group["user_id"]]) * 0.8, abs=0.3)
    # The unattributed line items are discounted too, and stay where they were.
    assert [r for r, _, _ in result.remainder_by_reason()] == [
        r for r, _, _ in full.remainder_by_reason()
    ]


def test_unknown_model_fixed_fee_and_a_day_without_usage_stay_in_the_remainder() -> None:
    org = MockOrg(
        {
            ("completions", DAY): [
                completion(
                    project=P1, user="user-a", model="gpt-4o-2024-08-06", input_tokens=10**6
                ),
                completion(project=P1, user="user-b", model="gpt-9-unknown", input_tokens=10**6),
            ],
            ("costs", DAY): [
                cost(P1, "gpt-4o-2024-08-06, input", 2.00),  # list price 2.50: a discount
                cost(P1, "gpt-9-unknown, input", 3.00),
                cost(P1, "ChatGPT seats", 25.00),
                cost(P2, "gpt-4o-mini-2024-07-18, input", 1.00),
            ],
        }
    )
    start, end = day_range(DAY)
    with org.client() as client:
        result = attribute(client, start=start, end=end, by=("user_id",))
    users = {g["user_id"]: (e, a) for g, e, a in result.by_group()}
    assert users["user-a"] == (Decimal("2.5"), Decimal("2.00"))
    assert "user-b" not in users  # unpriced: nothing estimated, nothing given
    reasons = {(r.project_id, r.line_item): (r.reason, r.attributed) for r in result.remainder_rows}
    assert reasons == {
        (P1, "gpt-9-unknown, input"): (
            "model gpt-9-unknown is not in the price data",
            Decimal("3.00"),
        ),
        (P1, "ChatGPT seats"): (NOT_FROM_USAGE, Decimal("25.00")),
        (P2, "gpt-4o-mini-2024-07-18, input"): (NO_USAGE, Decimal("1.00")),
    }
    assert result.totals.billed == Decimal("31.00")
    assert result.totals.attributed == Decimal("2.00")
    assert result.totals.remainder == Decimal("29.00")
    assert result.totals.estimate_gap == pytest.approx(0.25)


def test_a_line_item_is_shared_by_estimate_in_whole_cents() -> None:
    # Three users, one billed line item of 10.00 whose estimates are 1:1:1 -> 3.34/3.33/3.33.
    org = MockOrg(
        {
            ("completions", DAY): [
                completion(project=P1, user=u, model="gpt-4o-mini-2024-07-18", input_tokens=10**6)
                for u in ("user-a", "user-b", "user-c")
            ],
            ("costs", DAY): [cost(P1, "gpt-4o-mini-2024-07-18, input", 10.00)],
        }
    )
    start, end = day_range(DAY)
    with org.client() as client:
        result = attribute(client, start=start, end=end, by=("user_id",))
    shares = sorted(a for _, _, a in result.by_group())
    assert shares == [Decimal("3.33"), Decimal("3.33"), Decimal("3.34")]
    assert result.remainder_rows == ()


def test_estimated_usage_with_no_bill_keeps_its_estimate_and_gets_nothing() -> None:
    org = MockOrg(
        {
            ("completions", DAY): [
                completion(project=P1, user="user-a", model="gpt-4o-2024-08-06", input_tokens=10**6)
            ]
        }
    )
    start, end = day_range(DAY)
    with org.client() as client:
        result = attribute(client, start=start, end=end, by=("user_id",))
    ((group, estimated, attributed),) = result.by_group()
    assert (group["user_id"], estimated, attributed) == ("user-a", Decimal("2.5"), Decimal(0))
    assert result.totals.unbilled_estimate == Decimal("2.5")
    assert result.totals.billed == 0


def test_prices_follow_batch_and_service_tier() -> None:
    book = PriceBook()
    day = DEFAULT_NOW.date()
    standard = book.unit_prices("gpt-4o-2024-08-06", day=day)
    batch = book.unit_prices("gpt-4o-2024-08-06", batch=True, day=day)
    priority = book.unit_prices("gpt-4o-2024-08-06", service_tier="priority", day=day)
    assert standard is not None
    assert batch is not None
    assert priority is not None
    assert standard["input"] == Decimal("2.5") / 10**6
    assert batch["input"] == standard["input"] / 2
    assert priority["input"] > standard["input"]
    assert book.unit_prices("gpt-9-unknown", day=day) is None


def test_cached_and_cache_write_tokens_are_priced_apart() -> None:
    org = MockOrg(
        {
            ("completions", DAY): [
                completion(
                    project=P1,
                    user="user-a",
                    model="gpt-4o-2024-08-06",
                    input_tokens=2 * 10**6,
                    cached=10**6,
                    output_tokens=10**6,
                )
            ]
        }
    )
    start, end = day_range(DAY)
    with org.client() as client:
        result = attribute(client, start=start, end=end, by=())
    # 1M uncached at 2.50 + 1M cached at 1.25 + 1M output at 10.00.
    assert result.totals.estimated == Decimal("13.75")


def test_bad_by_is_refused_before_any_request() -> None:
    org = MockOrg({})
    start, end = day_range(DAY)
    with org.client() as client:
        with pytest.raises(
            InvalidParameterError, match=r"by='colour' is not allowed; expected one of project_id"
        ):
            attribute(client, start=start, end=end, by=("colour",))
        with pytest.raises(InvalidParameterError, match=r"bucket_width='1m' .*one of 1d, 1h"):
            attribute(client, start=start, end=end, bucket_width="1m")
    assert org.requests == []


def test_records_keep_raw_ids_and_add_names_only_when_asked() -> None:
    org = MockOrg(
        {
            ("completions", DAY): [
                completion(project=P1, user="user-a", model="gpt-4o-2024-08-06", input_tokens=10**6)
            ],
            ("costs", DAY): [cost(P1, "gpt-4o-2024-08-06, input", 2.50)],
        }
    )
    names = MappingNames({"user_id": {"user-a": "Ada Lovelace"}})
    start, end = day_range(DAY)
    with org.client() as client:
        result = attribute(client, start=start, end=end, by=("user_id",), names=names)
    (plain,) = result.to_records()
    assert plain["user_id"] == "user-a"
    assert "user_id_name" not in plain
    (named,) = result.to_records(names=True)
    assert list(named) == result.columns(names=True)
    assert named["user_id_name"] == "Ada Lovelace"
    assert result.label("user_id", "user-a") == "Ada Lovelace"
    assert result.label("user_id", "user-z") == "user-z"


@pytest.mark.parametrize("seed", range(200))
def test_allocate_cents_sums_exactly_and_stays_within_a_cent(seed: int) -> None:
    rng = random.Random(seed)
    total = rng.randint(-50_000, 50_000)
    weights = [Decimal(rng.randint(0, 10**6)) / 1000 for _ in range(rng.randint(1, 30))]
    if not any(weights):
        weights[0] = Decimal(1)
    parts = allocate_cents(total, weights)
    assert sum(parts) == total
    weight_sum = sum(weights, Decimal(0))
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total) * Fraction(weight) / Fraction(weight_sum)
        assert abs(part - exact) < 1


@pytest.mark.parametrize("seed", range(100))
def test_round_to_total_keeps_the_rounded_sum_with_credits(seed: int) -> None:
    rng = random.Random(seed)
    amounts = [Decimal(rng.randint(-20_000, 90_000)) / 10_000 for _ in range(rng.randint(1, 40))]
    total, cents = round_to_total(amounts)
    assert sum(cents) == total
    assert total == int((sum(amounts, Decimal(0)) * 100).to_integral_value("ROUND_HALF_UP"))
    assert all(abs(c - a * 100) < 1 for c, a in zip(cents, amounts, strict=True))


@pytest.mark.asyncio
async def test_the_async_client_attributes_the_same() -> None:
    span: dict[str, Any] = {"start": "2026-11-20", "end": "2026-11-25", "by": ("user_id", "model")}
    async with AsyncUsageClient("sk-admin-demo", transport=FakeUsageAPI(seed=1).transport()) as c:
        result = await aattribute(c, **span)
    with UsageClient("sk-admin-demo", transport=FakeUsageAPI(seed=1).transport()) as client:
        expected = attribute(client, **span)
    assert result.rows == expected.rows
    assert result.totals == expected.totals
    assert result.totals.billed > 0


def test_without_the_price_data_the_error_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from openai_org_usage import MissingDependencyError, _pricing

    monkeypatch.setitem(sys.modules, "genai_prices", None)  # as if not installed
    _pricing._unit_prices.cache_clear()
    try:
        with pytest.raises(MissingDependencyError, match=r"openai-org-usage\[prices\]"):
            PriceBook().unit_prices("gpt-4o-2024-08-06", day=DAY)
    finally:
        _pricing._unit_prices.cache_clear()
