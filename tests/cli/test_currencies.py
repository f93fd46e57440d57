"""Money in two currencies is never added: ``attribute`` and ``report`` show totals per currency.

Exact cases (10.00 USD and 5.00 EUR) are built from hand-made buckets; the end-to-end runs
use the fake with one project billed in euros (``project_currencies``), served on loopback.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from click.testing import Result

from openai_org_usage import Bucket
from openai_org_usage.attribution import reconcile
from openai_org_usage.cli._attribute import render_attribution
from openai_org_usage.cli._charts import render_charts
from openai_org_usage.cli._formatting import money, percent
from openai_org_usage.cli._html import render_html
from openai_org_usage.cli._report import Report, report_keys
from openai_org_usage.cli._report_build import build_report
from openai_org_usage.cli._report_tables import render_report, report_plain_tables
from openai_org_usage.fake import FakeUsageAPI, running_server
from openai_org_usage.timerange import TimeRange
from openai_org_usage_client.models import CostsResult

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
RANGE = ("--start", "2026-11-11", "--end", "2026-11-25")
ENV = {"OPENAI_ADMIN_KEY": "sk-admin-test-dummy"}
CENT = Decimal("0.01")
DAY = datetime(2026, 11, 2, tzinfo=UTC)
NOTE = "Billed in 2 currencies (USD, EUR)"
SUMS_OF_TEN_AND_FIVE = ("15.00", "$15", "15 EUR")


@pytest.fixture(scope="module")
def mixed_url() -> Iterator[str]:
    """The demo organization with its last project billed in euros, on loopback."""
    project = FakeUsageAPI(seed=0).org.projects[-1]
    with running_server(FakeUsageAPI(seed=0, project_currencies={project: "eur"})) as url:
        yield url


def _run(invoke: Invoke, url: str, *args: str) -> Result:
    result = invoke(*args, *RANGE, "--base-url", url, env=ENV)
    assert result.exit_code == 0, result.output
    return result


def _billed(invoke: Invoke, url: str) -> dict[str, Decimal]:
    """The costs endpoint's total per currency, to the cent."""
    rows = json.loads(
        _run(invoke, url, "costs", "--group-by", "project_id", "--format", "json").stdout
    )
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        totals[row["amount_currency"]] += Decimal(repr(row["amount_value"]))
    return {currency: amount.quantize(CENT) for currency, amount in totals.items()}


def _costs(*entries: tuple[dict[str, str], float, str]) -> list[Bucket[Any]]:
    """One daily bucket of costs results ``(grouped fields, amount, currency)``."""
    return [
        Bucket(
            DAY,
            DAY + timedelta(days=1),
            [
                CostsResult.from_dict(
                    {
                        "object": "organization.costs.result",
                        "amount": {"value": amount, "currency": currency},
                    }
                    | fields
                )
                for fields, amount, currency in entries
            ],
        )
    ]


def _ten_dollars_and_five_euros() -> Report:
    data: dict[str, list[Bucket[Any]]] = {key: [] for key in report_keys()}
    data["spend_by_project"] = _costs(
        ({"project_id": "proj_a"}, 10.0, "usd"), ({"project_id": "proj_b"}, 5.0, "eur")
    )
    data["spend_by_line_item"] = _costs(
        ({"line_item": "seats"}, 10.0, "usd"), ({"line_item": "seats"}, 5.0, "eur")
    )
    data["attribution:costs"] = _costs(
        ({"project_id": "proj_a", "line_item": "seats"}, 10.0, "usd"),
        ({"project_id": "proj_b", "line_item": "seats"}, 5.0, "eur"),
    )
    return build_report(data, TimeRange(DAY, DAY + timedelta(days=1)), demo=False)


def _no_sum_of_both(text: str) -> None:
    for shown in SUMS_OF_TEN_AND_FIVE:
        assert shown not in text


# -- attribute ---------------------------------------------------------------------------------


def test_attribute_table_of_ten_dollars_and_five_euros_has_two_totals_and_a_note() -> None:
    buckets = _costs(({"line_item": "seats"}, 10.0, "usd"), ({"line_item": "fee"}, 5.0, "eur"))
    result = reconcile({"costs": buckets}, by=("user_id",))
    out = io.StringIO()
    render_attribution("table", out, result, names=False, title="Spend by user")
    text = out.getvalue()
    header = next(line for line in text.splitlines() if line.startswith("what"))
    assert header.split() == ["what", "USD", "EUR"]
    billed = next(line for line in text.splitlines() if line.startswith("Billed"))
    assert billed.split()[-3:] == ["$10.00", "5.00", "EUR"]
    assert NOTE in text
    _no_sum_of_both(text)


