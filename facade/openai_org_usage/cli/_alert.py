"""The ``alert`` command: limit crossings, forecast crossings and anomalies to a webhook.

What holds now is computed from :func:`~openai_org_usage.budget.budget_status` (spend at 50%,
80% and 100% of each limit; a month-end forecast at ``--forecast-pct`` of a limit) and from
:func:`~openai_org_usage.anomalies.find_anomalies` over eight weeks of daily spend (projects
with their line items; keys, users and models reconciled, with their models or keys), and
posted with :func:`~openai_org_usage.alerts.send_alerts`: each alert once, each resolution once,
remembered in the ``--state`` file.

The webhook URL is a credential: it comes from ``--webhook-url`` or the environment and is
never printed (only its scheme and host). The signing secret comes only from the environment
variable ``--secret-env`` names.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Final

import click

from openai_org_usage import InvalidParameterError
from openai_org_usage.alerts import (
    Alert,
    AlertScope,
    alert_payload,
    alerts_for_anomalies,
    alerts_for_forecast,
    alerts_for_limit,
    check_webhook_url,
    send_alerts,
    slack_payload,
)
from openai_org_usage.anomalies import find_anomalies
from openai_org_usage.budget import BudgetStatus, anomaly_scopes, budget_status

from ._errors import FAILURE
from ._options import CONTEXT_SETTINGS, source_options, stderr_line
from ._source import DEMO_NOTICE, SourceSettings, demo_errors, load_names, open_source

__all__ = ["REPORT_DAYS", "STATE_ENV", "WEBHOOK_ENV", "alert_command", "default_state_path"]

WEBHOOK_ENV: Final = "OPENAI_ORG_USAGE_WEBHOOK_URL"
STATE_ENV: Final = "OPENAI_ORG_USAGE_ALERT_STATE"
REPORT_DAYS: Final = 7
"""Anomalies are reported for the last complete days: older ones resolve."""

EPILOG = f"""\b
Examples:
  openai-org-usage alert --demo --dry-run
  OPENAI_ORG_USAGE_WEBHOOK_URL=https://hooks.slack.com/services/... \\
    openai-org-usage alert --format slack
  ALERT_SECRET=... openai-org-usage alert --webhook-url https://example.com/hook \\
    --secret-env ALERT_SECRET --state /var/lib/usage/alerts.json

