"""FOCUS rows: the bill to the cent, allocation that adds up, exact decimals, safe CSV."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import httpx
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from openai_org_usage import InvalidParameterError, UsageClient
from openai_org_usage._focus_write import FORMULA_STARTS
from openai_org_usage.attribution import MappingNames, attribute
from openai_org_usage.cli._writers import FORMULA_STARTS as CLI_FORMULA_STARTS
from openai_org_usage.focus import (
    build_focus_rows,
    check_focus_options,
    focus_columns,
    focus_jobs,
    focus_rows,
    focus_table,
    write_focus,
)

START, END = "2026-11-01", "2026-11-15"
Key = tuple[Any, ...]


def _charge_key(row: dict[str, Any]) -> Key:
    return (
        row["ChargePeriodStart"],
        row["SubAccountId"],
        row["ChargeDescription"],
        row["BillingCurrency"],
    )


def _exact_bill(client: UsageClient) -> dict[Key, Fraction]:
    """The costs endpoint's amounts over the range, summed per day, project and line item."""
    bill: dict[Key, Fraction] = defaultdict(Fraction)
    pages = client.costs(start=START, end=END, group_by=["project_id", "line_item"])
    for record in pages.to_records():
        key = (
            record["bucket_start"],
            record["project_id"],
            record["line_item"],
            record["amount_currency"].upper(),
        )
        bill[key] += Fraction(Decimal(repr(record["amount_value"])))
    return bill


def test_billed_cost_is_the_costs_endpoint_to_the_cent(demo_client: UsageClient) -> None:
    rows = focus_rows(demo_client, start=START, end=END, version="1.2")
    billed: dict[Key, Decimal] = defaultdict(Decimal)
    for row in rows:
        billed[_charge_key(row)] += row["BilledCost"]
    exact = _exact_bill(demo_client)
    assert set(billed) == set(exact)
    assert len(rows) == len(exact) > 100
    for key, amount in billed.items():
        assert amount == amount.quantize(Decimal("0.01")), key
        assert abs(Fraction(amount) - exact[key]) < Fraction(1, 100), key
    # The whole range to the cent, per currency, and as attribution bills it.
    total = sum(billed.values(), Decimal(0))
    assert total == round(sum(exact.values(), Fraction(0)) * 100) / Decimal(100)
    result = attribute(demo_client, start=START, end=END, by=("user_id",))
    assert total == result.totals.billed
    assert {r["EffectiveCost"] for r in rows} == {r["BilledCost"] for r in rows}


def test_list_cost_is_list_price_times_quantity(demo_client: UsageClient) -> None:
    rows = focus_rows(demo_client, start=START, end=END)
    priced = [r for r in rows if r["ListUnitPrice"] is not None]
    assert len(priced) > len(rows) / 2
    for row in priced:
        assert row["ListCost"] == row["ListUnitPrice"] * row["PricingQuantity"]
        assert row["x_ListCostSource"] == "price data"
        assert row["BillingCurrency"] == "USD"
    for row in rows:
        if row["ListUnitPrice"] is None:
            assert row["ListCost"] == row["BilledCost"]
            assert row["x_ListCostSource"] == "billed cost (no list price)"
    # The demo bills with the same price data: list cost and bill agree to the cent, but
    # where the usage ran on another service tier (a line item does not say which, so the
    # list price is the default tier's).
    close = [r for r in priced if abs(r["ListCost"] - r["BilledCost"]) <= Decimal("0.01")]
    assert len(close) > 0.9 * len(priced)


def test_allocation_adds_up_to_each_charge_and_to_the_bill(demo_client: UsageClient) -> None:
    whole = {
        _charge_key(r): r for r in focus_rows(demo_client, start=START, end=END, version="1.3")
    }
    split = focus_rows(demo_client, start=START, end=END, version="1.3", allocation=True)
    assert len(split) > len(whole)
    parts: dict[Key, list[dict[str, Any]]] = defaultdict(list)
    for row in split:
        parts[_charge_key(row)].append(row)
    assert set(parts) == set(whole)
    allocated = 0
    for key, rows in parts.items():
        origin = whole[key]
        for column in ("BilledCost", "EffectiveCost", "ContractedCost", "ListCost"):
            assert sum((r[column] for r in rows), Decimal(0)) == origin[column], (key, column)
        if origin["PricingQuantity"] is not None:
            assert sum(r["PricingQuantity"] for r in rows) == origin["PricingQuantity"]
        for row in rows:
            for column in ("ChargeDescription", "SubAccountId", "ListUnitPrice", "PricingUnit"):
                assert row[column] == origin[column]
            if row["AllocatedResourceId"] is not None:
                assert row["AllocatedResourceName"] is not None
                assert row["AllocatedMethodId"] is not None
                assert json.loads(row["AllocatedTags"])
        ratios = [
            json.loads(r["AllocatedMethodDetails"])["Elements"][0]["AllocatedRatio"]
            for r in rows
            if r["AllocatedMethodDetails"] is not None
        ]
        if ratios:
            allocated += 1
            assert sum(ratios) == pytest.approx(1.0)
    assert allocated > len(whole) / 2
    total = sum((r["BilledCost"] for r in split), Decimal(0))
    assert total == attribute(demo_client, start=START, end=END).totals.billed


