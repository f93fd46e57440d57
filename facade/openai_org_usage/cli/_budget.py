"""The ``budget`` command: this month's spend against limits, alert thresholds and forecasts.

The library's :func:`~openai_org_usage.budget.budget_status` for the UTC calendar month so far,
by name: the organization and each project (billed, from the costs endpoint) and each API key
with its own limit (reconciled: its share of the bill from the attribution). Tables for people;
``--format json`` is one document (the month, its span, notes and one record per scope),
``csv``/``ndjson`` one record per scope (a CSV ``alerts`` cell holds the thresholds as JSON).

``--fail-over PCT`` exits with :data:`OVER` (3) when any scope's spend or month-end forecast
(point) reaches PCT% of its limit, naming each on standard error: for cron and CI.
"""

from __future__ import annotations

import math
import sys
from decimal import Decimal
from typing import Any, Final, TextIO

import click
from rich.markup import escape

from openai_org_usage.budget import RECORD_FIELDS, BudgetStatus, ScopeBudget, budget_status
from openai_org_usage.forecast import DEFAULT_METHOD, METHODS

from ._formatting import money, percent
from ._options import CONTEXT_SETTINGS, output_options, source_options, stderr_line
from ._source import DEMO_NOTICE, SourceSettings, demo_errors, load_names, open_source
from ._table import console_for, new_table, titled
from ._writers import OutputSettings, open_output, write_csv, write_json, write_ndjson

__all__ = [
    "OVER",
    "budget_command",
    "budget_tables",
    "parse_percentage",
    "plain",
    "render_budget",
    "scope_label",
]

OVER: Final = 3
"""Exit code of ``--fail-over`` when a scope reached the percentage (1, 2 and 130 are the
errors' codes: ``_errors``)."""

_KINDS: Final = {"organization": "organization", "project": "project", "api_key": "API key"}

EPILOG = """\b
Examples:
  openai-org-usage budget --demo
  openai-org-usage budget --demo --format json
  openai-org-usage budget --fail-over 90

\b
The month is the UTC calendar month (the billing month), up to now. Organization and project
spend is billed (the costs endpoint); an API key's is reconciled: its share of the bill, from
usage at list prices, reconciled to the cent (the costs endpoint does not split by key).
The forecast reads up to a year of daily costs; its interval comes from past months.
Exit codes: 0 fine; 3 --fail-over PCT reached (spend or forecast at PCT% of a limit, each
named on standard error); 1 the API failed; 2 a bad option."""