\b
Alerts: spend at 50%, 80% and 100% of each spend limit (organization, projects, keys with
their own limit); the month-end forecast at --forecast-pct of a limit; an anomalous day in
the last {REPORT_DAYS} complete days (projects billed, with line items; API keys, users and
models reconciled). Each is posted once; one that no longer holds is posted once as resolved.
State: --state, else ${STATE_ENV}, else $XDG_STATE_HOME/openai-org-usage/alerts.json
(~/.local/state/openai-org-usage/alerts.json). Keep one state file per destination.
Exit codes: 0 every post delivered; 1 a post failed (tried again on the next run) or the
API failed; 2 a bad option."""


def default_state_path() -> Path:
    """``$OPENAI_ORG_USAGE_ALERT_STATE``, else ``$XDG_STATE_HOME/openai-org-usage/alerts.json``
    (``~/.local/state`` when ``XDG_STATE_HOME`` is unset)."""
    chosen = os.environ.get(STATE_ENV, "").strip()
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_STATE_HOME", "").strip() or str(Path.home() / ".local" / "state")
    return Path(base) / "openai-org-usage" / "alerts.json"


def _secret(name: str | None) -> str | None:
    if name is None:
        return None
    value = os.environ.get(name, "")
    if not value:
        raise click.BadParameter(
            f"the environment variable {name!r} is unset or empty: set it to the signing secret",
            param_hint="'--secret-env'",
        )
    return value


@click.command("alert", context_settings=CONTEXT_SETTINGS, epilog=EPILOG)
@click.option(
    "--webhook-url",
    envvar=WEBHOOK_ENV,
    show_envvar=True,
    metavar="URL",
    help="Where to post (https://, or http:// to this machine). A secret: never printed.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("json", "slack")),
    default="json",
    show_default=True,
    help="json: the documented payload (alert_schema.json); slack: an incoming-webhook message.",
)
@click.option(
    "--state",
    "state",
    type=click.Path(dir_okay=False),
    metavar="FILE",
    help="What was sent (see below for the default). Its folder is created.",
)
@click.option(
    "--secret-env",
    metavar="NAME",
    help="Sign each body with the secret in this environment variable "
    "(header X-OpenAI-Org-Usage-Signature).",
)
@click.option(
    "--forecast-pct",
    type=click.FloatRange(min=0, min_open=True, max=10_000),
    default=100.0,
    show_default=True,
    help="Alert when the month-end forecast reaches this percentage of a limit.",
)
@click.option(
    "--anomalies/--no-anomalies", default=True, show_default=True, help="Look for anomalies."
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Print the payloads that hold now, one JSON per line; post nothing, change nothing.",
)
@source_options
def alert_command(
    webhook_url: str | None,
    fmt: str,
    state: str | None,
    secret_env: str | None,
    forecast_pct: float,
    anomalies: bool,
    dry_run: bool,
    api: SourceSettings,
) -> None:
    """Post limit crossings, forecast crossings and anomalies to a webhook, once each."""
    secret = _secret(secret_env)
    if not dry_run:
        if not webhook_url or not webhook_url.strip():
            raise click.UsageError(f"no webhook: give --webhook-url or set {WEBHOOK_ENV}")
        check_webhook_url(webhook_url.strip(), "webhook_url")
    source = open_source(api)
    with source.client, demo_errors(source):
        if source.demo:
            stderr_line(DEMO_NOTICE)
        loaded = load_names(source)
        if loaded.summary:
            stderr_line(loaded.summary)
        status = budget_status(source.client, now=source.now, names=loaded.names)
        alerts = budget_alerts(status, Decimal(repr(forecast_pct)), source.now)
        if anomalies:
            scopes = anomaly_scopes(source.client, now=source.now, names=loaded.names)
            today = source.now.date()
            found = find_anomalies(scopes, start=today - timedelta(days=REPORT_DAYS), end=today)
            alerts += alerts_for_anomalies(found, observed_at=source.now)
    for note in status.notes:
        stderr_line(f"openai-org-usage: note: {note}")
    if dry_run:
        for alert in alerts:
            payload = (
                slack_payload(alert, status="firing")
                if fmt == "slack"
                else alert_payload(alert, status="firing", sent_at=source.now)
            )
            click.echo(json.dumps(payload, ensure_ascii=False, separators=(",", ":")))
        stderr_line(f"openai-org-usage: dry run: {len(alerts)} alerts hold; nothing was posted")
        return
    assert webhook_url is not None  # checked above
    path = Path(state) if state else default_state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        report = send_alerts(
            alerts,
            url=webhook_url.strip(),
            state_path=path,
            format=fmt,  # type: ignore[arg-type]  # a click.Choice of the formats
            secret=secret,
        )
    except InvalidParameterError as exc:
        if exc.param == "url":
            raise InvalidParameterError(
                "webhook_url", exc.value, exc.allowed, hint=exc.hint
            ) from None
        raise
    click.echo(
        f"alerts to {report.destination}: {len(report.sent)} sent, {len(report.resolved)} "
        f"resolved, {len(report.failed)} failed, {len(report.already_sent)} already sent"
    )
    for failure in report.failed:
        stderr_line(
            f"openai-org-usage: error: alert {failure.key} ({failure.status}) not delivered "
            f"after {failure.attempts} attempts: {failure.reason}"
        )
    if report.failed:
        sys.exit(FAILURE)


def budget_alerts(status: BudgetStatus, forecast_pct: Decimal, now: datetime) -> list[Alert]:
    """Limit crossings (50/80/100%) and forecast crossings of every scope with a limit."""
    alerts: list[Alert] = []
    for scope in status.scopes:
        if scope.limit is None or scope.limit <= 0:
            continue
        who = AlertScope(scope.kind, scope.id, scope.name)
        alerts += alerts_for_limit(
            who,
            scope.spent,
            scope.limit,
            currency=scope.currency,
            month=status.month,
            observed_at=now,
        )
        alerts += alerts_for_forecast(
            who, scope.forecast, scope.limit, forecast_pct, observed_at=now
        )
    return alerts
