"""``report --html`` and ``--png``: a self-contained page, its charts, the same numbers.

The demo report is rendered once per module (drawing the PNG charts takes a few seconds),
with ``--format json`` so the same run also shows that the usual output still reaches
stdout. What the page does once its scripts run is checked in a real browser
(``test_report_browser.py``); here, what the file holds.
"""

from __future__ import annotations

import html
import json
import math
import re
import struct
import sys
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result

from openai_org_usage import Bucket
from openai_org_usage.cli._app import cli
from openai_org_usage.cli._chart_series import MAX_SERIES, top_count
from openai_org_usage.cli._charts import (
    ATTRIBUTED_DAILY_NAMES,
    CHART_NAMES,
    _compact,
    _label,
    render_charts,
)
from openai_org_usage.cli._figures import figures, partial_days
from openai_org_usage.cli._formatting import describe_range, money
from openai_org_usage.cli._html import render_html
from openai_org_usage.cli._report import AttributedSpend, DailySpend, Report, report_keys
from openai_org_usage.cli._report_build import build_report
from openai_org_usage.timerange import TimeRange
from openai_org_usage_client.models import CostsResult

Invoke = Callable[..., Result]  # the `invoke` fixture (conftest.py)
RANGE = ("--start", "2026-10-01", "--end", "2026-11-01")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ERROR_PREFIX = "openai-org-usage: error: "
CHARTS_EXTRA = "pip install 'openai-org-usage[charts]'"


