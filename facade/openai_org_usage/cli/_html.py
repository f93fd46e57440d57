"""``report --html FILE`` and ``--png DIR``: the report as one self-contained HTML page.

The page reads top-down as a person asks: this month against its limits (spend, forecast,
last month, anomalies), the range's headline numbers, then the interactive charts (plotly:
values on hover, series toggled from the legend), then the tables, and at the end the notes
(what could not be read, currencies, time zones), which qualify the numbers without standing
above them. plotly.js is
embedded inline, once, with the CSS; the page loads nothing from elsewhere (no CDN, fonts or
images), so it can be mailed or archived as one file and opened offline. Its tables are the
text report's (``_report_tables.report_plain_tables``), so both show the same numbers. Every
text interpolated into the page passes :func:`_e`: control characters shown escaped (``_shown``:
a bidi override cannot reverse a row), then HTML-escaped, so a name is never markup. The
charts' names are escaped for plotly's own markup in ``_figures``. Print CSS lays charts
and tables out for paper, one per block.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ._charts import Chart
from ._formatting import SYNTHETIC, describe_range, money, number, percent
from ._report import Report
from ._report_tables import PlainTable, report_plain_tables
from ._shown import shown
from ._this_month import ThisMonth
from ._this_month_tables import month_plain_tables

# System fonts only: a web font would be an external request.
_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 1.5rem auto; max-width: 1100px; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
.meta { color: #555; margin: 0.2rem 0; }
.synthetic { display: inline-block; background: #fff3c4; color: #6b4e00; padding: 0.2rem 0.6rem;
             border-radius: 4px; font-weight: 600; }
.headline, .month-cards { display: grid; gap: 0.8rem; margin: 1.2rem 0;
            grid-template-columns: repeat(auto-fit, minmax(190px, 1fr)); }
.this-month { border-left: 4px solid #1f77b4; padding-left: 1rem; }
.card { border: 1px solid #e3e3e3; border-radius: 6px; padding: 0.7rem 0.9rem; }
.card .label { color: #555; font-size: 0.85rem; }
.card .value { font-size: 1.5rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .sub { color: #555; font-size: 0.85rem; overflow-wrap: anywhere; }
.chart { margin: 1rem 0; border: 1px solid #eee; border-radius: 6px; min-height: 420px; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; min-width: 60%; }
caption { text-align: left; font-weight: 600; font-size: 1.05rem; padding: 0.4rem 0; }
th, td { padding: 0.25rem 0.8rem; border-bottom: 1px solid #e3e3e3; text-align: left; }
th { background: #f4f4f4; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.strong td { font-weight: 700; }
tbody tr:nth-child(even) { background: #fafafa; }
.note { color: #555; font-size: 0.9rem; }
@media print {
  @page { size: A4 landscape; margin: 12mm; }
  body { margin: 0; max-width: none; font-size: 11pt; }
  .headline, .month-cards { grid-template-columns: repeat(4, 1fr); }
  .chart, table, .card { break-inside: avoid; }
  .chart { border: none; }
  .modebar-container { display: none !important; }
  tbody tr:nth-child(even) { background: none; }
}
"""

# Charts follow the page's width, also when it changes for printing.
_RESIZE = """
(function () {
  function resize() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (el) {
      Plotly.Plots.resize(el);
    });
  }
  window.addEventListener("beforeprint", resize);
  window.addEventListener("afterprint", resize);
})();
"""
_CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"scale": 2}}


def _e(text: str) -> str:
    """``text`` for the page, in an element or an attribute: shown, then HTML-escaped."""
    return html.escape(shown(text), quote=True)


