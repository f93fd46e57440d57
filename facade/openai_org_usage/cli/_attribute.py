"""The ``attribute`` command: billed spend per user, API key, model ... reconciled to the cent.

Tables show the range's totals per group (by name; the ``--top`` largest, then one row summing
the rest), the spend that could not be attributed (by reason) and how far list-price
estimates were from the bill. CSV, JSON and NDJSON are the library's records
(``Attribution.to_records``), never summarised: one row per bucket and group, then the
remainder rows, raw IDs, amounts as numbers; ``--names`` adds ``<field>_name`` columns.

Money in several currencies is never added: every record names its currency, the tables
show each amount in its own and the totals per currency with a note, and the machine
formats get that note on standard error.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO

import click
from rich.markup import escape

from openai_org_usage.attribution import (
    BILLED_UNITS,
    GROUPINGS,
    NAME_KINDS,
    Attribution,
    attribute,
)
from openai_org_usage.timerange import RangeError, resolve

from ._fetch import fetch_all
from ._formatting import describe_range, money, percent
from ._options import (
    CONTEXT_SETTINGS,
    choices_option,
    names_options,
    output_options,
    range_options,
    source_options,
    stderr_line,
)
from ._report import currency_note
from ._report_tables import line_items
from ._rows import Record, iso_utc
from ._source import (
    DEMO_NOTICE,
    LoadedNames,
    SourceSettings,
    demo_errors,
    load_names,
    open_source,
)
from ._table import console_for, new_table, rest_label, rest_note, titled, top_and_rest
from ._writers import OutputSettings, open_output, write_csv, write_json, write_ndjson

_NONE = "(none)"
DEFAULT_TOP = 20
"""Groups the table lists by default: with the other two tables, about a screenful."""
_PLURALS = {"batch": "batch values", "service_tier": "service tiers"}
_LABELS = {
    "user_id": "user",
    "api_key_id": "API key",
    "project_id": "project",
    "model": "model",
    "batch": "batch",
    "service_tier": "service tier",
    "api_source": "API source",
}

EPILOG = """\b
Examples:
  openai-org-usage attribute --demo
  openai-org-usage attribute --by user_id --last 30d --top 50
  openai-org-usage attribute --by api_key_id --by model --last 7d --format csv -o spend.csv
  openai-org-usage attribute --by project_id --by user_id --bucket-width 1h --last 2d --format json

