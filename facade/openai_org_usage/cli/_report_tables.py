"""The ``report`` command's output: its tables (text and HTML) and its records (CSV, NDJSON).

The report's tables are built once as plain text cells (:class:`PlainTable`); the text report
(rich) and the HTML report both render those, so they show the same numbers.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any, TextIO

import attrs
from rich.markup import escape
from rich.table import Table

from ._formatting import describe_range, human_bytes, money, number, percent, when
from ._report import OTHER_METRICS, DailySpend, Report, Spend, Tokens
from ._rows import Record
from ._table import console_for, new_table, rest_label, rest_note, titled, top_and_rest
from ._this_month_tables import Column, PlainTable, display_name, month_plain_tables
from ._writers import write_csv, write_json, write_ndjson

__all__ = [
    "Column",
    "PlainTable",
    "display_name",
    "line_items",
    "notes_plain_table",
    "render_report",
    "report_long",
    "report_plain_tables",
    "report_records",
    "report_tables",
]

_TABLE_SPEND_ROWS = 15
"""Projects, line items and models a table lists at least (``--top`` may ask more)."""
_LINE_ITEMS_SHOWN = 5
_NONE = "(none)"
_SUMMARY_KEYS = (
    "start",
    "end",
    "tz",
    "bucket_width",
    "synthetic",
    "currency",
    "total_spend",
    "user_count",
    "api_key_count",
    "vector_stores_as_of",
)
_OTHER_LABELS: dict[tuple[str, str], str] = {
    ("embeddings", "input_tokens"): "input tokens",
    ("moderations", "input_tokens"): "input tokens",
    ("images", "images"): "images",
    ("audio_speeches", "characters"): "characters",
    ("audio_transcriptions", "seconds"): "seconds",
    ("vector_stores", "usage_bytes"): "stored bytes (latest day)",
    ("code_interpreter_sessions", "num_sessions"): "sessions",
    ("file_search_calls", "num_requests"): "calls",
    ("web_search_calls", "num_requests"): "calls",
}


def render_report(fmt: str, out: TextIO, report: Report, *, csv_raw: bool = False) -> None:
    """Write the report in ``fmt`` (``csv_raw``: CSV cells exactly as they are)."""
    if fmt == "json":
        write_json(out, report.to_dict())
    elif fmt == "ndjson":
        write_ndjson(out, report_records(report))
    elif fmt == "csv":
        write_csv(out, ("section", "name", "metric", "value"), report_long(report), raw=csv_raw)
    else:
        console = console_for(out)
        for table in report_tables(report):
            console.print(table)


def report_records(report: Report) -> list[Record]:
    """The report as one object per entity, each tagged with its ``section``.

    With several currencies (summary ``currency`` ``mixed``, ``total_spend`` null), a
    ``total_spend_by_currency`` record per currency follows the summary and every spend
    entry names its currency; with one, the summary's ``currency`` covers every amount.
    """
    data = report.to_dict()
    records: list[Record] = [{"section": "summary"} | {key: data[key] for key in _SUMMARY_KEYS}]
    if report.mixed_currency:
        records.extend(
            {"section": "total_spend_by_currency", "currency": currency, "amount": amount}
            for currency, amount in data["total_spend_by_currency"].items()
        )
    records.append({"section": "completions"} | data["completions"])
    for section in (
        "spend_by_project",
        "spend_by_line_item",
        "models",
        "top_users",
        "top_api_keys",
    ):
        records.extend({"section": section} | entry for entry in data[section])
    records.extend(
        {"section": "other", "endpoint": name} | fields for name, fields in data["other"].items()
    )
    return records


def report_long(report: Report) -> list[Record]:
    """The report as ``section, name, metric, value`` rows: a header that never changes."""
    rows: list[Record] = []
    for record in report_records(report):
        section = record.pop("section")
        name_field = next(
            (
                k
                for k in ("project_id", "line_item", "model", "user_id", "api_key_id", "endpoint")
                if k in record
            ),
            "currency" if section == "total_spend_by_currency" else None,
        )
        name = record.pop(name_field) if name_field else None
        rows.extend(
            {"section": section, "name": name, "metric": metric, "value": value}
            for metric, value in record.items()
        )
    return rows


def report_plain_tables(report: Report) -> list[PlainTable]:
    """The report's tables, summary first (what the text and HTML reports show).

    Money is shown one currency at a time: with several, the summary has a total per
    currency and a note, and each spend table comes once per currency (its title says
    which), with shares of that currency's total. No cell adds two currencies.
    """
    done = report.completions
    views = report.views()
    mixed = len(views) > 1

    def in_(title: str, currency: str) -> str:
        return f"{title} ({currency.upper()})" if mixed else title

    totals = tuple(
        (in_("Total spend", cur), money(view.total_spend or 0.0, cur)) for cur, view in views
    )
    # The rest of what a reader should know about the range and currencies is in the Notes
    # at the end; the two totals of a bill in several currencies say why here.
    listed = ", ".join(c.upper() for c in report.currencies)
    captions = [
        f"Billed in {len(views)} currencies ({listed}): one total per currency, never added"
        if mixed
        else None,
    ]
    summary = PlainTable(
        title=f"Usage report, {describe_range(report.start, report.end)}",
        columns=(Column("what"), Column("total", numeric=True)),
        rows=(
            *totals,
            ("Completions requests", number(done.num_model_requests)),
            (
                "Input tokens (cached)",
                f"{number(done.input_tokens)} ({number(done.input_cached_tokens)})",
            ),
            ("Output tokens", number(done.output_tokens)),
        ),
        show_header=False,
        caption=". ".join(c for c in captions if c) or None,
        strong_rows=frozenset(range(len(totals))),
        synthetic=report.demo,
    )
    tables = [summary]
    tables += [
        _spend_table(
            in_("Spend by project", cur),
            "project",
            [
                Spend(display_name(view, s.name), s.amount, s.currency)
                for s in view.spend_by_project
            ],
            view,
        )
        for cur, view in views
    ]
    tables += [
        _spend_table(in_("Spend by line item", cur), "line item", view.spend_by_line_item, view)
        for cur, view in views
    ]
    # Attributed spend, when the report has it: estimated from usage, reconciled to the bill.
    for title, what, field in (
        ("Spend by user", "user", "spend_by_user"),
        ("Spend by API key", "API key", "spend_by_api_key"),
    ):
        for cur, view in views:
            entries = getattr(view, field, ())
            if entries:
                tables.append(_attributed_table(in_(title, cur), what, entries, view))
    for cur, view in views:
        unattributed = getattr(view, "unattributed", ())
        if unattributed:
            tables.append(
                _unattributed_table(
                    unattributed, view, in_("Spend no user or key can be given", cur)
                )
            )
    for title, what, field, daily in (
        ("Daily spend by model", "model", "spend_by_model", "daily_spend_by_model"),
        ("Daily spend by user", "user", "spend_by_user", "daily_spend_by_user"),
    ):
        for cur, view in views:
            if getattr(view, daily, ()):
                tables.append(
                    _daily_table(
                        in_(f"{title} (attributed)", cur),
                        what,
                        getattr(view, field),
                        getattr(view, daily),
                        view,
                    )
                )
    tables += [
        _models_table(report.models, max(report.top, _TABLE_SPEND_ROWS)),
        _top_table(report, "users", "user", report.users or report.top_users, report.user_count),
        _top_table(
            report,
            "API keys",
            "API key",
            report.api_keys or report.top_api_keys,
            report.api_key_count,
        ),
        _other_table(report),
    ]
    return tables


def _see_all(count: int, *, in_json: bool = True) -> str:
    """How to see every entry (``in_json``: the JSON output lists them all too)."""
    listed = f"--top {count} lists them all"
    return f"{listed}, --format json every entry" if in_json else listed


def _share(amount: float, report: Report) -> str:
    """``amount`` as a share of the report's total spend (one currency: a view's)."""
    total = report.total_spend
    return percent(amount / total * 100 if total else 0.0)


def _attributed_table(title: str, what: str, entries: Sequence[Any], report: Report) -> PlainTable:
    """Billed spend per user or key; the estimate at list prices it was reconciled from.

    ``report``: in the entries' one currency (``Report.in_currency``).
    """
    cur = report.currency
    rows: list[tuple[str, ...]] = []
    shown, rest = top_and_rest(entries, report.top)
    for entry in shown:
        rows.append(
            (
                display_name(report, entry.id) or _NONE,
                money(entry.amount, cur),
                _share(entry.amount, report),
                money(entry.estimated, cur),
            )
        )
    caption = (
        "billed: the exact bill, split in proportion to usage at list prices (only the "
        "split is estimated); estimated: that usage at list prices"
    )
    if rest:
        amount = math.fsum(e.amount for e in rest)
        caption += ". " + rest_note(len(rest), f"{what}s", _see_all(len(entries)))
        rows.append(
            (
                rest_label(len(rest)),
                money(amount, cur),
                _share(amount, report),
                money(math.fsum(e.estimated for e in rest), cur),
            )
        )
    columns = (
        Column(what),
        Column("billed", numeric=True),
        Column("share", numeric=True),
        Column("estimated", numeric=True),
    )
    return PlainTable(title, columns, tuple(rows), caption=caption)


def _unattributed_table(
    entries: Sequence[Any], report: Report, title: str = "Spend no user or key can be given"
) -> PlainTable:
    rows = tuple(
        (entry.reason, money(entry.amount, report.currency), line_items(entry.line_items))
        for entry in entries
    )
    columns = (
        Column("reason", wrap=True),
        Column("spend", numeric=True),
        Column("line items", wrap=True),
    )
    return PlainTable(title, columns, rows)


def report_tables(report: Report) -> list[Table]:
    """The report as rich tables: the month first, then the range (summary first), then the
    notes."""
    notes = notes_plain_table(report)
    plain = [
        *month_plain_tables(report),
        *report_plain_tables(report),
        *((notes,) if notes else ()),
    ]
    return [_rich_table(table) for table in plain]


def _rich_table(plain: PlainTable) -> Table:
    title = titled(escape(plain.title), plain.synthetic)
    table = new_table(title, caption=escape(plain.caption) if plain.caption else None)
    table.show_header = plain.show_header
    for column in plain.columns:
        table.add_column(
            column.label,
            justify="right" if column.numeric else "left",
            overflow="fold" if column.wrap else "ellipsis",
        )
    if plain.empty:
        table.empty = escape(plain.empty)
    for index, row in enumerate(plain.rows):
        cells = [escape(cell) for cell in row]
        if index in plain.strong_rows:
            cells = [f"[bold]{cell}[/]" for cell in cells]
        table.add_row(*cells)
    return table


def line_items(items: Sequence[str]) -> str:
    """Line items, largest first, for a cell: the first few, then how many more."""
    if len(items) <= _LINE_ITEMS_SHOWN + 1:
        return "; ".join(items)
    return f"{'; '.join(items[:_LINE_ITEMS_SHOWN])}; and {len(items) - _LINE_ITEMS_SHOWN:,} more"


def _spend_table(title: str, what: str, spends: Sequence[Spend], report: Report) -> PlainTable:
    rows: list[tuple[str, ...]] = []

    def add(name: str, amount: float) -> None:
        rows.append((name, money(amount, report.currency), _share(amount, report)))

    # The long tail is folded into one row; the machine formats list every entry.
    shown, rest = top_and_rest(spends, max(report.top, _TABLE_SPEND_ROWS))
    for spend in shown:
        add(spend.name or _NONE, spend.amount)
    caption = None
    if rest:
        add(rest_label(len(rest)), math.fsum(s.amount for s in rest))
        caption = rest_note(len(rest), f"{what}s", _see_all(len(spends)))
    columns = (Column(what), Column("spend", numeric=True), Column("share", numeric=True))
    return PlainTable(title, columns, tuple(rows), caption=caption)


# (label, field of ``Tokens.as_dict``) of the completions tables' number columns.
_MODEL_COLUMNS = (
    ("requests", "num_model_requests"),
    ("input tokens", "input_tokens"),
    ("cached input", "input_cached_tokens"),
    ("output tokens", "output_tokens"),
)
_TOP_COLUMNS = (
    ("tokens", "total_tokens"),
    ("input", "input_tokens"),
    ("output", "output_tokens"),
    ("requests", "num_model_requests"),
)


def _models_table(models: Sequence[Tokens], top: int) -> PlainTable:
    shown, rest = top_and_rest(models, top)
    return _tokens_table(
        "Completions by model", "model", shown, rest, _MODEL_COLUMNS, _see_all(len(models))
    )


def _top_table(
    report: Report, what: str, column: str, entries: Sequence[Tokens], count: int
) -> PlainTable:
    """The users or keys with the most tokens; a last row sums the rest, when the report
    has every entry (``Report.users``), else says how many more there are."""
    shown, rest = top_and_rest(entries, report.top)
    named = [attrs.evolve(t, name=display_name(report, t.name)) for t in shown]
    table = _tokens_table(
        f"Top {what} by tokens ({len(shown)} of {count})",
        column,
        named,
        rest,
        _TOP_COLUMNS,
        # The JSON has the top users and keys by tokens only (and their spend, every one).
        _see_all(count, in_json=False),
    )
    if not rest and count > len(shown):
        # A report built with the top entries only: how many more there are, no sum.
        note = f"{count - len(shown):,} more {what} not listed; --top {count} lists them all"
        return attrs.evolve(table, caption=note)
    return table


def _tokens_table(
    title: str,
    what: str,
    entries: Sequence[Tokens],
    rest: Sequence[Tokens],
    numbers: Sequence[tuple[str, str]],
    see_all: str,
) -> PlainTable:
    """Completions usage per model, user or key: a name, then ``numbers`` (label, field);
    the entries in ``rest`` summed in one last row."""

    def row(name: str, entry: Tokens) -> tuple[str, ...]:
        values = entry.as_dict(None)
        return (name, *(number(values[field]) for _, field in numbers))

    rows = [row(entry.name or _NONE, entry) for entry in entries]
    caption = None
    if rest:
        rows.append(row(rest_label(len(rest)), _sum_tokens(rest)))
        caption = rest_note(len(rest), f"{what}s", see_all)
    columns = (Column(what), *(Column(label, numeric=True) for label, _ in numbers))
    return PlainTable(title, columns, tuple(rows), caption=caption)


def _sum_tokens(entries: Sequence[Tokens]) -> Tokens:
    return Tokens(
        None,
        input_tokens=sum(e.input_tokens for e in entries),
        output_tokens=sum(e.output_tokens for e in entries),
        input_cached_tokens=sum(e.input_cached_tokens for e in entries),
        num_model_requests=sum(e.num_model_requests for e in entries),
    )


def _other_table(report: Report) -> PlainTable:
    rows: list[tuple[str, ...]] = []
    for name, fields in OTHER_METRICS.items():
        for field in fields:
            value = report.other[name][field]
            label = _OTHER_LABELS.get((name, field), field.replace("_", " ").replace("num ", ""))
            shown = number(value)
            if field == "usage_bytes":
                shown = f"{shown} ({human_bytes(value)})"
                if report.vector_stores_as_of:
                    label = f"stored bytes on {when(report.vector_stores_as_of)}"
            rows.append((name.replace("_", " "), label, shown))
    columns = (Column("endpoint"), Column("metric"), Column("total", numeric=True))
    return PlainTable("Other endpoints", columns, tuple(rows))


# -- daily attributed spend --------------------------------------------------------------------

DAILY_COLUMNS = 7
"""Days a daily table shows: the last of the range (the JSON and the charts have them all)."""


def daily_table_days(report: Report, entries: Sequence[DailySpend]) -> list[tuple[date, bool]]:
    """The days a daily table shows, ``(UTC day, partial)``: the last ``DAILY_COLUMNS`` of
    the entries, each marked when the report's range covers only part of it."""
    days = sorted({e.start.astimezone(UTC).date() for e in entries})[-DAILY_COLUMNS:]

    def partial(day: date) -> bool:
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        return start < report.start or start + timedelta(days=1) > report.end

    return [(day, partial(day)) for day in days]