def render_html(report: Report, charts: Sequence[Chart], generated: datetime) -> str:
    """The whole page.

    Args:
        report: What to show.
        charts: Its charts (``_charts.render_charts``), drawn in order.
        generated: When the report was made (aware; shown in UTC).
    """
    import plotly.io as pio  # type: ignore[import-untyped]
    from plotly.offline import get_plotlyjs  # type: ignore[import-untyped]

    span = describe_range(report.start, report.end)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(f'OpenAI usage report, {span}')}</title>",
        f"<style>{_CSS}</style>",
        # Inline, once, before the charts: the page must work offline, from one file.
        f"<script>{_script_text(get_plotlyjs())}</script>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>OpenAI usage report</h1>",
        f'<p class="meta">Range: {_e(span)}</p>',
        f'<p class="meta">Generated: {_e(_utc(generated))}</p>',
    ]
    if report.demo:
        parts.append(
            f'<p class="synthetic">{_e(SYNTHETIC)}: made up by the embedded fake API, '
            "not an organization's usage</p>"
        )
    parts.append("</header>")
    if report.this_month is not None:
        parts.append(_this_month(report, report.this_month))
    parts.append(_headline(report))
    parts.append('<section class="charts">')
    parts.append("<h2>Charts</h2>")
    parts.append(
        '<p class="note">Hover for values; click a legend entry to hide or show it. '
        "Hatched bars are days the range covers only in part.</p>"
    )
    for chart in charts:
        figure_html = pio.to_html(
            chart.figure,
            full_html=False,
            include_plotlyjs=False,
            div_id=chart.name,
            config=_CONFIG,
            default_height="420px",
        )
        parts.append(f'<figure class="chart" aria-label="{_e(chart.title)}">{figure_html}</figure>')
    parts.append("</section>")
    parts.append('<section class="tables">')
    parts.append("<h2>Tables</h2>")
    parts.extend(_table(table) for table in report_plain_tables(report))
    parts.append(
        '<p class="note">Sums are over daily UTC buckets; vector store bytes are the latest '
        "day's level. The JSON output (--format json) lists every entry, with ids.</p>"
    )
    parts.append("</section>")
    # At the end, not above the numbers: what could not be read (an archived project's keys),
    # the currencies, the time zone qualify the numbers a reader came for.
    notes = report.notes_shown
    if notes:
        parts.append('<section class="notes" aria-label="notes">')
        parts.append("<h2>Notes</h2>")
        parts.extend(f'<p class="note">{_e(note)}</p>' for note in notes)
        parts.append("</section>")
    parts.extend([f"<script>{_RESIZE}</script>", "</body>", "</html>", ""])
    return "\n".join(parts)


def _script_text(source: str) -> str:
    # Inside <script>, only "</script" (any case) would end the element early.
    return source.replace("</script", "<\\/script").replace("</SCRIPT", "<\\/SCRIPT")


def _headline(report: Report) -> str:
    """The numbers a reader came for, first on the page (money: one card per currency)."""
    from ._figures import label

    done = report.completions
    views = report.views()

    def in_(title: str, currency: str) -> str:
        return f"{title} ({currency.upper()})" if len(views) > 1 else title

    cards = [
        (in_("Total spend", cur), money(view.total_spend or 0.0, cur),
         describe_range(report.start, report.end))
        for cur, view in views
    ]  # fmt: skip
    cards += [
        ("Completions requests", number(done.num_model_requests), ""),
        ("Input tokens", number(done.input_tokens),
         f"{number(done.input_cached_tokens)} cached"),
        ("Output tokens", number(done.output_tokens), ""),
    ]  # fmt: skip
    for cur, view in views:
        if not view.spend_by_project:
            continue
        top = view.spend_by_project[0]
        share = top.amount / view.total_spend * 100 if view.total_spend else 0.0
        cards.append(
            (
                in_("Top project", cur),
                money(top.amount, cur),
                f"{label(view, top.name)} ({percent(share)})",
            )
        )
    return _cards(cards, "headline", "headline numbers")