def parse_percentage(ctx: click.Context, param: click.Parameter, value: str | None) -> float | None:
    """A click callback: a finite percentage >= 0 (``80``, ``99.5``), or None."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise click.BadParameter(
            f"{value!r} is not a percentage: expected a number >= 0, e.g. 90", ctx, param
        )
    return number


@click.command("budget", context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.option(
    "--fail-over",
    "fail_over",
    metavar="PCT",
    callback=parse_percentage,
    help="Exit with code 3 when any scope's spend or month-end forecast reaches PCT% of its "
    "limit (each one named on standard error). For cron and CI.",
)
@click.option(
    "--method",
    type=click.Choice(METHODS),
    default=DEFAULT_METHOD,
    show_default=True,
    help="Forecast method.",
)
@source_options
@output_options
def budget_command(
    fail_over: float | None, method: str, api: SourceSettings, output: OutputSettings
) -> None:
    """This month's spend against its limits and alert thresholds, with a forecast.

    For the organization, each project and each API key with its own limit: spend so far,
    the limit and the share of it spent, the spend alerts crossed, the month-end forecast
    with its interval, and the day the limit is reached at the forecast rate.
    """
    source = open_source(api)
    with source.client, demo_errors(source):
        if source.demo:
            stderr_line(DEMO_NOTICE)
        loaded = load_names(source)
        if loaded.summary:
            stderr_line(loaded.summary)
        status = budget_status(
            source.client,
            now=source.now,
            names=loaded.names,
            method=method,  # type: ignore[arg-type]  # a click.Choice of METHODS
        )
    for note in status.notes:
        stderr_line(f"openai-org-usage: note: {note}")
    with open_output(output.path) as out:
        render_budget(output.fmt, out, status, demo=source.demo, csv_raw=output.csv_raw)
    if fail_over is not None:
        over = status.over(Decimal(repr(fail_over)))
        for scope, why in over:
            stderr_line(
                f"openai-org-usage: over {fail_over:g}%: {scope_label(scope)}: {why} "
                f"({_money(scope.spent, scope)} spent, {_money(scope.forecast.point, scope)} "
                f"forecast, limit {_money(scope.limit, scope)})"
            )
        if over:
            sys.exit(OVER)


def scope_label(scope: ScopeBudget) -> str:
    """``project Search ranking``, ``API key tools-cli (Internal tools)``, ``organization``."""
    if scope.kind == "organization":
        return "organization"
    label = f"{_KINDS[scope.kind]} {scope.name}"
    return f"{label} ({scope.project_name})" if scope.project_name else label


def _money(amount: Decimal | None, scope: ScopeBudget) -> str:
    return "-" if amount is None else money(float(amount), scope.currency)


def _pct(value: Decimal | None) -> str:
    return "-" if value is None else percent(float(value))


def plain(value: Any) -> Any:
    """``value`` with every ``Decimal`` in it (lists and dicts too) as a float, for JSON."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def render_budget(
    fmt: str, out: TextIO, status: BudgetStatus, *, demo: bool, csv_raw: bool = False
) -> None:
    """Write ``status`` in ``fmt``: tables, one JSON document, or one record per scope."""
    if fmt == "json":
        write_json(out, status.to_json())
        return
    if fmt == "ndjson":
        write_ndjson(out, [plain(r) for r in status.to_records()])
        return
    if fmt == "csv":
        # Decimal cells are written exactly; the alerts list is one JSON cell.
        rows = [r | {"alerts": plain(r["alerts"])} for r in status.to_records()]
        write_csv(out, RECORD_FIELDS, rows, raw=csv_raw)
        return
    console = console_for(out)
    for table in budget_tables(status, demo=demo):
        console.print(table)


def budget_tables(status: BudgetStatus, *, demo: bool) -> list[Any]:
    """The spend-and-forecast table and the alert thresholds table."""
    span = f"{status.month:%B %Y}, to {status.end:%Y-%m-%d %H:%M} UTC"
    coverage = status.scopes[0].forecast.coverage if status.scopes else 0.8
    caption = (
        "organization and projects: billed (costs endpoint); API keys: reconciled (their "
        f"share of the bill, to the cent). Forecast: month-end point, {coverage:.0%} interval "
        "low-high; reached: the day spend reaches the limit at the forecast rate"
    )
    main = new_table(titled(f"Budget, {span}", demo), caption=caption)
    main.add_column("scope")
    main.add_column("kind", no_wrap=True)
    for column in ("spent", "limit", "used", "forecast", "low", "high", "of limit"):
        main.add_column(column, justify="right", no_wrap=True)
    main.add_column("reached", no_wrap=True)
    for scope in status.scopes:
        fc = scope.forecast
        main.add_row(
            escape(scope.name),
            _KINDS[scope.kind]
            + (f" of {escape(scope.project_name)}" if scope.project_name else ""),
            _money(scope.spent, scope),
            _money(scope.limit, scope),
            _pct(scope.percent_of_limit),
            _money(fc.point, scope),
            _money(fc.lower, scope),
            _money(fc.upper, scope),
            _pct(scope.forecast_percent_of_limit),
            scope.limit_reached_on.isoformat() if scope.limit_reached_on else "-",
        )
    alerts = new_table(
        "Spend alert thresholds",
        caption="crossed: the UTC day this month's spend reached the threshold",
    )
    alerts.empty = "No spend alerts are set."
    alerts.add_column("scope")
    alerts.add_column("threshold", justify="right", no_wrap=True)
    alerts.add_column("of limit", justify="right", no_wrap=True)
    alerts.add_column("crossed", no_wrap=True)
    for scope in status.scopes:
        for threshold in scope.alerts:
            alerts.add_row(
                escape(scope_label(scope)),
                _money(threshold.amount, scope),
                _pct(threshold.percent_of_limit),
                threshold.crossed_on.isoformat()
                if threshold.crossed_on
                else ("yes" if threshold.crossed else "not yet"),
            )
    return [main, alerts]