def _daily_table(
    title: str,
    what: str,
    totals: Sequence[Any],
    entries: Sequence[DailySpend],
    report: Report,
) -> PlainTable:
    """Attributed spend per model or user: the range's total, then its last days; the top
    ``report.top`` by total, then one row summing the rest (``report``: one currency)."""
    cur = report.currency
    days = daily_table_days(report, entries)
    per_day: dict[tuple[str | None, date], float] = defaultdict(float)
    for e in entries:
        per_day[e.name, e.start.astimezone(UTC).date()] += e.amount
    ranked = list(totals)
    shown, rest = top_and_rest(ranked, report.top)

    def cells(amount: float, values: Sequence[float]) -> tuple[str, ...]:
        return (money(amount, cur), *(money(v, cur) for v in values))

    rows = [
        (
            display_name(report, t.id) or _NONE,
            *cells(t.amount, [per_day.get((t.id, d), 0.0) for d, _ in days]),
        )
        for t in shown
    ]
    caption = (
        "billed spend shared out by usage at list prices (as Spend by user); the last "
        f"{len(days)} UTC days of the range"
    )
    if any(partial for _, partial in days):
        caption += "; * a day the range covers in part"
    if rest:
        names = {t.id for t in rest}
        values = [
            math.fsum(v for (name, day), v in per_day.items() if day == d and name in names)
            for d, _ in days
        ]
        rows.append((rest_label(len(rest)), *cells(math.fsum(t.amount for t in rest), values)))
        caption += ". " + rest_note(len(rest), f"{what}s", _see_all(len(ranked)))
    columns = (
        Column(what),
        Column("total", numeric=True),
        *(Column(f"{d:%b %d}" + ("*" if partial else ""), numeric=True) for d, partial in days),
    )
    return PlainTable(title, columns, tuple(rows), caption=caption)


# -- notes -------------------------------------------------------------------------------------


def notes_plain_table(report: Report) -> PlainTable | None:
    """The Notes at the end: the range, the currencies, the month, the names (what could not
    be read); one line for the names in a terminal (the JSON and the page have each)."""
    notes = list(report.notes_shown)
    names = [n for n in notes if n.startswith("names")]
    if names:
        first = notes.index(names[0])
        notes = [n for n in notes if n not in names]
        more = f" (and {len(names) - 1} more like it)" if len(names) > 1 else ""
        notes.insert(first, names[0] + more)
    elif not report.named:
        notes.append("names: not looked up (--ids): projects, users and API keys show their IDs")
    if not notes:
        return None
    return PlainTable("Notes", (Column("note", wrap=True),), tuple((n,) for n in notes), False)