def test_bad_options_are_refused_before_any_request() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request expected: {request.url}")

    with UsageClient("sk-admin-demo", transport=httpx.MockTransport(refuse)) as client:
        with pytest.raises(InvalidParameterError, match=r"version='2\.0'.*1\.0, 1\.2, 1\.3"):
            focus_rows(client, start=START, end=END, version="2.0")
        with pytest.raises(InvalidParameterError) as info:
            focus_rows(client, start=START, end=END, version="1.0", allocation=True)
        assert info.value.param == "allocation"
        assert "1.3" in str(info.value)
        with pytest.raises(InvalidParameterError, match="billing_account_id"):
            focus_rows(client, start=START, end=END, billing_account_id=" ")
        with pytest.raises(InvalidParameterError, match="start"):
            focus_jobs(client, start="yesterday-ish")
    with pytest.raises(InvalidParameterError, match="format='xlsx'"):
        check_focus_options(format="xlsx")
    with pytest.raises(InvalidParameterError, match="version"):
        focus_columns("1.1")


def test_the_writers_formula_rule_is_the_command_lines() -> None:
    assert FORMULA_STARTS == CLI_FORMULA_STARTS


HOSTILE = ["=cmd|' /C calc'!A0", "\tTab", "\r\n=2+3", "@SUM(1)", "+1", "-1+1", "\x1b[31mred\u202e"]


def _hostile_rows(demo_client: UsageClient) -> list[dict[str, Any]]:
    data = {name: list(p) for name, p in focus_jobs(demo_client, start=START, end="2026-11-02")}
    projects = sorted({r["SubAccountId"] for r in build_focus_rows(data) if r["SubAccountId"]})
    names = MappingNames(
        {"project_id": {p: HOSTILE[i % len(HOSTILE)] for i, p in enumerate(projects)}}
    )
    return build_focus_rows(data, names=names)


def test_hostile_names_are_neutralised_in_csv_and_exact_in_parquet(
    demo_client: UsageClient, tmp_path: Path
) -> None:
    rows = _hostile_rows(demo_client)
    written = {r["SubAccountName"] for r in rows}
    assert written & set(HOSTILE)
    text = io.StringIO(newline="")
    write_focus(rows, text)
    cells = list(csv.DictReader(io.StringIO(text.getvalue(), newline="")))
    assert len(cells) == len(rows)
    for row, cell in zip(rows, cells, strict=True):
        name = row["SubAccountName"]
        if name.startswith(FORMULA_STARTS):
            assert cell["SubAccountName"] == "'" + name
        else:
            assert cell["SubAccountName"] == name
        # Numbers stay numbers: amounts are never prefixed.
        assert not cell["BilledCost"].startswith("'")
    raw = io.StringIO(newline="")
    write_focus(rows, raw, raw=True)
    exact = list(csv.DictReader(io.StringIO(raw.getvalue(), newline="")))
    assert [c["SubAccountName"] for c in exact] == [r["SubAccountName"] for r in rows]
    path = tmp_path / "hostile.parquet"
    write_focus(rows, path, format="parquet")
    assert pq.read_table(path).column("SubAccountName").to_pylist() == [
        r["SubAccountName"] for r in rows
    ]


def test_csv_and_parquet_read_back_with_pyarrow(demo_client: UsageClient, tmp_path: Path) -> None:
    rows = focus_rows(demo_client, start=START, end=END, allocation=True)
    write_focus(rows, tmp_path / "bill.csv", allocation=True)
    write_focus(rows, tmp_path / "bill.parquet", format="parquet", allocation=True)
    from pyarrow import csv as pacsv

    from_csv = pacsv.read_csv(tmp_path / "bill.csv")
    from_parquet = pq.read_table(tmp_path / "bill.parquet")
    assert from_csv.num_rows == from_parquet.num_rows == len(rows)
    assert (
        from_csv.column_names == from_parquet.column_names == list(focus_columns(allocation=True))
    )
    assert pa.types.is_decimal(from_parquet.schema.field("BilledCost").type)
    assert from_parquet.schema.field("ChargePeriodStart").type == pa.timestamp("us", tz="UTC")
    total = sum((r["BilledCost"] for r in rows), Decimal(0))
    assert sum(from_parquet.column("BilledCost").to_pylist()) == total
    assert focus_table(rows, allocation=True).equals(from_parquet)
    # CSV decimals have a point (a reader typing columns by their text sees decimals).
    with (tmp_path / "bill.csv").open(newline="") as handle:
        cells = list(csv.DictReader(handle))
    for column in ("BilledCost", "ListCost", "ListUnitPrice", "PricingQuantity"):
        values = [c[column] for c in cells if c[column]]
        assert values
        assert all("." in v and "E" not in v.upper() for v in values), column
