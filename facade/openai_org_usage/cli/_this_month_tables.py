"""The report's "This month" section as tables (text and HTML), on the report's plain-cell tables.

The section is the month holding the report's end (``_this_month.ThisMonth``): spend against
the limits with the forecast, the same days of last month, and the recent anomalies. Its
tables are :class:`PlainTable` cells, the shape every table of the report is built as (defined
here, the lowest of the report's table modules, so ``_report_tables`` can put the month first
without an import running back up); the text report (rich) and the HTML page render them.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal
from typing import Any

import attrs

from ._formatting import money, percent
from ._report import Report
from ._table import rest_label
from ._this_month import ThisMonth

__all__ = [
    "DRIVERS_SHOWN",
    "Column",
    "PlainTable",
    "anomalies_shown",
    "display_name",
    "month_plain_tables",
    "month_scope_name",
]


@attrs.frozen
class Column:
    """A column of a :class:`PlainTable`; ``numeric`` columns are right-aligned."""

    label: str
    numeric: bool = False
    wrap: bool = False
    """Prose (a reason, a list): wrapped at spaces rather than shortened."""


@attrs.frozen
class PlainTable:
    """A report table as plain text cells, before any markup.

    The text report (rich) and the HTML report both render these, so they always show the
    same tables with the same numbers; each renderer escapes the cells for its own markup.

    Attributes:
        title: The heading.
        columns: The columns, in order.
        rows: One tuple of cell texts per row.
        show_header: Whether the column labels are shown (the summary has none).
        caption: A note under the table.
        strong_rows: Indexes of rows shown in bold (the total spend).
        synthetic: Whether the title carries the "synthetic demo data" tag.
    """

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[str, ...], ...]
    show_header: bool = True
    caption: str | None = None
    strong_rows: frozenset[int] = frozenset()
    synthetic: bool = False
    empty: str | None = None
    """What a table without rows says instead (None: the usual "no rows")."""


def display_name(report: Report, value: str | None) -> str | None:
    """A project's, user's or key's name when the report has one, else its id."""
    if value is None:
        return None
    named = getattr(report, "label", None)
    shown = named(value) if callable(named) else value
    return shown if isinstance(shown, str) and shown else value


# -- this month --------------------------------------------------------------------------------

_KINDS = {
    "organization": "organization",
    "project": "project",
    "api_key": "API key",
    "user": "user",
    "model": "model",
    "line_item": "line item",
}
DRIVERS_SHOWN = 3
"""Drivers an anomaly's row names (the JSON has them all)."""


def _signed(amount: Decimal, currency: str) -> str:
    text = money(float(amount), currency)
    return text if text.startswith("-") or round(amount, 2) == 0 else f"+{text}"


def _amount(amount: Decimal | None, currency: str) -> str:
    return "-" if amount is None else money(float(amount), currency)


def _pct(value: Decimal | None) -> str:
    return "-" if value is None else percent(float(value))


def month_scope_name(report: Report, scope: Any) -> str:
    """A month scope as the report names it: ``organization``, else the project's or key's
    name (its id with ``--ids``)."""
    if scope.kind == "organization":
        return "organization"
    return display_name(report, scope.id) or scope.id


def anomalies_shown(month: ThisMonth, top: int) -> tuple[list[Any], list[Any]]:
    """The anomalies a table lists (the ``top`` largest moves, by day) and the rest."""
    if len(month.anomalies) <= top + 1:
        return list(month.anomalies), []
    ranked = sorted(month.anomalies, key=lambda a: -abs(a.jump))
    shown = set(map(id, ranked[:top]))
    return [a for a in month.anomalies if id(a) in shown], ranked[top:]


