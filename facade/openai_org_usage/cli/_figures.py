"""The report's interactive charts, as plotly figures (the ``charts`` extra).

What a reader needs from them: a value on hover, series shown and hidden by clicking the
legend (plotly's own behaviour), names rather than ids, partial first and last days marked as
such (hatched, and said in the hover text) so they are not read as drops, and an "other"
series never larger than the largest named one (``_chart_series.top_count``).

plotly reads its texts (trace names, axis categories, hover values) as a kind of HTML
(``<b>``, ``<br>``, ``<a href>``): every name goes in through :func:`plotly_text`, so
``<br>`` in a project's name is text, not a line break, and control characters show escaped.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from plotly import graph_objects as go  # type: ignore[import-untyped]
from plotly.colors import qualitative  # type: ignore[import-untyped]

from ._chart_series import (
    ATTRIBUTED_SPLITS,
    DAILY_SPLITS,
    MAX_SERIES,
    REQUEST_COUNTS,
    TOP_MODELS,
    daily_spend,
    top_count,
)
from ._formatting import money
from ._report import DailySpend, Report
from ._report_tables import display_name
from ._shown import shown

ATTRIBUTION_TITLES = {
    "spend_by_user": "Spend by user (estimated from usage, reconciled to the bill)",
    "spend_by_api_key": "Spend by API key (estimated from usage, reconciled to the bill)",
}
_OTHER_COLOUR = "#b0b0b0"
_UNATTRIBUTED_COLOUR = "#d9d9d9"
# Distinct hues first; grey is kept for "other" so it never looks like a name.
_PALETTE = [
    c for c in (*qualitative.D3, *qualitative.Set2, *qualitative.Pastel1) if "7f7f7f" not in c
]
_NONE = "(none)"
_HEIGHT = 420
_FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif'


def attributed_daily_title(what: str) -> str:
    """The title of the daily chart of attributed spend by ``what`` (model, user)."""
    return f"Daily spend by {what} (attributed: the bill shared out by usage)"


def chart_views(report: Report) -> list[tuple[str, str, Report]]:
    """``(name suffix, title suffix, the report in one currency)`` for the money charts.

    One currency: ``[("", "", report)]``. Several: one per currency (``"_eur"``,
    ``" (EUR)"``), so no chart stacks or adds amounts in two currencies.
    """
    views = report.views()
    if len(views) == 1:
        return [("", "", views[0][1])]
    return [(f"_{cur}", f" ({cur.upper()})", view) for cur, view in views]


def figures(report: Report) -> dict[str, go.Figure]:
    """Every chart of the page, by name (attribution charts, the daily spend by model and
    by user among them, only when the report has them; money charts once per currency, see
    :func:`chart_views`)."""
    views = chart_views(report)
    out: dict[str, go.Figure] = {}
    for field, what in DAILY_SPLITS:
        for suffix, note, view in views:
            out[f"daily_spend_by_{field}{suffix}"] = _daily(
                view, *daily_spend(view, field), f"Daily spend by {what}{note}"
            )
    for field, what in ATTRIBUTED_SPLITS:
        for suffix, note, view in views:
            entries, ranked = daily_spend(view, field)
            if entries:
                out[f"daily_spend_by_{field}{suffix}"] = _daily(
                    view, entries, ranked, f"{attributed_daily_title(what)}{note}"
                )
    out["tokens_by_model"] = _tokens(report)
    out["requests_by_endpoint"] = _requests(report)
    for name, title in ATTRIBUTION_TITLES.items():
        for suffix, note, view in views:
            entries = getattr(view, name, ())
            if entries:
                out[f"{name}{suffix}"] = _attributed(view, entries, f"{title}{note}")
    return out


def label(report: Report, value: str | None) -> str:
    """What a person reads for an id: its name when the report has one, else the id.

    Plain text, as named: escape it for where it goes (the page, or :func:`plotly_text`).
    """
    return display_name(report, value) or _NONE


def plotly_text(text: str) -> str:
    """``text`` for a plotly name or category: shown (``_shown``), ``&<>`` as entities.

    plotly.js turns ``&amp;``, ``&lt;`` and ``&gt;`` back into characters and reads tags
    otherwise; it knows no ``&quot;``, so quotes are left as they are.
    """
    return html.escape(shown(text), quote=False)


def money_format(currency: str) -> tuple[str, str]:
    """A d3 number format and suffix for amounts: ``$,.2f`` for dollars."""
    if currency == "usd":
        return "$,.2f", ""
    return ",.2f", f" {currency.upper()}"


def partial_days(report: Report, entries: Sequence[DailySpend]) -> dict[date, str]:
    """UTC days the range covers only in part, with the hours it covers (for hover text)."""
    out: dict[date, str] = {}
    for entry in entries:
        start = max(entry.start, report.start)
        end = min(entry.end, report.end)
        if end - start < timedelta(days=1):
            out[start.date()] = f"partial day: {start:%H:%M} to {_hour(end, start.date())} UTC"
    for edge in (report.start, report.end - timedelta(microseconds=1)):
        day = edge.date()
        day_start = datetime.combine(day, time(), tzinfo=UTC)
        start = max(day_start, report.start)
        end = min(day_start + timedelta(days=1), report.end)
        if end - start < timedelta(days=1) and day not in out:
            out[day] = f"partial day: {start:%H:%M} to {_hour(end, day)} UTC"
    return out


def _hour(end: datetime, day: date) -> str:
    return "24:00" if end.date() > day else f"{end:%H:%M}"


def _layout(figure: go.Figure, title: str, height: int = _HEIGHT, **extra: Any) -> go.Figure:
    figure.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        template="plotly_white",
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        font={"family": _FONT, "size": 13},
        hoverlabel={"namelength": -1},
        legend={"title": {"text": "click to show or hide"}},
        **extra,
    )
    figure.update_yaxes(automargin=True)
    figure.update_xaxes(automargin=True)
    return figure


def _daily(
    report: Report, entries: Sequence[DailySpend], ranked: Sequence[str | None], title: str
) -> go.Figure:
    """Stacked bars per UTC day: the largest series named, the rest as "other"."""
    figure = go.Figure()
    fmt, suffix = money_format(report.currency)
    first = report.start.date()
    last = (report.end - timedelta(microseconds=1)).date()
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    if not entries:
        return _empty(figure, title, "No spend in this range")
    totals: dict[str | None, float] = defaultdict(float)
    by_day: dict[str | None, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    for entry in entries:
        totals[entry.name] += entry.amount
        by_day[entry.name][entry.start.date()] += entry.amount
    count = top_count([[by_day[name].get(d, 0.0) for d in days] for name in ranked])
    named = list(ranked[:count])
    partial = partial_days(report, entries)
    notes = [partial.get(day, "") for day in days]
    series: list[tuple[str, list[float], str]] = [
        (
            plotly_text(label(report, name)),
            [by_day[name].get(d, 0.0) for d in days],
            _PALETTE[i % len(_PALETTE)],
        )
        for i, name in enumerate(named)
    ]
    rest = [name for name in ranked if name not in set(named)]
    if rest:
        other = [sum(by_day[name].get(d, 0.0) for name in rest) for d in days]
        series.append((f"other ({len(rest):,})", other, _OTHER_COLOUR))
    x = [d.isoformat() for d in days]
    hatch = ["/" if note else "" for note in notes]
    for name, values, colour in series:
        figure.add_trace(
            go.Bar(
                x=x,
                y=values,
                name=name,
                marker={"color": colour, "pattern": {"shape": hatch, "solidity": 0.5}},
                customdata=notes,
                hovertemplate=f"<b>%{{fullData.name}}</b><br>%{{x|%b %d, %Y}}: "
                f"%{{y:{fmt}}}{suffix}<br>%{{customdata}}<extra></extra>",
            )
        )
    for day, note in partial.items():
        figure.add_annotation(
            x=day.isoformat(), y=1, yref="paper", yanchor="bottom", showarrow=False,
            text="partial", hovertext=note, font={"size": 11, "color": "#6b4e00"},
        )  # fmt: skip
    _layout(figure, title, barmode="stack", legend_traceorder="normal")
    figure.update_yaxes(
        title_text=f"spend per UTC day{suffix}", tickformat=fmt.replace(".2f", ".0f")
    )
    figure.update_xaxes(title_text="UTC day", type="date", tickformat="%b %d")
    return figure


def _attributed(report: Report, entries: Sequence[Any], title: str) -> go.Figure:
    """Horizontal bars: billed spend per user or key, then "other" and the unattributed part."""
    fmt, suffix = money_format(report.currency)
    ranked = sorted(entries, key=lambda e: -e.amount)
    # Bars side by side: every one named while they fit, the rule of "other" only past that.
    count = len(ranked) if len(ranked) <= MAX_SERIES else top_count([[e.amount] for e in ranked])
    rows: list[tuple[str, float, float | None, str]] = [
        (plotly_text(label(report, e.id)), e.amount, e.estimated, _PALETTE[0])
        for e in ranked[:count]
    ]
    rest = ranked[count:]
    if rest:
        rows.append(
            (
                f"other ({len(rest):,})",
                sum(e.amount for e in rest),
                sum(e.estimated for e in rest),
                _OTHER_COLOUR,
            )
        )
    unattributed = sum(u.amount for u in getattr(report, "unattributed", ()))
    if unattributed:
        rows.append(("unattributed", unattributed, None, _UNATTRIBUTED_COLOUR))
    figure = go.Figure(
        go.Bar(
            y=[r[0] for r in rows],
            x=[r[1] for r in rows],
            orientation="h",
            marker={"color": [r[3] for r in rows]},
            customdata=[
                "" if r[2] is None else f"list-price estimate: {r[2]:,.2f}{suffix}" for r in rows
            ],
            text=[money(r[1], report.currency) for r in rows],
            textposition="outside",
            cliponaxis=False,
            hovertemplate=f"<b>%{{y}}</b><br>billed: %{{x:{fmt}}}{suffix}<br>%{{customdata}}"
            "<extra></extra>",
            name="billed spend",
            showlegend=False,
        )
    )
    _layout(figure, title, height=max(_HEIGHT, 60 + 28 * len(rows)))
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text=f"billed spend{suffix}", tickformat=fmt.replace(".2f", ".0f"))
    return figure


def _tokens(report: Report) -> go.Figure:
    """Horizontal stacked bars per model: uncached input, cached input, output."""
    title = "Completions tokens by model"
    models = list(report.models)
    figure = go.Figure()
    if not any(m.total_tokens for m in models):
        return _empty(figure, title, "No completions in this range")
    top = models[:TOP_MODELS]
    names = [plotly_text(label(report, m.name)) for m in top]
    rest = models[TOP_MODELS:]
    parts = [
        ("input (uncached)", "#1f77b4", [m.input_tokens - m.input_cached_tokens for m in top]),
        ("input (cached)", "#9ecae1", [m.input_cached_tokens for m in top]),
        ("output", "#ff7f0e", [m.output_tokens for m in top]),
    ]
    if rest:
        names.append(f"other ({len(rest):,} models)")
        parts[0][2].append(sum(m.input_tokens - m.input_cached_tokens for m in rest))
        parts[1][2].append(sum(m.input_cached_tokens for m in rest))
        parts[2][2].append(sum(m.output_tokens for m in rest))
    for part, colour, values in parts:
        figure.add_trace(
            go.Bar(
                y=names,
                x=values,
                name=part,
                orientation="h",
                marker={"color": colour},
                hovertemplate=f"<b>%{{y}}</b><br>{part}: %{{x:,}} tokens<extra></extra>",
            )
        )
    _layout(figure, title, barmode="stack", legend_traceorder="normal")
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text="tokens", tickformat="~s")
    return figure


def _requests(report: Report) -> go.Figure:
    """Horizontal bars: requests (or tool calls) per endpoint."""
    title = "Requests by endpoint"
    labels = [name for name, _, _ in REQUEST_COUNTS]
    values = [
        report.completions.num_model_requests
        if endpoint == "completions"
        else report.other.get(endpoint, {}).get(field, 0)
        for _, endpoint, field in REQUEST_COUNTS
    ]
    figure = go.Figure()
    if not any(values):
        return _empty(figure, title, "No requests in this range")
    figure.add_trace(
        go.Bar(
            y=labels,
            x=values,
            orientation="h",
            marker={"color": "#1f77b4"},
            text=[f"{v:,}" for v in values],
            textposition="outside",
            cliponaxis=False,
            name="requests",
            showlegend=False,
            hovertemplate="<b>%{y}</b><br>%{x:,} requests<extra></extra>",
        )
    )
    _layout(figure, title)
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(title_text="requests (search endpoints: tool calls)", tickformat="~s")
    return figure


def _empty(figure: go.Figure, title: str, message: str) -> go.Figure:
    figure.add_annotation(
        text=message, x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False,
        font={"size": 16},
    )  # fmt: skip
    _layout(figure, title)
    figure.update_xaxes(visible=False)
    figure.update_yaxes(visible=False)
    return figure
