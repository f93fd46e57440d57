"""Tables for people summarise, machine formats list everything, and a large organization
(2,000 users, 300 keys) keeps its report legible and its page small.

A table lists its largest entries, then one row summing the rest (per currency, which is
never added to another), and a note saying how many were left out and how to see them all.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import Result

sys.path.insert(0, str(Path(__file__).parents[1] / "attribution"))

from _large_org import FIRST_DAY, large_org
from _mock_org import day_range

from openai_org_usage.attribution import Attribution, attribute
from openai_org_usage.cli._attribute import attribution_tables, render_attribution
from openai_org_usage.cli._chart_series import MAX_SERIES
from openai_org_usage.cli._charts import render_charts
from openai_org_usage.cli._formatting import money
from openai_org_usage.cli._html import render_html
from openai_org_usage.cli._report import Report, fetch_report, report_jobs
from openai_org_usage.cli._report_build import build_report
from openai_org_usage.cli._report_tables import PlainTable, line_items, report_plain_tables
from openai_org_usage.cli._row_tables import LONG_TABLE_ROWS
from openai_org_usage.timerange import TimeRange

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
USERS, KEYS = 2_000, 300


def _cents(cell: str) -> Decimal:
    """``$1,234.56`` (or ``-$0.50``) as an exact amount."""
    return Decimal(cell.replace("$", "").replace(",", ""))


def _cells(table: Any, index: int) -> list[str]:
    return [str(cell) for cell in table.columns[index].cells]


# -- attribute ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def attribution() -> Attribution:
    org = large_org(users=300, keys=40, projects=10, models=12, days=2)
    start, end = day_range(FIRST_DAY, 2)
    return attribute(org.client(), start=start, end=end)


def test_attribute_table_lists_the_top_then_one_row_that_sums_the_rest(
    attribution: Attribution,
) -> None:
    groups = attribution_tables(attribution, "Spend by user", top=10)[0]
    labels, billed = _cells(groups, 0), _cells(groups, 1)
    every = attribution.by_group()
    left_out = len(every) - 10
    assert len(labels) == 11
    assert labels[-1] == f"({left_out:,} more)"
    # Whole cents: the shown rows and the rest add up to the attributed total exactly.
    assert sum(map(_cents, billed), Decimal(0)) == attribution.totals.attributed
    assert _cents(billed[-1]) == sum((a for _, _, a in every[10:]), Decimal(0))
    assert f"{left_out:,} more users summed in the last row" in str(groups.caption)
    assert f"--top {len(every)} lists them all" in str(groups.caption)


def test_attribute_table_lists_everything_when_one_more_row_would_be_the_rest(
    attribution: Attribution,
) -> None:
    every = attribution.by_group()
    groups = attribution_tables(attribution, "Spend by user", top=len(every) - 1)[0]
    assert len(_cells(groups, 0)) == len(every)
    assert "more" not in str(groups.caption)


@pytest.mark.parametrize("fmt", ["csv", "json", "ndjson"])
def test_attribute_machine_formats_keep_every_row(attribution: Attribution, fmt: str) -> None:
    out = io.StringIO()
    render_attribution(fmt, out, attribution, names=False, title="t", top=3)
    text = out.getvalue()
    if fmt == "csv":
        rows: list[Any] = list(csv.DictReader(io.StringIO(text)))
    elif fmt == "json":
        rows = json.loads(text)
    else:
        rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == len(attribution.rows) > 300


def test_attribute_top_option_folds_the_demo_table(invoke: Invoke) -> None:
    shown = invoke("attribute", "--demo", "--last", "2d", "--top", "3")
    assert shown.exit_code == 0, shown.output
    assert "(5 more)" in shown.stdout
    assert "5 more users summed in the last row; --top 8 lists them all" in shown.stdout
    every = invoke("attribute", "--demo", "--last", "2d", "--format", "csv")
    folded = invoke("attribute", "--demo", "--last", "2d", "--format", "csv", "--top", "3")
    assert folded.stdout == every.stdout


# -- data commands -----------------------------------------------------------------------------


def test_a_long_raw_table_says_so_and_points_to_csv(invoke: Invoke) -> None:
    args = ["usage", "completions", "--demo", "--last", "7d"]
    args += ["--group-by", "model", "--group-by", "project_id"]
    table = invoke(*args)
    rows = list(csv.DictReader(io.StringIO(invoke(*args, "--format", "csv").stdout)))
    assert len(rows) > LONG_TABLE_ROWS
    assert f"a long table of {len(rows):,} rows" in table.stderr
    assert "--format csv -o FILE" in table.stdout.splitlines()[-2]
    short = invoke("usage", "completions", "--demo", "--last", "2d")
    assert "long table" not in short.stderr + short.stdout


# -- report of a large organization ------------------------------------------------------------


@pytest.fixture(scope="module")
def large_report() -> Report:
    days = 2
    org = large_org(users=USERS, keys=KEYS, projects=60, models=25, days=days)
    start, end = day_range(FIRST_DAY, days)
    time_range = TimeRange(start, end)
    data = fetch_report(
        report_jobs(org.client(), time_range), lambda jobs: [list(p) for _, p in jobs]
    )
    return build_report(data, time_range, demo=False)


def _table(report: Report, title: str) -> PlainTable:
    return next(t for t in report_plain_tables(report) if t.title.startswith(title))


def test_report_spend_by_user_shows_the_top_and_the_rest(large_report: Report) -> None:
    assert large_report.user_count == USERS
    entries = large_report.spend_by_user
    table = _table(large_report, "Spend by user")
    top = large_report.top
    assert len(table.rows) == top + 1
    assert table.rows[-1][0] == f"({len(entries) - top:,} more)"
    assert table.rows[-1][1] == money(math.fsum(e.amount for e in entries[top:]), "usd")
    # Attributed amounts are whole cents: the rows add up to the spend attributed.
    shown = sum((_cents(row[1]) for row in table.rows), Decimal(0))
    assert shown == _cents(money(math.fsum(e.amount for e in entries), "usd"))
    assert f"--top {len(entries)} lists them all" in str(table.caption)


def test_report_top_users_by_tokens_sum_to_the_completions_total(large_report: Report) -> None:
    table = _table(large_report, "Top users by tokens")
    assert len(table.rows) == large_report.top + 1
    assert table.rows[-1][0] == f"({USERS - large_report.top:,} more)"
    tokens = sum(int(row[1].replace(",", "")) for row in table.rows)
    assert tokens == large_report.completions.total_tokens
    assert f"{USERS - large_report.top:,} more users summed in the last row" in str(table.caption)


def test_report_tables_of_projects_line_items_and_models_fold_their_tail(
    large_report: Report,
) -> None:
    for title, entries in (
        ("Spend by project", large_report.spend_by_project),
        ("Spend by line item", large_report.spend_by_line_item),
        ("Completions by model", large_report.models),
    ):
        table = _table(large_report, title)
        assert len(table.rows) <= 16, title
        if len(entries) > 16:
            assert table.rows[-1][0] == f"({len(entries) - 15:,} more)"
            assert f"--top {len(entries)} lists them all" in str(table.caption)


def test_report_json_keeps_every_attributed_entry(large_report: Report) -> None:
    data = large_report.to_dict()
    assert len(data["spend_by_user"]) == len(large_report.spend_by_user) > 1_500
    assert len(data["spend_by_project"]) == 60


def test_a_larger_top_lists_more(large_report: Report) -> None:
    wide = attrs.evolve(large_report, top=40)
    assert len(_table(wide, "Spend by user").rows) == 41
    assert len(_table(wide, "Spend by project").rows) == 41


def _figures(page: str) -> dict[str, tuple[list[dict[str, Any]], dict[str, Any]]]:
    """Each chart's plotly traces and layout, read from the page's ``Plotly.newPlot`` calls."""
    decoder = json.JSONDecoder()
    out: dict[str, tuple[list[dict[str, Any]], dict[str, Any]]] = {}
    for match in re.finditer(r'Plotly\.newPlot\(\s*"([^"]+)",\s*', page):
        traces, end = decoder.raw_decode(page, match.end())
        rest = re.match(r",\s*", page[end:])
        assert rest is not None
        layout, _ = decoder.raw_decode(page, end + rest.end())
        out[match.group(1)] = (traces, layout)
    return out


def test_html_at_2000_users_is_small_and_every_legend_short(large_report: Report) -> None:
    page = render_html(large_report, render_charts(large_report), large_report.end)
    size = len(page.encode("utf-8"))
    assert size < 10_000_000, size
    figures = _figures(page)
    assert {"spend_by_user", "spend_by_api_key", "daily_spend_by_project"} <= set(figures)
    for name, (traces, _) in figures.items():
        legend = [t for t in traces if t.get("showlegend", True)]
        assert len(legend) <= MAX_SERIES + 1, name
        for trace in traces:
            # One bar per user, at most: the named ones, "other" and the unattributed part.
            assert len(trace.get("y") or []) <= MAX_SERIES + 2, name
    bars = figures["spend_by_user"][0][0]["y"]
    assert bars[-1] == "unattributed"
    named = len(bars) - 2
    assert bars[-2] == f"other ({len(large_report.spend_by_user) - named:,})"


def test_a_long_list_of_line_items_names_the_first_few_and_counts_the_rest() -> None:
    items = [f"model-{i}, input" for i in range(12)]
    assert line_items(items[:6]) == "; ".join(items[:6])
    assert line_items(items) == "; ".join(items[:5]) + "; and 7 more"