def test_attribute_records_sum_to_the_bill_in_each_currency(invoke: Invoke, mixed_url: str) -> None:
    result = _run(invoke, mixed_url, "attribute", "--format", "json")
    rows = json.loads(result.stdout)
    attributed: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        attributed[row["currency"]] += Decimal(repr(row["attributed_cost"]))
    billed = _billed(invoke, mixed_url)
    assert set(billed) == {"usd", "eur"}
    assert {c: a.quantize(CENT) for c, a in attributed.items()} == billed
    # Euros are never shared out to users: list prices are in dollars.
    assert all(r["user_id"] is None for r in rows if r["currency"] == "eur")
    assert all("EUR" in r["unattributed_reason"] for r in rows if r["currency"] == "eur")
    assert NOTE in result.stderr


def test_attribute_table_shows_each_currency_and_never_their_sum(
    invoke: Invoke, mixed_url: str
) -> None:
    text = _run(invoke, mixed_url, "attribute", "--ids").stdout
    billed = _billed(invoke, mixed_url)
    header = next(line for line in text.splitlines() if line.startswith("what"))
    assert header.split() == ["what", "USD", "EUR"]
    line = next(line for line in text.splitlines() if line.startswith("Billed"))
    assert money(float(billed["usd"]), "usd") in line
    assert money(float(billed["eur"]), "eur") in line
    assert NOTE in text
    both = float(billed["usd"] + billed["eur"])
    assert f"{both:,.2f}" not in text
    # The euros left over are a share of the euro bill.
    reason = next(line for line in text.splitlines() if line.startswith("billed in EUR"))
    assert "100.0%" in reason


# -- report ------------------------------------------------------------------------------------


def test_report_of_ten_dollars_and_five_euros_never_shows_fifteen() -> None:
    report = _ten_dollars_and_five_euros()
    assert (report.currency, report.total_spend) == ("mixed", None)
    assert report.spend_by_currency == {"usd": 10.0, "eur": 5.0}
    data = report.to_dict()
    assert (data["currency"], data["total_spend"]) == ("mixed", None)
    assert data["currencies"] == ["usd", "eur"]
    assert data["total_spend_by_currency"] == {"usd": 10.0, "eur": 5.0}
    assert data["spend_by_project"] == [
        {"project_id": "proj_a", "amount": 10.0, "currency": "usd"},
        {"project_id": "proj_b", "amount": 5.0, "currency": "eur"},
    ]
    assert [(u["amount"], u["currency"]) for u in data["unattributed"]] == [
        (10.0, "usd"),
        (5.0, "eur"),
    ]
    assert any(note.startswith(NOTE) for note in data["notes"])
    tables = report_plain_tables(report)
    summary = tables[0]
    assert summary.rows[:2] == (
        ("Total spend (USD)", "$10.00"),
        ("Total spend (EUR)", "5.00 EUR"),
    )
    assert summary.strong_rows == frozenset({0, 1})
    assert summary.caption is not None
    assert summary.caption.startswith(NOTE)
    titles = [t.title for t in tables]
    assert "Spend by project (USD)" in titles
    assert "Spend by project (EUR)" in titles
    by_title = {t.title: t for t in tables}
    assert by_title["Spend by project (EUR)"].rows == (("proj_b", "5.00 EUR", "100.0%"),)
    assert by_title["Spend by line item (USD)"].rows == (("seats", "$10.00", "100.0%"),)
    cells = " ".join(cell for t in tables for row in t.rows for cell in row)
    _no_sum_of_both(cells)
    out = io.StringIO()
    render_report("table", out, report)
    _no_sum_of_both(out.getvalue())
    for fmt in ("csv", "ndjson"):
        out = io.StringIO()
        render_report(fmt, out, report)
        _no_sum_of_both(out.getvalue())


def test_html_headline_and_charts_are_per_currency() -> None:
    report = _ten_dollars_and_five_euros()
    page = render_html(report, render_charts(report), datetime(2026, 11, 3, tzinfo=UTC))
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.DOTALL)
    headline = markup[markup.index('class="headline"') : markup.index("</section>")]
    cards = re.findall(r'class="label">([^<]*)</div><div class="value">([^<]*)<', headline)
    assert cards[:2] == [("Total spend (USD)", "$10.00"), ("Total spend (EUR)", "5.00 EUR")]
    assert ("Top project (EUR)", "5.00 EUR") in cards
    _no_sum_of_both(markup)
    for name in ("daily_spend_by_project", "daily_spend_by_line_item"):
        assert f'id="{name}_usd"' in page
        assert f'id="{name}_eur"' in page
        assert f'id="{name}"' not in page
    assert NOTE in markup


