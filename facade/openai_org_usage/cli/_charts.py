"""The report's charts: interactive plotly figures for the HTML page, PNG images for ``--png``.

Both come from the optional ``charts`` extra. The page's charts are plotly figures (values on
hover, series toggled from the legend; plotly.js is embedded inline by ``_html``, so the page
works offline). The PNG files stay matplotlib drawings: plotly's static export needs kaleido
and a Chrome, too much for a few still images. Each :class:`Chart` draws its PNG only when
asked, so ``--html`` alone draws nothing with matplotlib. Both libraries are imported only
when a chart is asked for, so the command works without them; :func:`require` fails early,
before any request, naming the extra.

The PNG figures are drawn on an explicit Agg canvas rather than through ``pyplot``: no
display is needed, and no global backend or figure registry is touched (the CLI can run
in-process). Every PNG chart is 10 x 4.5 inches at 100 dpi (1000 x 450 pixels), titled with
the range, with units on the value axis and the legend outside the plotting area so it never
covers bars.
"""

from __future__ import annotations

import functools
import io
import textwrap
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import attrs

from openai_org_usage import MissingDependencyError

from ._chart_series import (
    ATTRIBUTED_SPLITS,
    DAILY_SPLITS,
    REQUEST_COUNTS,
    TOP_MODELS,
    daily_spend,
    top_count,
)
from ._formatting import SYNTHETIC, describe_range
from ._report import DailySpend, Report
from ._report_tables import display_name
from ._shown import shown

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.ticker import Formatter
    from plotly.graph_objects import Figure as PlotlyFigure  # type: ignore[import-untyped]

CHART_NAMES = (
    "daily_spend_by_project",
    "daily_spend_by_line_item",
    "tokens_by_model",
    "requests_by_endpoint",
)
"""Chart names, in report order; ``--png`` writes ``<name>.png``."""
ATTRIBUTED_DAILY_NAMES = tuple(f"daily_spend_by_{field}" for field, _ in ATTRIBUTED_SPLITS)
"""The daily charts of attributed spend (by model, by user): drawn, PNG too, when the report
has attributed spend, after ``CHART_NAMES``."""

WIDTH_IN, HEIGHT_IN, DPI = 10.0, 4.5, 100
BARS_UP_TO_DAYS = 92
"""Daily spend is drawn as bars up to this many days, as stacked areas beyond."""
_TICK = timedelta(microseconds=1)
_FEATURE = "report --html/--png"
_OTHER_COLOUR = "#b0b0b0"
# tab10 without its grey (index 7), which is kept for "other" so it never looks like a name.
_PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#bcbd22",
    "#17becf",
    # Then tab20's light twins (grey again left out), for charts naming up to MAX_SERIES.
    "#aec7e8",
    "#ffbb78",
    "#98df8a",
    "#ff9896",
    "#c5b0d5",
    "#c49c94",
    "#f7b6d2",
    "#dbdb8d",
    "#9edae5",
)
_LABEL_CHARS = 34
_LEGEND_LINES = 16
"""Legend lines that fit the image's height at the usual size (9 pt)."""
_NONE = "(none)"


@attrs.frozen(slots=False)
class Chart:
    """One chart of the report.

    Attributes:
        name: Stable id and file stem (``CHART_NAMES``, then ``ATTRIBUTED_DAILY_NAMES``;
            then, on the page only, the spend by user and by API key when the report has
            them).
        title: What it shows.
        figure: The interactive figure (plotly), as the page embeds it.
        draw_png: Draws the static image (matplotlib); None for a chart with no PNG form.
    """

    name: str
    title: str
    figure: PlotlyFigure
    draw_png: Callable[[], bytes] | None = None

    @functools.cached_property
    def png(self) -> bytes:
        """The PNG file's bytes, drawn on first use (1000 x 450 pixels)."""
        if self.draw_png is None:
            raise ValueError(f"chart {self.name!r} has no PNG form")
        return self.draw_png()


def require() -> None:
    """Fail now, before any request, if plotly or matplotlib is missing.

    Raises:
        MissingDependencyError: naming ``pip install 'openai-org-usage[charts]'``.
    """
    for module in ("plotly", "matplotlib"):
        try:
            __import__(module)
        except ImportError as exc:
            raise MissingDependencyError(_FEATURE, "charts", module) from exc