\b
How: each usage row (completions, decisions, embeddings, speech, transcriptions, web search)
is priced at list price (genai-prices: cached, uncached and cache-write input, audio and image
tokens, batch and service tiers), then each day's bill per project and line item is shared
among the rows of its model in proportion, in whole cents. Spend that cannot be attributed
(images, storage, sessions, a model with no price, a fixed fee) is shown with the reason.
Attributed spend plus that remainder is the billed total, to the cent.
Without --start or --last: the last 30 days."""


@click.command("attribute", context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@range_options
@choices_option(
    "--by", "by", GROUPINGS, "Group spend by this field (repeatable). Default: user_id."
)
@click.option(
    "--bucket-width",
    type=click.Choice(("1d", "1h")),
    default="1d",
    show_default=True,
    help="Rows per UTC day or hour (CSV/JSON); the bill is daily, hours share their day's.",
)
@click.option(
    "--top",
    type=click.IntRange(min=1),
    default=DEFAULT_TOP,
    show_default=True,
    help="Table: groups to list, largest first; one last row sums the rest. csv/json/ndjson "
    "always list every row.",
)
@source_options
@output_options
@names_options
def attribute_command(
    start: str | None,
    end: str | None,
    last: str | None,
    tz: str | None,
    by: tuple[str, ...],
    bucket_width: str,
    top: int,
    api: SourceSettings,
    output: OutputSettings,
    ids: bool,
    names: bool,
) -> None:
    """Spend per user, API key, model or project: usage at list prices, reconciled to the bill.

    The costs endpoint only splits spend by project and line item; this shares each day's
    bill out to whoever used it, so the amounts add up to what was billed.
    """
    fields = by or ("user_id",)
    source = open_source(api)
    with source.client, demo_errors(source):
        try:
            time_range = resolve(start=start, end=end, last=last, tz=tz, now=source.now)
        except RangeError as exc:
            raise click.UsageError(str(exc)) from None
        loaded = LoadedNames(None)
        wants_names = (output.fmt == "table" and not ids) or names
        if source.demo:
            stderr_line(DEMO_NOTICE)
        if wants_names and any(f in NAME_KINDS for f in fields):
            loaded = load_names(source)
            if loaded.summary:
                stderr_line(loaded.summary)
        result = attribute(
            source.client,
            start=time_range.start,
            end=time_range.end,
            by=fields,
            bucket_width=bucket_width,
            names=loaded.names,
            fetch=fetch_all,
        )
    note = currency_note(result.currencies, who="groups")
    if note and output.fmt != "table":
        # The records name their currency; the note says not to add them across it.
        stderr_line(f"openai-org-usage: note: {note}")
    with open_output(output.path) as out:
        render_attribution(
            output.fmt,
            out,
            result,
            names=names,
            csv_raw=output.csv_raw,
            top=top,
            title=titled(
                f"Spend by {describe_groups(fields)}, "
                f"{describe_range(time_range.start, time_range.end)}",
                source.demo,
            ),
        )


def records_of(result: Attribution, *, names: bool) -> list[Record]:
    """``to_records`` as the machine formats write them: ISO-8601 times, numbers for money."""
    out: list[Record] = []
    for record in result.to_records(names=names):
        out.append(
            {
                key: iso_utc(value)
                if key in ("bucket_start", "bucket_end")
                else float(value)
                if isinstance(value, Decimal)
                else value
                for key, value in record.items()
            }
        )
    return out


def render_attribution(
    fmt: str,
    out: TextIO,
    result: Attribution,
    *,
    names: bool,
    title: str,
    csv_raw: bool = False,
    top: int = DEFAULT_TOP,
) -> None:
    """Write ``result`` in ``fmt`` (table: totals of the ``top`` largest groups, then the
    rest summed; others: every row)."""
    if fmt != "table":
        rows = records_of(result, names=names)
        if fmt == "json":
            write_json(out, rows)
        elif fmt == "ndjson":
            write_ndjson(out, rows)
        else:
            write_csv(out, result.columns(names=names), rows, raw=csv_raw)
        return
    console = console_for(out)
    for table in attribution_tables(result, title, top=top):
        console.print(table)


def attribution_tables(result: Attribution, title: str, *, top: int = DEFAULT_TOP) -> list[Any]:
    """The tables of ``attribute``: spend per group, the remainder by reason, the totals.

    Each amount is shown in its own currency and each share is of that currency's bill;
    with several currencies the totals have a column per currency and a note (never a sum).
    A table lists its ``top`` largest entries; one last row sums the rest (per currency).
    """
    currencies = result.currencies
    by_currency = result.totals_by_currency
    # Attributed spend is all in the list prices' currency (when it is one of the bill's).
    cur = BILLED_UNITS if BILLED_UNITS in by_currency else currencies[0]

    def share(amount: Decimal, currency: str = cur) -> str:
        billed = float(by_currency[currency].billed)
        return percent(float(amount) / billed * 100) if billed else "-"

    caption = "billed: the bill shared out by usage; estimated: the same usage at list prices"
    if len(currencies) > 1:
        caption += f" (all in {cur.upper()})"
    every = result.by_group(cur)
    shown, left_out = top_and_rest(every, top)
    if left_out:
        caption += ". " + rest_note(
            len(left_out),
            _plural(result.by),
            f"--top {len(every)} lists them all, --format csv every row",
        )
    groups = new_table(title, caption=caption)
    for field in result.by:
        groups.add_column(_LABELS.get(field, field), no_wrap=True)
    for column in ("billed", "share", "estimated"):
        groups.add_column(column, justify="right", no_wrap=True)
    for group, estimated, attributed in shown:
        cells = [escape(result.label(f, group.get(f)) or _NONE) for f in result.by]
        groups.add_row(
            *cells, money(float(attributed), cur), share(attributed), money(float(estimated), cur)
        )
    if left_out:
        # Decimal sums of whole cents: the rows still add up to the attributed total exactly.
        attributed = sum((a for _, _, a in left_out), Decimal(0))
        estimated = sum((e for _, e, _ in left_out), Decimal(0))
        groups.add_row(
            rest_label(len(left_out)),
            *([""] * (len(result.by) - 1)),
            money(float(attributed), cur),
            share(attributed),
            money(float(estimated), cur),
        )
    tables: list[Any] = [groups]
    remainder: list[tuple[str, str, Decimal, str]] = []
    folded = 0
    for currency in currencies:
        reasons = result.remainder_by_reason(currency)
        listed, rest_of = top_and_rest(reasons, top)
        remainder += [(currency, r, amount, line_items(items)) for r, amount, items in listed]
        if rest_of:
            folded += len(rest_of)
            amount = sum((a for _, a, _ in rest_of), Decimal(0))
            remainder.append((currency, rest_label(len(rest_of)), amount, ""))
    if remainder:
        note = (
            rest_note(folded, "reasons", "--format csv lists every remainder row")
            if folded
            else None
        )
        rest = new_table("Spend no group can be given", caption=note)
        rest.add_column("reason", overflow="fold")
        rest.add_column("billed", justify="right", no_wrap=True)
        rest.add_column("share", justify="right", no_wrap=True)
        rest.add_column("line items", overflow="fold")
        for currency, reason, amount, items in remainder:
            rest.add_row(
                escape(reason),
                money(float(amount), currency),
                share(amount, currency),
                escape(items),
            )
        tables.append(rest)
    tables.append(_totals_table(result))
    return tables


def _plural(fields: Sequence[str]) -> str:
    """What the groups are called, plural: ``users``; ``groups`` for several fields."""
    if len(fields) != 1:
        return "groups"
    field = fields[0]
    return _PLURALS.get(field, f"{_LABELS.get(field, field)}s")


def _totals_table(result: Attribution) -> Any:
    """Billed, attributed, remainder and estimates: one column per currency, never a sum.

    The estimates are at list prices, in USD: another currency's column shows none.
    """
    currencies = result.currencies
    note = currency_note(currencies, who="groups")
    # One line: the table shows control characters (a newline too) escaped.
    caption = f"prices: {result.price_data}" + (f". {note}" if note else "")
    summary = new_table("Totals", caption=escape(caption))
    summary.add_column("what")
    if len(currencies) == 1:
        summary.add_column("amount", justify="right", no_wrap=True)
    else:
        for currency in currencies:
            summary.add_column(currency.upper(), justify="right", no_wrap=True)
    totals = [result.totals_by_currency[c] for c in currencies]

    def amounts(field: str, *, estimate: bool = False) -> list[str]:
        return [
            "-"
            if estimate and len(currencies) > 1 and t.currency != BILLED_UNITS
            else money(float(getattr(t, field)), t.currency)
            for t in totals
        ]

    summary.add_row("Billed (costs endpoint)", *amounts("billed"))
    summary.add_row("Attributed", *amounts("attributed"))
    summary.add_row("Not attributed", *amounts("remainder"))
    summary.add_row("Estimated at list prices", *amounts("estimated", estimate=True))
    gaps = [t.estimate_gap for t in totals]
    if any(gap is not None for gap in gaps):
        summary.add_row(
            "Estimate vs bill (matched line items)",
            *("-" if gap is None else percent(gap * 100, 2, signed=True) for gap in gaps),
        )
    if any(t.unbilled_estimate for t in totals):
        summary.add_row(
            "Estimated, no line item billed", *amounts("unbilled_estimate", estimate=True)
        )
    return summary


def describe_groups(fields: Sequence[str]) -> str:
    """``user and model``: the grouping in words."""
    return " and ".join(_LABELS.get(f, f) for f in fields)