@attrs.frozen
class Rendered:
    """One ``report --demo --html --png --format json`` run."""

    result: Result
    html: str
    png_dir: Path
    report: dict[str, Any]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    out = tmp_path_factory.mktemp("report")
    html_path, png_dir = out / "report.html", out / "charts"
    runner = CliRunner()
    args = ["report", "--demo", *RANGE, "--html", str(html_path), "--png", str(png_dir)]
    result = runner.invoke(cli, [*args, "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    plain = runner.invoke(cli, ["report", "--demo", *RANGE, "--format", "json"])
    assert plain.exit_code == 0, plain.output
    return Rendered(
        result, html_path.read_text(encoding="utf-8"), png_dir, json.loads(plain.stdout)
    )


def _one_error_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith(ERROR_PREFIX), stderr
    return lines[0]


# -- the HTML page -----------------------------------------------------------------------------


def test_html_is_self_contained(rendered: Rendered) -> None:
    page = rendered.html
    assert page.startswith("<!DOCTYPE html>")
    tags = re.findall(r"<(script|link|img|iframe|object|embed)\b([^>]*)>", page, re.IGNORECASE)
    # Scripts inline only: plotly.js once, then one per chart and the print resize.
    assert {tag.lower() for tag, _ in tags} == {"script"}
    assert all(attributes.strip() == "" or "src" not in attributes for _, attributes in tags)
    assert len(re.findall(r"\* plotly\.js v\d", page)) == 1
    # Outside the scripts (plotly.js holds URLs in strings it never fetches for these charts;
    # the browser test shows no request is made), nothing points elsewhere.
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.DOTALL)
    assert not re.search(r"\b(src|href)\s*=|url\(|@import|https?://", markup)
    for name in CHART_NAMES:
        assert f'id="{name}"' in page


def test_html_size_stays_reasonable(rendered: Rendered) -> None:
    # plotly.js (about 4.8 MB) dominates; the figures and tables add tens of kB.
    size = len(rendered.html.encode("utf-8"))
    assert 4_000_000 < size < 6_000_000, size


def test_headline_numbers_come_before_the_charts(rendered: Rendered) -> None:
    page, report = rendered.html, rendered.report
    headline = page.index('class="headline"')
    assert headline < page.index(f'id="{CHART_NAMES[0]}"')
    assert page.index(money(report["total_spend"], report["currency"]), headline) < page.index(
        f'id="{CHART_NAMES[0]}"'
    )


def test_this_month_comes_first_then_the_headline(rendered: Rendered) -> None:
    page, month = rendered.html, rendered.report["this_month"]
    body = page.index("<body>")
    first = page.index('<section class="this-month"', body)
    assert first < page.index('class="headline"') < page.index(f'id="{CHART_NAMES[0]}"')
    # Nothing but the page's header (title, range, time, demo tag) above it.
    assert not re.search(r"<(section|table|figure)\b", page[body:first])
    block = page[first : page.index('class="headline"')]
    assert "This month: November 2026" in block
    assert "whatever the range above" in block
    for scope in month["scopes"]:
        if scope["scope_kind"] == "organization" or scope["limit"] is not None:
            assert money(float(scope["spent"]), scope["currency"]) in block
            assert money(float(scope["forecast"]), scope["currency"]) in block
    previous = month["last_month"][0]
    assert money(float(previous["previous"]), previous["currency"]) in block
    # The range ends at November's first instant: November, with no complete day yet.
    assert (month["days_elapsed"], month["anomalies_end"]) == (0, "2026-11-01")
    assert "<caption>Anomalies, 2026-10-25 to 2026-10-31</caption>" in block
    assert f'<div class="value">{len(month["anomalies"])}</div>' in block


def test_notes_are_at_the_end(rendered: Rendered) -> None:
    page, report = rendered.html, rendered.report
    notes = page.index('<section class="notes"')
    assert notes > page.index('<section class="tables"')
    assert report["notes"]  # the demo's archived project: its keys could not be listed
    for note in report["notes"]:
        assert page.index(html.escape(note, quote=True)) > notes
    assert "names: archived project" not in page[:notes]


def test_daily_spend_by_model_and_by_user_are_charted(rendered: Rendered) -> None:
    report = rendered.report
    for name, field, daily in (
        ("daily_spend_by_model", "model", "daily_spend_by_model"),
        ("daily_spend_by_user", "user_id", "daily_spend_by_user"),
    ):
        assert f'id="{name}"' in rendered.html
        assert report[daily]
        # Per day and name, each attributed amount is whole cents.
        assert all(Decimal(repr(e["amount"])) == round(Decimal(repr(e["amount"])), 2)
                   for e in report[daily])  # fmt: skip
        assert {e[field] for e in report[daily]} <= {
            e[field] for e in report["spend_by_model" if field == "model" else "spend_by_user"]
        }


def _many_users_report(users: int) -> Report:
    day = datetime(2026, 11, 1, tzinfo=UTC)
    data: dict[str, list[Bucket[Any]]] = {key: [] for key in report_keys()}
    base = build_report(data, TimeRange(day, day + timedelta(days=3)), demo=False)
    entries = tuple(
        DailySpend(day + timedelta(days=d), day + timedelta(days=d + 1), f"user-{u}", 1.0 + u)
        for d in range(3)
        for u in range(users)
    )
    totals = tuple(
        attrs.evolve(s, amount=3 * (1.0 + u))
        for u, s in enumerate(
            AttributedSpend(f"user-{u}", f"user-{u}", 0.0, 0.0) for u in range(users)
        )
    )
    return attrs.evolve(
        base,
        daily_spend_by_user=entries,
        spend_by_user=tuple(reversed(totals)),
        daily_spend_by_model=entries,
        spend_by_model=tuple(reversed(totals)),
    )


@pytest.mark.parametrize("users", [3, 8, 60])
def test_new_charts_name_the_top_and_sum_the_rest(users: int) -> None:
    report = _many_users_report(users)
    drawn = figures(report)
    for name in ATTRIBUTED_DAILY_NAMES:
        legend = [trace.name for trace in drawn[name].data]
        assert len(legend) <= MAX_SERIES + 1
        named = [n for n in legend if not n.startswith("other")]
        assert len(named) == top_count([[1.0 + u] * 3 for u in reversed(range(users))])
        if len(named) < users:
            assert legend[-1] == f"other ({users - len(named):,})"
        else:
            assert len(legend) == users
    assert [c.name for c in render_charts(report)] == [
        *CHART_NAMES,
        *ATTRIBUTED_DAILY_NAMES,
        "spend_by_user",  # a page-only chart; the report has no spend by key
    ]


def test_html_shows_the_same_totals_as_json(rendered: Rendered) -> None:
    page, report = rendered.html, rendered.report
    # Names where the report has them (the JSON keeps the ids, and the names by id).
    names = report.get("names") or {}
    assert money(report["total_spend"], report["currency"]) in page
    for entry in report["spend_by_project"]:
        assert html.escape(names.get(entry["project_id"], entry["project_id"])) in page
        assert money(entry["amount"], "usd") in page
    for entry in report["models"]:
        assert entry["model"] in page
        assert f"{entry['input_tokens']:,}" in page
    for user in report["top_users"]:
        assert html.escape(names.get(user["user_id"], user["user_id"])) in page
    for key in ("spend_by_user", "spend_by_api_key"):
        for entry in report.get(key) or []:
            assert money(entry["amount"], "usd") in page


def test_html_has_every_table_the_range_the_time_and_the_demo_tag(rendered: Rendered) -> None:
    page = rendered.html
    for caption in (
        "Usage report, ",
        "Spend by project",
        "Spend by line item",
        "Completions by model",
        "Top users by tokens",
        "Top API keys by tokens",
        "Other endpoints",
    ):
        assert f"<caption>{caption}" in page
    start = datetime(2026, 10, 1, tzinfo=UTC)
    assert describe_range(start, start + timedelta(days=31)) in page
    stamp = re.search(r"Generated: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC", page)
    assert stamp is not None
    generated = datetime.strptime(stamp.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - generated) < timedelta(minutes=10)
    assert "synthetic demo data" in page


def test_format_output_still_goes_to_stdout(rendered: Rendered) -> None:
    assert json.loads(rendered.result.stdout) == rendered.report


# -- PNG files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHART_NAMES)
def test_png_files_are_valid_images_of_the_stated_size(rendered: Rendered, name: str) -> None:
    data = (rendered.png_dir / f"{name}.png").read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 10_000  # bars, labels and legend, not a blank canvas
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 450)