def render_charts(report: Report) -> list[Chart]:
    """The charts of ``report``: ``CHART_NAMES`` in order, then the daily spend by model and
    by user (``ATTRIBUTED_DAILY_NAMES``) when the report attributes spend, each with a PNG
    form; then the page-only charts of spend by user and by API key."""
    require()
    from . import _figures

    # Money charts once per currency when there are several (``<name>_<currency>``).
    views = _figures.chart_views(report)
    drawers: list[tuple[str, str, Callable[[Axes], None]]] = [
        (f"daily_spend_by_{field}{suffix}", f"Daily spend by {what}{note}",
         functools.partial(_daily_of, view, field))
        for field, what in DAILY_SPLITS
        for suffix, note, view in views
    ]  # fmt: skip
    drawers += [
        ("tokens_by_model", "Completions tokens by model", lambda ax: _tokens(ax, report)),
        ("requests_by_endpoint", "Requests by endpoint", lambda ax: _requests(ax, report)),
    ]
    figures = _figures.figures(report)
    drawers += [
        (f"daily_spend_by_{field}{suffix}", f"{_figures.attributed_daily_title(what)}{note}",
         functools.partial(_daily_of, view, field))
        for field, what in ATTRIBUTED_SPLITS
        for suffix, note, view in views
        if f"daily_spend_by_{field}{suffix}" in figures
    ]  # fmt: skip
    subtitle = describe_range(report.start, report.end)
    if report.demo:
        subtitle += f" - {SYNTHETIC}"
    charts = [
        Chart(name, title, figures[name], functools.partial(_png, title, subtitle, draw))
        for name, title, draw in drawers
    ]
    charts.extend(
        Chart(f"{name}{suffix}", f"{title}{note}", figures[f"{name}{suffix}"])
        for name, title in _figures.ATTRIBUTION_TITLES.items()
        for suffix, note, _ in views
        if f"{name}{suffix}" in figures
    )
    return charts


def _daily_of(report: Report, field: str, ax: Axes) -> None:
    """Daily spend by ``project`` or ``line_item`` (``report``: in one currency)."""
    _daily_stacked(ax, *daily_spend(report, field), report)


def _png(title: str, subtitle: str, draw: Callable[[Axes], None]) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    # Constrained layout makes room for the outside legend and the labels while keeping the
    # figure's size, so every image is exactly 1000 x 450 pixels (bbox_inches="tight" is not).
    figure: Figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)  # attaches itself to the figure: Agg, explicitly
    ax = figure.add_subplot()
    ax.set_title(f"{title}\n{subtitle}", loc="left", fontsize=11)
    draw(ax)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


# -- daily spend -------------------------------------------------------------------------------