def test_report_json_keeps_each_currency_apart_and_reconciles_each(
    invoke: Invoke, mixed_url: str
) -> None:
    data = json.loads(_run(invoke, mixed_url, "report", "--ids", "--format", "json").stdout)
    billed = _billed(invoke, mixed_url)
    assert (data["currency"], data["total_spend"]) == ("mixed", None)
    assert data["currencies"] == ["usd", "eur"]
    for currency, total in data["total_spend_by_currency"].items():
        assert Decimal(repr(total)).quantize(CENT) == billed[currency]
        for section in ("spend_by_project", "spend_by_line_item"):
            entries = [e["amount"] for e in data[section] if e["currency"] == currency]
            assert sum(entries) == pytest.approx(total)
        # Spend by user plus what no user can be given is the bill, per currency.
        cents = sum(
            (
                Decimal(repr(e["amount"]))
                for section in ("spend_by_user", "unattributed")
                for e in data[section]
                if e["currency"] == currency
            ),
            Decimal(0),
        )
        assert cents.quantize(CENT) == billed[currency]
    assert {e["currency"] for e in data["spend_by_user"]} == {"usd"}
    assert any(note.startswith(NOTE) for note in data["notes"])


def test_report_table_and_csv_show_two_totals_and_a_note(invoke: Invoke, mixed_url: str) -> None:
    billed = _billed(invoke, mixed_url)
    text = _run(invoke, mixed_url, "report", "--ids").stdout
    lines = text.splitlines()
    assert money(float(billed["usd"]), "usd") in next(
        line for line in lines if line.startswith("Total spend (USD)")
    )
    assert money(float(billed["eur"]), "eur") in next(
        line for line in lines if line.startswith("Total spend (EUR)")
    )
    assert not any(re.match(r"Total spend\s+[$\d]", line) for line in lines)
    assert NOTE in text
    assert f"{float(billed['usd'] + billed['eur']):,.2f}" not in text
    rows = list(
        csv.DictReader(
            io.StringIO(_run(invoke, mixed_url, "report", "--ids", "--format", "csv").stdout)
        )
    )
    per_currency = {
        r["name"]: Decimal(r["value"]).quantize(CENT)
        for r in rows
        if r["section"] == "total_spend_by_currency"
    }
    assert per_currency == billed
    summary = {r["metric"]: r["value"] for r in rows if r["section"] == "summary"}
    assert (summary["currency"], summary["total_spend"]) == ("mixed", "")


# -- one currency: as it was -------------------------------------------------------------------


def test_one_currency_reads_as_before(invoke: Invoke) -> None:
    demo = ("--demo", *RANGE)
    text = invoke("report", *demo).stdout
    assert re.search(r"^Total spend\s+\$", text, re.MULTILINE)
    assert "(USD)" not in text
    assert "currencies" not in text
    data = json.loads(invoke("report", *demo, "--format", "json").stdout)
    assert data["currency"] == "usd"
    assert data["total_spend"] > 0
    assert data["currencies"] == ["usd"]
    assert data["total_spend_by_currency"] == {"usd": data["total_spend"]}
    for section in ("spend_by_project", "spend_by_line_item", "spend_by_user", "unattributed"):
        assert all("currency" not in entry for entry in data[section])
    csv_rows = invoke("report", *demo, "--format", "csv").stdout
    assert "total_spend_by_currency" not in csv_rows
    attributed = invoke("attribute", *demo)
    assert re.search(r"^what\s+amount$", attributed.stdout, re.MULTILINE)
    assert "currencies" not in attributed.stdout + attributed.stderr


def test_no_percentage_is_negative_zero(invoke: Invoke) -> None:
    assert [percent(v) for v in (-0.0, -0.04, 0.04, 12.345, -3.21)] == [
        "0.0%",
        "0.0%",
        "0.0%",
        "12.3%",
        "-3.2%",
    ]
    assert [percent(v, 2, signed=True) for v in (-0.001, 0.0, 0.004, 1.5, -1.5)] == [
        "0.00%",
        "0.00%",
        "0.00%",
        "+1.50%",
        "-1.50%",
    ]
    report = invoke("report", "--demo", *RANGE).stdout
    attributed = invoke("attribute", "--demo", *RANGE).stdout
    for text in (report, attributed):
        assert "%" in text
        assert not re.search(r"-0\.0+%", text)
    # The demo's estimates are within a hundredth of a percent of the bill (a hair below).
    assert re.search(r"Estimate vs bill \(matched line items\)\s+0\.00%", attributed)
