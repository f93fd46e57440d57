"""``report --html`` as a person sees it: opened in a real headless Chromium, after its scripts.

Checks the page once plotly has drawn it: every chart drawn, this month's figures first (on
the first screen), the headline numbers (those of ``--format json``) above the charts, a value
shown on hover, a series hidden by clicking its legend entry, partial days marked, no console
error and no request but the file itself. A screenshot is kept under pytest's tmp dir, and
copied to ``$OPENAI_ORG_USAGE_SCREENSHOTS`` when that is set.

Chromium is Debian's ``chromium`` (``$OPENAI_ORG_USAGE_TEST_CHROMIUM``, else on PATH), driven
by Playwright's Python package; ``playwright install`` is never needed. Without Chromium the
test skips, except under CI (``CI`` set), where that is a failure.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner

from openai_org_usage.cli._app import cli
from openai_org_usage.cli._formatting import money, number

CHROMIUM_ENV = "OPENAI_ORG_USAGE_TEST_CHROMIUM"
SCREENSHOTS_ENV = "OPENAI_ORG_USAGE_SCREENSHOTS"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The default demo range ends at the fake's noon: its first and last UTC days are partial.
DEMO = ("report", "--demo")
CHARTS = ("daily_spend_by_project", "daily_spend_by_line_item", "tokens_by_model",
          "requests_by_endpoint", "daily_spend_by_model", "daily_spend_by_user")  # fmt: skip
WAIT_MS = 30_000
# tests/conftest.py names these tests in one line at the end of a run that skipped them.
pytestmark = pytest.mark.browser


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"{reason}; CI must run the browser test (install Debian's chromium)")
    pytest.skip(reason)


def _chromium() -> str:
    given = os.environ.get(CHROMIUM_ENV)
    path = given or shutil.which("chromium") or ""
    if not path or not os.access(path, os.X_OK):
        where = f"{CHROMIUM_ENV}={given} is not an executable" if given else "not on PATH"
        _unavailable(f"Chromium not found ({where}; set {CHROMIUM_ENV} to Debian's chromium)")
    return path


@attrs.frozen
class Page:
    """The report page, open in Chromium, with what happened while it loaded."""

    page: Any
    url: str
    report: dict[str, Any]
    errors: list[str]
    requests: list[str]
    screenshot: Path


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Page]:
    chromium = _chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    out = tmp_path_factory.mktemp("browser")
    page_path = out / "report.html"
    runner = CliRunner()
    made = runner.invoke(cli, [*DEMO, "--html", str(page_path), "--format", "json"])
    assert made.exit_code == 0, made.output
    report = json.loads(made.stdout)
    url = page_path.as_uri()
    errors: list[str] = []
    requests: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.on(
                "console",
                lambda message: errors.append(message.text) if message.type == "error" else None,
            )
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on("request", lambda request: requests.append(request.url))
            page.goto(url, wait_until="load")
            page.wait_for_function(
                "names => names.every(n => { const el = document.getElementById(n);"
                " return el && el._fullLayout && el.querySelector('.main-svg'); })",
                arg=list(CHARTS),
                timeout=WAIT_MS,
            )
            shot = out / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            if os.environ.get(SCREENSHOTS_ENV):
                target = Path(os.environ[SCREENSHOTS_ENV])
                target.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(shot, target / "report.png")
            yield Page(page, url, report, errors, requests, shot)
        finally:
            browser.close()


def test_no_console_error_and_no_request_but_the_file(opened: Page) -> None:
    assert opened.errors == []
    assert [u for u in opened.requests if not u.startswith("data:")] == [opened.url]


def test_every_chart_is_drawn(opened: Page) -> None:
    counts = opened.page.evaluate(
        "names => names.map(n => document.querySelectorAll("
        "'#' + n + ' .trace.bars .point path').length)",
        list(CHARTS),
    )
    assert all(count > 0 for count in counts), dict(zip(CHARTS, counts, strict=True))


def test_headline_numbers_are_there_and_above_the_charts(opened: Page) -> None:
    page, report = opened.page, opened.report
    headline = page.locator(".headline")
    text = headline.inner_text()
    assert money(report["total_spend"], report["currency"]) in text
    assert number(report["completions"]["num_model_requests"]) in text
    assert number(report["completions"]["output_tokens"]) in text
    box = headline.bounding_box()
    first_chart = page.locator(f"#{CHARTS[0]}").bounding_box()
    assert box is not None
    assert first_chart is not None
    assert box["y"] + box["height"] <= first_chart["y"]


def test_this_month_is_first_on_the_first_screen(opened: Page) -> None:
    page, month = opened.page, opened.report["this_month"]
    block = page.locator(".this-month")
    cards = page.locator(".month-cards")
    text = cards.inner_text()
    org = month["scopes"][0]
    assert org["scope_kind"] == "organization"
    assert money(float(org["spent"]), org["currency"]) in text
    assert money(float(org["forecast"]), org["currency"]) in text
    assert money(float(month["last_month"][0]["previous"]), "usd") in text
    box, card_box = block.bounding_box(), cards.bounding_box()
    headline = page.locator(".headline").bounding_box()
    assert box is not None
    assert card_box is not None
    assert headline is not None
    # The month's figures on the first screen of a laptop; the range's headline below them.
    assert card_box["y"] + card_box["height"] < 900
    assert box["y"] + box["height"] <= headline["y"]


def test_hover_shows_a_value(opened: Page) -> None:
    page = opened.page
    bar = page.locator("#tokens_by_model .trace.bars .point path").first
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    label = page.locator("#tokens_by_model .hoverlayer .hovertext")
    label.first.wait_for(timeout=WAIT_MS)
    model = opened.report["models"][0]
    shown = label.first.evaluate("node => node.textContent")  # an SVG group
    assert model["model"] in shown
    assert f"{model['input_tokens'] - model['input_cached_tokens']:,}" in shown


# A chart's traces as plotly holds them (``.data``: the name, and ``visible`` as set by a legend
# click, absent until then) and how many of them, and of their bars, are drawn in its SVG.
TRACES = (
    "id => { const el = document.getElementById(id); return {"
    " names: el.data.map(t => t.name), visible: el.data.map(t => t.visible ?? true),"
    " drawn: el.querySelectorAll('.trace.bars').length,"
    " bars: el.querySelectorAll('.trace.bars .point path').length }; }"
)
# True once trace ``args[1]`` of chart ``args[0]`` has ``visible === args[2]`` and ``args[3]``
# traces are drawn.
SHOWN_AS = (
    "args => { const el = document.getElementById(args[0]);"
    " return el.data[args[1]].visible === args[2]"
    " && el.querySelectorAll('.trace.bars').length === args[3]; }"
)


def test_clicking_a_legend_entry_hides_its_series(opened: Page) -> None:
    page, chart = opened.page, CHARTS[0]
    entry = page.locator(f"#{chart} .legend .traces").first
    name = entry.locator(".legendtext").evaluate("node => node.textContent")  # SVG text
    before = page.evaluate(TRACES, chart)
    assert name in before["names"], (name, before["names"])
    index = before["names"].index(name)
    assert before["visible"] == [True] * len(before["names"])
    assert before["drawn"] == len(before["names"]) > 1
    assert before["bars"] > 0

    entry.locator(".legendtoggle").click()
    page.wait_for_function(
        SHOWN_AS, arg=[chart, index, "legendonly", before["drawn"] - 1], timeout=WAIT_MS
    )
    hidden = page.evaluate(TRACES, chart)
    assert hidden["visible"][index] == "legendonly"
    others = [v for i, v in enumerate(hidden["visible"]) if i != index]
    assert others == [True] * (len(before["names"]) - 1)
    assert hidden["drawn"] == before["drawn"] - 1
    assert 0 < hidden["bars"] < before["bars"]

    # Shown again: the page is shared with the tests after this one.
    entry.locator(".legendtoggle").click()
    page.wait_for_function(SHOWN_AS, arg=[chart, index, True, before["drawn"]], timeout=WAIT_MS)
    shown = page.evaluate(TRACES, chart)
    assert shown["visible"] == before["visible"]
    assert (shown["drawn"], shown["bars"]) == (before["drawn"], before["bars"])


def test_partial_first_and_last_days_are_marked(opened: Page) -> None:
    shapes, notes = opened.page.evaluate(
        "() => { const d = document.getElementById('daily_spend_by_project')._fullData[0];"
        " return [d.marker.pattern.shape, d.customdata]; }"
    )
    # The demo range runs from noon to noon: first and last day hatched, the others not.
    assert shapes[0] == shapes[-1] == "/"
    assert set(shapes[1:-1]) == {""}
    assert re.fullmatch(r"partial day: 12:00 to 24:00 UTC", notes[0])
    assert re.fullmatch(r"partial day: 00:00 to 12:00 UTC", notes[-1])


def test_other_is_never_larger_than_the_largest_series(opened: Page) -> None:
    for chart in (*CHARTS[:2], *CHARTS[4:]):
        totals = opened.page.evaluate(
            "id => document.getElementById(id)._fullData.map(t => [t.name,"
            " t.y.reduce((a, b) => a + b, 0)])",
            chart,
        )
        others = [total for name, total in totals if name.startswith("other")]
        assert all(other <= max(t for _, t in totals) for other in others)
        assert all(other <= totals[0][1] for other in others), totals


def test_screenshot_is_kept(opened: Page) -> None:
    data = opened.screenshot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 50_000  # charts and tables, not a blank page


def test_names_not_ids_and_spend_by_user_and_key(opened: Page) -> None:
    report = opened.report
    names = report.get("names") or {}
    legend = opened.page.evaluate(
        "() => document.getElementById('daily_spend_by_project')._fullData.map(t => t.name)"
    )
    for entry in report["spend_by_project"][: len(legend)]:
        assert names.get(entry["project_id"], entry["project_id"]) in legend
    for chart, key, id_field in (
        ("spend_by_user", "spend_by_user", "user_id"),
        ("spend_by_api_key", "spend_by_api_key", "api_key_id"),
    ):
        entries = report.get(key) or []
        drawn = opened.page.evaluate(
            "id => { const el = document.getElementById(id);"
            " return el ? el._fullData[0].y : null; }",
            chart,
        )
        if not entries:
            assert drawn is None
            continue
        top = entries[0]
        assert names.get(top[id_field], top[id_field]) == drawn[0]


def test_print_layout_hides_the_toolbar_and_fits_landscape_pages(opened: Page) -> None:
    page = opened.page
    page.emulate_media(media="print")
    try:
        toolbar = page.evaluate(
            "() => [...document.querySelectorAll('.modebar-container')]"
            ".map(el => getComputedStyle(el).display)"
        )
        assert toolbar
        assert set(toolbar) == {"none"}
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        # Headline, six charts and the tables: about a dozen pages, not one per table row.
        assert 3 <= pages <= 16, pages
    finally:
        page.emulate_media(media="screen")