def _daily_stacked(
    ax: Axes,
    entries: Sequence[DailySpend],
    ranked: Sequence[str | None],
    report: Report,
) -> None:
    """Spend per UTC day, stacked: the largest names (``top_count``), then "other".

    Bars up to ``BARS_UP_TO_DAYS`` days; past that, bars a pixel or two wide alias into
    stripes, so the same stack is drawn as areas (one step per day).
    """
    from matplotlib.dates import (
        AutoDateLocator,
        ConciseDateFormatter,
        DateFormatter,
        DayLocator,
        date2num,
    )

    if not entries:
        _empty(ax, "No spend in this range")
        return
    per_day: dict[tuple[str | None, date], float] = {}
    for e in entries:
        key = (e.name, _day(e.start))
        per_day[key] = per_day.get(key, 0.0) + e.amount
    day_list = sorted({day for _, day in per_day})
    count = top_count([[per_day.get((name, d), 0.0) for d in day_list] for name in ranked])
    named = list(ranked[:count])
    kept = set(named)
    # Every day of the range, not only days with spend: a quiet day shows as a gap.
    first = min(_day(report.start), *(_day(e.start) for e in entries))
    last = max(_day(report.end - _TICK), *(_day(e.start) for e in entries))
    days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    index = {day: i for i, day in enumerate(days)}
    series: dict[str | None, list[float]] = {name: [0.0] * len(days) for name in named}
    other = [0.0] * len(days)
    for e in entries:
        row = series[e.name] if e.name in kept else other
        row[index[_day(e.start)]] += e.amount
    layers: list[tuple[str, list[float], str]] = [
        # Names, as on the page, where the report has them (ids otherwise).
        (_label(display_name(report, name)), values, _PALETTE[i % len(_PALETTE)])
        for i, (name, values) in enumerate(series.items())
    ]
    if any(other):
        layers.append((f"other ({len(ranked) - len(named):,})", other, _OTHER_COLOUR))
    # matplotlib.dates has no type annotations, hence the ignores on its calls.
    x = [float(date2num(day)) for day in days]  # type: ignore[no-untyped-call]
    as_bars = len(days) <= BARS_UP_TO_DAYS
    # Each day centred on its date: [day - 0.5, day + 0.5) in the area form.
    edges = [v - 0.5 for v in x] + [x[-1] + 0.5]
    bottom = [0.0] * len(days)
    # Largest series at the bottom, where its day-to-day changes are easiest to read.
    for label, values, colour in layers:
        top = [b + v for b, v in zip(bottom, values, strict=True)]
        if as_bars:
            ax.bar(x, values, bottom=bottom, width=0.8, label=label, color=colour, linewidth=0)
        else:
            ax.fill_between(
                edges,
                [*bottom, bottom[-1]],
                [*top, top[-1]],
                step="post",
                label=label,
                color=colour,
                linewidth=0,
            )
        bottom = top
    if len(days) <= 14:
        # Automatic ticks would fall on hours for a day or two; name each day (or every
        # other) instead, the year once in the axis label.
        ax.xaxis.set_major_locator(DayLocator(interval=1 if len(days) <= 7 else 2))  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_formatter(DateFormatter("%b %d"))  # type: ignore[no-untyped-call]
        ax.set_xlabel(f"UTC day ({days[0]:%Y})" if days[0].year == days[-1].year else "UTC day")
    else:
        locator = AutoDateLocator(minticks=4, maxticks=12)  # type: ignore[no-untyped-call]
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
        ax.set_xlabel("UTC day")
    ax.set_xlim(edges[0] - 0.1, edges[-1] + 0.1)
    ax.set_ylabel(f"spend per day ({_unit(report.currency)})")
    peak = max(bottom)
    ax.yaxis.set_major_formatter(_money_ticks(report.currency, peak))
    ax.set_ylim(0, peak * 1.05 or 1)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    _legend(ax, reverse=True)


def _day(instant: datetime) -> date:
    # Bars sit on dates: a partial first bucket (starting mid-day) belongs to its UTC day.
    return instant.date()


def _unit(currency: str) -> str:
    if currency == "usd":
        return "$"
    return "mixed currencies" if currency == "mixed" else currency.upper()


def _money_ticks(currency: str, top: float) -> Formatter:
    from matplotlib.ticker import FuncFormatter

    # Cents only when the axis is short enough for them to matter.
    decimals = 2 if top < 10 else 0
    prefix = "$" if currency == "usd" else ""

    def tick(value: float, _pos: int | None) -> str:
        return f"{prefix}{value:,.{decimals}f}"

    return FuncFormatter(tick)


# -- tokens and requests -----------------------------------------------------------------------


def _tokens(ax: Axes, report: Report) -> None:
    """Horizontal stacked bars per model: uncached input, cached input, output."""
    models = list(report.models)
    if not any(m.total_tokens for m in models):
        _empty(ax, "No completions in this range")
        return
    rows: list[tuple[str, int, int, int]] = [
        (_label(m.name), m.input_tokens - m.input_cached_tokens, m.input_cached_tokens,
         m.output_tokens)
        for m in models[:TOP_MODELS]
    ]  # fmt: skip
    rest = models[TOP_MODELS:]
    if rest:
        rows.append(
            (
                f"other ({len(rest):,} models)",
                sum(m.input_tokens - m.input_cached_tokens for m in rest),
                sum(m.input_cached_tokens for m in rest),
                sum(m.output_tokens for m in rest),
            )
        )
    labels = [r[0] for r in rows]
    y = list(range(len(rows)))
    left = [0.0] * len(rows)
    # Cached input is part of input: stacked next to the uncached part, never on top of all
    # input, so each bar's length is the model's total tokens.
    for column, label, colour in (
        (1, "input (uncached)", "#1f77b4"),
        (2, "input (cached)", "#9ecae1"),
        (3, "output", "#ff7f0e"),
    ):
        values = [float(r[column]) for r in rows]
        ax.barh(y, values, left=left, height=0.7, label=label, color=colour, linewidth=0)
        left = [a + b for a, b in zip(left, values, strict=True)]
    _bar_labels(ax, y, left, [_compact(total) for total in left])
    ax.set_yticks(y, labels)
    ax.invert_yaxis()  # the largest model on top, as in the table
    ax.set_xlabel("tokens")
    ax.xaxis.set_major_formatter(_compact_ticks())
    ax.set_xlim(0, max(left) * 1.12)  # room for the value labels
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _legend(ax, reverse=False)