def month_plain_tables(report: Report) -> list[PlainTable]:
    """The "This month" section: spend against limits with the forecast, the same days of
    last month, and the recent anomalies (empty when the report read no month)."""
    month = report.this_month
    if month is None:
        return []
    span = f"{month.month:%B %Y}, to {month.as_of.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    basis = (
        "The UTC calendar month (the billing month) holding the report's end, whatever its "
        "--start and --end"
    )
    if month.status is None:
        return [
            PlainTable(
                f"This month: {span}",
                (Column("what", wrap=True),),
                (),
                caption=basis,
                synthetic=report.demo,
                empty=month.notes[0] if month.notes else "This month could not be read.",
            )
        ]
    limits = {
        "set": "",
        "none": "No spend limit is set: spend and forecast only. ",
        "unreadable": "Spend limits could not be read with this key (HTTP 403): spend and "
        "forecast only. ",
        "partial": "Some spend limits could not be read with this key (HTTP 403): see the Notes. ",
    }[month.limits]
    coverage = month.scopes[0].forecast.coverage if month.scopes else 0.8
    scopes = PlainTable(
        f"This month: {span}",
        (
            Column("scope"),
            Column("kind"),
            Column("spent", numeric=True),
            Column("limit", numeric=True),
            Column("used", numeric=True),
            Column("forecast", numeric=True),
            Column("low", numeric=True),
            Column("high", numeric=True),
            Column("reached"),
        ),
        tuple(
            (
                month_scope_name(report, s),
                _KINDS[s.kind]
                + (f" of {display_name(report, s.project_id)}" if s.project_id else ""),
                _amount(s.spent, s.currency),
                _amount(s.limit, s.currency),
                _pct(s.percent_of_limit),
                _amount(s.forecast.point, s.currency),
                _amount(s.forecast.lower, s.currency),
                _amount(s.forecast.upper, s.currency),
                s.limit_reached_on.isoformat() if s.limit_reached_on else "-",
            )
            for s in month.limited
        ),
        caption=f"{limits}{basis}. Organization and projects billed; API keys their share of "
        f"the bill. Forecast: the month's end, {coverage:.0%} interval low to high; reached: "
        "the day spend reaches the limit at the forecast rate",
        synthetic=report.demo,
    )
    return [scopes, _last_month_table(month), _anomalies_table(report, month)]


def _last_month_table(month: ThisMonth) -> PlainTable:
    rows = tuple(
        (
            c.currency.upper(),
            money(float(c.current), c.currency),
            money(float(c.previous), c.currency),
            _signed(c.change, c.currency),
            "-" if c.change_ratio is None else percent(c.change_ratio * 100, signed=True),
        )
        for c in month.comparisons
    )
    first = month.comparisons[0] if month.comparisons else None
    if first is None or first.current_end == first.current_start:
        caption = "No complete day of this month yet."
    else:
        last = first.current_end - timedelta(days=1)
        previous = first.previous_end - timedelta(days=1)
        caption = (
            f"this month: {first.current_start} to {last}; last month: "
            f"{first.previous_start} to {previous} (complete UTC days, billed)"
        )
    columns = (
        Column("currency"),
        Column("this month", numeric=True),
        Column("last month", numeric=True),
        Column("change", numeric=True),
        Column("change %", numeric=True),
    )
    return PlainTable("Same days last month", columns, rows, caption=caption)


def _anomalies_table(report: Report, month: ThisMonth) -> PlainTable:
    shown, rest = anomalies_shown(month, report.top)
    start, end = month.anomalies_start, month.anomalies_end
    days = f"{start} to {end - timedelta(days=1)}" if start and end else ""
    rows: list[tuple[str, ...]] = []
    for a in shown:
        drivers = "; ".join(
            f"{display_name(report, d.name) or d.name} {_signed(d.above_baseline, a.currency)}"
            for d in a.drivers[:DRIVERS_SHOWN]
        )
        more = len(a.drivers) - DRIVERS_SHOWN
        if more > 0:
            drivers += f"; and {more:,} more"
        rows.append(
            (
                a.day.isoformat(),
                display_name(report, a.scope_id) or a.scope_id,
                _KINDS.get(a.scope_kind, a.scope_kind),
                a.direction,
                _signed(a.jump, a.currency),
                money(float(a.actual), a.currency),
                money(float(a.baseline), a.currency),
                drivers,
            )
        )
    caption = (
        "change: the day's spend above (+) or below (-) its weekday-aware baseline; drivers: "
        "what moved it, largest first (as the alert command reports them)"
    )
    if rest:
        rows.append((rest_label(len(rest)), "", "", "", "", "", "", ""))
        caption += (
            f". {len(rest):,} more anomalies of smaller moves in the last row; --format json "
            "lists every one"
        )
    columns = (
        Column("day"),
        Column("scope"),
        Column("kind"),
        Column("direction"),
        Column("change", numeric=True),
        Column("spent", numeric=True),
        Column("baseline", numeric=True),
        Column("drivers", wrap=True),
    )
    return PlainTable(
        f"Anomalies, {days}",
        columns,
        tuple(rows),
        caption=caption,
        empty="No anomalies in these days.",
    )
