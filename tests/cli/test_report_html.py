"""``report --html`` and ``--png``: a self-contained page, four charts, the same numbers.

The demo report is rendered once per module (drawing four charts takes a few seconds), with
``--format json`` so the same run also shows that the usual output still reaches stdout.
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
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result

from openai_org_usage import Bucket
from openai_org_usage.cli._app import cli
from openai_org_usage.cli._charts import CHART_NAMES, _compact, _label, render_charts
from openai_org_usage.cli._html import render_html
from openai_org_usage.cli._render import describe_range, money
from openai_org_usage.cli._report import Report, build_report, report_keys
from openai_org_usage.cli._timerange import TimeRange
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
    assert "http://" not in page
    assert "https://" not in page
    assert "<script" not in page
    assert "<link" not in page
    assert "url(" not in page  # no CSS fetches either
    sources = re.findall(r'\bsrc="([^"]*)"', page)
    assert len(sources) == 4
    assert all(s.startswith("data:image/png;base64,") for s in sources)
    assert re.findall(r'\bhref="', page) == []


def test_html_shows_the_same_totals_as_json(rendered: Rendered) -> None:
    page, report = rendered.html, rendered.report
    assert money(report["total_spend"], report["currency"]) in page
    for entry in report["spend_by_project"]:
        assert entry["project_id"] in page
        assert money(entry["amount"], "usd") in page
    for entry in report["models"]:
        assert entry["model"] in page
        assert f"{entry['input_tokens']:,}" in page
    for user in report["top_users"]:
        assert user["user_id"] in page


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


def test_png_dir_holds_exactly_the_four_charts(rendered: Rendered) -> None:
    assert sorted(p.name for p in rendered.png_dir.iterdir()) == sorted(
        f"{name}.png" for name in CHART_NAMES
    )


# -- JSON daily series -------------------------------------------------------------------------


def test_json_daily_series_add_up_to_the_totals(rendered: Rendered) -> None:
    report = rendered.report
    keys = list(report)
    assert keys[-2:] == ["daily_spend_by_project", "daily_spend_by_line_item"]  # appended
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


@pytest.mark.parametrize("flag", ["--html", "--png"])
def test_missing_matplotlib_exits_2_naming_the_extra(
    invoke: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, flag: str
) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # makes `import matplotlib` fail
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
    assert "<script>" not in page
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