def _requests(ax: Axes, report: Report) -> None:
    """Horizontal bars: requests (or calls) per endpoint over the range."""
    labels = [label for label, _, _ in REQUEST_COUNTS]
    values = [
        float(_request_count(report, endpoint, field)) for _, endpoint, field in REQUEST_COUNTS
    ]
    if not any(values):
        _empty(ax, "No requests in this range")
        return
    y = list(range(len(values)))
    ax.barh(y, values, height=0.7, color="#1f77b4", linewidth=0)
    _bar_labels(ax, y, values, [f"{value:,.0f}" for value in values])
    ax.set_yticks(y, labels)
    ax.invert_yaxis()
    ax.set_xlabel("requests (search endpoints: tool calls)")
    ax.xaxis.set_major_formatter(_compact_ticks())
    ax.set_xlim(0, max(values) * 1.15)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)


def _request_count(report: Report, endpoint: str, field: str) -> int:
    if endpoint == "completions":
        return report.completions.num_model_requests
    return report.other.get(endpoint, {}).get(field, 0)


# -- helpers -----------------------------------------------------------------------------------


def _bar_labels(ax: Axes, y: Sequence[int], ends: Sequence[float], texts: Sequence[str]) -> None:
    """Each horizontal bar's value written just past its end."""
    for yi, end, text in zip(y, ends, texts, strict=True):
        ax.annotate(
            text, (end, yi), xytext=(4, 0), textcoords="offset points", va="center", fontsize=9
        )


def _legend(ax: Axes, *, reverse: bool) -> None:
    handles, labels = ax.get_legend_handles_labels()
    if reverse:
        # Read top to bottom like the stack itself.
        handles, labels = handles[::-1], labels[::-1]
    # Outside, right of the axes: a legend inside would cover the tallest bars. A long one
    # (up to MAX_SERIES names and "other", some on two lines) is set tighter so that every
    # entry stays within the image's height.
    lines = sum(label.count("\n") + 1 for label in labels)
    tight = lines > _LEGEND_LINES
    ax.legend(
        handles,
        labels,
        loc="upper left",
        bbox_to_anchor=(1.01, 1.0),
        frameon=False,
        fontsize=9 if not tight else 7 if lines <= 2 * _LEGEND_LINES else 6,
        labelspacing=0.5 if not tight else 0.2,
        handleheight=0.7 if not tight else 0.6,
    )


def _empty(ax: Axes, message: str) -> None:
    ax.text(0.5, 0.5, message, ha="center", va="center", transform=ax.transAxes, fontsize=12)
    ax.set_xticks([])
    ax.set_yticks([])


def _label(name: str | None) -> str:
    """A legend or axis label: long names wrapped on two lines rather than cut.

    Cutting would make line items such as "<model>, audio input" and "<model>, audio output"
    look alike; wrapping at spaces keeps both ends, hyphenated model names stay whole.
    Control characters are shown escaped (a newline in a name does not add a line).
    """
    lines = textwrap.wrap(
        shown(name or _NONE),
        _LABEL_CHARS,
        break_on_hyphens=False,
        max_lines=2,
        placeholder="\u2026",
    )
    # A name with two "$" would otherwise be parsed as mathtext (and may fail to parse).
    return "\n".join(lines).replace("$", r"\$")


def _compact(value: float) -> str:
    """``950``, ``12.3k``, ``4.56M``, ``1.2B``: three significant digits."""
    # Rounded first, so 999,600 reads "1M" rather than "1000k".
    value = float(f"{value:.3g}")
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:,.0f}"


def _compact_ticks() -> Formatter:
    from matplotlib.ticker import FuncFormatter

    def tick(value: float, _pos: int | None) -> str:
        return "0" if value == 0 else _compact(value)

    return FuncFormatter(tick)
