"""The ``attribute`` command: billed spend per user, API key, model ... reconciled to the cent.

Tables show the range's totals per group (by name), the spend that could not be attributed
(by reason) and how far list-price estimates were from the bill. CSV, JSON and NDJSON are
the library's records (``Attribution.to_records``): one row per bucket and group, then the
remainder rows, raw IDs, amounts as numbers; ``--names`` adds ``<field>_name`` columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO

import click

from openai_org_usage.attribution import GROUPINGS, NAME_KINDS, Attribution, attribute

from ._fetch import fetch_all
from ._options import (
    CONTEXT_SETTINGS,
    names_options,
    output_options,
    range_options,
    source_options,
    stderr_line,
)
from ._render import (
    console_for,
    describe_range,
    money,
    new_table,
    open_output,
    titled,
    write_csv,
    write_json,
    write_ndjson,
)
from ._rows import Record, iso_utc
from ._source import DEMO_NOTICE, LoadedNames, load_names, open_source
from ._timerange import RangeError, resolve

_NONE = "(none)"
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
  openai-org-usage attribute --by user_id --last 30d
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
@click.option(
    "--by",
    "by",
    multiple=True,
    type=click.Choice(GROUPINGS),
    help="Group spend by this field (repeatable). Default: user_id.",
)
@click.option(
    "--bucket-width",
    type=click.Choice(("1d", "1h")),
    default="1d",
    show_default=True,
    help="Rows per UTC day or hour (CSV/JSON); the bill is daily, hours share their day's.",
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
    demo: bool,
    base_url: str | None,
    fmt: str,
    output: str | None,
    ids: bool,
    names: bool,
) -> None:
    """Spend per user, API key, model or project: usage at list prices, reconciled to the bill.

    The costs endpoint only splits spend by project and line item; this shares each day's
    bill out to whoever used it, so the amounts add up to what was billed.
    """
    fields = by or ("user_id",)
    source = open_source(demo=demo, base_url=base_url)
    with source.client:
        try:
            time_range = resolve(start=start, end=end, last=last, tz=tz, now=source.now)
        except RangeError as exc:
            raise click.UsageError(str(exc)) from None
        loaded = LoadedNames(None)
        wants_names = (fmt == "table" and not ids) or names
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
    with open_output(output) as out:
        render_attribution(
            fmt,
            out,
            result,
            names=names,
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
    fmt: str, out: TextIO, result: Attribution, *, names: bool, title: str
) -> None:
    """Write ``result`` in ``fmt`` (table: totals per group; others: every row)."""
    if fmt != "table":
        rows = records_of(result, names=names)
        if fmt == "json":
            write_json(out, rows)
        elif fmt == "ndjson":
            write_ndjson(out, rows)
        else:
            write_csv(out, result.columns(names=names), rows)
        return
    console = console_for(out)
    for table in attribution_tables(result, title):
        console.print(table)


def attribution_tables(result: Attribution, title: str) -> list[Any]:
    """The tables of ``attribute``: spend per group, the remainder by reason, the totals."""
    cur = result.currency
    totals = result.totals
    billed = float(totals.billed)

    def share(amount: Decimal) -> str:
        return f"{float(amount) / billed * 100:.1f}%" if billed else "-"

    groups = new_table(
        title,
        caption="billed: the bill shared out by usage; estimated: the same usage at list prices",
    )
    for field in result.by:
        groups.add_column(_LABELS.get(field, field), no_wrap=True)
    for column in ("billed", "share", "estimated"):
        groups.add_column(column, justify="right", no_wrap=True)
    for group, estimated, attributed in result.by_group():
        cells = [result.label(f, group.get(f)) or _NONE for f in result.by]
        groups.add_row(
            *cells, money(float(attributed), cur), share(attributed), money(float(estimated), cur)
        )
    tables: list[Any] = [groups]
    remainder = result.remainder_by_reason()
    if remainder:
        rest = new_table("Spend no group can be given")
        rest.add_column("reason", overflow="fold")
        rest.add_column("billed", justify="right", no_wrap=True)
        rest.add_column("share", justify="right", no_wrap=True)
        rest.add_column("line items", overflow="fold")
        for reason, amount, items in remainder:
            rest.add_row(reason, money(float(amount), cur), share(amount), "; ".join(items))
        tables.append(rest)
    summary = new_table("Totals", caption=f"prices: {result.price_data}")
    summary.add_column("what")
    summary.add_column("amount", justify="right", no_wrap=True)
    summary.add_row("Billed (costs endpoint)", money(billed, cur))
    summary.add_row("Attributed", money(float(totals.attributed), cur))
    summary.add_row("Not attributed", money(float(totals.remainder), cur))
    summary.add_row("Estimated at list prices", money(float(totals.estimated), cur))
    gap = totals.estimate_gap
    if gap is not None:
        summary.add_row("Estimate vs bill (matched line items)", f"{gap * 100:+.2f}%")
    if totals.unbilled_estimate:
        summary.add_row(
            "Estimated, no line item billed", money(float(totals.unbilled_estimate), cur)
        )
    tables.append(summary)
    return tables


def describe_groups(fields: Sequence[str]) -> str:
    """``user and model``: the grouping in words."""
    return " and ".join(_LABELS.get(f, f) for f in fields)