def test_png_dir_holds_exactly_the_png_charts(rendered: Rendered) -> None:
    # The demo attributes spend: the daily charts by model and by user have PNGs too.
    assert sorted(p.name for p in rendered.png_dir.iterdir()) == sorted(
        f"{name}.png" for name in (*CHART_NAMES, *ATTRIBUTED_DAILY_NAMES)
    )


# -- JSON daily series -------------------------------------------------------------------------


def test_json_daily_series_add_up_to_the_totals(rendered: Rendered) -> None:
    report = rendered.report
    keys = list(report)
    # Appended after the totals: consumers of the earlier keys see no change.
    assert keys.index("daily_spend_by_project") > keys.index("vector_stores_as_of")
    for daily_key, total_key, name in (
        ("daily_spend_by_project", "spend_by_project", "project_id"),
        ("daily_spend_by_line_item", "spend_by_line_item", "line_item"),
    ):
        per_name: dict[str, list[float]] = defaultdict(list)
        for entry in report[daily_key]:
            per_name[entry[name]].append(entry["amount"])
        totals = {e[name]: e["amount"] for e in report[total_key]}
        assert set(per_name) == set(totals)
        for key, amounts in per_name.items():
            assert math.fsum(amounts) == pytest.approx(totals[key])
        days = {entry["start"] for entry in report[daily_key]}
        assert len(days) == 31


# -- missing extra -----------------------------------------------------------------------------


@pytest.mark.parametrize("module", ["matplotlib", "plotly"])
@pytest.mark.parametrize("flag", ["--html", "--png"])
def test_missing_chart_library_exits_2_naming_the_extra(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, flag: str, module: str
) -> None:
    monkeypatch.setitem(sys.modules, module, None)  # makes `import <module>` fail
    target = tmp_path / "out"
    result = invoke("report", "--demo", *RANGE, flag, str(target))
    assert result.exit_code == 2
    assert CHARTS_EXTRA in _one_error_line(result.stderr)
    assert result.stdout == ""  # refused before fetching or writing anything
    assert not target.exists()


# -- robustness --------------------------------------------------------------------------------


