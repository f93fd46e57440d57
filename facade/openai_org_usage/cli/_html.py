"""``report --html FILE`` and ``--png DIR``: the report as one self-contained HTML page.

The page embeds its charts as base64 PNG ``data:`` URLs and its CSS inline, and loads
nothing (no scripts, fonts or images from elsewhere), so it can be mailed or archived as one
file and opened offline. Its tables are the text report's (``_render.report_plain_tables``),
so both always show the same numbers. Every text from the API is escaped.
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from ._charts import DPI, HEIGHT_IN, WIDTH_IN, Chart
from ._render import SYNTHETIC, PlainTable, describe_range, report_plain_tables
from ._report import Report

# System fonts only: a web font would be an external request.
_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       margin: 2rem auto; max-width: 1060px; padding: 0 1rem; color: #1b1b1b; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; }
.meta { color: #555; margin: 0.2rem 0; }
.synthetic { display: inline-block; background: #fff3c4; color: #6b4e00; padding: 0.2rem 0.6rem;
             border-radius: 4px; font-weight: 600; }
figure { margin: 1.5rem 0; }
figure img { max-width: 100%; height: auto; border: 1px solid #e3e3e3; }
table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; min-width: 60%; }
caption { text-align: left; font-weight: 600; font-size: 1.05rem; padding: 0.4rem 0; }
th, td { padding: 0.25rem 0.8rem; border-bottom: 1px solid #e3e3e3; text-align: left; }
th { background: #f4f4f4; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.strong td { font-weight: 700; }
tbody tr:nth-child(even) { background: #fafafa; }
.note { color: #555; font-size: 0.9rem; }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def render_html(report: Report, charts: Sequence[Chart], generated: datetime) -> str:
    """The whole page.

    Args:
        report: What to show.
        charts: Its rendered charts (``_charts.render_charts``), embedded in order.
        generated: When the report was made (aware; shown in UTC).
    """
    span = describe_range(report.start, report.end)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(f'OpenAI usage report, {span}')}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        "<h1>OpenAI usage report</h1>",
        f'<p class="meta">Range: {_e(span)}</p>',
        f'<p class="meta">Generated: {_e(_utc(generated))}</p>',
    ]
    if report.tz:
        parts.append(f'<p class="meta">Dates read in {_e(report.tz)}; buckets are UTC days.</p>')
    if report.demo:
        parts.append(
            f'<p class="synthetic">{_e(SYNTHETIC)}: made up by the embedded fake API, '
            "not an organization's usage</p>"
        )
    parts.append("</header>")
    parts.append('<section class="charts">')
    parts.append("<h2>Charts</h2>")
    width, height = int(WIDTH_IN * DPI), int(HEIGHT_IN * DPI)
    for chart in charts:
        data = base64.b64encode(chart.png).decode("ascii")
        parts.append(
            f'<figure id="{_e(chart.name)}"><img src="data:image/png;base64,{data}" '
            f'alt="{_e(chart.title)}" width="{width}" height="{height}"></figure>'
        )
    parts.append("</section>")
    parts.append('<section class="tables">')
    parts.append("<h2>Tables</h2>")
    parts.extend(_table(table) for table in report_plain_tables(report))
    parts.append(
        '<p class="note">Sums are over daily UTC buckets; vector store bytes are the latest '
        "day's level. The JSON output (--format json) lists every entry.</p>"
    )
    parts.extend(["</section>", "</body>", "</html>", ""])
    return "\n".join(parts)


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
    """Write each chart as ``<directory>/<name>.png`` (directory created if missing)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for chart in charts:
        target = folder / f"{chart.name}.png"
        target.write_bytes(chart.png)
        written.append(target)
    return written
