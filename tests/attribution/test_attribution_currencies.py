"""Money in two currencies is never added: attribution keeps every total per currency."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from _mock_org import MockOrg, completion, cost, day_range

from openai_org_usage import InvalidParameterError, MixedCurrencyError, UsageClient
from openai_org_usage.attribution import Attribution, AttributionTotals, attribute
from openai_org_usage.export import to_records
from openai_org_usage.fake import FakeUsageAPI

DAY = date(2026, 11, 2)
P1, P2 = "proj_one", "proj_two"
GPT4O = "gpt-4o-2024-08-06"
CENT = Decimal("0.01")


def _attribute(org: MockOrg, by: tuple[str, ...] = ("user_id",)) -> Attribution:
    start, end = day_range(DAY)
    with org.client() as client:
        return attribute(client, start=start, end=end, by=by)


def _mixed(*, same_project: bool = False) -> Attribution:
    """10.00 USD for gpt-4o input (list price 2.50 per million: 4M tokens), 5.00 EUR.

    user-b's usage (estimate 2.50 USD) is in the project billed in euros.
    """
    return _attribute(
        MockOrg(
            {
                ("completions", DAY): [
                    completion(project=P1, user="user-a", model=GPT4O, input_tokens=4 * 10**6),
                    completion(project=P2, user="user-b", model=GPT4O, input_tokens=10**6),
                ],
                ("costs", DAY): [
                    cost(P1, f"{GPT4O}, input", 10.00),
                    cost(P1 if same_project else P2, f"{GPT4O}, input", 5.00, currency="eur"),
                ],
            }
        )
    )


def _amounts(totals: AttributionTotals) -> list[Decimal]:
    return [
        totals.billed,
        totals.estimated,
        totals.attributed,
        totals.remainder,
        totals.matched_billed,
        totals.matched_estimated,
        totals.unbilled_estimate,
    ]


def _rows_sum(result: Attribution, currency: str, *, remainder: bool) -> Decimal:
    rows = result.remainder_rows if remainder else result.attributed_rows
    return sum((r.attributed for r in rows if r.currency == currency), Decimal(0))


@pytest.mark.parametrize("same_project", [False, True])
def test_ten_dollars_and_five_euros_are_two_totals_never_fifteen(same_project: bool) -> None:
    result = _mixed(same_project=same_project)
    assert result.currencies == ("usd", "eur")
    usd, eur = result.totals_by_currency["usd"], result.totals_by_currency["eur"]
    assert (usd.currency, usd.billed, usd.attributed, usd.remainder) == (
        "usd",
        Decimal("10.00"),
        Decimal("10.00"),
        Decimal("0.00"),
    )
    assert (eur.currency, eur.billed, eur.attributed, eur.remainder) == (
        "eur",
        Decimal("5.00"),
        Decimal("0.00"),
        Decimal("5.00"),
    )
    every_amount = [
        *(a for t in result.totals_by_currency.values() for a in _amounts(t)),
        *(r.attributed for r in result.rows),
        *(a for c in result.currencies for _, _, a in result.by_group(c)),
        *(a for c in result.currencies for _, a, _ in result.remainder_by_reason(c)),
    ]
    assert Decimal("15.00") not in every_amount
    # Nothing was estimated in euros: list prices are USD.
    assert [eur.estimated, eur.matched_estimated, eur.unbilled_estimate] == [Decimal(0)] * 3
    assert eur.estimate_gap is None


def test_attributed_plus_remainder_is_the_bill_in_each_currency() -> None:
    result = _mixed()
    for currency, totals in result.totals_by_currency.items():
        attributed = _rows_sum(result, currency, remainder=False)
        remainder = _rows_sum(result, currency, remainder=True)
        assert (attributed, remainder) == (totals.attributed, totals.remainder)
        assert attributed + remainder == totals.billed
    records = result.to_records()
    per_currency: dict[str, Decimal] = defaultdict(Decimal)
    for record in records:
        per_currency[record["currency"]] += record["attributed_cost"]
    assert per_currency == {"usd": Decimal("10.00"), "eur": Decimal("5.00")}


def test_a_bill_in_another_currency_is_a_remainder_with_its_reason() -> None:
    result = _mixed()
    ((row,),) = [[r for r in result.remainder_rows if r.currency == "eur"]]
    assert (row.project_id, row.line_item, row.attributed) == (
        P2,
        f"{GPT4O}, input",
        Decimal("5.00"),
    )
    assert row.reason is not None
    assert "EUR" in row.reason
    assert "USD" in row.reason
    assert result.remainder_by_reason("EUR") == [(row.reason, Decimal("5.00"), (row.line_item,))]
    # Every attributed row is in the list prices' currency; user-b's usage was estimated but
    # its bill is in euros: it keeps its estimate and gets no dollars.
    assert {r.currency for r in result.attributed_rows} == {"usd"}
    groups = {g["user_id"]: (e, a) for g, e, a in result.by_group("usd")}
    assert groups == {
        "user-a": (Decimal("10.0"), Decimal("10.00")),
        "user-b": (Decimal("2.5"), Decimal("0.00")),
    }
    assert result.by_group("eur") == []
    assert result.totals_by_currency["usd"].unbilled_estimate == Decimal("2.5")


def test_one_total_of_several_currencies_is_refused_with_a_clear_error() -> None:
    result = _mixed()
    for read in (
        lambda: result.totals,
        lambda: result.currency,
        result.by_group,
        result.remainder_by_reason,
    ):
        with pytest.raises(MixedCurrencyError) as caught:
            read()
        assert isinstance(caught.value, InvalidParameterError)
        assert caught.value.currencies == ("usd", "eur")
        message = str(caught.value)
        assert "'usd', 'eur'" in message
        assert "totals_by_currency" in message
        assert caught.value.param == "currency"
    with pytest.raises(ValueError, match="never added"):  # also a ValueError
        _ = result.totals
    with pytest.raises(TypeError):
        result.totals_by_currency["usd"] = result.totals_by_currency["eur"]  # type: ignore[index]


def test_one_currency_reads_as_before() -> None:
    result = _attribute(
        MockOrg(
            {
                ("completions", DAY): [
                    completion(project=P1, user="user-a", model=GPT4O, input_tokens=4 * 10**6)
                ],
                ("costs", DAY): [cost(P1, f"{GPT4O}, input", 10.00)],
            }
        )
    )
    assert result.currencies == ("usd",)
    assert result.currency == "usd"
    assert result.totals is result.totals_by_currency["usd"]
    assert result.totals.billed == result.totals.attributed == Decimal("10.00")
    assert result.by_group() == result.by_group("usd") == result.by_group("USD")


def test_a_bill_only_in_euros_with_no_usage_is_one_currency() -> None:
    result = _attribute(MockOrg({("costs", DAY): [cost(P1, "ChatGPT seats", 25.0, "eur")]}))
    assert result.currencies == ("eur",)
    assert (result.currency, result.totals.billed, result.totals.remainder) == (
        "eur",
        Decimal("25.00"),
        Decimal("25.00"),
    )
    # With usage to estimate, the estimates (USD) are a second currency of the result.
    both = _attribute(
        MockOrg(
            {
                ("completions", DAY): [
                    completion(project=P1, user="user-a", model=GPT4O, input_tokens=10**6)
                ],
                ("costs", DAY): [cost(P1, f"{GPT4O}, input", 2.0, "eur")],
            }
        )
    )
    assert both.currencies == ("usd", "eur")
    assert both.totals_by_currency["usd"].billed == 0
    assert both.totals_by_currency["usd"].unbilled_estimate == Decimal("2.5")


def test_rounding_cents_never_move_between_currencies() -> None:
    # Three dollar line items of 0.4 cent (1.2 cents: 1 cent) and one euro item of 0.4 cent
    # (0 cents). Rounded together (1.6 cents: 2) one cent would have gone to the euros.
    result = _attribute(
        MockOrg(
            {
                ("costs", DAY): [
                    cost(P1, "seat a", 0.004),
                    cost(P1, "seat b", 0.004),
                    cost(P1, "seat c", 0.004),
                    cost(P1, "seat d", 0.004, "eur"),
                ],
            }
        )
    )
    assert result.totals_by_currency["usd"].billed == Decimal("0.01")
    assert result.totals_by_currency["eur"].billed == Decimal("0.00")
    assert _rows_sum(result, "eur", remainder=True) == 0


def test_the_fake_bills_a_project_in_euros_only_when_asked() -> None:
    plain = FakeUsageAPI(seed=0)
    project = plain.org.projects[-1]
    fake = FakeUsageAPI(seed=0, project_currencies={project: "EUR"})
    start, end = "2026-11-18", "2026-11-25"
    costs: dict[str, Decimal] = defaultdict(Decimal)
    with UsageClient("sk-admin-test", transport=plain.transport()) as client:
        buckets = list(client.costs(start=start, end=end, group_by=["line_item"]))
        assert {r["amount_currency"] for r in to_records("costs", buckets)} == {"usd"}
        whole = attribute(client, start=start, end=end, by=("user_id",))
    with UsageClient("sk-admin-test", transport=fake.transport()) as client:
        buckets = list(client.costs(start=start, end=end, group_by=["project_id", "line_item"]))
        for row in to_records("costs", buckets):
            assert (row["amount_currency"] == "eur") == (row["project_id"] == project)
            costs[row["amount_currency"]] += Decimal(repr(row["amount_value"]))
        result = attribute(client, start=start, end=end, by=("user_id",))
    assert result.currencies == ("usd", "eur")
    for currency, totals in result.totals_by_currency.items():
        assert totals.billed == costs[currency].quantize(CENT)
        assert totals.attributed + totals.remainder == totals.billed
        assert _rows_sum(result, currency, remainder=True) == totals.remainder
    # The same amounts, labelled: what the one-currency bill had, split in two.
    both = result.totals_by_currency["usd"].billed + result.totals_by_currency["eur"].billed
    assert abs(both - whole.totals.billed) <= CENT
    assert result.totals_by_currency["usd"].estimated == whole.totals.estimated
    with pytest.raises(ValueError, match="no project"):
        FakeUsageAPI(seed=0, project_currencies={"proj_nope": "eur"})
    with pytest.raises(ValueError, match="ISO 4217"):
        FakeUsageAPI(seed=0, project_currencies={project: "euro"})