def _this_month(report: Report, month: ThisMonth) -> str:
    """The month so far, first on the page: the organization's figures as cards (one set per
    currency), then the section's tables (as the text report's)."""
    title = f"This month: {month.month:%B %Y}"
    parts = [
        '<section class="this-month" aria-label="this month">',
        f"<h2>{_e(title)}</h2>",
        f'<p class="note">{_e(_month_basis(month))}</p>',
    ]
    cards: list[tuple[str, str, str]] = []
    comparisons = {c.currency: c for c in month.comparisons}
    organization = [s for s in month.scopes if s.kind == "organization"]
    several = len(organization) > 1
    for scope in organization:
        cur = scope.currency

        def in_(name: str, cur: str = cur) -> str:
            return f"{name} ({cur.upper()})" if several else name

        fc = scope.forecast
        if scope.limit is not None:
            share = percent(float(scope.percent_of_limit or 0))
            used = f"of a {money(float(scope.limit), cur)} limit ({share})"
        elif month.status is None or any(
            n.startswith("the organization's spend limit") for n in month.notes
        ):
            used = "limit not readable with this key"
        else:
            used = "no limit set"
        reached = f"; limit reached {scope.limit_reached_on}" if scope.limit_reached_on else ""
        cards += [
            (in_("Spent this month"), money(float(scope.spent), cur), used),
            (
                in_("Month-end forecast"),
                money(float(fc.point), cur),
                f"{fc.coverage:.0%}: {money(float(fc.lower), cur)} to "
                f"{money(float(fc.upper), cur)}{reached}",
            ),
        ]
        compared = comparisons.get(cur)
        if compared is not None:
            change = money(float(compared.change), cur)
            if compared.change > 0:
                change = f"+{change}"
            ratio = (
                f" ({percent(compared.change_ratio * 100, signed=True)})"
                if compared.change_ratio is not None
                else ""
            )
            cards.append(
                (
                    in_("Same days last month"),
                    money(float(compared.previous), cur),
                    f"this month {change}{ratio}",
                )
            )
    if month.status is not None:
        start, end = month.anomalies_start, month.anomalies_end
        days = f"{start} to {end - timedelta(days=1)}" if start and end else ""
        cards.append(("Anomalies", number(len(month.anomalies)), days))
    parts.append(_cards(cards, "month-cards", "this month's numbers"))
    parts.extend(_table(table) for table in month_plain_tables(report))
    parts.append("</section>")
    return "\n".join(parts)


def _month_basis(month: ThisMonth) -> str:
    return (
        f"Spend to {_utc(month.as_of)}, in the UTC calendar month (the billing month) that "
        "holds the report's end, whatever the range above."
    )


def _cards(cards: Sequence[tuple[str, str, str]], css: str, label: str) -> str:
    items = "".join(
        f'<div class="card"><div class="label">{_e(name)}</div>'
        f'<div class="value">{_e(value)}</div>'
        + (f'<div class="sub">{_e(sub)}</div>' if sub else "")
        + "</div>"
        for name, value, sub in cards
    )
    return f'<section class="{css}" aria-label="{_e(label)}">{items}</section>'


def _utc(instant: datetime) -> str:
    return f"{instant.astimezone(UTC):%Y-%m-%d %H:%M:%S} UTC"


def _table(table: PlainTable) -> str:
    title = _e(table.title)
    if table.synthetic:
        title += f' <span class="synthetic">{_e(SYNTHETIC)}</span>'
    lines = ["<table>", f"<caption>{title}</caption>"]
    if table.show_header:
        cells = "".join(
            f'<th class="num">{_e(c.label)}</th>' if c.numeric else f"<th>{_e(c.label)}</th>"
            for c in table.columns
        )
        lines.append(f"<thead><tr>{cells}</tr></thead>")
    lines.append("<tbody>")
    if not table.rows:
        empty = _e(table.empty or "No rows.")
        lines.append(f'<tr><td class="note" colspan="{len(table.columns)}">{empty}</td></tr>')
    for index, row in enumerate(table.rows):
        cells = "".join(
            f'<td class="num">{_e(cell)}</td>' if column.numeric else f"<td>{_e(cell)}</td>"
            for column, cell in zip(table.columns, row, strict=True)
        )
        attr = ' class="strong"' if index in table.strong_rows else ""
        lines.append(f"<tr{attr}>{cells}</tr>")
    lines.append("</tbody>")
    if table.caption:
        lines.append(f'<tfoot><tr><td class="note" colspan="{len(table.columns)}">'
                     f"{_e(table.caption)}</td></tr></tfoot>")  # fmt: skip
    lines.append("</table>")
    return "\n".join(lines)


def write_html(path: str, report: Report, charts: Sequence[Chart], generated: datetime) -> None:
    """Write the page to ``path`` (UTF-8)."""
    Path(path).write_text(render_html(report, charts, generated), encoding="utf-8")


def write_pngs(directory: str, charts: Sequence[Chart]) -> list[Path]:
    """Write each chart that has a PNG form as ``<directory>/<name>.png`` (folder created)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in charts:
        if chart.draw_png is None:
            continue
        target = folder / f"{chart.name}.png"
        target.write_bytes(chart.png)
        written.append(target)
    return written