def _hostile_report() -> tuple[Report, list[str]]:
    day = datetime(2026, 11, 1, tzinfo=UTC)
    data: dict[str, list[Bucket[Any]]] = {key: [] for key in report_keys()}
    names = ["<script>alert(1)</script>", "cost $a$ & $b$", 'quote" onload="x']
    data["spend_by_project"] = [
        Bucket(
            day,
            day + timedelta(days=1),
            [
                CostsResult.from_dict(
                    {
                        "object": "organization.costs.result",
                        "amount": {"value": 1.5 + i, "currency": "usd"},
                        "project_id": name,
                    }
                )
                for i, name in enumerate(names)
            ],
        )
    ]
    return build_report(data, TimeRange(day, day + timedelta(days=1)), demo=False), names


def test_html_escapes_names_and_charts_draw_them_literally() -> None:
    report, names = _hostile_report()
    charts = render_charts(report)  # "$a$" would be mathtext if not escaped
    assert [c.name for c in charts] == list(CHART_NAMES)
    page = render_html(report, charts, datetime(2026, 11, 2, tzinfo=UTC))
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'quote" onload' not in page
    assert "quote&quot; onload=&quot;x" in page
    assert "synthetic demo data" not in page
    for name in names:
        assert html.escape(name, quote=True) in page


def test_charts_of_an_empty_range_still_render() -> None:
    day = datetime(2026, 11, 1, tzinfo=UTC)
    data: dict[str, list[Bucket[Any]]] = {key: [] for key in report_keys()}
    report = build_report(data, TimeRange(day, day + timedelta(days=7)), demo=False)
    charts = render_charts(report)
    assert all(c.png.startswith(PNG_SIGNATURE) for c in charts)


def test_labels_wrap_instead_of_cutting_and_numbers_are_compact() -> None:
    label = _label("gpt-4o-audio-preview-2024-12-17, audio output")
    assert label == "gpt-4o-audio-preview-2024-12-17,\naudio output"
    assert _label(None) == "(none)"
    assert [_compact(v) for v in (950, 12_345, 999_600, 441_200_000)] == [
        "950",
        "12.3k",
        "1M",
        "441M",
    ]


def test_top_count_leaves_no_other_larger_than_the_largest_series() -> None:
    # One large series and a long tail: named until the tail is no larger than the largest.
    totals = [30.0] + [3.0] * 20
    count = top_count([[t] for t in totals])
    assert math.fsum(totals[count:]) <= totals[0]
    assert math.fsum(totals[count - 1 :]) > totals[0]
    assert top_count([[5.0], [4.0], [3.0]]) == 3
    # A single leftover is named rather than called "other (1)".
    assert top_count([[10.0]] * 7) == 7
    # A flat tail too long to name stops at the cap.
    assert top_count([[1.0]] * 100) == MAX_SERIES


def test_top_count_looks_at_every_day() -> None:
    # The largest series in total is absent on day 2, where the tail adds up: more are named.
    big = [100.0, 0.0]
    tail = [[1.0, 3.0]] * 10
    count = top_count([big, *tail])
    day_two = [s[1] for s in [big, *tail]]
    assert math.fsum(day_two[count:]) <= max(day_two[:count])
    assert count > top_count([[sum(s)] for s in [big, *tail]])


def test_partial_days_are_the_edges_of_a_noon_to_noon_range() -> None:
    start = datetime(2026, 11, 1, 12, tzinfo=UTC)
    day = timedelta(days=1)
    data: dict[str, list[Bucket[Any]]] = {key: [] for key in report_keys()}
    report = build_report(data, TimeRange(start, start + 3 * day), demo=False)
    assert partial_days(report, ()) == {
        start.date(): "partial day: 12:00 to 24:00 UTC",
        (start + 3 * day).date(): "partial day: 00:00 to 12:00 UTC",
    }
    whole = build_report(
        data,
        TimeRange(start - 12 * timedelta(hours=1), start + 12 * timedelta(hours=1) + day),
        demo=False,
    )
    assert partial_days(whole, ()) == {}


def test_projects_are_shown_by_name_when_the_report_has_names() -> None:
    report, _ = _hostile_report()
    if not hasattr(report, "labels"):
        pytest.skip("this report has no names (older report data)")
    named = attrs.evolve(report, labels={"cost $a$ & $b$": "Research team"})
    page = render_html(named, render_charts(named), datetime(2026, 11, 2, tzinfo=UTC))
    assert "Research team" in page
